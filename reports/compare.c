/* What-if and backtest comparisons: side-by-side tables and their JSON. */
#include "reports/reports.h"
#include "reports/rp.h"
#include "util/tm.h"

#include <math.h>
#include <string.h>

const char *const rp_type_names[REPORTS_NTYPES] = { "reserved", "spot", "on-demand" };
const char *const rp_term_names[2] = { "1y", "3y" };

void reports_plan_risk(const struct reports_plan *p, struct reports_risk *out)
{
	size_t o, t;
	double all;

	memset(out, 0, sizeof(*out));
	for (o = 0; o < p->noffers; o++) {
		const struct reports_offer *of = &p->offers[o];
		double rate = isnan(of->spot_interruption) ? 0 : of->spot_interruption;
		int held = p->reserved[o * 2] + p->reserved[o * 2 + 1];

		out->reserved_instances += held;
		out->reserved_gpus += held * of->gpus;
		out->gpu_hours[0] += held * of->gpus * (double)p->nhours;
		for (t = 0; t < p->nhours; t++) {
			out->gpu_hours[1] += of->gpus * p->spot[o * p->nhours + t];
			out->gpu_hours[2] += of->gpus * p->ondemand[o * p->nhours + t];
			out->interruptions += rate * p->spot[o * p->nhours + t];
		}
	}
	all = out->gpu_hours[0] + out->gpu_hours[1] + out->gpu_hours[2];
	out->spot_share = all > 0 ? out->gpu_hours[1] / all : 0;
}

void rp_risk_obj(jw *w, const struct reports_plan *p)
{
	struct reports_risk r;

	reports_plan_risk(p, &r);
	jw_obj(w);
	jw_knum(w, "reserved_gpu_hours", r.gpu_hours[0]);
	jw_knum(w, "spot_gpu_hours", r.gpu_hours[1]);
	jw_knum(w, "ondemand_gpu_hours", r.gpu_hours[2]);
	jw_knum(w, "spot_share", r.spot_share);
	jw_knum(w, "expected_interruptions", r.interruptions);
	jw_kint(w, "reserved_instances", r.reserved_instances);
	jw_knum(w, "reserved_gpus", r.reserved_gpus);
	jw_obj_end(w);
}

int reports_whatif_json(FILE *f, const struct reports_whatif *x, struct err *e)
{
	const struct reports_plan *b = x->baseline, *s = x->scenario;
	struct reports_risk rb, rs;
	jw *w = jw_new(0);
	size_t i;
	int rc;

	if (w == NULL)
		return err_nomem(e);
	reports_plan_risk(b, &rb);
	reports_plan_risk(s, &rs);
	jw_obj(w);
	jw_key(w, "assumptions");
	jw_arr(w);
	for (i = 0; i < x->nsets; i++)
		jw_str(w, x->sets[i]);
	jw_arr_end(w);
	jw_key(w, "baseline");
	rp_plan_json_obj(w, b, 1);
	jw_key(w, "scenario");
	rp_plan_json_obj(w, s, 1);
	jw_key(w, "delta");
	jw_obj(w);
	jw_kmoney(w, "total_cost", s->total_cost - b->total_cost);
	jw_knum(w, "total_cost_pct", b->total_cost > 0 ?
		100 * (s->total_cost - b->total_cost) / b->total_cost : NAN);
	jw_key(w, "cost");
	jw_obj(w);
	jw_kmoney(w, "reserved", s->cost_reserved - b->cost_reserved);
	jw_kmoney(w, "spot", s->cost_spot - b->cost_spot);
	jw_kmoney(w, "ondemand", s->cost_ondemand - b->cost_ondemand);
	jw_obj_end(w);
	jw_kint(w, "reserved_instances", rs.reserved_instances - rb.reserved_instances);
	jw_knum(w, "reserved_gpus", rs.reserved_gpus - rb.reserved_gpus);
	jw_knum(w, "spot_share", rs.spot_share - rb.spot_share);
	jw_knum(w, "expected_interruptions", rs.interruptions - rb.interruptions);
	jw_obj_end(w);
	jw_obj_end(w);
	rc = jw_write(w, f, e);
	jw_free(w);
	return rc;
}

static double pct_of(double part, double whole)
{
	return whole > 0 ? 100 * part / whole : 0;
}

