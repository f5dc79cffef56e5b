/*
 * The forecaster's speed bar: fit and forecast N series of 8,760 hourly points (a year),
 * horizon 168, --method auto, on one core. Prints the CPU time and the peak resident size
 * after a tenth of the series and after all of them: per-series memory is freed, so the two
 * must match (allocation does not grow with the number of series).
 *
 *   build/bench/bench_forecast_speed [--series 1000] [--hours 8760] [--horizon 168] [--method auto]
 */
#include "forecast/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A year of GPU-like demand: growth, daily and weekly cycles, noise, gaps and a spike. */
static void synth(double *y, size_t n, unsigned seed)
{
	double lvl = 20 + seed % 50, amp = 5 + seed % 7;
	size_t t;

	for (t = 0; t < n; t++) {
		double u;

		seed = seed * 1103515245u + 12345u;
		u = (double)((seed >> 8) & 0xffff) / 65536.0 - 0.5;
		lvl += 0.002 + 0.05 * u;
		y[t] = lvl + amp * sin(2 * M_PI * (double)t / 24) +
		       (t / 24 % 7 < 5 ? 0.4 * amp : -0.3 * amp) + 3 * u;
		if (y[t] < 0)
			y[t] = 0;
		if (t % 997 == 5)
			y[t] = NAN;
	}
	y[n / 2] *= 4;
}

int main(int argc, char **argv)
{
	size_t nser = 1000, hours = 8760, i, h;
	struct forecast_opts o = FORECAST_OPTS_INIT;
	double *y, t0, t1, sum = 0;
	long mem_tenth = 0;

	o.horizon = 168;
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--series") == 0 && i + 1 < (size_t)argc)
			nser = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--hours") == 0 && i + 1 < (size_t)argc)
			hours = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--horizon") == 0 && i + 1 < (size_t)argc)
			o.horizon = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--method") == 0 && i + 1 < (size_t)argc &&
			 forecast_method_parse(argv[i + 1], &o.method) == 0)
			i++;
		else {
			fprintf(stderr, "usage: bench_forecast_speed [--series N] [--hours H] "
				"[--horizon H] [--method M]\n");
			return 2;
		}
	}
	if ((y = malloc(hours * sizeof(*y))) == NULL)
		return 1;
	t0 = cpu_seconds();
	for (i = 0; i < nser; i++) {
		struct forecast_result *r = NULL;
		struct err e = ERR_INIT;

		synth(y, hours, (unsigned)i * 7919u + 1);
		if (forecast_run(&r, y, hours, &o, &e) < 0) {
			fprintf(stderr, "series %zu: %s\n", i, e.msg);
			return 1;
		}
		for (h = 0; h < r->horizon; h++)
			sum += r->mean[h];
		forecast_result_free(r);
		if (i + 1 == (nser + 9) / 10)
			mem_tenth = peak_kib();
	}
	t1 = cpu_seconds();
	printf("%zu series x %zu hours, horizon %zu, method %s: %.2f s CPU (%.2f ms a series)\n",
	       nser, hours, o.horizon, forecast_method_name(o.method), t1 - t0,
	       1e3 * (t1 - t0) / (double)nser);
	printf("peak RSS after %zu series: %ld KiB; after %zu: %ld KiB (checksum %.3f)\n",
	       (nser + 9) / 10, mem_tenth, nser, peak_kib(), sum / (double)nser);
	free(y);
	return 0;
}
