/* Helpers shared by the cmd_*.c files. */
#include "planner/cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cmd_info(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void cmd_debug(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->verbose || ctx->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int cmd_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

int cmd_usage_error(const struct cmd_entry *c, struct err *e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(e, ERR_INPUT, "%s (see capplan %s --help)", msg, c->name);
}

int cmd_time_limit(const struct cmd_entry *c, const char *arg, double *out, struct err *e)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (*end || end == arg || errno || !(*out > 0) || *out > 86400)
		return cmd_usage_error(c, e, "--time-limit is \"%s\", not seconds in (0, 86400]",
				       arg);
	return 0;
}