/* The reserved counts of both plans, one row per offering and term held by either. */
static void reserved_rows(FILE *f, const struct reports_plan *b, const struct reports_plan *s)
{
	size_t i, j, k;
	int any = 0;

	for (k = 0; k < 2; k++) {
		const struct reports_plan *p = k == 0 ? b : s, *q = k == 0 ? s : b;

		for (i = 0; i < p->noffers; i++)
			for (size_t term = 0; term < 2; term++) {
				int cp = p->reserved[i * 2 + term], cq = 0;

				for (j = 0; j < q->noffers; j++)
					if (strcmp(q->offers[j].id, p->offers[i].id) == 0)
						cq = q->reserved[j * 2 + term];
				/* a row printed from the baseline side already covers shared ones */
				if (cp == 0 || (k == 1 && cq > 0))
					continue;
				if (!any)
					fprintf(f, "| offering | term | baseline | scenario |\n"
						   "|---|---|---:|---:|\n");
				any = 1;
				fprintf(f, "| %s | %s | %d | %d |\n", p->offers[i].id, rp_term_names[term],
					k == 0 ? cp : cq, k == 0 ? cq : cp);
			}
	}
	if (!any)
		fprintf(f, "Neither plan reserves anything.\n");
}

int reports_whatif_md(FILE *f, const struct reports_whatif *x, struct err *e)
{
	const struct reports_plan *b = x->baseline, *s = x->scenario;
	struct reports_risk rb, rs;
	size_t i;

	reports_plan_risk(b, &rb);
	reports_plan_risk(s, &rs);
	fprintf(f, "# capplan what-if\n\nAssumptions:");
	for (i = 0; i < x->nsets; i++)
		fprintf(f, "%s`%s`", i ? ", " : " ", x->sets[i]);
	fprintf(f, "%s\n\n", x->nsets ? "." : " none (the scenario is the baseline).");
	fprintf(f, "| | baseline | scenario | change |\n|---|---:|---:|---:|\n");
	fprintf(f, "| **total USD** | **%.2f** | **%.2f** | **%+.2f (%+.1f%%)** |\n", b->total_cost,
		s->total_cost, s->total_cost - b->total_cost,
		pct_of(s->total_cost - b->total_cost, b->total_cost));
	fprintf(f, "| reserved USD | %.2f | %.2f | %+.2f |\n", b->cost_reserved, s->cost_reserved,
		s->cost_reserved - b->cost_reserved);
	fprintf(f, "| spot USD | %.2f | %.2f | %+.2f |\n", b->cost_spot, s->cost_spot,
		s->cost_spot - b->cost_spot);
	fprintf(f, "| on-demand USD | %.2f | %.2f | %+.2f |\n", b->cost_ondemand, s->cost_ondemand,
		s->cost_ondemand - b->cost_ondemand);
	if (!isnan(b->ondemand_only_cost) && !isnan(s->ondemand_only_cost))
		fprintf(f, "| all on-demand USD | %.2f | %.2f | %+.2f |\n", b->ondemand_only_cost,
			s->ondemand_only_cost, s->ondemand_only_cost - b->ondemand_only_cost);
	for (i = 0; i < 3; i++) {
		double tb = rb.gpu_hours[0] + rb.gpu_hours[1] + rb.gpu_hours[2];
		double ts = rs.gpu_hours[0] + rs.gpu_hours[1] + rs.gpu_hours[2];

		fprintf(f, "| %s GPU-hours | %.0f (%.0f%%) | %.0f (%.0f%%) | %+.0f |\n",
			rp_type_names[i], rb.gpu_hours[i], pct_of(rb.gpu_hours[i], tb),
			rs.gpu_hours[i], pct_of(rs.gpu_hours[i], ts), rs.gpu_hours[i] - rb.gpu_hours[i]);
	}
	fprintf(f, "| reserved instances | %d | %d | %+d |\n", rb.reserved_instances,
		rs.reserved_instances, rs.reserved_instances - rb.reserved_instances);
	fprintf(f, "| spot share | %.1f%% | %.1f%% | %+.1f pts |\n", 100 * rb.spot_share,
		100 * rs.spot_share, 100 * (rs.spot_share - rb.spot_share));
	fprintf(f, "| expected spot interruptions | %.2f | %.2f | %+.2f |\n", rb.interruptions,
		rs.interruptions, rs.interruptions - rb.interruptions);
	fprintf(f, "\n## Reserved instances\n\n");
	reserved_rows(f, b, s);
	return ferror(f) ? err_set(e, ERR_RUNTIME, "writing the what-if failed") : 0;
}

