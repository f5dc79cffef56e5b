/*
 * The optimizer's speed bar (issue 6): a month-ahead hourly fleet plan, 720 h x 1,500 offerings
 * of 8 GPU models in 32 regions of three providers, spot share <= 0.4, 1y and 3y prices, owned
 * commitments, and a GPU quota of 80 in every region. It generates the problem, has capplan
 * write the straightforward LP (a column per offering and hour, a row per model-hour and per
 * region-hour), runs glpsol on it, runs `capplan plan fleet --relax` and the default whole-
 * instance `plan fleet`, and prints times, peak memory, the cost agreement and the gap.
 *
 *   build/bench/bench_solver DIR [--hours 720] [--offerings 1500] [--skip-glpsol]
 *                                [--glpsol-seconds S --glpsol-cost C]   (reuse a recorded run)
 *
 * DIR receives offerings.csv, demand.csv, capplan.yaml, fleet.lp and glpsol.out. The capplan
 * binary is ./capplan (or $CAPPLAN_BIN). Timings are wall clock on a shared machine: noisy.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long rng = 20261201;
static double urand(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)((rng >> 33) % 1000000000ULL) / 1e9;
}

static const char *const models[8] = { "H100-80GB", "A100-80GB", "A100-40GB", "L4", "A10G",
				       "V100", "T4", "L40S" };
static const double base[8] = { 9.8, 4.1, 3.4, 0.85, 1.2, 3.06, 0.53, 1.9 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void generate(const char *dir, int hours, int noffers)
{
	char path[1024];
	FILE *f;
	int i, r, m, t;
	static const int sizes[4] = { 1, 2, 4, 8 };

	snprintf(path, sizeof(path), "%s/offerings.csv", dir);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "provider,region,instance_type,gpu_model,gpus_per_instance,vcpus,memory_gib,"
		"ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		"spot_interruption_rate\n");
	/* 32 regions: 12 aws, 10 gcp, 10 azure; offerings spread over region x model */
	for (i = 0; i < noffers; i++) {
		int reg = i % 32, g = sizes[(i / 256) % 4];
		const char *prov = reg < 12 ? "aws" : reg < 22 ? "gcp" : "azure";
		double regf = 0.9 + 0.25 * urand(), od;

		m = (i / 32) % 8;
		od = base[m] * g * regf * (g == 8 ? 0.97 : 1.0);
		fprintf(f, "%s,region-%02d,%c%d.x%d-%d,%s,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,\n", prov, reg,
			"pgaglpgl"[m], m, g, i, models[m], g, 12 * g, 96 * g, od,
			od * (0.25 + 0.2 * urand()), od * (0.6 + 0.08 * urand()),
			od * (0.42 + 0.08 * urand()));
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/demand.csv", dir);
	f = fopen(path, "w");
	fprintf(f, "timestamp,gpu_model,gpus\n");
	for (m = 0; m < 8; m++) {
		double amp = 150 + 60 * urand();

		for (t = 0; t < hours; t++) {
			double v = amp * (0.65 + 0.25 * sin(2 * M_PI * (t + 3 * m) / 24) +
					  0.08 * sin(2 * M_PI * t / 168)) + 10 * urand();
			int day = t / 24;

			fprintf(f, "2026-%02d-%02dT%02d:00:00Z,%s,%.0f\n", 12,
				1 + day % 31, t % 24, models[m], ceil(v));
			if (day >= 31)
				break;
		}
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/capplan.yaml", dir);
	f = fopen(path, "w");
	fprintf(f, "policy:\n  max_spot_share: 0.4\nquotas:\n");
	for (r = 0; r < 32; r++)
		fprintf(f, "  - {provider: %s, region: region-%02d, gpus: 80}\n",
			r < 12 ? "aws" : r < 22 ? "gcp" : "azure", r);
	/* some capacity already owned (sunk): 1y and 3y commitments, one expiring mid-month */
	fprintf(f, "commitments:\n");
	for (m = 0; m < 8; m++)
		fprintf(f, "  - {offering: %s/region-%02d/%c%d.x%d-%d, count: %d%s}\n",
			m < 3 ? "aws" : m < 5 ? "aws" : "aws", m, "pgaglpgl"[m], m, 8, 768 + m * 32 + m,
			2 + m % 3, m % 2 ? ", expires: 2026-12-15T00:00:00Z" : "");
	fclose(f);
}

/* Runs argv, returns wall seconds and peak RSS in MB of the child; exit status in *status. */
static double run(char *const argv[], const char *out, double *rss_mb, int *status)
{
	double t0;
	pid_t pid;
	struct rusage ru;
	int st;

	fflush(stdout);
	t0 = now();
	pid = fork();
	if (pid == 0) {
		if (out && !freopen(out, "w", stdout))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	wait4(pid, &st, 0, &ru);
	*rss_mb = ru.ru_maxrss / 1024.0;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return now() - t0;
}

static double json_num(const char *path, const char *key)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n;
	char *p;

	if (!f)
		return NAN;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	p = strstr(buf, key);
	return p ? strtod(p + strlen(key), NULL) : NAN;
}

static double glpsol_obj(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");
	double v = NAN;

	if (!f)
		return NAN;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Objective:", 10) == 0 && strstr(line, "obj = "))
			v = strtod(strstr(line, "obj = ") + 6, NULL);
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *bin = getenv("CAPPLAN_BIN") ? getenv("CAPPLAN_BIN") : "./capplan";
	int hours = 720, noffers = 1500, skip = 0, i, st;
	double gsec = NAN, gcost = NAN, grss = NAN, rss, trel, tint, crel, cint, gap;
	char off[1024], dem[1024], cfg[1024], lp[1024], gout[1024], jrel[1024], jint[1024], hz[16];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hours") == 0 && i + 1 < argc)
			hours = atoi(argv[++i]);
		else if (strcmp(argv[i], "--offerings") == 0 && i + 1 < argc)
			noffers = atoi(argv[++i]);
		else if (strcmp(argv[i], "--skip-glpsol") == 0)
			skip = 1;
		else if (strcmp(argv[i], "--glpsol-seconds") == 0 && i + 1 < argc)
			gsec = atof(argv[++i]);
		else if (strcmp(argv[i], "--glpsol-cost") == 0 && i + 1 < argc)
			gcost = atof(argv[++i]);
		else
			dir = argv[i];
	}
	if (!dir || hours < 1 || hours > 744 || noffers < 256) {
		fprintf(stderr, "usage: bench_solver DIR [--hours 720] [--offerings 1500] "
			"[--skip-glpsol] [--glpsol-seconds S --glpsol-cost C]\n");
		return 2;
	}
	generate(dir, hours, noffers);
	snprintf(off, sizeof(off), "%s/offerings.csv", dir);
	snprintf(dem, sizeof(dem), "%s/demand.csv", dir);
	snprintf(cfg, sizeof(cfg), "%s/capplan.yaml", dir);
	snprintf(lp, sizeof(lp), "%s/fleet.lp", dir);
	snprintf(gout, sizeof(gout), "%s/glpsol.out", dir);
	snprintf(jrel, sizeof(jrel), "%s/fleet_relax.json", dir);
	snprintf(jint, sizeof(jint), "%s/fleet.json", dir);
	snprintf(hz, sizeof(hz), "%d", hours);
	printf("problem: %d hours x %d offerings, 8 GPU models, 32 regions, quota 80 GPUs/region\n",
	       hours, noffers);
	{
		/* the straightforward LP, written by capplan itself (not timed) */
		char *a[] = { (char *)bin, "--config", cfg, "-q", "plan", "fleet", "--horizon", hz,
			      "--offerings", off, "--demand", dem, "--relax", "--json", "--write-lp", lp,
			      NULL };
		double t = run(a, "/dev/null", &rss, &st);

		printf("wrote %s in %.1f s (exit %d)\n", lp, t, st);
	}
	if (!skip && isnan(gsec)) {
		char *a[] = { "glpsol", "--lp", lp, "-o", gout, NULL };

		printf("running glpsol (slow)...\n");
		fflush(stdout);
		gsec = run(a, "/dev/null", &grss, &st);
		gcost = glpsol_obj(gout);
		printf("glpsol: %.1f s, peak %.0f MB, objective %.6f (exit %d)\n", gsec, grss, gcost,
		       st);
	}
	{
		char *a[] = { (char *)bin, "--config", cfg, "-q", "plan", "fleet", "--horizon", hz,
			      "--offerings", off, "--demand", dem, "--relax", "--json", NULL };

		trel = run(a, jrel, &rss, &st);
		crel = json_num(jrel, "\"total_cost\":");
		printf("plan fleet --relax: %.2f s, peak %.0f MB, cost %.6f (exit %d)\n", trel, rss,
		       crel, st);
	}
	if (!isnan(gsec)) {
		printf("glpsol / plan fleet --relax: %.1fx\n", gsec / trel);
		printf("cost relative difference: %.3g\n", fabs(crel - gcost) / fabs(gcost));
	}
	{
		char *a[] = { (char *)bin, "--config", cfg, "-q", "plan", "fleet", "--horizon", hz,
			      "--offerings", off, "--demand", dem, "--json", NULL };

		tint = run(a, jint, &rss, &st);
		cint = json_num(jint, "\"total_cost\":");
		gap = json_num(jint, "\"gap\":");
		printf("plan fleet (whole instances): %.2f s, peak %.0f MB, cost %.6f, proven gap "
		       "%.4f%%, %.4f%% over the relaxed optimum (exit %d)\n", tint, rss, cint,
		       100 * gap, 100 * (cint - crel) / crel, st);
		/* the proven bound on whole instances against the relaxed optimum: what part of
		 * the excess no whole-instance plan can avoid (spot caps of 0.4 x demand are
		 * fractional, instances are not) */
		printf("proven whole-instance lower bound: %.4f%% over the relaxed optimum\n",
		       100 * (cint * (1 - gap) - crel) / crel);
		if (!isnan(gsec))
			printf("glpsol / plan fleet: %.1fx\n", gsec / tint);
	}
	return 0;
}
