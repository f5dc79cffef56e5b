/* capplan init: a commented default configuration and an empty store. */
#include "planner/planner.h"
#include "util/jw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_init = {
	"init", "write a commented default capplan.yaml and create the store",
	"usage: capplan init [--force]\n\n"
	"Writes the default configuration to --config (default ./capplan.yaml) unless it\n"
	"exists (--force overwrites it), then creates the store (--db, else \"store\" in it).\n",
	run,
};

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	const char *path = ctx->config_path ? ctx->config_path : "capplan.yaml";
	struct config *cfg = NULL;
	struct store *st = NULL;
	int force = 0, rc = 0, fd, i, wrote = 0;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else
			return cmd_usage_error(&cmd_init, e, "unknown option \"%s\"", argv[i]);
	}
	/* O_EXCL: never overwrite a configuration someone wrote, unless told to */
	fd = open(path, O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0 && errno != EEXIST)
		return err_set(e, ERR_RUNTIME, "%s: cannot write: %s", path, strerror(errno));
	if (fd >= 0) {
		if ((f = fdopen(fd, "w")) == NULL) {
			close(fd);
			return err_set(e, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		}
		fputs(config_default_yaml, f);
		if (fclose(f) != 0)
			return err_set(e, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		wrote = 1;
	}
	if ((rc = config_load(&cfg, path, e)) < 0)
		goto out;
	if ((rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if (ctx->json) {
		jw *w = jw_new(0);

		if (w == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_obj(w);
		jw_kstr(w, "config", path);
		jw_kbool(w, "config_written", wrote);
		jw_kstr(w, "store", store_path(st));
		jw_kint(w, "schema", store_schema_version(st));
		jw_obj_end(w);
		rc = jw_write(w, stdout, e);
		jw_free(w);
	} else if (wrote)
		cmd_info(ctx, "wrote %s; store %s (schema %d)\n", path, store_path(st),
			 store_schema_version(st));
	else
		cmd_info(ctx, "%s exists (kept; --force overwrites it); store %s (schema %d)\n", path,
			 store_path(st), store_schema_version(st));
out:
	store_close(st);
	config_free(cfg);
	return rc;
}
