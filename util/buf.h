#ifndef UTIL_BUF_H
#define UTIL_BUF_H
/* A growable byte buffer, always NUL-terminated once anything was added. */
#include <stddef.h>

struct buf {
	char *p;
	size_t len;
	size_t cap;
};
#define BUF_INIT { NULL, 0, 0 }

/* Each returns 0 or ERR_NOMEM. */
int buf_grow(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Room for need elements of size bytes in p, whose capacity is *cap (doubling, from 16).
 * Returns p itself when it is already large enough, the grown array (and the new *cap), or
 * NULL when out of memory or past SIZE_MAX, with p and *cap untouched and still valid.
 * One place for the loop every reader of rows into an array would otherwise repeat.
 */
void *buf_grow_array(void *p, size_t *cap, size_t need, size_t size);
/* Empties without freeing. */
void buf_reset(struct buf *b);
/* Frees the storage; the buffer is BUF_INIT again. */
void buf_release(struct buf *b);
/* Hands the string to the caller (who frees it); the buffer is BUF_INIT again. */
char *buf_detach(struct buf *b);
/* Returns the contents, "" when empty (never NULL). */
const char *buf_str(const struct buf *b);

#endif
