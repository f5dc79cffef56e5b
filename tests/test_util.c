/* util/: the CSV reader, ISO times, the JSON writer, the error type. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/jw.h"
#include "util/ofile.h"
#include "util/tm.h"

static void test_csv_rfc4180(void)
{
	static const char data[] = "\xEF\xBB\xBF" "a,b,c\r\n"
				   "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
				   "\r\n"
				   "2,\"multi\nline\",\n"
				   "3,,last";
	csv_reader *r = NULL;
	struct err e = ERR_INIT;

	CU_ASSERT_EQUAL_FATAL(csv_open_mem(&r, data, sizeof(data) - 1, "mem.csv", &e), 0);
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);
	CU_ASSERT_EQUAL(csv_nfields(r), 3);
	CU_ASSERT_STRING_EQUAL(csv_field(r, 0), "a");	/* the BOM is gone */
	CU_ASSERT_EQUAL(csv_find(r, "c"), 2);
	CU_ASSERT_EQUAL(csv_find(r, "d"), -1);
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);
	CU_ASSERT_EQUAL(csv_line(r), 2);
	CU_ASSERT_STRING_EQUAL(csv_field(r, 1), "x, y");
	CU_ASSERT_STRING_EQUAL(csv_field(r, 2), "say \"hi\"");
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);	/* the blank line is skipped */
	CU_ASSERT_EQUAL(csv_line(r), 4);
	CU_ASSERT_STRING_EQUAL(csv_field(r, 1), "multi\nline");
	CU_ASSERT_EQUAL(csv_nfields(r), 3);
	CU_ASSERT_STRING_EQUAL(csv_field(r, 2), "");
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);
	CU_ASSERT_EQUAL(csv_line(r), 6);	/* the quoted newline counted */
	CU_ASSERT_STRING_EQUAL(csv_field(r, 2), "last");
	CU_ASSERT_STRING_EQUAL(csv_field(r, 9), "");
	CU_ASSERT_EQUAL(csv_next(r, &e), 0);
	csv_free(r);
}

static void test_csv_unterminated_quote(void)
{
	static const char data[] = "a,b\n1,2\n3,\"open\n4,5\n";
	csv_reader *r = NULL;
	struct err e = ERR_INIT;

	CU_ASSERT_EQUAL_FATAL(csv_open_mem(&r, data, sizeof(data) - 1, "q.csv", &e), 0);
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);
	CU_ASSERT_EQUAL(csv_next(r, &e), ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "q.csv:3:"));
	csv_free(r);
}

static void test_csv_file_and_gzip(void)
{
	const char *dir = tu_tmpdir();
	char cmd[1200];
	csv_reader *r = NULL;
	struct err e = ERR_INIT;
	int rows = 0;

	tu_write(tu_path(dir, "x.csv"), "h1,h2\nA,1\nB,2\n");
	snprintf(cmd, sizeof(cmd), "gzip -k x.csv");
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, cmd, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(csv_open(&r, tu_path(dir, "x.csv.gz"), &e), 0);
	while (csv_next(r, &e) == 1) {
		if (++rows == 3)
			CU_ASSERT_STRING_EQUAL(csv_field(r, 0), "B");
	}
	CU_ASSERT_EQUAL(rows, 3);
	csv_free(r);
	CU_ASSERT_EQUAL(csv_open(&r, tu_path(dir, "missing.csv"), &e), ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "missing.csv"));
}

/* A .csv.gz cut short is said to be truncated, not a row with too few fields. */
static void test_csv_gzip_truncated(void)
{
	const char *dir = tu_tmpdir();
	csv_reader *r = NULL;
	struct err e = ERR_INIT;
	int rows = 0, rc;

	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "(echo h1,h2,h3; seq 1 3000 | awk '{print $1\",x\"$1\",\"$1*7}')"
				    " > y.csv && gzip -n y.csv && head -c $(($(wc -c < y.csv.gz) / 2))"
				    " y.csv.gz > t.csv.gz", NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(csv_open(&r, tu_path(dir, "t.csv.gz"), &e), 0);
	while ((rc = csv_next(r, &e)) == 1) {
		rows++;
		CU_ASSERT_EQUAL(csv_nfields(r), 3);
	}
	CU_ASSERT(rc < 0);
	CU_ASSERT(rows > 1 && rows < 3001);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "t.csv.gz:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, ": truncated or corrupt gzip stream"));
	csv_free(r);
}

