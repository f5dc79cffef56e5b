#ifndef PLANNER_LOCK_H
#define PLANNER_LOCK_H
/*
 * One apply at a time: an exclusive flock(2) on a file beside the store ("STORE.lock").
 * The kernel drops the lock when its holder dies, so a run killed with -9 leaves nothing
 * to clean up; the file keeps the holder's pid, host and start time for the message.
 */
#include "util/err.h"

struct lock;

/*
 * Takes the lock at path without waiting. When another process holds it: ERR_RUNTIME
 * with a message naming the lock file and its holder.
 */
int lock_acquire(struct lock **out, const char *path, struct err *e);
/* Releases and frees; NULL does nothing. The file stays (removing it would race). */
void lock_release(struct lock *l);

#endif
