/*
 * apply: the reconcile logic on its own, then `capplan apply` end to end against the
 * stateful fake compute API (tests/fakecloud/compute.py) on 127.0.0.1.
 */
#include <CUnit/CUnit.h>
#include <curl/curl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "planner/apply.h"
#include "planner/plan.h"
#include "planner/store.h"
#include "providers/providers.h"
#include "tests/testutil.h"
#include "util/buf.h"
#include "util/tm.h"

/* --- helpers --------------------------------------------------------------------------- */

static struct plan_result *fixture_plan(void)
{
	char *json = tu_read(tu_src("tests/data/apply/plan.json"), NULL);
	struct plan_result *r = NULL;
	struct err e = ERR_INIT;

	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	CU_ASSERT_EQUAL(plan_from_json(&r, json, "plan.json", &e), 0);
	free(json);
	return r;
}

static const struct apply_pool *pool_of(const struct apply_diff *d, const char *pool)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->pools[i].pool, pool) == 0)
			return &d->pools[i];
	return NULL;
}

struct fake {
	pid_t pid;
	int port;
	char dir[600];
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Every fake started, so that the suite's cleanup stops those a failed assertion left. */
static pid_t fakes[64];
static size_t nfakes;

static int suite_cleanup(void)
{
	size_t i;

	for (i = 0; i < nfakes; i++)
		if (fakes[i] > 0 && kill(fakes[i], SIGTERM) == 0)
			waitpid(fakes[i], NULL, 0);
	nfakes = 0;
	return 0;
}

/* Starts the fake, which exits by itself once process watch is gone. */
static int fake_start_watching(struct fake *f, const char *dir, pid_t watch)
{
	char pf[700], wp[32];
	char *s;
	size_t k;
	int i;

	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	snprintf(pf, sizeof(pf), "%s/fake.port", dir);
	snprintf(wp, sizeof(wp), "%ld", (long)watch);
	f->pid = fork();
	if (f->pid == 0) {
		execlp("python3", "python3", tu_src("tests/fakecloud/compute.py"), "--port-file", pf,
		       "--watch-pid", wp, (char *)NULL);
		_exit(127);
	}
	/* reuse the slots of stopped fakes, so that no fake goes untracked however many run */
	for (k = 0; f->pid > 0 && k < nfakes && fakes[k] != 0; k++)
		;
	if (f->pid > 0 && k < sizeof(fakes) / sizeof(fakes[0])) {
		fakes[k] = f->pid;
		if (k == nfakes)
			nfakes++;
	}
	for (i = 0; i < 600; i++) {
		if ((s = tu_read(pf, NULL)) != NULL) {
			f->port = atoi(s);
			free(s);
			return f->port > 0 ? 0 : -1;
		}
		sleep_ms(50);
	}
	return -1;
}

static int fake_start(struct fake *f, const char *dir)
{
	return fake_start_watching(f, dir, getpid());
}

static void fake_stop(struct fake *f)
{
	size_t i;

	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
		for (i = 0; i < nfakes; i++)
			if (fakes[i] == f->pid)
				fakes[i] = 0;
		f->pid = 0;
	}
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	buf_add(ud, p, size * n);
	return size * n;
}

/* GET (body NULL) or POST to the fake's control API; returns the body (caller frees). */
static char *fake_req(const struct fake *f, const char *path, const char *body)
{
	struct buf b = BUF_INIT;
	char url[256];
	CURL *c = curl_easy_init();

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", f->port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	CU_ASSERT_EQUAL(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	buf_puts(&b, "");
	return buf_detach(&b);
}

static void fake_config(const struct fake *f, const char *json)
{
	free(fake_req(f, "/_fake/config", json));
}

static yajl_val fake_state(const struct fake *f)
{
	char *s = fake_req(f, "/_fake/state", NULL);
	yajl_val v = yajl_tree_parse(s, NULL, 0);

	free(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return v;
}

static yajl_val get(yajl_val o, const char *k)
{
	const char *path[2] = { k, NULL };

	return yajl_tree_get(o, path, yajl_t_any);
}

/* A string member, "" when absent. */
static const char *gets(yajl_val o, const char *k)
{
	const char *s = YAJL_GET_STRING(get(o, k));

	return s ? s : "";
}

static const char *tag(yajl_val inst, const char *k)
{
	yajl_val t = get(inst, "tags");
	const char *path[2] = { k, NULL };
	yajl_val v = t ? yajl_tree_get(t, path, yajl_t_string) : NULL;

	return v ? YAJL_GET_STRING(v) : NULL;
}

/* Running instances carrying pool (NULL = any), and calls of op so far. */
static int count_running(yajl_val st, const char *pool)
{
	yajl_val a = get(st, "instances");
	size_t i;
	int n = 0;

	for (i = 0; a && i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];
		const char *p = tag(x, "capplan:pool");

		if (strcmp(gets(x, "state"), "running") != 0)
			continue;
		if (pool == NULL || (p && strcmp(p, pool) == 0))
			n++;
	}
	return n;
}

static int count_calls(yajl_val st, const char *op)
{
	yajl_val a = get(st, "calls");
	size_t i;
	int n = 0;

	for (i = 0; a && i < YAJL_GET_ARRAY(a)->len; i++)
		if (strcmp(gets(YAJL_GET_ARRAY(a)->values[i], "op"), op) == 0)
			n++;
	return n;
}

static const char *instance_state(yajl_val st, const char *id)
{
	yajl_val a = get(st, "instances");
	size_t i;

	for (i = 0; a && i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];

		if (strcmp(gets(x, "id"), id) == 0)
			return gets(x, "state");
	}
	return "";
}

/* A directory with a fake running and a config pointing at it; extra goes under apply:. */
static void setup(struct fake *f, const char *extra)
{
	const char *dir = tu_tmpdir();
	char cfg[2048];

	CU_ASSERT_EQUAL_FATAL(fake_start(f, dir), 0);
	/* every EC2 request must carry a valid SigV4 signature made with this secret */
	fake_config(f, "{\"aws_secret\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"}");
	snprintf(cfg, sizeof(cfg),
		 "store: st.db\n"
		 "apply:\n"
		 "  retry_base_ms: 5\n"
		 "%s"
		 "providers:\n"
		 "  aws:\n"
		 "    launch_template: capplan-gpu\n"
		 "    subnets: [subnet-a, subnet-b]\n"
		 "    endpoints:\n"
		 "      ec2: http://127.0.0.1:%d\n"
		 , extra ? extra : "", f->port);
	tu_write(tu_path(dir, "capplan.yaml"), cfg);
	setenv("CAPPLAN_NOW", "2026-11-23T13:20:00Z", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_EC2");
}

static int apply(const struct fake *f, const char *args, char **out, char **err)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply --plan-file '%s' %s",
		 tu_src("tests/data/apply/plan.json"), args);
	return tu_capplan(f->dir, cmd, out, err);
}

/* --- the logic on its own -------------------------------------------------------------- */

static void test_desired_hour(void)
{
	struct plan_result *r = fixture_plan();
	struct apply_diff d;
	struct err e = ERR_INIT;
	int64_t at;

	tm_parse("2026-11-23T13:59:59Z", &at);
	CU_ASSERT_EQUAL_FATAL(apply_desired(&d, r, "7", at, NULL, &e), 0);
	CU_ASSERT_EQUAL(d.n, 6);	/* 2 offerings x spot, ondemand, reserved */
	CU_ASSERT_EQUAL(pool_of(&d, "aws/us-east-1/p4d.24xlarge/spot")->target, 2);
	CU_ASSERT_EQUAL(pool_of(&d, "aws/us-east-1/p4d.24xlarge/ondemand")->target, 1);
	CU_ASSERT_EQUAL(pool_of(&d, "aws/us-east-1/p4d.24xlarge/reserved")->target, 1);
	CU_ASSERT_EQUAL(pool_of(&d, "aws/us-east-1/g5.xlarge/spot")->target, 3);
	CU_ASSERT_EQUAL(pool_of(&d, "aws/us-east-1/g5.xlarge/reserved")->target, 0);
	/* 2 x 12 + 32.77 + 20 (reserved 1y) + 3 x 0.4 + 1.006 */
	CU_ASSERT_DOUBLE_EQUAL(apply_hour_cost(&d), 78.976, 1e-9);
	apply_diff_release(&d);
	/* past the plan's last hour */
	tm_parse("2026-11-23T15:00:00Z", &at);
	CU_ASSERT_EQUAL(apply_desired(&d, r, "7", at, NULL, &e), ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "2026-11-23T15:00:00Z"));
	/* another provider's pools only */
	tm_parse("2026-11-23T12:00:00Z", &at);
	CU_ASSERT_EQUAL(apply_desired(&d, r, "7", at, "gcp", &e), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	apply_diff_release(&d);
	plan_result_free(r);
}