static void test_tm_parse_format(void)
{
	int64_t t;
	char b[TM_ISO_LEN];

	CU_ASSERT_EQUAL(tm_parse("1970-01-01T00:00:00Z", &t), 0);
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_EQUAL(tm_parse("2026-12-01T05:00:00Z", &t), 0);
	CU_ASSERT_EQUAL(t, 1796101200);
	tm_format(t, b);
	CU_ASSERT_STRING_EQUAL(b, "2026-12-01T05:00:00Z");
	CU_ASSERT_EQUAL(tm_parse("2026-12-01 05:00:00 UTC", &t), 0);
	CU_ASSERT_EQUAL(t, 1796101200);
	CU_ASSERT_EQUAL(tm_parse("2026-12-01T07:00:00+02:00", &t), 0);
	CU_ASSERT_EQUAL(t, 1796101200);
	CU_ASSERT_EQUAL(tm_parse("2026-12-01T05:00:00.000Z", &t), 0);
	CU_ASSERT_EQUAL(t, 1796101200);
	CU_ASSERT_EQUAL(tm_parse("2024-02-29", &t), 0);
	CU_ASSERT_EQUAL(tm_parse("2023-02-29", &t), -1);
	CU_ASSERT_EQUAL(tm_parse("2026-13-01T00:00:00Z", &t), -1);
	CU_ASSERT_EQUAL(tm_parse("2026-12-01T24:00:00Z", &t), -1);
	CU_ASSERT_EQUAL(tm_parse("yesterday", &t), -1);
	CU_ASSERT_EQUAL(tm_parse("2026-12-01T05:00:00Zjunk", &t), -1);
	tm_format(-1, b);
	CU_ASSERT_STRING_EQUAL(b, "1969-12-31T23:59:59Z");
}

static void test_tm_isoweek(void)
{
	int64_t t, mon;
	char b[TM_ISO_LEN];

	/* 2026-W47 runs Monday 16 to Sunday 22 November 2026 */
	CU_ASSERT_EQUAL(tm_parse_isoweek("2026-W47", &t), 0);
	tm_format(t, b);
	CU_ASSERT_STRING_EQUAL(b, "2026-11-16T00:00:00Z");
	CU_ASSERT_EQUAL(tm_parse("2026-11-22T23:00:00Z", &mon), 0);
	CU_ASSERT_EQUAL(tm_week_start(mon), t);
	tm_format_isoweek(mon, b);
	CU_ASSERT_STRING_EQUAL(b, "2026-W47");
	/* 1 January 2021 (a Friday) belongs to 2020-W53 */
	CU_ASSERT_EQUAL(tm_parse("2021-01-01T12:00:00Z", &t), 0);
	tm_format_isoweek(t, b);
	CU_ASSERT_STRING_EQUAL(b, "2020-W53");
	CU_ASSERT_EQUAL(tm_parse_isoweek("2025-W53", &t), -1);	/* 2025 has 52 weeks */
	CU_ASSERT_EQUAL(tm_parse_isoweek("2026-W53", &t), 0);	/* 2026 starts on a Thursday */
	CU_ASSERT_EQUAL(tm_parse_isoweek("2020-W53", &t), 0);
}

static void test_jw_numbers(void)
{
	jw *w = jw_new(0);
	const char *t;

	jw_arr(w);
	jw_num(w, 32.77);
	jw_num(w, 0.1);
	jw_num(w, NAN);
	jw_num(w, 1e-7);
	jw_int(w, -3);
	jw_str(w, "a\"b");
	jw_arr_end(w);
	t = jw_text(w, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "[32.77,0.1,null,1e-07,-3,\"a\\\"b\"]");
	jw_free(w);
}

static void test_buf(void)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(buf_printf(&b, "%d,", i), 0);
	CU_ASSERT_EQUAL(strncmp(buf_str(&b), "0,1,2,", 6), 0);
	CU_ASSERT_EQUAL(b.len, strlen(b.p));
	buf_release(&b);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
}

static void test_buf_grow_array(void)
{
	size_t cap = 0, i;
	int *v = NULL, *t;

	for (i = 0; i < 100; i++) {
		t = buf_grow_array(v, &cap, i + 1, sizeof(*v));
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		v = t;
		v[i] = (int)i;
	}
	CU_ASSERT_EQUAL(cap, 128);	/* 16, 32, 64, 128 */
	CU_ASSERT_EQUAL(v[99], 99);
	CU_ASSERT_PTR_EQUAL(buf_grow_array(v, &cap, 128, sizeof(*v)), v);	/* room already */
	/* a size that would overflow fails and leaves the array and its capacity alone */
	CU_ASSERT_PTR_NULL(buf_grow_array(v, &cap, SIZE_MAX / 2, sizeof(*v)));
	CU_ASSERT_EQUAL(cap, 128);
	CU_ASSERT_EQUAL(v[50], 50);
	free(v);
}

/* csv_find_after: a header naming a column twice can be told from one that does not */
static void test_csv_find_after(void)
{
	static const char data[] = "a, b ,c,b\n1,2,3,4\n";
	csv_reader *r = NULL;
	struct err e = ERR_INIT;

	CU_ASSERT_EQUAL_FATAL(csv_open_mem(&r, data, sizeof(data) - 1, "mem.csv", &e), 0);
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);
	CU_ASSERT_EQUAL(csv_find(r, "b"), 1);
	CU_ASSERT_EQUAL(csv_find_after(r, "b", 1), 3);
	CU_ASSERT_EQUAL(csv_find_after(r, "b", 3), -1);
	CU_ASSERT_EQUAL(csv_find_after(r, "a", 0), -1);
	CU_ASSERT_EQUAL(csv_find_after(r, "c", -1), 2);
	csv_free(r);
}

