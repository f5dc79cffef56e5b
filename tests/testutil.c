#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmproot[512];

static void cleanup(void)
{
	char cmd[600];

	if (tmproot[0] && getenv("CAPPLAN_KEEP_TMP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmproot);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmproot);
	}
}

static void make_root(void)
{
	const char *base = getenv("TMPDIR");

	if (tmproot[0] != '\0')
		return;
	snprintf(tmproot, sizeof(tmproot), "%s/capplan-test-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(tmproot) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(cleanup);
}

/* Points variable `name` at a symlink to its value inside the temporary root. */
static void alias_env(const char *name, const char *link)
{
	const char *v = getenv(name);
	char path[700];

	if (v == NULL || v[strcspn(v, " \t'\"\\$`")] == '\0')
		return;		/* nothing a shell would split or expand */
	snprintf(path, sizeof(path), "%s/%s", tmproot, link);
	if (symlink(v, path) != 0 || setenv(name, path, 1) != 0) {
		perror(path);
		exit(1);
	}
}

void tu_init(void)
{
	/*
	 * Tests paste fixture paths and the binary into shell command lines: a checkout under a
	 * folder with a space (or a quote) would split them. Such paths are reached through
	 * symlinks in the temporary root instead, whose name is ours.
	 */
	make_root();
	alias_env("CAPPLAN_SRC", "src");
	alias_env("CAPPLAN_BIN", "capplan");
}

const char *tu_tmpdir(void)
{
	static char dir[600];
	static int n;

	make_root();
	snprintf(dir, sizeof(dir), "%s/t%d", tmproot, ++n);
	if (mkdir(dir, 0700) != 0) {
		perror(dir);
		exit(1);
	}
	return dir;
}

const char *tu_path(const char *dir, const char *name)
{
	static char bufs[8][1024];
	static int k;
	char *b = bufs[k++ % 8];

	snprintf(b, 1024, "%s/%s", dir, name);
	return b;
}

void tu_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			p = realloc(p, cap);
			if (p == NULL)
				exit(1);
		}
		r = fread(p + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

const char *tu_src(const char *rel)
{
	static char bufs[4][1024];
	static int k;
	const char *src = getenv("CAPPLAN_SRC");
	char *b = bufs[k++ % 4];

	snprintf(b, 1024, "%s/%s", src ? src : ".", rel);
	return b;
}

unsigned tu_sanitizer_reports;

/*
 * A sanitizer report from a child capplan must fail the run even when the test expected a
 * non-zero exit: look for one in everything a child printed on stderr.
 */
static void check_sanitizers(const char *cmd, const char *text)
{
	if (text == NULL)
		return;
	if (strstr(text, "ERROR: AddressSanitizer") || strstr(text, "ERROR: LeakSanitizer") ||
	    strstr(text, "runtime error:") || strstr(text, "UndefinedBehaviorSanitizer")) {
		tu_sanitizer_reports++;
		fprintf(stderr, "\n*** sanitizer report from: %s\n%s\n", cmd, text);
	}
}

int tu_sh(const char *dir, const char *cmd, char **out, char **err)
{
	char *errtext;
	char *full, outf[64], errf[64];
	const char *base = getenv("TMPDIR");
	int st, fd1, fd2;
	size_t len;

	snprintf(outf, sizeof(outf), "%s/capplan-out-XXXXXX", base ? base : "/tmp");
	snprintf(errf, sizeof(errf), "%s/capplan-err-XXXXXX", base ? base : "/tmp");
	fd1 = mkstemp(outf);
	fd2 = mkstemp(errf);
	if (fd1 < 0 || fd2 < 0)
		exit(1);
	close(fd1);
	close(fd2);
	len = strlen(cmd) + strlen(dir ? dir : ".") + 256;
	full = malloc(len);
	snprintf(full, len, "cd '%s' && ( %s ) >'%s' 2>'%s' </dev/null", dir ? dir : ".", cmd,
		 outf, errf);
	st = system(full);
	free(full);
	if (out)
		*out = tu_read(outf, NULL);
	errtext = tu_read(errf, NULL);
	check_sanitizers(cmd, errtext);
	if (err)
		*err = errtext;
	else
		free(errtext);
	unlink(outf);
	unlink(errf);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int tu_capplan(const char *dir, const char *args, char **out, char **err)
{
	const char *bin = getenv("CAPPLAN_BIN");
	char *cmd;
	size_t len;
	int rc;

	if (bin == NULL)
		bin = "capplan";
	len = strlen(bin) + strlen(args) + 8;
	cmd = malloc(len);
	snprintf(cmd, len, "'%s' %s", bin, args);
	rc = tu_sh(dir, cmd, out, err);
	free(cmd);
	return rc;
}