static void inst(struct providers_vm *x, const char *id, const char *pool, long long t,
		 const char *plan)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->id, sizeof(x->id), "%s", id);
	snprintf(x->pool, sizeof(x->pool), "%s", pool);
	snprintf(x->plan, sizeof(x->plan), "%s", plan);
	snprintf(x->region, sizeof(x->region), "us-east-1");
	x->launched = t;
}

static void test_reconcile_youngest_first(void)
{
	struct plan_result *r = fixture_plan();
	struct providers_vm v[6];
	struct apply_diff d;
	struct err e = ERR_INIT;
	const struct apply_pool *p;
	int64_t at;

	tm_parse("2026-11-23T14:10:00Z", &at);	/* p4d spot 1, the rest 0 but reserved 1 */
	CU_ASSERT_EQUAL_FATAL(apply_desired(&d, r, "7", at, NULL, &e), 0);
	inst(&v[0], "i-old", "aws/us-east-1/p4d.24xlarge/spot", 1000, "6");
	inst(&v[1], "i-young", "aws/us-east-1/p4d.24xlarge/spot", 3000, "7");
	inst(&v[2], "i-mid", "aws/us-east-1/p4d.24xlarge/spot", 2000, "7");
	inst(&v[3], "i-gone", "aws/us-east-1/a10g.retired/spot", 500, "5");
	inst(&v[4], "i-weird", "not a pool", 500, "7");
	inst(&v[5], "i-res", "aws/us-east-1/p4d.24xlarge/reserved", 100, "7");
	CU_ASSERT_EQUAL_FATAL(apply_reconcile(&d, v, 6, &e), 0);
	p = pool_of(&d, "aws/us-east-1/p4d.24xlarge/spot");
	CU_ASSERT_EQUAL_FATAL(p->nterm, 2);
	CU_ASSERT_STRING_EQUAL(p->ids[0], "i-young");
	CU_ASSERT_STRING_EQUAL(p->ids[1], "i-mid");
	CU_ASSERT_STRING_EQUAL(p->ids[2], "i-old");	/* the oldest stays */
	CU_ASSERT_EQUAL(p->nretag, 1);			/* and takes plan 7's tag */
	CU_ASSERT_STRING_EQUAL(p->retag[0], "i-old");
	CU_ASSERT_EQUAL(p->launch, 0);
	/* a pool the plan no longer names goes to 0 */
	p = pool_of(&d, "aws/us-east-1/a10g.retired/spot");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->target, 0);
	CU_ASSERT_EQUAL(p->nterm, 1);
	/* something that is not a pool capplan wrote is never touched */
	CU_ASSERT_PTR_NULL(pool_of(&d, "not a pool"));
	p = pool_of(&d, "aws/us-east-1/p4d.24xlarge/reserved");
	CU_ASSERT_EQUAL(p->running, 1);
	CU_ASSERT_EQUAL(p->nterm, 0);
	CU_ASSERT_EQUAL(p->launch, 0);
	CU_ASSERT_EQUAL(apply_launch_total(&d), 0);
	apply_diff_release(&d);
	plan_result_free(r);
}

/*
 * A plan of some GPU models (after `forecast --gpu`) leaves the fleets of the others as they
 * run; a model it does plan is still scaled to 0 where the plan no longer names the pool.
 */
static void test_reconcile_unplanned_model_kept(void)
{
	struct plan_result *r = fixture_plan();	/* A100-40GB (p4d) and A10G (g5) */
	struct providers_vm v[4];
	struct apply_diff d;
	struct err e = ERR_INIT;
	const struct apply_pool *p;
	int64_t at;

	tm_parse("2026-11-23T14:10:00Z", &at);
	/* --provider gcp: no aws pool is named, yet the plan still plans A100-40GB */
	CU_ASSERT_EQUAL_FATAL(apply_desired(&d, r, "7", at, "gcp", &e), 0);
	apply_diff_release(&d);
	CU_ASSERT_EQUAL_FATAL(apply_desired(&d, r, "7", at, NULL, &e), 0);
	inst(&v[0], "i-v100a", "aws/us-east-1/p3.2xlarge/spot", 1000, "5");
	inst(&v[1], "i-v100b", "aws/us-east-1/p3.2xlarge/ondemand", 2000, "5");
	inst(&v[2], "i-a100west", "aws/us-west-2/p4d.24xlarge/ondemand", 1500, "5");
	inst(&v[3], "i-v100c", "aws/us-east-1/p3.2xlarge/spot", 3000, "5");
	CU_ASSERT_EQUAL_FATAL(apply_reconcile(&d, v, 4, &e), 0);
	p = pool_of(&d, "aws/us-east-1/p3.2xlarge/spot");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT(p->kept);
	CU_ASSERT_EQUAL(p->running, 2);
	CU_ASSERT_EQUAL(p->target, 2);
	CU_ASSERT_EQUAL(p->nterm, 0);
	CU_ASSERT_EQUAL(p->launch, 0);
	CU_ASSERT_EQUAL(p->nretag, 0);		/* plan 5's tag stays: plan 7 says nothing of it */
	CU_ASSERT_STRING_EQUAL(p->result, "kept: plan 7 plans no V100-16GB");
	p = pool_of(&d, "aws/us-east-1/p3.2xlarge/ondemand");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->nterm, 0);
	/* A100-40GB is planned (in us-east-1): its us-west-2 pool goes to 0 as before */
	p = pool_of(&d, "aws/us-west-2/p4d.24xlarge/ondemand");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT(!p->kept);
	CU_ASSERT_EQUAL(p->target, 0);
	CU_ASSERT_EQUAL(p->nterm, 1);
	/* the plan's own hour: p4d spot 1 and reserved 1, none running */
	CU_ASSERT_EQUAL(apply_launch_total(&d), 2);
	apply_diff_release(&d);
	plan_result_free(r);
}

static void test_reconcile_standins_first(void)
{
	struct plan_result *r = fixture_plan();
	struct providers_vm v[3];
	struct apply_diff d;
	struct err e = ERR_INIT;
	const struct apply_pool *p;
	int64_t at;

	tm_parse("2026-11-23T14:10:00Z", &at);	/* p4d spot: 1 */
	CU_ASSERT_EQUAL_FATAL(apply_desired(&d, r, "7", at, NULL, &e), 0);
	inst(&v[0], "i-a", "aws/us-east-1/p4d.24xlarge/spot", 2000, "7");
	inst(&v[1], "i-standin", "aws/us-east-1/p4d.24xlarge/spot", 1000, "7");
	inst(&v[2], "i-b", "aws/us-east-1/p4d.24xlarge/spot", 3000, "7");
	v[1].standin = 1;	/* the oldest, but on-demand standing in for spot: it goes first */
	CU_ASSERT_EQUAL_FATAL(apply_reconcile(&d, v, 3, &e), 0);
	p = pool_of(&d, "aws/us-east-1/p4d.24xlarge/spot");
	CU_ASSERT_EQUAL_FATAL(p->nterm, 2);
	CU_ASSERT_STRING_EQUAL(p->ids[0], "i-standin");
	CU_ASSERT_STRING_EQUAL(p->ids[1], "i-b");
	CU_ASSERT_STRING_EQUAL(p->ids[2], "i-a");
	apply_diff_release(&d);
	plan_result_free(r);
}

static void test_tokens(void)
{
	char a[65], b[65], c[65], u[37], l[80];
	size_t i;

	apply_token(a, "7", 1795438800, "aws/us-east-1/p4d.24xlarge/spot", 2, 1);
	apply_token(b, "7", 1795438800, "aws/us-east-1/p4d.24xlarge/spot", 2, 1);
	apply_token(c, "7", 1795438800, "aws/us-east-1/p4d.24xlarge/spot", 2, 2);
	CU_ASSERT_EQUAL(strlen(a), 56);		/* EC2 ClientToken: at most 64 ASCII */
	CU_ASSERT_EQUAL(strncmp(a, "capplan-", 8), 0);
	for (i = 8; i < strlen(a); i++)
		CU_ASSERT(strchr("0123456789abcdef", a[i]) != NULL);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, c);	/* the next attempt is a new request */
	/* python3: uuid.uuid5(uuid.NAMESPACE_URL, "capplan-test") */
	providers_uuid5("capplan-test", u);
	CU_ASSERT_STRING_EQUAL(u, "6bcc36c4-3b5d-5919-8821-ce01bc85d364");
	providers_pool_label("gcp/us-central1/a2-highgpu-1g/spot", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "gcp_us-central1_a2-highgpu-1g_spot");
	providers_pool_label("GCP/Europe.West4/X", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "gcp_europe-west4_x");
}