/*
 * Errors are printed as one line (capplan CMD: MESSAGE): text that comes from elsewhere (a
 * server's error string, yajl's "lexical error: ...\n") must not break it into several lines
 * or carry terminal escapes.
 */
static void test_err_one_line(void)
{
	struct err e = ERR_INIT;

	CU_ASSERT_EQUAL(err_set(&e, ERR_RUNTIME, "prometheus: %s: the answer is not JSON: %s",
				"http://127.0.0.1:9", "lexical error: invalid char in json text.\n"),
			ERR_RUNTIME);
	CU_ASSERT_STRING_EQUAL(e.msg, "prometheus: http://127.0.0.1:9: the answer is not JSON: "
			       "lexical error: invalid char in json text.");
	err_set(&e, ERR_INPUT, "bad_data: %s", "line one\r\nline two\t\x1b[31mred\x7f");
	CU_ASSERT_STRING_EQUAL(e.msg, "bad_data: line one  line two  [31mred");
	CU_ASSERT_EQUAL(e.code, ERR_INPUT);
	/* UTF-8 is text, not a control character */
	err_set(&e, ERR_INPUT, "%s", "\xc3\xa9t\xc3\xa9\n\n");
	CU_ASSERT_STRING_EQUAL(e.msg, "\xc3\xa9t\xc3\xa9");
	CU_ASSERT_EQUAL(err_wrap(&e, "%s", "file.csv\n"), ERR_INPUT);
	CU_ASSERT_STRING_EQUAL(e.msg, "file.csv : \xc3\xa9t\xc3\xa9");
}

/* An output file is replaced whole on commit; an abort leaves the old one and no temp file. */
static void test_ofile(void)
{
	const char *dir = tu_tmpdir(), *path = tu_path(dir, "out.csv");
	struct ofile o = OFILE_INIT;
	struct err e = ERR_INIT;
	char *text = NULL;

	tu_write(path, "old\n");
	CU_ASSERT_EQUAL_FATAL(ofile_open(&o, path, &e), 0);
	fputs("half", o.f);
	ofile_abort(&o);
	text = tu_read(path, NULL);
	CU_ASSERT_STRING_EQUAL(text ? text : "", "old\n");
	free(text);
	CU_ASSERT_EQUAL_FATAL(ofile_open(&o, path, &e), 0);
	fputs("new\n", o.f);
	text = tu_read(path, NULL);	/* not yet: readers still see the old file */
	CU_ASSERT_STRING_EQUAL(text ? text : "", "old\n");
	free(text);
	CU_ASSERT_EQUAL(ofile_commit(&o, &e), 0);
	ofile_abort(&o);		/* after a commit: nothing */
	text = tu_read(path, NULL);
	CU_ASSERT_STRING_EQUAL(text ? text : "", "new\n");
	free(text);
	text = NULL;
	tu_sh(dir, "ls -A | grep -c tmp", &text, NULL);
	CU_ASSERT_STRING_EQUAL(text ? text : "", "0\n");
	free(text);
	/* a folder that is not there: the error names the path given, not the temporary one */
	CU_ASSERT_EQUAL(ofile_open(&o, tu_path(dir, "no/such/x.csv"), &e), ERR_RUNTIME);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "no/such/x.csv: cannot write: "));
	CU_ASSERT_PTR_NULL(strstr(e.msg, ".tmp."));
}

void util_suite_register(void)
{
	CU_pSuite s = CU_add_suite("util", NULL, NULL);

	CU_add_test(s, "csv: RFC 4180 quoting, BOM, CRLF, blank lines", test_csv_rfc4180);
	CU_add_test(s, "csv: an unterminated quote names its line", test_csv_unterminated_quote);
	CU_add_test(s, "csv: files and gzip", test_csv_file_and_gzip);
	CU_add_test(s, "csv: a truncated .csv.gz is said to be truncated", test_csv_gzip_truncated);
	CU_add_test(s, "tm: ISO 8601 parse and format", test_tm_parse_format);
	CU_add_test(s, "tm: ISO weeks", test_tm_isoweek);
	CU_add_test(s, "jw: shortest numbers, null for NAN, escapes", test_jw_numbers);
	CU_add_test(s, "buf: growth", test_buf);
	CU_add_test(s, "buf: arrays grow by doubling, overflow refused", test_buf_grow_array);
	CU_add_test(s, "csv: a column named again after another", test_csv_find_after);
	CU_add_test(s, "ofile: replaced whole on commit, untouched on abort", test_ofile);
	CU_add_test(s, "err: messages stay one line without control characters",
		    test_err_one_line);
}
