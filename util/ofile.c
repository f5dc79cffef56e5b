/* Output files replaced in one step (see ofile.h). */
#include "util/ofile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ofile_open(struct ofile *o, const char *path, struct err *e)
{
	size_t len = strlen(path) + 32;

	o->f = NULL;
	o->path = path;
	if ((o->tmp = malloc(len)) == NULL)
		return err_nomem(e);
	snprintf(o->tmp, len, "%s.tmp.%ld", path, (long)getpid());
	if ((o->f = fopen(o->tmp, "w")) == NULL) {
		free(o->tmp);
		o->tmp = NULL;
		return err_set(e, ERR_RUNTIME, "%s: cannot write: %s", path, strerror(errno));
	}
	return 0;
}

int ofile_commit(struct ofile *o, struct err *e)
{
	int rc = 0, bad = ferror(o->f);

	if (fclose(o->f) != 0 || bad)
		rc = err_set(e, ERR_RUNTIME, "%s: write failed: %s", o->path,
			     bad ? "I/O error" : strerror(errno));
	else if (rename(o->tmp, o->path) != 0)
		rc = err_set(e, ERR_RUNTIME, "%s: cannot write: %s", o->path, strerror(errno));
	o->f = NULL;
	if (rc < 0)
		remove(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return rc;
}

void ofile_abort(struct ofile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		remove(o->tmp);
	free(o->tmp);
	o->f = NULL;
	o->tmp = NULL;
}