/* --- end to end against the fake ------------------------------------------------------- */

static void test_dry_run_changes_nothing(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st, j;

	setup(&f, NULL);
	CU_ASSERT_EQUAL(apply(&f, "--json", &out, &err), 0);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT(YAJL_IS_TRUE(get(j, "dry_run")));
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(get(j, "hour")), "2026-11-23T13:00:00Z");
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(get(j, "plan")), "7");
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(j, "actions"))->len, 5);
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(YAJL_GET_ARRAY(get(j, "actions"))->values[0],
					     "launch")), 2);
	yajl_tree_free(j);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 0);
	/* five launches checked with DryRun=true, nothing created */
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 5);
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(st, "instances"))->len, 0);
	yajl_tree_free(st);
	free(out);
	free(err);
	/* permissions missing: the dry run says so and fails */
	fake_config(&f, "{\"deny_dry_run\": true}");
	CU_ASSERT_EQUAL(apply(&f, "--dry-run", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "UnauthorizedOperation"));
	free(out);
	free(err);
	fake_stop(&f);
}

static void test_converge_then_noop(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, *db;
	yajl_val st, j, a;
	size_t i;

	setup(&f, "  dry_run_default: true\n");
	CU_ASSERT_EQUAL(apply(&f, "--yes --json", &out, &err), 0);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT(YAJL_IS_FALSE(get(j, "dry_run")));
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(j, "shortfall_gpus")), 0);
	yajl_tree_free(j);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/spot"), 2);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/ondemand"), 1);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/reserved"), 1);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/g5.xlarge/spot"), 3);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/g5.xlarge/ondemand"), 1);
	a = get(st, "instances");
	for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];

		CU_ASSERT_STRING_EQUAL(tag(x, "capplan:managed"), "true");
		CU_ASSERT_STRING_EQUAL(tag(x, "capplan:plan"), "7");
	}
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 5);
	yajl_tree_free(st);
	/* the second run lists (across pages) and does nothing */
	fake_config(&f, "{\"page_size\": 3}");
	CU_ASSERT_EQUAL(apply(&f, "--yes --json", &out, &err), 0);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	a = get(j, "actions");
	for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];

		CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(x, "launch")), 0);
		CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(x, "terminate"))->len, 0);
		CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(get(x, "result")), "noop");
	}
	yajl_tree_free(j);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 5);
	CU_ASSERT_EQUAL(count_calls(st, "TerminateInstances"), 0);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	yajl_tree_free(st);
	/* the audit log: a row per call, tokens recorded, no secret anywhere */
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml audit --json", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"operation\":\"CreateFleet\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"token\":\"capplan-"));
	CU_ASSERT_PTR_NULL(strstr(out, "wJalrXUtnFEMI"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml audit --since 2030-01-01", &out,
				   &err), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "CreateFleet"));
	free(out);
	free(err);
	db = tu_read(tu_path(f.dir, "st.db"), NULL);
	CU_ASSERT_PTR_NULL(strstr(db, "wJalrXUtnFEMI"));
	free(db);
	fake_stop(&f);
}

static void test_kill9_then_rerun(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, cmd[1200], cfgjson[800];
	yajl_val st;
	int rc;

	setup(&f, NULL);
	/*
	 * The fake carries out the 2nd CreateFleet, then kills capplan before it answers; its
	 * listing lags, so the re-run cannot see what the first run launched.
	 */
	snprintf(cfgjson, sizeof(cfgjson), "{\"describe_lag\": 10, \"kill\": {\"op\": "
		 "\"CreateFleet\", \"n\": 2, \"pid_file\": \"%s/capplan.pid\"}}", f.dir);
	fake_config(&f, cfgjson);
	snprintf(cmd, sizeof(cmd), "sh -c 'echo $$ > capplan.pid; exec \"%s\" --config capplan.yaml "
		 "apply --plan-file \"%s\" --yes'; exit $?", getenv("CAPPLAN_BIN"),
		 tu_src("tests/data/apply/plan.json"));
	rc = tu_sh(f.dir, cmd, &out, &err);
	CU_ASSERT_NOT_EQUAL(rc, 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 2);
	CU_ASSERT_EQUAL(count_running(st, NULL), 3);	/* p4d spot 2 + p4d ondemand 1 */
	yajl_tree_free(st);
	/* the re-run: the lock is free again, nothing is launched twice */
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/spot"), 2);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/ondemand"), 1);
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(st, "instances"))->len, 8);
	/* the killed call was replayed under its token: 2 + 4 calls, 5 distinct creates */
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 6);
	yajl_tree_free(st);
	/* and a third run, once the listing caught up, is a no-op */
	fake_config(&f, "{\"describe_lag\": 0}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 6);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	yajl_tree_free(st);
	fake_stop(&f);
}

/* Runs apply --yes as a child the fake kills with -9 when the nth call of op has been made. */
static int apply_killed(const struct fake *f, const char *op, int n, const char *plan,
			const char *extra)
{
	char *out = NULL, *err = NULL, cmd[1400], cfgjson[600];
	int rc;

	snprintf(cfgjson, sizeof(cfgjson), "{\"kill\": {\"op\": \"%s\", \"n\": %d, \"pid_file\": "
		 "\"%s/capplan.pid\"}}", op, n, f->dir);
	fake_config(f, cfgjson);
	snprintf(cmd, sizeof(cmd), "sh -c 'echo $$ > capplan.pid; exec \"%s\" --config capplan.yaml "
		 "apply --plan-file \"%s\" --yes %s'; exit $?", getenv("CAPPLAN_BIN"),
		 tu_src(plan), extra);
	rc = tu_sh(f->dir, cmd, &out, &err);
	free(out);
	free(err);
	return rc;
}

