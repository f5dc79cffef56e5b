#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H
/* Helpers for the CUnit suites: temporary directories, files, running the capplan binary. */
#include <stddef.h>

/* Called once before any test: see testutil.c (paths with spaces). */
void tu_init(void);
/* A fresh directory under $TMPDIR, removed at exit. The string is static storage. */
const char *tu_tmpdir(void);
/* Joins the directory and name into a static rotating buffer (8 slots). */
const char *tu_path(const char *dir, const char *name);
/* Writes text to path (asserting success). */
void tu_write(const char *path, const char *text);
/* Reads a whole file; caller frees. NULL when missing. */
char *tu_read(const char *path, size_t *len);
/* A path inside the source tree ($CAPPLAN_SRC, default "."). */
const char *tu_src(const char *rel);

/*
 * Runs `$CAPPLAN_BIN ARGS` through /bin/sh in dir (NULL = current) and returns the exit
 * status (-1 when killed by a signal). stdout and stderr are captured into *out and *err
 * when not NULL (caller frees).
 */
int tu_capplan(const char *dir, const char *args, char **out, char **err);
/* Sanitizer reports seen on children's stderr; test_main fails the run when non-zero. */
extern unsigned tu_sanitizer_reports;

/* Runs any shell command the same way. */
int tu_sh(const char *dir, const char *cmd, char **out, char **err);


/* Every suite's register function (the list is generated from tests/test_*.c). */
#define X(fn) void fn(void);
#include "suites.h"
#undef X

#endif
