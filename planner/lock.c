/* The apply lock: flock(2) on STORE.lock, holder written into the file for messages. */
#include "planner/lock.h"
#include "util/tm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct lock {
	int fd;
};

int lock_acquire(struct lock **out, const char *path, struct err *e)
{
	struct lock *l = NULL;
	char holder[256], host[128], when[TM_ISO_LEN];
	ssize_t n;
	int fd, len;

	*out = NULL;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return err_set(e, ERR_RUNTIME, "lock \"%s\": cannot open: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int saved = errno;

		n = pread(fd, holder, sizeof(holder) - 1, 0);
		holder[n > 0 ? n : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		close(fd);
		if (saved == EWOULDBLOCK)
			return err_set(e, ERR_RUNTIME, "lock \"%s\" is held by another capplan apply "
				       "(%s): try again when it has finished", path,
				       holder[0] ? holder : "holder unknown");
		return err_set(e, ERR_RUNTIME, "lock \"%s\": %s", path, strerror(saved));
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		close(fd);
		return err_nomem(e);
	}
	l->fd = fd;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	tm_format(tm_now(), when);
	len = snprintf(holder, sizeof(holder), "pid %ld on %s since %s\n", (long)getpid(), host,
		       when);
	/* only informative: a failed write leaves the lock itself intact */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, holder, (size_t)len, 0) < 0)
		holder[0] = '\0';
	*out = l;
	return 0;
}

void lock_release(struct lock *l)
{
	if (l == NULL)
		return;
	if (ftruncate(l->fd, 0) != 0)
		l->fd = l->fd;	/* the holder line is informative only */
	flock(l->fd, LOCK_UN);
	close(l->fd);
	free(l);
}
