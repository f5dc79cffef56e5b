/* capplan audit: not built yet; says so and exits 2 so that a script fails loudly. */
#include "planner/cmd.h"

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	(void)ctx;
	(void)argc;
	return err_set(e, ERR_INPUT, "\"%s\" is not available yet in this version of capplan",
		       argv[0]);
}

const struct cmd_entry cmd_audit = {
	"audit", "show the audit log of provider calls (not yet)",
	"usage: capplan audit [--since DATE] (not yet available)\n", run,
};
