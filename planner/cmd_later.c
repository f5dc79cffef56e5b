/*
 * Commands whose issues have not landed yet: each says so and exits 2, so that a script
 * calling one fails loudly instead of doing nothing.
 */
#include "planner/cmd.h"

static int not_yet(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	(void)ctx;
	(void)argc;
	return err_set(e, ERR_INPUT, "\"%s\" is not available yet in this version of capplan",
		       argv[0]);
}

const struct cmd_entry cmd_whatif = {
	"whatif", "compare the plan under changed assumptions (not yet)",
	"usage: capplan whatif --set KEY=VALUE ... (not yet available)\n", not_yet,
};
const struct cmd_entry cmd_backtest = {
	"backtest", "replay a policy over past weeks (not yet)",
	"usage: capplan backtest --from DATE --to DATE (not yet available)\n", not_yet,
};
const struct cmd_entry cmd_apply = {
	"apply", "carry a fleet plan out through the provider APIs (not yet)",
	"usage: capplan apply [--plan ID] [--dry-run|--yes] (not yet available)\n", not_yet,
};
const struct cmd_entry cmd_commitments = {
	"commitments", "list commitments already owned (not yet)",
	"usage: capplan commitments list [--json] (not yet available)\n", not_yet,
};
const struct cmd_entry cmd_audit = {
	"audit", "show the audit log of provider calls (not yet)",
	"usage: capplan audit [--since DATE] (not yet available)\n", not_yet,
};