/* kill -9 at each kind of moment of a run, then a re-run: always the plan, never a duplicate */
static void test_kill9_anywhere(void)
{
	static const struct {
		const char *op;
		int n;
	} at[] = {
		{ "DescribeInstances", 1 }, { "CreateFleet", 1 }, { "CreateFleet", 3 },
		{ "CreateFleet", 5 },
	};
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st;
	size_t k;

	for (k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		setup(&f, NULL);
		fake_config(&f, "{\"describe_lag\": 10}");
		CU_ASSERT_NOT_EQUAL(apply_killed(&f, at[k].op, at[k].n, "tests/data/apply/plan.json",
						 ""), 0);
		CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
		free(out);
		free(err);
		st = fake_state(&f);
		CU_ASSERT_EQUAL(count_running(st, NULL), 8);
		CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(st, "instances"))->len, 8);
		CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/g5.xlarge/spot"), 3);
		yajl_tree_free(st);
		fake_stop(&f);
	}
	/* killed in the middle of a scale-down: the re-run finishes it, nothing more */
	setup(&f, NULL);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	setenv("CAPPLAN_NOW", "2026-11-23T14:05:00Z", 1);
	CU_ASSERT_NOT_EQUAL(apply_killed(&f, "TerminateInstances", 1, "tests/data/apply/plan.json",
					 ""), 0);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	setenv("CAPPLAN_NOW", "2026-11-23T13:20:00Z", 1);
	st = fake_state(&f);
	/* 14:00: p4d spot 1 + reserved 1 */
	CU_ASSERT_EQUAL(count_running(st, NULL), 2);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/spot"), 1);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/reserved"), 1);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 5);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_untagged_survive_and_scale_down(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st;

	setup(&f, NULL);
	free(fake_req(&f, "/_fake/seed", "{\"instances\": ["
		 "{\"id\": \"i-theirs1\", \"type\": \"p4d.24xlarge\", \"tags\": {}},"
		 "{\"id\": \"i-theirs2\", \"type\": \"g5.xlarge\", \"tags\": {\"team\": \"ml\"}},"
		 "{\"id\": \"i-nopool\", \"type\": \"g5.xlarge\", \"tags\": "
		 "  {\"capplan:managed\": \"true\"}},"
		 "{\"id\": \"i-notmanaged\", \"type\": \"g5.xlarge\", \"tags\": "
		 "  {\"capplan:managed\": \"false\", \"capplan:pool\": \"aws/us-east-1/g5.xlarge/spot\"}},"
		 "{\"id\": \"i-oldplan\", \"type\": \"g5.xlarge\", \"launched\": 1000, \"tags\": "
		 "  {\"capplan:managed\": \"true\", \"capplan:plan\": \"6\","
		 "   \"capplan:pool\": \"aws/us-east-1/g5.xlarge/ondemand\"}}"
		 "]}"));
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/g5.xlarge/spot"), 3 + 1);
	/* plan 6's on-demand g5 fills plan 7's pool: kept, and re-tagged (CreateTags) */
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/g5.xlarge/ondemand"), 1);
	CU_ASSERT_STRING_EQUAL(instance_state(st, "i-oldplan"), "running");
	CU_ASSERT_EQUAL(count_calls(st, "CreateTags"), 1);
	{
		yajl_val a = get(st, "instances");
		size_t i;

		for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++)
			if (strcmp(gets(YAJL_GET_ARRAY(a)->values[i], "id"), "i-oldplan") == 0)
				CU_ASSERT_STRING_EQUAL(tag(YAJL_GET_ARRAY(a)->values[i], "capplan:plan"),
						       "7");
	}
	yajl_tree_free(st);
	/* 14:00: p4d spot 2 -> 1, p4d ondemand 1 -> 0, g5 3 + 1 -> 0 */
	setenv("CAPPLAN_NOW", "2026-11-23T14:05:00Z", 1);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	setenv("CAPPLAN_NOW", "2026-11-23T13:20:00Z", 1);
	st = fake_state(&f);
	CU_ASSERT_STRING_EQUAL(instance_state(st, "i-theirs1"), "running");
	CU_ASSERT_STRING_EQUAL(instance_state(st, "i-theirs2"), "running");
	CU_ASSERT_STRING_EQUAL(instance_state(st, "i-nopool"), "running");
	CU_ASSERT_STRING_EQUAL(instance_state(st, "i-notmanaged"), "running");
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/spot"), 1);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/ondemand"), 0);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/reserved"), 1);
	/* 4 capplan g5 + 1 seeded with managed=false */
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/g5.xlarge/spot"), 1);
	/* the spot p4d kept is the older of the two (the fake lists in launch order) */
	{
		yajl_val a = get(st, "instances");
		const char *states[2] = { NULL, NULL };
		size_t i;
		int k = 0;

		for (i = 0; i < YAJL_GET_ARRAY(a)->len && k < 2; i++) {
			yajl_val x = YAJL_GET_ARRAY(a)->values[i];
			const char *p = tag(x, "capplan:pool");

			if (p && strcmp(p, "aws/us-east-1/p4d.24xlarge/spot") == 0)
				states[k++] = gets(x, "state");
		}
		CU_ASSERT_EQUAL_FATAL(k, 2);
		CU_ASSERT_STRING_EQUAL(states[0], "running");
		CU_ASSERT_STRING_EQUAL(states[1], "terminated");
	}
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_lock(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, *s, cmd[1200];
	yajl_val st;
	int fd, i, holding = 0;

	setup(&f, NULL);
	/* a lock held by someone else */
	fd = open(tu_path(f.dir, "st.db.lock"), O_RDWR | O_CREAT, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(flock(fd, LOCK_EX), 0);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "st.db.lock"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "held"));
	free(out);
	free(err);
	close(fd);
	/* two runs at once: the first is held inside CreateFleet while the second starts */
	fake_config(&f, "{\"hold\": {\"op\": \"CreateFleet\"}}");
	snprintf(cmd, sizeof(cmd), "( \"%s\" --config capplan.yaml apply --plan-file \"%s\" --yes "
		 ">a.out 2>a.err; echo $? > a.rc ) &", getenv("CAPPLAN_BIN"),
		 tu_src("tests/data/apply/plan.json"));
	CU_ASSERT_EQUAL(tu_sh(f.dir, cmd, NULL, NULL), 0);
	for (i = 0; i < 400 && !holding; i++) {
		st = fake_state(&f);
		holding = YAJL_IS_TRUE(get(st, "holding"));
		yajl_tree_free(st);
		if (!holding)
			sleep_ms(50);
	}
	CU_ASSERT_FATAL(holding);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is held by another capplan apply (pid "));
	free(out);
	free(err);
	fake_config(&f, "{\"hold\": null}");
	free(fake_req(&f, "/_fake/release", "{}"));
	for (i = 0, s = NULL; i < 400 && (s = tu_read(tu_path(f.dir, "a.rc"), NULL)) == NULL; i++)
		sleep_ms(50);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(atoi(s), 0);
	free(s);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_guard_rails(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st;

	setup(&f, "  max_launch_per_run: 7\n");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "apply.max_launch_per_run"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "launch 8"));
	free(out);
	free(err);
	tu_write(tu_path(f.dir, "capplan.yaml"), "");	/* replaced below */
	fake_stop(&f);

	setup(&f, "  max_hourly_spend: 78.5\n");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "apply.max_hourly_spend"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "78.98"));
	free(out);
	free(err);
	fake_stop(&f);

	setup(&f, "  allowed_providers: [gcp, azure]\n");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "apply.allowed_providers"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 0);
	CU_ASSERT_EQUAL(count_running(st, NULL), 0);
	yajl_tree_free(st);
	fake_stop(&f);

	/* a plan file's missing or negative prices cannot slip under the spend guard */
	setup(&f, "  max_hourly_spend: 1\n");
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply --plan-file '%s' --yes",
			 tu_src("tests/data/apply/plan_noprice.json"));
		CU_ASSERT_EQUAL(tu_capplan(f.dir, cmd, &out, &err), 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "apply.max_hourly_spend"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "aws/us-east-1/p4d.24xlarge/spot"));
		free(out);
		free(err);
		snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply --plan-file '%s' --yes",
			 tu_src("tests/data/apply/plan_negprice.json"));
		CU_ASSERT_EQUAL(tu_capplan(f.dir, cmd, &out, &err), 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "plan_negprice.json: offerings[0] "
					   "\"ondemand_hourly\""));
		free(out);
		free(err);
	}
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 0);
	CU_ASSERT_EQUAL(count_running(st, NULL), 0);
	yajl_tree_free(st);
	fake_stop(&f);

	/* dry_run_default false: no flag acts */
	setup(&f, "  dry_run_default: false\n  max_launch_per_run: 8\n"
		  "  max_hourly_spend: 79\n  allowed_providers: [aws]\n");
	CU_ASSERT_EQUAL(apply(&f, "", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_capacity_shortfall(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st, j;

	setup(&f, NULL);
	/* room for 2 p4d: the spot pool gets both, ondemand and reserved none */
	fake_config(&f, "{\"capacity\": {\"p4d.24xlarge\": 2}, "
			"\"throttle\": {\"DescribeInstances\": 2}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes --json", &out, &err), 1);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(j, "shortfall_gpus")), 16);
	yajl_tree_free(j);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "InsufficientInstanceCapacity"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "shortfall of 16 GPUs"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 6);
	yajl_tree_free(st);
	/* capacity comes back: the next run launches the rest under new attempts */
	fake_config(&f, "{\"capacity\": {}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/reserved"), 1);
	yajl_tree_free(st);
	fake_stop(&f);
}

/*
 * A 200 with an HTML page (a proxy's sign-in page) parses as XML: read as DescribeInstances it
 * was an empty fleet and the whole plan was launched again beside the running one.
 */
