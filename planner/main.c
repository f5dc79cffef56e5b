/*
 * capplan: a cost-optimizing capacity planner for GPU fleets.
 * main() parses the global options, finds the command in the table and maps its result
 * to an exit status: 0 ok, 1 runtime failure, 2 usage or input error, 3 plan infeasible.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/cmd.h"

#ifndef CAPPLAN_VERSION
#define CAPPLAN_VERSION "0.1.0"
#endif

static const struct cmd_entry *const commands[] = {
	&cmd_init,
	&cmd_prices,
	&cmd_usage,
	&cmd_forecast,
	&cmd_plan,
	&cmd_report,
	&cmd_whatif,
	&cmd_backtest,
	&cmd_apply,
	&cmd_commitments,
	&cmd_audit,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: capplan [--config FILE] [--db FILE] [--json] [-q] [-v] <command> [options]\n\n"
		   "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nglobal options (before or after the command):\n"
		   "  --config FILE  configuration (default ./capplan.yaml, then\n"
		   "                 $XDG_CONFIG_HOME/capplan/capplan.yaml)\n"
		   "  --db FILE      the store (default: \"store\" in the config, else ./capplan.db)\n"
		   "  --json         machine-readable output on stdout\n"
		   "  -q, --quiet    print errors only\n"
		   "  -v, --verbose  say more on stderr\n"
		   "  --help         this text; `capplan COMMAND --help` for a command\n"
		   "  --version      print the version\n"
		   "\nexit status:\n"
		   "  0  ok\n"
		   "  1  runtime failure (I/O, network, provider error, apply shortfall)\n"
		   "  2  usage or input error (bad flag, config, CSV or JSON), or a guard rail refused\n"
		   "  3  plan infeasible under the constraints\n");
}

/*
 * Takes the global options out of argv wherever they stand (before a "--"), so that
 * `capplan plan --json` and `capplan --json plan` mean the same. Returns the new argc,
 * or -1 on a malformed option (message in e).
 */
static int take_globals(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	int i, j = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			while (i < argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(a, "--config") == 0 || strcmp(a, "--db") == 0) {
			if (i + 1 >= argc) {
				err_set(e, ERR_INPUT, "option \"%s\" needs a file name", a);
				return -1;
			}
			if (a[2] == 'c')
				ctx->config_path = argv[++i];
			else
				ctx->db_path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			ctx->config_path = a + 9;
		} else if (strncmp(a, "--db=", 5) == 0) {
			ctx->db_path = a + 5;
		} else if (strcmp(a, "--json") == 0) {
			ctx->json = 1;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			ctx->quiet = 1;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			ctx->verbose++;
		} else {
			argv[j++] = argv[i];
		}
	}
	argv[j] = NULL;
	return j;
}

int main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	struct err e = ERR_INIT;
	const char *name;
	size_t i;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.argv0 = argv[0];
	if ((argc = take_globals(&ctx, argc, argv, &e)) < 0) {
		fprintf(stderr, "capplan: %s\n", e.msg);
		return 2;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		if (argc > 2) {
			for (i = 0; i < NCOMMANDS; i++)
				if (strcmp(commands[i]->name, argv[2]) == 0) {
					fputs(commands[i]->usage, stdout);
					return 0;
				}
		}
		usage(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("capplan %s\n", CAPPLAN_VERSION);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			break;
	if (i == NCOMMANDS) {
		fprintf(stderr, "capplan: unknown command \"%s\" (see capplan --help)\n", name);
		return 2;
	}
	if (cmd_wants_help(argc - 1, argv + 1)) {
		fputs(commands[i]->usage, stdout);
		return 0;
	}
	rc = commands[i]->run(&ctx, argc - 1, argv + 1, &e);
	if (rc < 0) {
		fprintf(stderr, "capplan %s: %s\n", name, e.msg[0] ? e.msg : "failed");
		return err_exit_code(rc);
	}
	/*
	 * What a command prints is its result: a full disk must not pass for success (a cron
	 * job's `capplan plan --json > plan.json` kept exit 0 with an empty file).
	 */
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "capplan %s: standard output: write failed%s%s\n", name,
			errno ? ": " : "", errno ? strerror(errno) : "");
		return 1;
	}
	return 0;
}