int reports_backtest_json(FILE *f, const struct reports_backtest *b, struct err *e)
{
	char ts[TM_ISO_LEN];
	jw *w = jw_new(0);
	size_t i;
	int rc;

	if (w == NULL)
		return err_nomem(e);
	jw_obj(w);
	tm_format(b->from, ts);
	jw_kstr(w, "from", ts);
	tm_format(b->end, ts);
	jw_kstr(w, "to", ts);
	jw_kmoney(w, "realized", b->realized);
	jw_kmoney(w, "all_ondemand", b->all_ondemand);
	jw_kmoney(w, "heuristic", b->heuristic);
	jw_kmoney(w, "perfect_foresight", b->perfect_foresight);
	jw_kmoney(w, "perfect_foresight_hold", b->perfect_foresight_hold);
	jw_kmoney(w, "perfect_foresight_lp", b->perfect_foresight_lp);
	jw_knum(w, "realized_vs_perfect_foresight", b->perfect_foresight > 0 ?
		b->realized / b->perfect_foresight : NAN);
	jw_knum(w, "heuristic_vs_perfect_foresight", b->perfect_foresight > 0 ?
		b->heuristic / b->perfect_foresight : NAN);
	jw_knum(w, "max_spot_share", b->max_spot_share);
	jw_kstr(w, "commit_quantile", b->quantile);
	jw_key(w, "weeks");
	jw_arr(w);
	for (i = 0; i < b->nweeks; i++) {
		const struct reports_bt_week *k = &b->weeks[i];

		jw_obj(w);
		tm_format(k->start, ts);
		jw_kstr(w, "start", ts);
		jw_kint(w, "hours", (int64_t)k->nhours);
		jw_kmoney(w, "realized", k->realized);
		jw_kmoney(w, "all_ondemand", k->all_ondemand);
		jw_kmoney(w, "heuristic", k->heuristic);
		jw_kmoney(w, "perfect_foresight", k->perfect_foresight);
		jw_kmoney(w, "perfect_foresight_hold", k->perfect_foresight_hold);
		jw_knum(w, "demand_gpu_hours", k->demand_gpu_hours);
		jw_knum(w, "reserved_gpus", k->reserved_gpus);
		jw_knum(w, "heuristic_reserved_gpus", k->heuristic_reserved_gpus);
		jw_knum(w, "forecast_mae", k->forecast_mae);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "commitments");
	jw_arr(w);
	for (i = 0; i < b->nbuys; i++) {
		jw_obj(w);
		tm_format(b->buys[i].week, ts);
		jw_kstr(w, "week", ts);
		jw_kstr(w, "strategy", b->buys[i].strategy);
		jw_kstr(w, "offering", b->buys[i].offering);
		jw_kstr(w, "term", b->buys[i].term);
		jw_kint(w, "count", b->buys[i].count);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	rc = jw_write(w, f, e);
	jw_free(w);
	return rc;
}

int reports_backtest_md(FILE *f, const struct reports_backtest *b, struct err *e)
{
	char from[TM_ISO_LEN], to[TM_ISO_LEN], ts[TM_ISO_LEN];
	const char *names[5] = { "policy (realized)", "commitment heuristic", "all on-demand",
				 "perfect foresight (lower bound)",
				 "perfect-foresight plan held from the start" };
	double v[5];
	size_t i;

	v[0] = b->realized;
	v[1] = b->heuristic;
	v[2] = b->all_ondemand;
	v[3] = b->perfect_foresight;
	v[4] = b->perfect_foresight_hold;
	tm_format(b->from, from);
	tm_format(b->end, to);
	fprintf(f, "# capplan backtest\n\n%s to %s, %zu week%s; policy: commit to the forecast's "
		"%s, spot at most %.0f%% of each hour's demand.\n\n", from, to, b->nweeks,
		b->nweeks == 1 ? "" : "s", b->quantile, 100 * b->max_spot_share);
	fprintf(f, "| strategy | USD | vs perfect foresight |\n|---|---:|---:|\n");
	for (i = 0; i < 5; i++)
		fprintf(f, "| %s | %.2f | %.3fx |\n", names[i], v[i],
			b->perfect_foresight > 0 ? v[i] / b->perfect_foresight : NAN);
	fprintf(f, "\nPerfect foresight is the least any strategy could pay in each week knowing its "
		"real demand, commitments chosen afresh for the week and priced like the rest: no "
		"strategy pays less in any week. The plan held from the start (the cheapest "
		"commitments for the whole window, bought in its first hour) is one a policy "
		"could have followed; one that tops up later can beat it.\n");
	fprintf(f, "\n## Weeks\n\n| week from | hours | realized | heuristic | all on-demand | "
		   "perfect foresight | reserved GPUs held |\n|---|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < b->nweeks; i++) {
		const struct reports_bt_week *k = &b->weeks[i];

		tm_format(k->start, ts);
		fprintf(f, "| %s | %zu | %.2f | %.2f | %.2f | %.2f | %.0f |\n", ts, k->nhours,
			k->realized, k->heuristic, k->all_ondemand, k->perfect_foresight,
			k->reserved_gpus);
	}
	if (b->nbuys) {
		fprintf(f, "\n## Commitments bought\n\n| week | strategy | offering | term | count |\n"
			   "|---|---|---|---|---:|\n");
		for (i = 0; i < b->nbuys; i++) {
			tm_format_date(b->buys[i].week, ts);
			fprintf(f, "| %s | %s | %s | %s | %d |\n", ts, b->buys[i].strategy,
				b->buys[i].offering, b->buys[i].term, b->buys[i].count);
		}
	}
	return ferror(f) ? err_set(e, ERR_RUNTIME, "writing the backtest failed") : 0;
}
