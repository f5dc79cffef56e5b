#ifndef PLANNER_CMD_H
#define PLANNER_CMD_H
/*
 * The command table: each cmd_<name>.c exports one struct cmd_entry; main.c lists them
 * and generates `capplan --help` from the table.
 */
#include <stdio.h>

#include "util/err.h"

struct config;

/* What every command gets: the global options, parsed before the command name. */
struct cmd_ctx {
	const char *config_path;	/* --config, or NULL: ./capplan.yaml, then $XDG_CONFIG_HOME */
	const char *db_path;		/* --db, or NULL: from config, else ./capplan.db */
	int json;			/* --json: machine output on stdout */
	int quiet;			/* -q: errors only */
	int verbose;			/* -v: more on stderr */
	const char *argv0;
};

struct cmd_entry {
	const char *name;
	const char *summary;		/* one line for --help */
	const char *usage;		/* the full usage text of `capplan NAME --help` */
	/* argv[0] is the command name. Returns 0 or a negative ERR_* code with e filled. */
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);
};

extern const struct cmd_entry cmd_init;
extern const struct cmd_entry cmd_prices;
extern const struct cmd_entry cmd_usage;
extern const struct cmd_entry cmd_forecast;
extern const struct cmd_entry cmd_plan;
extern const struct cmd_entry cmd_report;
extern const struct cmd_entry cmd_whatif;
extern const struct cmd_entry cmd_backtest;
extern const struct cmd_entry cmd_apply;
extern const struct cmd_entry cmd_commitments;
extern const struct cmd_entry cmd_audit;

/* Informational output on stderr, silenced by -q; verbose only with -v. */
void cmd_info(const struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_debug(const struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns 1 when argv[i] is "--help" or "-h" for any i (the command prints its usage). */
int cmd_wants_help(int argc, char **argv);
/* Sets e to a usage error naming the command and the offending argument. */
int cmd_usage_error(const struct cmd_entry *c, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* --time-limit SECONDS, in (0, 86400], for the commands that solve (plan, whatif, backtest). */
int cmd_time_limit(const struct cmd_entry *c, const char *arg, double *out, struct err *e);

#endif
