#ifndef PROVIDERS_JSTREAM_H
#define PROVIDERS_JSTREAM_H
/*
 * A thin layer over yajl's callback parser that keeps the path of map keys from the root, so
 * that the price parsers can say "a string at Items[].armSkuName" without each keeping its own
 * stack. Memory is bounded by the nesting depth (JSTREAM_MAX_DEPTH) and the longest token,
 * which JSTREAM_MAX_TOKEN bounds in turn. Private to providers/.
 */
#include <stddef.h>

#include "util/err.h"

#define JSTREAM_MAX_DEPTH 32
#define JSTREAM_MAX_KEY 96
/*
 * The most bytes fed without any token completing. yajl keeps a token that spans chunks in
 * one growing buffer and lexes it again from its start at every chunk, so a server answering
 * one endless string would take memory and quadratic time until the transfer timed out
 * (300 s by default, per attempt). Real tokens are far shorter: the longest are AWS
 * PriceList items, a few tens of kilobytes.
 */
#define JSTREAM_MAX_TOKEN (4u << 20)

enum { JS_STRING, JS_NUMBER, JS_BOOL, JS_NULL };

struct jstream;

struct jstream_handler {
	/* A scalar value. s is not NUL-terminated; numbers come as their text. */
	int (*scalar)(void *arg, struct jstream *j, int type, const char *s, size_t n);
	/* A map or array was opened (depth already counts it) / is about to close. */
	int (*open)(void *arg, struct jstream *j, int is_map);
	int (*close)(void *arg, struct jstream *j, int is_map);
};

/* what names the input in messages ("GetProducts page 3"). Handlers return < 0 to stop. */
int jstream_new(struct jstream **out, const struct jstream_handler *h, void *arg,
		const char *what, struct err *e);
void jstream_free(struct jstream *j);
int jstream_feed(struct jstream *j, const char *p, size_t n, struct err *e);
/* Checks that the document ended properly (a truncated body fails here). */
int jstream_finish(struct jstream *j, struct err *e);
/* Starts over with a new document (after a retried request). */
int jstream_reset(struct jstream *j, struct err *e);

/* The number of open containers around the current value. */
size_t jstream_depth(const struct jstream *j);
/* The key under which level i (1..depth) holds the current value; "" inside arrays. */
const char *jstream_key(const struct jstream *j, size_t i);
/* 1 when level i is an array. */
int jstream_in_array(const struct jstream *j, size_t i);
/*
 * 1 when the path of keys from the root is exactly the given NULL-terminated list, where "[]"
 * stands for an array level and "*" for any key.
 */
int jstream_at(const struct jstream *j, ...);
/* The handler's error: sets e with the input name and byte offset, returns ERR_INPUT. */
int jstream_fail(struct jstream *j, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