static void test_html_answer_is_no_fleet(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st;
	int fleets, lists;

	setup(&f, NULL);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	fleets = count_calls(st, "CreateFleet");
	yajl_tree_free(st);
	fake_config(&f, "{\"fail\": {\"DescribeInstances\": \"HTML\"}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "ec2 us-east-1: the answer is a <html> "
					     "document, not EC2's"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), fleets);
	yajl_tree_free(st);
	fake_stop(&f);
	/* as CreateFleet's answer: not "0 launched" (a capacity shortfall) but a failed call */
	setup(&f, NULL);
	fake_config(&f, "{\"fail\": {\"CreateFleet\": \"HTML\"}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "aws/us-east-1/p4d.24xlarge/spot"
					     "                        0      2      2         0  "
					     "failed: ec2 us-east-1: the answer is a <html> document"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "partial"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "shortfall of 36 GPUs, and calls failed"));
	free(out);
	free(err);
	/* a DescribeInstances whose second page links to itself: an error, not 10000 pages */
	fake_config(&f, "{\"fail\": {}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	lists = count_calls(st, "DescribeInstances");
	yajl_tree_free(st);
	fake_config(&f, "{\"page_size\": 1, \"next_token_loop\": true}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "ec2 us-east-1 DescribeInstances: a nextToken "
					     "points at the same page"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "DescribeInstances"), lists + 2);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_fallback_to_ondemand(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st, a, j;
	size_t i;
	int standins = 0;

	setup(&f, "  fallback_to_ondemand: true\n");
	/* one p4d spot instance to be had: the other of the spot pool runs on-demand */
	fake_config(&f, "{\"spot_capacity\": {\"p4d.24xlarge\": 1}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes --json", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fallback: 1 on-demand stand-ins"));
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(j, "shortfall_gpus")), 0);
	yajl_tree_free(j);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/p4d.24xlarge/spot"), 2);
	a = get(st, "instances");
	for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];

		if (tag(x, "capplan:standin")) {
			standins++;
			CU_ASSERT_STRING_EQUAL(gets(x, "lifecycle"), "on-demand");
			CU_ASSERT_STRING_EQUAL(tag(x, "capplan:pool"), "aws/us-east-1/p4d.24xlarge/spot");
		}
	}
	CU_ASSERT_EQUAL(standins, 1);
	yajl_tree_free(st);
	/* the stand-in counts: the next run is a no-op */
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 6);
	yajl_tree_free(st);
	/* 14:00, spot 2 -> 1: the stand-in leaves first */
	setenv("CAPPLAN_NOW", "2026-11-23T14:05:00Z", 1);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	setenv("CAPPLAN_NOW", "2026-11-23T13:20:00Z", 1);
	free(out);
	free(err);
	st = fake_state(&f);
	a = get(st, "instances");
	for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];
		const char *p = tag(x, "capplan:pool");

		if (p && strcmp(p, "aws/us-east-1/p4d.24xlarge/spot") == 0)
			CU_ASSERT_STRING_EQUAL(gets(x, "state"),
					       tag(x, "capplan:standin") ? "terminated" : "running");
	}
	yajl_tree_free(st);
	fake_stop(&f);
}

/* The tokens of the CreateFleet calls from the k-th on, joined by spaces. */
static void fleet_tokens(yajl_val st, int from, char *out, size_t n)
{
	yajl_val a = get(st, "calls");
	size_t i;
	int k = 0;

	out[0] = '\0';
	for (i = 0; a && i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val c = YAJL_GET_ARRAY(a)->values[i];

		if (strcmp(gets(c, "op"), "CreateFleet") != 0 || k++ < from)
			continue;
		snprintf(out + strlen(out), n - strlen(out), "%s ", gets(c, "token"));
	}
}

static void test_unknown_outcome_replays_token(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, first[2048], again[2048];
	yajl_val st;
	int n1;

	setup(&f, NULL);
	/* 500 on every attempt: whether anything launched is unknown */
	fake_config(&f, "{\"fail\": {\"CreateFleet\": \"InternalError\"}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 1);
	free(out);
	free(err);
	st = fake_state(&f);
	n1 = count_calls(st, "CreateFleet");
	CU_ASSERT(n1 >= 5);
	yajl_tree_free(st);
	fake_config(&f, "{\"fail\": {}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	/* the same five tokens (each retried by http.c), then the same five again */
	fleet_tokens(st, n1, again, sizeof(again));
	{
		yajl_val a = get(st, "calls");
		size_t i;
		char seen[2048] = "";

		for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++) {
			yajl_val c = YAJL_GET_ARRAY(a)->values[i];

			if (strcmp(gets(c, "op"), "CreateFleet") == 0 &&
			    strstr(seen, gets(c, "token")) == NULL)
				snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s ",
					 gets(c, "token"));
		}
		snprintf(first, sizeof(first), "%s", seen);
	}
	CU_ASSERT_STRING_EQUAL(first, again);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	yajl_tree_free(st);
	fake_stop(&f);

	/* a 400: the provider launched nothing, so the next run is a new attempt: new tokens */
	setup(&f, NULL);
	fake_config(&f, "{\"fail\": {\"CreateFleet\": \"InvalidParameterValue\"}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 1);
	free(out);
	free(err);
	st = fake_state(&f);
	n1 = count_calls(st, "CreateFleet");
	CU_ASSERT_EQUAL(n1, 5);
	fleet_tokens(st, 0, first, sizeof(first));
	yajl_tree_free(st);
	fake_config(&f, "{\"fail\": {}}");
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	fleet_tokens(st, n1, again, sizeof(again));
	CU_ASSERT_STRING_NOT_EQUAL(first, again);
	CU_ASSERT_EQUAL(count_running(st, NULL), 8);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_fallback_offerings(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, cmd[1024];
	yajl_val st, a, j;
	size_t i;
	int g5 = 0, g52 = 0, other = 0;

	setup(&f, "  fallback_offerings: true\n");
	/*
	 * 3 g5.xlarge spot wanted, room for 1; g5.2xlarge (A10G, 1 GPU) has room for 1; g6.xlarge
	 * (L4) and g5.12xlarge (4 GPUs) are cheaper but not the same GPUs: never used.
	 */
	fake_config(&f, "{\"capacity\": {\"g5.xlarge\": 1, \"g5.2xlarge\": 1}}");
	snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply --plan-file '%s' --yes --json",
		 tu_src("tests/data/apply/plan_fallback.json"));
	CU_ASSERT_EQUAL(tu_capplan(f.dir, cmd, &out, &err), 1);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(j, "shortfall_gpus")), 1);
	yajl_tree_free(j);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fallback: 1 g5.2xlarge stand-ins"));
	free(out);
	free(err);
	st = fake_state(&f);
	a = get(st, "instances");
	for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];
		const char *t = gets(x, "type");

		CU_ASSERT_STRING_EQUAL(tag(x, "capplan:pool"), "aws/us-east-1/g5.xlarge/spot");
		if (strcmp(t, "g5.xlarge") == 0)
			g5++;
		else if (strcmp(t, "g5.2xlarge") == 0) {
			g52++;
			CU_ASSERT_STRING_EQUAL(tag(x, "capplan:standin"), "g5.2xlarge/spot");
		} else
			other++;
	}
	CU_ASSERT_EQUAL(g5, 1);
	CU_ASSERT_EQUAL(g52, 1);
	CU_ASSERT_EQUAL(other, 0);
	yajl_tree_free(st);
	/* capacity back: the stand-in counts, one more g5.xlarge closes the pool */
	fake_config(&f, "{\"capacity\": {}}");
	snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply --plan-file '%s' --yes",
		 tu_src("tests/data/apply/plan_fallback.json"));
	CU_ASSERT_EQUAL(tu_capplan(f.dir, cmd, &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(st, "aws/us-east-1/g5.xlarge/spot"), 3);
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(st, "instances"))->len, 3);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_commitments_print_only(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st;

	setup(&f, NULL);
	CU_ASSERT_EQUAL(apply(&f, "--yes", &out, &err), 0);	/* warm: calls so far */
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply commitments --yes", &out,
				   &err), 2);
	free(out);
	free(err);
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply commitments --plan-file '%s' "
			 "--yes --i-understand-this-costs", tu_src("tests/data/apply/plan.json"));
		CU_ASSERT_EQUAL(tu_capplan(f.dir, cmd, &out, &err), 0);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "aws/us-east-1/p4d.24xlarge 1y x1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PurchaseReservedInstancesOffering"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "CreateFleet"), 5);
	yajl_tree_free(st);
	fake_stop(&f);
}

/* GCP and Azure commitments name the configured project and subscription, else say so. */
static void test_commitments_use_config(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL, cmd[1024];

	snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply commitments --plan-file '%s' "
		 "--yes --i-understand-this-costs", tu_src("tests/data/apply/plan_commit.json"));
	tu_write(tu_path(dir, "capplan.yaml"), "store: st.db\nproviders:\n  gcp:\n"
		 "    project: capplan-test\n  azure:\n"
		 "    subscription_id: 00000000-0000-0000-0000-000000000001\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, cmd, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "gcp/us-central1/a2-highgpu-1g 1y x1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "POST compute/v1/projects/capplan-test/regions/"
				      "us-central1/commitments"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "azure/eastus/Standard_NC24ads_A100_v4 3y x2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"billingScopeId\":\"/subscriptions/"
				      "00000000-0000-0000-0000-000000000001\""));
	CU_ASSERT_PTR_NULL(strstr(out, "PROJECT"));
	CU_ASSERT_PTR_NULL(strstr(out, "SUBSCRIPTION_ID"));
	CU_ASSERT_PTR_NULL(strstr(out, "note:"));
	free(out);
	free(err);
	tu_write(tu_path(dir, "capplan.yaml"), "store: st.db\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, cmd, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "projects/<PROJECT>/regions/us-central1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/subscriptions/<SUBSCRIPTION_ID>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "note: providers.gcp.project is not set"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "note: providers.azure.subscription_id is not set"));
	free(out);
	free(err);
}

