#ifndef UTIL_OFILE_H
#define UTIL_OFILE_H
/*
 * An output file that readers never see half written: it is written beside its final name
 * (PATH.tmp.PID) and renamed into place by ofile_commit; ofile_abort removes it, so a failed
 * run leaves the last good file as it was. Errors name the path the user gave, never ours.
 */
#include <stdio.h>

#include "util/err.h"

struct ofile {
	FILE *f;		/* write here between open and commit */
	char *tmp;
	const char *path;	/* borrowed */
};
#define OFILE_INIT { NULL, NULL, NULL }

int ofile_open(struct ofile *o, const char *path, struct err *e);
/* Closes and renames into place; on failure the temporary file is removed. */
int ofile_commit(struct ofile *o, struct err *e);
/* Closes and removes what was written (any state, also after a commit: then a no-op). */
void ofile_abort(struct ofile *o);

#endif