static void test_stored_plan_and_bad_input(void)
{
	struct fake f;
	struct store *st = NULL;
	struct err e = ERR_INIT;
	char *json, *out = NULL, *err = NULL;
	int64_t id1 = 0, id2 = 0;
	yajl_val j, fs;

	setup(&f, NULL);
	/* two stored plans: "latest" is the second, --plan 1 the first */
	json = tu_read(tu_src("tests/data/apply/plan.json"), NULL);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(f.dir, "st.db"), &e), 0);
	CU_ASSERT_EQUAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL(store_plan_put(st, "plan", 1795435200, 3, 190, "{}", "{}", json, &id1, &e),
			0);
	CU_ASSERT_EQUAL(store_plan_put(st, "plan", 1795435200, 3, 190, "{}", "{}", json, &id2, &e),
			0);
	CU_ASSERT_EQUAL(store_commit(st, &e), 0);
	store_close(st);
	free(json);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --plan latest --json", &out,
				   &err), 0);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(gets(j, "plan"), "2");
	yajl_tree_free(j);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --plan 1 --yes --json", &out,
				   &err), 0);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(gets(j, "plan"), "1");
	yajl_tree_free(j);
	free(out);
	free(err);
	fs = fake_state(&f);
	CU_ASSERT_EQUAL(count_running(fs, NULL), 8);
	yajl_tree_free(fs);
	/* bad input: exit 2 with the thing named, nothing launched */
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --plan 99", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no plan 99"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --plan-file nope.json", &out,
				   &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope.json"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(apply(&f, "--at 2026-11-24T00:00:00Z --yes", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not the hour 2026-11-24T00:00:00Z"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(apply(&f, "--yes --dry-run", &out, &err), 2);
	free(out);
	free(err);
	tu_write(tu_path(f.dir, "bad.yaml"), "apply:\n  max_launch_per_run: many\n");
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config bad.yaml apply --plan 1", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.yaml:2"));
	free(out);
	free(err);
	fs = fake_state(&f);
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(fs, "instances"))->len, 8);
	yajl_tree_free(fs);
	fake_stop(&f);
}

/*
 * A `plan commitments` result (kind "commitments": a load-duration curve, its hours sorted
 * demand levels) stored after an hourly plan: "latest" is still the hourly plan 1 (it was
 * plan 2, and apply ran a fleet from the curve); naming plan 2, or a file whose "kind" says
 * commitments, is refused with exit 2 and nothing called; `apply commitments` still reads
 * it (latest of any kind), and `report` defaults to the hourly plan too.
 */
static void test_commitments_plan_not_applied(void)
{
	struct fake f;
	struct store *st = NULL;
	struct err e = ERR_INIT;
	char *json, *kjson, *out = NULL, *err = NULL, cmd[1024];
	int64_t id1 = 0, id2 = 0;
	size_t calls;
	yajl_val j, fs;

	setup(&f, NULL);
	json = tu_read(tu_src("tests/data/apply/plan.json"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(f.dir, "st.db"), &e), 0);
	CU_ASSERT_EQUAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL(store_plan_put(st, "plan", 1795435200, 3, 190, "{}", "{}", json, &id1, &e),
			0);
	/* a row as stored before results said their kind: only the column knows */
	CU_ASSERT_EQUAL(store_plan_put(st, "commitments", 1795435200, 3, 190, "{}", "{}", json,
				       &id2, &e), 0);
	CU_ASSERT_EQUAL(store_commit(st, &e), 0);
	store_close(st);
	CU_ASSERT_EQUAL(id1, 1);
	CU_ASSERT_EQUAL(id2, 2);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --plan latest --json", &out,
				   &err), 0);
	j = yajl_tree_parse(out ? out : "", NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(gets(j, "plan"), "1");
	yajl_tree_free(j);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --json", &out, &err), 0);
	j = yajl_tree_parse(out ? out : "", NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(gets(j, "plan"), "1");
	yajl_tree_free(j);
	free(out);
	free(err);
	/* the two dry runs above asked EC2 (DryRun=true): what the refusals add is counted */
	fs = fake_state(&f);
	calls = YAJL_GET_ARRAY(get(fs, "calls"))->len;
	yajl_tree_free(fs);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --plan 2 --yes", &out,
				   &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "plan 2 is a purchase recommendation"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "use `apply commitments`"));
	CU_ASSERT(err && strchr(err, '\n') == err + strlen(err) - 1);	/* one line */
	free(out);
	free(err);
	/* a file: `report --plan 2 --json` writes the kind, so the file refuses itself */
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml report --plan 2 --json "
				   "--out c.json", &out, &err), 0);
	free(out);
	free(err);
	kjson = tu_read(tu_path(f.dir, "c.json"), NULL);
	CU_ASSERT_PTR_NOT_NULL(kjson && strstr(kjson, "\"kind\":\"commitments\""));
	free(kjson);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply --plan-file c.json "
				   "--at 2026-11-23T12:00:00Z --yes", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "c.json is a purchase recommendation"));
	free(out);
	free(err);
	fs = fake_state(&f);
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(fs, "calls"))->len, calls);
	CU_ASSERT_EQUAL(count_running(fs, NULL), 0);
	yajl_tree_free(fs);
	/* what it is for: `apply commitments` reads it by default, by id and from the file */
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml apply commitments --yes "
				   "--i-understand-this-costs", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strncmp(out, "plan 2: ", 8) == 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "aws/us-east-1/p4d.24xlarge 1y x1"));
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply commitments --plan-file c.json "
		 "--yes --i-understand-this-costs");
	CU_ASSERT_EQUAL(tu_capplan(f.dir, cmd, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "aws/us-east-1/p4d.24xlarge 1y x1"));
	free(out);
	free(err);
	/* report: the latest hourly plan by default; the commitments plan when named */
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml report", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strncmp(out, "# capplan plan 1\n", 17) == 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml report --plan 2", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "A purchase recommendation (`plan commitments`)"));
	free(out);
	free(err);
	free(json);
	fake_stop(&f);
}

/* --- GCP and Azure ----------------------------------------------------------------------- */

static void setup_multi(struct fake *f, const char *fake_cfg)
{
	const char *dir = tu_tmpdir();
	char cfg[4096], *pub, *json;
	struct buf b = BUF_INIT;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(fake_start(f, dir), 0);
	/* the fake checks the JWT's RS256 signature with the service account's public key */
	pub = tu_read(tu_src("tests/data/apply/gcp-sa.pub.pem"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pub);
	buf_puts(&b, "{\"gcp_public_key\": \"");
	for (i = 0; pub[i]; i++)
		if (pub[i] == '\n')
			buf_puts(&b, "\\n");
		else
			buf_putc(&b, pub[i]);
	buf_puts(&b, "\", \"azure_secret\": \"s3cret-azure-value\"}");
	json = buf_detach(&b);
	fake_config(f, json);
	free(json);
	free(pub);
	if (fake_cfg)
		fake_config(f, fake_cfg);
	snprintf(cfg, sizeof(cfg),
		 "store: st.db\n"
		 "apply:\n"
		 "  retry_base_ms: 5\n"
		 "providers:\n"
		 "  gcp:\n"
		 "    project: capplan-test\n"
		 "    zones:\n"
		 "      us-central1: [us-central1-a, us-central1-b]\n"
		 "    image: projects/debian-cloud/global/images/family/debian-12\n"
		 "    service_account_file: %s\n"
		 "    endpoints:\n"
		 "      compute: http://127.0.0.1:%d\n"
		 "      token: http://127.0.0.1:%d\n"
		 "  azure:\n"
		 "    subscription_id: 00000000-0000-0000-0000-000000000001\n"
		 "    resource_group: gpu\n"
		 "    image: Canonical:ubuntu-24_04-lts:server:latest\n"
		 "    subnet_id: /subscriptions/x/resourceGroups/gpu/providers/Microsoft.Network/"
		 "virtualNetworks/v/subnets/s\n"
		 "    admin_user: ops\n"
		 "    ssh_public_key_file: %s\n"
		 "    endpoints:\n"
		 "      arm: http://127.0.0.1:%d\n"
		 "      login: http://127.0.0.1:%d\n",
		 tu_src("tests/data/apply/gcp-sa.json"), f->port, f->port,
		 tu_src("tests/data/apply/azure-ssh.pub"), f->port, f->port);
	tu_write(tu_path(dir, "capplan.yaml"), cfg);
	setenv("CAPPLAN_NOW", "2026-11-23T13:20:00Z", 1);
	setenv("AZURE_TENANT_ID", "tenant-1", 1);
	setenv("AZURE_CLIENT_ID", "app-1", 1);
	setenv("AZURE_CLIENT_SECRET", "s3cret-azure-value", 1);
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
}

static int apply_multi(const struct fake *f, const char *args, char **out, char **err)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "--config capplan.yaml apply --plan-file '%s' %s",
		 tu_src("tests/data/apply/plan_multi.json"), args);
	return tu_capplan(f->dir, cmd, out, err);
}

/* Running instances of the fake's api ("gce", "arm") and how many are in zone (NULL any). */
static int count_api(yajl_val st, const char *api, const char *zone)
{
	yajl_val a = get(st, "instances");
	size_t i;
	int n = 0;

	for (i = 0; a && i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];

		if (strcmp(gets(x, "api"), api) == 0 && strcmp(gets(x, "state"), "running") == 0 &&
		    (zone == NULL || strcmp(gets(x, "zone"), zone) == 0))
			n++;
	}
	return n;
}

static void test_gcp(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st, a;
	size_t i;

	/* zone a has room for 2: the rest goes to zone b */
	setup_multi(&f, "{\"zone_capacity\": {\"us-central1-a\": 2}}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "would call POST /compute/v1/projects/capplan-test/zones/"
				      "us-central1-a/instances/bulkInsert count=3 provisioningModel=SPOT"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 0);
	CU_ASSERT_EQUAL(count_calls(st, "instances.bulkInsert"), 0);
	yajl_tree_free(st);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 4);
	CU_ASSERT_EQUAL(count_api(st, "gce", "us-central1-a"), 2);
	CU_ASSERT_EQUAL(count_api(st, "gce", "us-central1-b"), 2);
	CU_ASSERT_EQUAL(count_api(st, "arm", NULL), 0);	/* --provider gcp only */
	a = get(st, "instances");
	for (i = 0; i < YAJL_GET_ARRAY(a)->len; i++) {
		yajl_val x = YAJL_GET_ARRAY(a)->values[i];
		const char *l = tag(x, "capplan-pool");

		CU_ASSERT_STRING_EQUAL(tag(x, "capplan-managed"), "true");
		CU_ASSERT(l && (strcmp(l, "gcp_us-central1_a2-highgpu-1g_spot") == 0 ||
				strcmp(l, "gcp_us-central1_a2-highgpu-1g_ondemand") == 0));
	}
	yajl_tree_free(st);
	/* the second run is a no-op */
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "ok"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 4);
	/* spot: a (2 made), b (1); on-demand: a (full: none), b (1) */
	CU_ASSERT_EQUAL(count_calls(st, "instances.bulkInsert"), 4);
	CU_ASSERT_EQUAL(count_calls(st, "instances.delete"), 0);
	yajl_tree_free(st);
	/* 14:00: spot 3 -> 1, ondemand 1 -> 0 */
	setenv("CAPPLAN_NOW", "2026-11-23T14:20:00Z", 1);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 0);
	setenv("CAPPLAN_NOW", "2026-11-23T13:20:00Z", 1);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 1);
	CU_ASSERT_EQUAL(count_calls(st, "instances.delete"), 3);
	/* the one kept is the oldest: the first launched, in zone a */
	CU_ASSERT_STRING_EQUAL(instance_state(st, "us-central1-a/capplan-3441dbea-0001"), "running");
	yajl_tree_free(st);
	fake_stop(&f);
}

/* A 200 that is JSON but no instance list (a gateway's {}): not an empty zone. */
static void test_gcp_list_not_a_list(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st;
	int bulk;

	setup_multi(&f, NULL);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 4);
	bulk = count_calls(st, "instances.bulkInsert");
	yajl_tree_free(st);
	fake_config(&f, "{\"fail\": {\"instances.list\": \"EMPTY200\"}}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "gcp us-central1-a instances.list: the answer is "
					     "not an instance list"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 4);
	CU_ASSERT_EQUAL(count_calls(st, "instances.bulkInsert"), bulk);
	yajl_tree_free(st);
	/* a second page that links to itself: an error, not 10000 pages */
	fake_config(&f, "{\"fail\": {}, \"page_size\": 1, \"next_token_loop\": true}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "gcp us-central1-a instances.list: a "
					     "nextPageToken points at the same page"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 4);
	CU_ASSERT_EQUAL(count_calls(st, "instances.bulkInsert"), bulk);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_gcp_kill9_replays_request_id(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, cmd[1400], cfgjson[600];
	yajl_val st;

	setup_multi(&f, NULL);
	snprintf(cfgjson, sizeof(cfgjson), "{\"describe_lag\": 10, \"kill\": {\"op\": "
		 "\"instances.bulkInsert\", \"n\": 1, \"pid_file\": \"%s/capplan.pid\"}}", f.dir);
	fake_config(&f, cfgjson);
	snprintf(cmd, sizeof(cmd), "sh -c 'echo $$ > capplan.pid; exec \"%s\" --config capplan.yaml "
		 "apply --plan-file \"%s\" --provider gcp --yes'; exit $?", getenv("CAPPLAN_BIN"),
		 tu_src("tests/data/apply/plan_multi.json"));
	CU_ASSERT_NOT_EQUAL(tu_sh(f.dir, cmd, &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 3);
	yajl_tree_free(st);
	/* the listing lags, but the pending attempt replays its requestId: the same operation */
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 4);
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(get(st, "instances"))->len, 4);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_azure(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, *db;
	yajl_val st, j;

	setup_multi(&f, "{\"capacity\": {\"Standard_NC24ads_A100_v4\": 2}, "
			"\"throttle\": {\"virtualMachineScaleSets.list\": 1}}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "sku.capacity=2 priority=Spot"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "virtualMachineScaleSets.createOrUpdate"), 0);
	yajl_tree_free(st);
	/* room for 2: the spot set fills, the on-demand set cannot: 1 GPU short */
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes --json", &out, &err), 1);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(j, "shortfall_gpus")), 1);
	yajl_tree_free(j);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "AllocationFailed"));
	free(out);
	free(err);
	fake_config(&f, "{\"capacity\": {}}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "arm", NULL), 3);
	CU_ASSERT_EQUAL(count_running(st, "azure/eastus/Standard_NC24ads_A100_v4/spot"), 2);
	CU_ASSERT_EQUAL(count_running(st, "azure/eastus/Standard_NC24ads_A100_v4/ondemand"), 1);
	yajl_tree_free(st);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "virtualMachineScaleSets.createOrUpdate"), 3);
	yajl_tree_free(st);
	/* 14:00: spot 2 -> 1 (the youngest VM goes), ondemand 1 -> 0 */
	setenv("CAPPLAN_NOW", "2026-11-23T14:20:00Z", 1);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes", &out, &err), 0);
	setenv("CAPPLAN_NOW", "2026-11-23T13:20:00Z", 1);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "arm", NULL), 1);
	CU_ASSERT_EQUAL(count_calls(st, "virtualMachineScaleSets.deleteInstances"), 2);
	CU_ASSERT_STRING_EQUAL(instance_state(st, "capplan-ea5913240fdf/0"), "running");
	CU_ASSERT_STRING_EQUAL(instance_state(st, "capplan-ea5913240fdf/1"), "terminated");
	yajl_tree_free(st);
	/* the client secret and tokens are nowhere in the store or the audit log */
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml audit", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "virtualMachineScaleSets.deleteInstances"));
	CU_ASSERT_PTR_NULL(strstr(out, "s3cret"));
	CU_ASSERT_PTR_NULL(strstr(out, "eyJ0eXAi"));
	free(out);
	free(err);
	db = tu_read(tu_path(f.dir, "st.db"), NULL);
	CU_ASSERT_PTR_NULL(strstr(db, "s3cret"));
	free(db);
	fake_stop(&f);
}

/*
 * ARM errors come back through http.c: a capacity code (400 SkuNotAvailable) is a shortfall,
 * any other (400 InvalidParameter) a failure; both name the provider's code and message.
 */
/*
 * The bearer token goes only to the ARM origin configured: a nextLink that merely starts with
 * it ("http://127.0.0.1:PORT@127.0.0.2:PORT/...", whose host is 127.0.0.2) is not followed.
 */
static void test_azure_token_stays_home(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, cfg[256];
	yajl_val st;
	int lists;

	setup_multi(&f, NULL);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes", &out, &err), 0);
	free(out);
	free(err);
	snprintf(cfg, sizeof(cfg), "{\"page_size\": 1, \"next_link_origin\": "
		 "\"http://127.0.0.1:%d@127.0.0.2:%d\"}", f.port, f.port);
	fake_config(&f, cfg);
	st = fake_state(&f);
	lists = count_calls(st, "virtualMachineScaleSets.list");
	yajl_tree_free(st);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "azure: refusing to send the token to an "
					     "address outside \"providers.azure.endpoints.arm\""));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "virtualMachineScaleSets.list"), lists + 1);
	yajl_tree_free(st);
	/* a server whose every page links to itself: listed once more, not forever */
	fake_config(&f, "{\"next_link_origin\": null, \"next_link_loop\": true}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "azure: a \"nextLink\" points at the same page"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_calls(st, "virtualMachineScaleSets.list"), lists + 3);
	yajl_tree_free(st);
	fake_stop(&f);
}

static void test_azure_http_errors(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st, j;

	setup_multi(&f, "{\"fail\": {\"virtualMachineScaleSets.createOrUpdate\": "
			"\"SkuNotAvailable\"}}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes --json", &out, &err), 1);
	j = yajl_tree_parse(out, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(get(j, "shortfall_gpus")), 3);
	yajl_tree_free(j);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SkuNotAvailable: injected failure"));
	free(out);
	free(err);
	fake_config(&f, "{\"fail\": {\"virtualMachineScaleSets.createOrUpdate\": "
			"\"InvalidParameter\"}}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "failed: azure eastus: PUT scale set "
				      "capplan-ea5913240fdf: HTTP 400 InvalidParameter: "
				      "injected failure"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "calls failed"));
	CU_ASSERT_PTR_NULL(strstr(out, "s3cret"));
	CU_ASSERT_PTR_NULL(strstr(err, "s3cret"));
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "arm", NULL), 0);
	yajl_tree_free(st);
	fake_stop(&f);
}

/* Credentials that do not work: a clear failure, exit 1, no secret in it or the store. */
static void test_bad_credentials(void)
{
	struct fake f;
	char *out = NULL, *err = NULL, *pub, *db;
	struct buf b = BUF_INIT;
	size_t i;

	setup_multi(&f, "{\"throttle\": {\"instances.list\": 1}}");
	/* the fake now checks the JWT against another key */
	pub = tu_read(tu_src("tests/data/apply/other.pub.pem"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pub);
	buf_puts(&b, "{\"gcp_public_key\": \"");
	for (i = 0; pub[i]; i++)
		if (pub[i] == '\n')
			buf_puts(&b, "\\n");
		else
			buf_putc(&b, pub[i]);
	buf_puts(&b, "\"}");
	fake_config(&f, buf_str(&b));
	buf_release(&b);
	free(pub);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "gcp token"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "HTTP 400"));
	CU_ASSERT_PTR_NULL(strstr(err, "PRIVATE KEY"));
	free(out);
	free(err);
	/* a wrong Azure client secret */
	setenv("AZURE_CLIENT_SECRET", "wrong-s3cret-value", 1);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider azure --yes", &out, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "azure token"));
	CU_ASSERT_PTR_NULL(strstr(err, "wrong-s3cret"));
	free(out);
	free(err);
	setenv("AZURE_CLIENT_SECRET", "s3cret-azure-value", 1);
	CU_ASSERT_EQUAL(tu_capplan(f.dir, "--config capplan.yaml audit", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "oauth.token"));
	CU_ASSERT_PTR_NULL(strstr(out, "s3cret"));
	free(out);
	free(err);
	db = tu_read(tu_path(f.dir, "st.db"), NULL);
	CU_ASSERT_PTR_NULL(strstr(db, "s3cret"));
	free(db);
	/* and with the right key the throttled listing is retried and the run converges */
	pub = tu_read(tu_src("tests/data/apply/gcp-sa.pub.pem"), NULL);
	buf_puts(&b, "{\"gcp_public_key\": \"");
	for (i = 0; pub[i]; i++)
		if (pub[i] == '\n')
			buf_puts(&b, "\\n");
		else
			buf_putc(&b, pub[i]);
	buf_puts(&b, "\", \"throttle\": {\"instances.list\": 1}}");
	fake_config(&f, buf_str(&b));
	buf_release(&b);
	free(pub);
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 0);
	free(out);
	free(err);
	fake_stop(&f);
}

/* --watch-pid: the fake goes away once the process it watches is gone (no orphans). */
static void test_fake_watches_parent(void)
{
	struct fake f;
	pid_t w = fork(), r = 0;
	int i;

	if (w == 0) {
		pause();
		_exit(0);
	}
	CU_ASSERT_FATAL(w > 0);
	CU_ASSERT_EQUAL(fake_start_watching(&f, tu_tmpdir(), w), 0);
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);
	for (i = 0; i < 600 && f.pid > 0 && (r = waitpid(f.pid, NULL, WNOHANG)) == 0; i++)
		sleep_ms(50);
	CU_ASSERT_EQUAL(r, f.pid);	/* it exited on its own */
	if (r == f.pid) {	/* reaped: no slot may keep its (reusable) pid */
		for (i = 0; i < (int)nfakes; i++)
			if (fakes[i] == f.pid)
				fakes[i] = 0;
		f.pid = 0;
	}
	fake_stop(&f);
}

/* A token endpoint's absurd expires_in: clamped, so one token serves the whole run. */
static void test_token_lifetime_clamped(void)
{
	struct fake f;
	char *out = NULL, *err = NULL;
	yajl_val st;

	setup_multi(&f, "{\"token_expires_in\": 1e300}");
	CU_ASSERT_EQUAL(apply_multi(&f, "--provider gcp --yes", &out, &err), 0);
	free(out);
	free(err);
	st = fake_state(&f);
	CU_ASSERT_EQUAL(count_api(st, "gce", NULL), 4);
	CU_ASSERT_EQUAL(count_calls(st, "oauth.token"), 1);
	yajl_tree_free(st);
	fake_stop(&f);
}

void apply_suite_register(void)
{
	CU_pSuite s = CU_add_suite("apply", NULL, suite_cleanup);

	CU_add_test(s, "the plan's hour per pool", test_desired_hour);
	CU_add_test(s, "scale-down youngest first, only capplan's pools", test_reconcile_youngest_first);
	CU_add_test(s, "stand-ins leave first", test_reconcile_standins_first);
	CU_add_test(s, "a GPU model the plan does not plan is kept as it runs",
		    test_reconcile_unplanned_model_kept);
	CU_add_test(s, "idempotency tokens, uuid5, labels", test_tokens);
	CU_add_test(s, "dry run changes nothing", test_dry_run_changes_nothing);
	CU_add_test(s, "apply converges, then a no-op", test_converge_then_noop);
	CU_add_test(s, "kill -9 mid-run then re-run: no duplicates", test_kill9_then_rerun);
	CU_add_test(s, "kill -9 at any kind of moment, then a re-run", test_kill9_anywhere);
	CU_add_test(s, "instances without capplan's tags survive", test_untagged_survive_and_scale_down);
	CU_add_test(s, "the lock holds against two runs", test_lock);
	CU_add_test(s, "guard rails refuse", test_guard_rails);
	CU_add_test(s, "an HTML answer is no fleet", test_html_answer_is_no_fleet);
	CU_add_test(s, "gcp: a 200 that is no instance list", test_gcp_list_not_a_list);
	CU_add_test(s, "azure: the token stays at the ARM origin", test_azure_token_stays_home);
	CU_add_test(s, "capacity errors: partial launch and shortfall", test_capacity_shortfall);
	CU_add_test(s, "spot short: on-demand stand-ins where policy says so", test_fallback_to_ondemand);
	CU_add_test(s, "capacity short: the plan's other offerings with the same GPUs",
		    test_fallback_offerings);
	CU_add_test(s, "unknown outcome: same token; refused: next attempt", test_unknown_outcome_replays_token);
	CU_add_test(s, "commitments are printed, never bought", test_commitments_print_only);
	CU_add_test(s, "commitments name the configured project and subscription",
		    test_commitments_use_config);
	CU_add_test(s, "--plan latest|ID from the store; bad input", test_stored_plan_and_bad_input);
	CU_add_test(s, "gcp: dry run, zones, converge, no-op, scale-down", test_gcp);
	CU_add_test(s, "gcp: kill -9 then re-run replays the requestId", test_gcp_kill9_replays_request_id);
	CU_add_test(s, "oauth: a huge expires_in is clamped", test_token_lifetime_clamped);
	CU_add_test(s, "the fake exits when the process it watches is gone",
		    test_fake_watches_parent);
	CU_add_test(s, "bad gcp and azure credentials: exit 1, no secret", test_bad_credentials);
	CU_add_test(s, "azure: dry run, capacity, converge, no-op, scale-in", test_azure);
	CU_add_test(s, "azure: ARM error codes through http.c", test_azure_http_errors);
	CU_add_test(s, "a plan commitments result is never applied; latest skips it",
		    test_commitments_plan_not_applied);
}
