/*
 * The solver's entry point and the GLPK models (the only file that includes <glpk.h>).
 *
 * solver_solve picks the path by what couples the decisions:
 * - nothing (no quotas; no per-pool spot cap on whole instances): each GPU model alone, exactly,
 *   by the structured solver (dp.c);
 * - quotas (or the pool cap) but no reserved decisions (plan fleet): hour by hour, with
 *   dominated offerings pruned (solve_hourly);
 * - quotas and reserved decisions, relaxed: one MILP whose hours with the same demand and owned
 *   capacity are merged (given the reserved counts they have the same optimal answer, so the
 *   merge is exact), within the time limit and with a proven gap;
 * - the same with whole instances: that MILP briefly, else reserved counts from the relaxed
 *   problem and then hour by hour (solve_two_stage), with the gap to the relaxed bound.
 */
#include "solver/internal.h"

#include <float.h>
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void solver_plan_free(struct solver_plan *plan)
{
	if (plan == NULL)
		return;
	free(plan->reserved);
	free(plan->spot);
	free(plan->ondemand);
	free(plan->quota_value);
	free(plan);
}

static int plan_new(struct solver_plan **out, const struct solver_problem *p, struct err *e)
{
	struct solver_plan *s;
	size_t n = p->noptions * p->nhours + 1;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->reserved = calloc(p->noptions * SOLVER_TERMS + 1, sizeof(int))) == NULL ||
	    (s->spot = calloc(n, sizeof(double))) == NULL ||
	    (s->ondemand = calloc(n, sizeof(double))) == NULL ||
	    (s->quota_value = calloc(p->nquotas + 1, sizeof(double))) == NULL) {
		solver_plan_free(s);
		return err_nomem(e);
	}
	s->noptions = p->noptions;
	s->nhours = p->nhours;
	s->spot_share_value = NAN;
	*out = s;
	return 0;
}

double solver_plan_cost(const struct solver_problem *p, const struct solver_plan *s)
{
	double r = 0, sp = 0, od = 0;
	size_t o, t;
	int k;

	for (o = 0; o < p->noptions; o++) {
		const struct solver_option *x = &p->options[o];

		for (k = 0; k < SOLVER_TERMS; k++)
			if (s->reserved[o * SOLVER_TERMS + k] > 0)
				r += s->reserved[o * SOLVER_TERMS + k] * x->reserved[k] *
				     (double)p->nhours;
		for (t = 0; t < p->nhours; t++) {
			if (s->spot[o * p->nhours + t] > 0)
				sp += s->spot[o * p->nhours + t] * x->spot;
			if (s->ondemand[o * p->nhours + t] > 0)
				od += s->ondemand[o * p->nhours + t] * x->ondemand;
		}
	}
	((struct solver_plan *)s)->cost_reserved = r;
	((struct solver_plan *)s)->cost_spot = sp;
	((struct solver_plan *)s)->cost_ondemand = od;
	return r + sp + od;
}

static int check_problem(const struct solver_problem *p, struct err *e)
{
	size_t o, q;

	if (p->nclasses == 0 || p->nhours == 0)
		return err_set(e, ERR_INPUT, "nothing to plan: no demand");
	if (!(p->max_spot_share >= 0 && p->max_spot_share <= 1))
		return err_set(e, ERR_INPUT, "max_spot_share %g is not in 0..1", p->max_spot_share);
	if (!(p->min_ondemand_share >= 0 && p->min_ondemand_share <= 1))
		return err_set(e, ERR_INPUT, "min_ondemand_share %g is not in 0..1",
			       p->min_ondemand_share);
	for (o = 0; o < p->noptions; o++) {
		const struct solver_option *x = &p->options[o];

		if (x->cls >= p->nclasses || !(x->gpus > 0))
			return err_set(e, ERR_INPUT, "option \"%s\": bad class or GPU count",
				       x->label ? x->label : "?");
		if (!isnan(x->spot_interruption) && !(x->spot_interruption >= 0 &&
						      x->spot_interruption < 1))
			return err_set(e, ERR_INPUT, "option \"%s\": interruption rate %g is not in "
				       "0..1", x->label, x->spot_interruption);
	}
	for (q = 0; q < p->nquotas; q++)
		if (!(p->quotas[q].limit >= 0))
			return err_set(e, ERR_INPUT, "quota %zu: limit %g is negative", q,
				       p->quotas[q].limit);
	return 0;
}

/* ---- the GLPK model ---- */

struct model {
	glp_prob *lp;
	size_t nlevels;
	size_t *lv_first;	/* [l] a representative hour */
	size_t *lv_n;		/* [l] hours merged */
	size_t *hour_lv;	/* [t] */
	int *colR;		/* [o * TERMS + k], 0 = none */
	int *colS, *colD;	/* [o * nlevels + l] */
	int *rowCover, *rowSpot;	/* [c * nlevels + l] */
	int *rowQuota;		/* [q * nlevels + l] */
	int *colSlack;		/* elastic: [c * nlevels + l] */
};

static void model_free(struct model *m)
{
	if (m->lp)
		glp_delete_prob(m->lp);
	free(m->lv_first);
	free(m->lv_n);
	free(m->hour_lv);
	free(m->colR);
	free(m->colS);
	free(m->colD);
	free(m->rowCover);
	free(m->rowSpot);
	free(m->rowQuota);
	free(m->colSlack);
	memset(m, 0, sizeof(*m));
}

static int owned_active(const struct solver_option *x, size_t t)
{
	return x->owned > 0 && (x->owned_hours == 0 || t < x->owned_hours);
}

static const struct solver_problem *cmp_p;

static int hour_cmp(const void *a, const void *b)
{
	size_t s = *(const size_t *)a, t = *(const size_t *)b, c, o;

	for (c = 0; c < cmp_p->nclasses; c++) {
		double x = cmp_p->demand[c * cmp_p->nhours + s];
		double y = cmp_p->demand[c * cmp_p->nhours + t];

		if (x != y)
			return x < y ? -1 : 1;
	}
	for (o = 0; o < cmp_p->noptions; o++) {
		int x = owned_active(&cmp_p->options[o], s), y = owned_active(&cmp_p->options[o], t);

		if (x != y)
			return x - y;
	}
	return s < t ? -1 : s > t;
}

static int same_hour(const struct solver_problem *p, size_t s, size_t t)
{
	size_t c, o;

	for (c = 0; c < p->nclasses; c++)
		if (p->demand[c * p->nhours + s] != p->demand[c * p->nhours + t])
			return 0;
	for (o = 0; o < p->noptions; o++)
		if (owned_active(&p->options[o], s) != owned_active(&p->options[o], t))
			return 0;
	return 1;
}

static double dem(const struct solver_problem *p, size_t c, size_t t)
{
	double d = p->demand[c * p->nhours + t];

	return isnan(d) || d < 0 ? 0 : d;
}

static int quota_match(const struct solver_quota *q, const struct solver_option *x)
{
	if (q->provider && *q->provider && (!x->provider || strcmp(q->provider, x->provider)))
		return 0;
	if (q->region && *q->region && (!x->region || strcmp(q->region, x->region)))
		return 0;
	if (q->family && (!x->family || strcmp(q->family, x->family)))
		return 0;
	return 1;
}

/* Coefficient of one instance in quota q: physical GPUs, or vCPUs for a family quota. */
static double quota_coef(const struct solver_quota *q, const struct solver_option *x)
{
	return q->family ? (double)x->vcpus : x->gpus;
}

/* Growable sparse matrix triplets (1-based for GLPK). */
struct trip {
	int *ia, *ja;
	double *ar;
	size_t n, cap;
};

static int trip_add(struct trip *m, int i, int j, double v)
{
	if (m->n + 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 4096;
		int *a = realloc(m->ia, nc * sizeof(int)), *b;
		double *c;

		if (a == NULL)
			return -1;
		m->ia = a;
		if ((b = realloc(m->ja, nc * sizeof(int))) == NULL)
			return -1;
		m->ja = b;
		if ((c = realloc(m->ar, nc * sizeof(double))) == NULL)
			return -1;
		m->ar = c;
		m->cap = nc;
	}
	m->n++;
	m->ia[m->n] = i;
	m->ja[m->n] = j;
	m->ar[m->n] = v;
	return 0;
}

/*
 * Builds the model. merge: hours with the same demand and owned capacity share columns
 * (weighted by their count); else a column per offering and hour. elastic: each cover row
 * gets a shortfall column at a prohibitive price (for explaining infeasibility).
 */
static int model_build(struct model *m, const struct solver_problem *p, int merge, int elastic,
		       struct err *e)
{
	struct trip tr = { NULL, NULL, NULL, 0, 0 };
	size_t *ord = NULL, t, l, o, c, q, L;
	int k, rc = 0, ncol = 0, nrow = 0;
	double H = (double)p->nhours, bigm = 1;
	char name[96];
	int integer = !p->relax;

	memset(m, 0, sizeof(*m));
	if ((ord = calloc(p->nhours + 1, sizeof(size_t))) == NULL ||
	    (m->lv_first = calloc(p->nhours + 1, sizeof(size_t))) == NULL ||
	    (m->lv_n = calloc(p->nhours + 1, sizeof(size_t))) == NULL ||
	    (m->hour_lv = calloc(p->nhours + 1, sizeof(size_t))) == NULL)
		goto nomem;
	for (t = 0; t < p->nhours; t++)
		ord[t] = t;
	if (merge) {
		cmp_p = p;
		qsort(ord, p->nhours, sizeof(size_t), hour_cmp);
	}
	for (t = 0, L = 0; t < p->nhours; t++) {
		if (!(merge && L > 0 && same_hour(p, m->lv_first[L - 1], ord[t]))) {
			m->lv_first[L] = ord[t];
			L++;
		}
		m->lv_n[L - 1]++;
		m->hour_lv[ord[t]] = L - 1;
	}
	m->nlevels = L;
	if ((m->colR = calloc(p->noptions * SOLVER_TERMS + 1, sizeof(int))) == NULL ||
	    (m->colS = calloc(p->noptions * L + 1, sizeof(int))) == NULL ||
	    (m->colD = calloc(p->noptions * L + 1, sizeof(int))) == NULL ||
	    (m->rowCover = calloc(p->nclasses * L + 1, sizeof(int))) == NULL ||
	    (m->rowSpot = calloc(p->nclasses * L + 1, sizeof(int))) == NULL ||
	    (m->rowQuota = calloc(p->nquotas * L + 1, sizeof(int))) == NULL ||
	    (m->colSlack = calloc(p->nclasses * L + 1, sizeof(int))) == NULL)
		goto nomem;
	m->lp = glp_create_prob();
	glp_set_prob_name(m->lp, "capplan");
	glp_set_obj_dir(m->lp, GLP_MIN);
	/* columns: reserved per option and term, then spot and on-demand per option and level */
	for (o = 0; o < p->noptions; o++) {
		const struct solver_option *x = &p->options[o];

		if (x->ondemand > bigm)
			bigm = x->ondemand;
		for (k = 0; k < SOLVER_TERMS && !p->no_reserve; k++) {
			if (isnan(x->reserved[k]))
				continue;
			ncol = glp_add_cols(m->lp, 1);
			snprintf(name, sizeof(name), "R_%zu_%d", o, k);
			glp_set_col_name(m->lp, ncol, name);
			glp_set_col_bnds(m->lp, ncol, GLP_LO, 0, 0);
			glp_set_col_kind(m->lp, ncol, GLP_IV);
			glp_set_obj_coef(m->lp, ncol, x->reserved[k] * H);
			m->colR[o * SOLVER_TERMS + (size_t)k] = ncol;
		}
	}
	for (l = 0; l < L; l++) {
		size_t th = m->lv_first[l];

		for (o = 0; o < p->noptions; o++) {
			const struct solver_option *x = &p->options[o];
			double d = dem(p, x->cls, th);

			if (!isnan(x->spot) && p->max_spot_share > 0) {
				ncol = glp_add_cols(m->lp, 1);
				snprintf(name, sizeof(name), "S_%zu_%zu", o, merge ? l : th);
				glp_set_col_name(m->lp, ncol, name);
				if (!isnan(p->max_spot_pool_share))
					glp_set_col_bnds(m->lp, ncol, GLP_DB, 0, floor(
						p->max_spot_pool_share * d / solver_delivered(x, 1) + 1e-9));
				else
					glp_set_col_bnds(m->lp, ncol, GLP_LO, 0, 0);
				if (integer)
					glp_set_col_kind(m->lp, ncol, GLP_IV);
				glp_set_obj_coef(m->lp, ncol, x->spot * (double)m->lv_n[l]);
				m->colS[o * L + l] = ncol;
			}
			if (!isnan(x->ondemand)) {
				ncol = glp_add_cols(m->lp, 1);
				snprintf(name, sizeof(name), "D_%zu_%zu", o, merge ? l : th);
				glp_set_col_name(m->lp, ncol, name);
				glp_set_col_bnds(m->lp, ncol, GLP_LO, 0, 0);
				if (integer)
					glp_set_col_kind(m->lp, ncol, GLP_IV);
				glp_set_obj_coef(m->lp, ncol, x->ondemand * (double)m->lv_n[l]);
				m->colD[o * L + l] = ncol;
			}
		}
		if (elastic)
			for (c = 0; c < p->nclasses; c++) {
				ncol = glp_add_cols(m->lp, 1);
				snprintf(name, sizeof(name), "short_%zu_%zu", c, l);
				glp_set_col_name(m->lp, ncol, name);
				glp_set_col_bnds(m->lp, ncol, GLP_LO, 0, 0);
				glp_set_obj_coef(m->lp, ncol, bigm * 1e4 * (double)m->lv_n[l]);
				m->colSlack[c * L + l] = ncol;
			}
	}
	/* rows, per level: cover and spot cap (and on-demand floor) per class, each quota */
	for (l = 0; l < L; l++) {
		size_t th = m->lv_first[l], hn = merge ? l : th;

		for (c = 0; c < p->nclasses; c++) {
			double d = dem(p, c, th), owned = 0;
			int rcov, rsp = 0, rfl = 0;

			for (o = 0; o < p->noptions; o++)
				if (p->options[o].cls == c && owned_active(&p->options[o], th))
					owned += p->options[o].owned * solver_delivered(&p->options[o], 0);
			rcov = nrow = glp_add_rows(m->lp, 1);
			snprintf(name, sizeof(name), "cover_%zu_%zu", c, hn);
			glp_set_row_name(m->lp, nrow, name);
			glp_set_row_bnds(m->lp, nrow, GLP_LO, d - owned, 0);
			m->rowCover[c * L + l] = rcov;
			if (elastic && trip_add(&tr, rcov, m->colSlack[c * L + l], 1) < 0)
				goto nomem;
			for (o = 0; o < p->noptions; o++) {
				const struct solver_option *x = &p->options[o];

				if (x->cls != c)
					continue;
				if (m->colS[o * L + l]) {
					if (!rsp) {
						rsp = nrow = glp_add_rows(m->lp, 1);
						snprintf(name, sizeof(name), "spotcap_%zu_%zu", c, hn);
						glp_set_row_name(m->lp, nrow, name);
						glp_set_row_bnds(m->lp, nrow, GLP_UP, 0,
								 p->max_spot_share * d);
						m->rowSpot[c * L + l] = rsp;
					}
					if (trip_add(&tr, rcov, m->colS[o * L + l],
						     solver_delivered(x, 1)) < 0 ||
					    trip_add(&tr, rsp, m->colS[o * L + l],
						     solver_delivered(x, 1)) < 0)
						goto nomem;
				}
				for (k = 0; k < SOLVER_TERMS; k++)
					if (m->colR[o * SOLVER_TERMS + (size_t)k] &&
					    trip_add(&tr, rcov, m->colR[o * SOLVER_TERMS + (size_t)k],
						     solver_delivered(x, 0)) < 0)
						goto nomem;
				if (m->colD[o * L + l]) {
					if (trip_add(&tr, rcov, m->colD[o * L + l],
						     solver_delivered(x, 0)) < 0)
						goto nomem;
					if (p->min_ondemand_share > 0) {
						if (!rfl) {
							rfl = nrow = glp_add_rows(m->lp, 1);
							snprintf(name, sizeof(name), "floor_%zu_%zu", c, hn);
							glp_set_row_name(m->lp, nrow, name);
							glp_set_row_bnds(m->lp, nrow, GLP_LO,
									 p->min_ondemand_share * d, 0);
						}
						if (trip_add(&tr, rfl, m->colD[o * L + l],
							     solver_delivered(x, 0)) < 0)
							goto nomem;
					}
				}
			}
			if (p->min_ondemand_share > 0 && d > 0 && !rfl) {
				/* a floor nothing can meet: keep it as an impossible row */
				nrow = glp_add_rows(m->lp, 1);
				snprintf(name, sizeof(name), "floor_%zu_%zu", c, hn);
				glp_set_row_name(m->lp, nrow, name);
				glp_set_row_bnds(m->lp, nrow, GLP_FX, p->min_ondemand_share * d,
						 p->min_ondemand_share * d);
			}
		}
		for (q = 0; q < p->nquotas; q++) {
			const struct solver_quota *qq = &p->quotas[q];
			double owned = 0;
			int rq = 0;

			for (o = 0; o < p->noptions; o++) {
				const struct solver_option *x = &p->options[o];
				double a = quota_coef(qq, x);

				if (!quota_match(qq, x) || a == 0)
					continue;
				if (!rq) {
					rq = nrow = glp_add_rows(m->lp, 1);
					snprintf(name, sizeof(name), "quota_%zu_%zu", q, hn);
					glp_set_row_name(m->lp, nrow, name);
					m->rowQuota[q * L + l] = rq;
				}
				if (qq->kind != SOLVER_QUOTA_SPOT) {
					if (owned_active(x, th))
						owned += a * x->owned;
					for (k = 0; k < SOLVER_TERMS; k++)
						if (m->colR[o * SOLVER_TERMS + (size_t)k] &&
						    trip_add(&tr, rq, m->colR[o * SOLVER_TERMS +
						    (size_t)k], a) < 0)
							goto nomem;
					if (m->colD[o * L + l] &&
					    trip_add(&tr, rq, m->colD[o * L + l], a) < 0)
						goto nomem;
				}
				if (qq->kind != SOLVER_QUOTA_ONDEMAND && m->colS[o * L + l] &&
				    trip_add(&tr, rq, m->colS[o * L + l], a) < 0)
					goto nomem;
			}
			if (rq)
				glp_set_row_bnds(m->lp, rq, GLP_UP, 0, qq->limit - owned);
		}
	}
	if (tr.n > 0)
		glp_load_matrix(m->lp, (int)tr.n, tr.ia, tr.ja, tr.ar);
	goto out;
nomem:
	rc = err_nomem(e);
out:
	free(tr.ia);
	free(tr.ja);
	free(tr.ar);
	free(ord);
	return rc;
}

static void model_extract(const struct model *m, const struct solver_problem *p,
			  struct solver_plan *s, int mip)
{
	size_t o, t;
	int k;

	for (o = 0; o < p->noptions; o++) {
		for (k = 0; k < SOLVER_TERMS; k++) {
			int j = m->colR[o * SOLVER_TERMS + (size_t)k];

			if (j)
				s->reserved[o * SOLVER_TERMS + (size_t)k] = (int)floor(
					(mip ? glp_mip_col_val(m->lp, j) : glp_get_col_prim(m->lp, j)) + 0.5);
		}
		for (t = 0; t < p->nhours; t++) {
			size_t l = m->hour_lv[t];
			int js = m->colS[o * m->nlevels + l], jd = m->colD[o * m->nlevels + l];
			double vs = js ? (mip ? glp_mip_col_val(m->lp, js) : glp_get_col_prim(m->lp, js)) : 0;
			double vd = jd ? (mip ? glp_mip_col_val(m->lp, jd) : glp_get_col_prim(m->lp, jd)) : 0;

			if (!p->relax) {
				vs = floor(vs + 0.5);
				vd = floor(vd + 0.5);
			}
			s->spot[o * p->nhours + t] = vs > 1e-9 ? vs : 0;
			s->ondemand[o * p->nhours + t] = vd > 1e-9 ? vd : 0;
		}
	}
}

static int quiet_hook(void *info, const char *s)
{
	(void)info;
	(void)s;
	return 1;
}

struct bound_cb {
	double bound;		/* the best proven lower bound seen */
	const double *x;	/* a whole-instance solution to start from, or NULL */
	size_t n;
};

static void mip_cb(glp_tree *tree, void *info)
{
	struct bound_cb *b = info;
	int n = glp_ios_best_node(tree);

	if (glp_ios_reason(tree) == GLP_IHEUR && b->x) {
		double *x1 = malloc((b->n + 1) * sizeof(double));

		if (x1) {
			memcpy(x1 + 1, b->x, b->n * sizeof(double));
			glp_ios_heur_sol(tree, x1);
			free(x1);
		}
		b->x = NULL;
	}

	if (n != 0) {
		double v = glp_ios_node_bound(tree, n);

		if (v > b->bound)
			b->bound = v;
	}
}

/*
 * Why infeasible: solve the elastic model (shortfall columns at a prohibitive price) as an
 * LP and name the classes and hours short, by how many GPUs, and the constraints that bind.
 */
static int explain(const struct solver_problem *p, struct err *e)
{
	struct model m;
	glp_smcp sp;
	size_t c, l, q, t;
	char what[640] = "";
	size_t wn = 0;
	int rc, any = 0;

	if ((rc = model_build(&m, p, 1, 1, e)) < 0)
		return rc;
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	sp.presolve = GLP_OFF;
	if (glp_simplex(m.lp, &sp) != 0 || glp_get_status(m.lp) != GLP_OPT) {
		model_free(&m);
		return err_set(e, ERR_INFEASIBLE, "no plan meets the constraints");
	}
	for (c = 0; c < p->nclasses; c++) {
		size_t hours = 0, first = 0;
		double worst = 0;

		for (t = 0; t < p->nhours; t++) {
			double v = glp_get_col_prim(m.lp, m.colSlack[c * m.nlevels + m.hour_lv[t]]);

			if (v > 1e-6) {
				if (hours++ == 0)
					first = t;
				worst = v > worst ? v : worst;
			}
		}
		if (hours && wn < sizeof(what) - 1) {
			wn += (size_t)snprintf(what + wn, sizeof(what) - wn, "%s\"%s\": %zu hours "
					       "(first +%zuh) short by up to %.4g GPUs", any ? "; " : "",
					       p->classes[c], hours, first, worst);
			any = 1;
		}
	}
	/* constraints that bind in a short hour: quotas, then the spot cap */
	for (q = 0; q < p->nquotas && wn < sizeof(what) - 1; q++) {
		for (l = 0; l < m.nlevels; l++) {
			int r = m.rowQuota[q * m.nlevels + l];

			if (r && fabs(glp_get_row_dual(m.lp, r)) > 1e-6) {
				wn += (size_t)snprintf(what + wn, sizeof(what) - wn, "; binding: quota "
					"%s/%s%s%s (%g %s)", p->quotas[q].provider ? p->quotas[q].provider : "*",
					p->quotas[q].region ? p->quotas[q].region : "*",
					p->quotas[q].family ? " family " : "",
					p->quotas[q].family ? p->quotas[q].family : "", p->quotas[q].limit,
					p->quotas[q].family ? "vCPUs" : "GPUs");
				break;
			}
		}
	}
	for (c = 0; c < p->nclasses && wn < sizeof(what) - 1; c++)
		for (l = 0; l < m.nlevels; l++) {
			int r = m.rowSpot[c * m.nlevels + l];

			if (r && fabs(glp_get_row_dual(m.lp, r)) > 1e-6) {
				wn += (size_t)snprintf(what + wn, sizeof(what) - wn, "; binding: spot cap "
						       "policy.max_spot_share %g for \"%s\"",
						       p->max_spot_share, p->classes[c]);
				break;
			}
		}
	if (p->min_ondemand_share > 0 && wn < sizeof(what) - 1)
		wn += (size_t)snprintf(what + wn, sizeof(what) - wn, "; policy.min_ondemand_share "
				       "is %g", p->min_ondemand_share);
	model_free(&m);
	return err_set(e, ERR_INFEASIBLE, "no plan meets the constraints: %s",
		       any ? what : "the model has no solution");
}

/* Row duals with the integer decisions fixed: marginal values of quotas and spot share. */
static void model_duals(struct model *m, const struct solver_problem *p, struct solver_plan *s)
{
	glp_smcp sp;
	int j, n = glp_get_num_cols(m->lp);
	size_t q, l, c;

	for (j = 1; j <= n; j++)
		glp_set_col_kind(m->lp, j, GLP_CV);
	for (j = 0; (size_t)j < p->noptions * SOLVER_TERMS; j++)
		if (m->colR[j]) {
			double v = s->reserved[j];

			glp_set_col_bnds(m->lp, m->colR[j], GLP_FX, v, v);
		}
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	if (glp_simplex(m->lp, &sp) != 0 || glp_get_status(m->lp) != GLP_OPT)
		return;
	for (q = 0; q < p->nquotas; q++) {
		double v = 0;

		for (l = 0; l < m->nlevels; l++)
			if (m->rowQuota[q * m->nlevels + l])
				v -= glp_get_row_dual(m->lp, m->rowQuota[q * m->nlevels + l]);
		s->quota_value[q] = v;
	}
	s->spot_share_value = 0;
	for (c = 0; c < p->nclasses; c++)
		for (l = 0; l < m->nlevels; l++)
			if (m->rowSpot[c * m->nlevels + l])
				s->spot_share_value -= glp_get_row_dual(m->lp, m->rowSpot[c * m->nlevels + l])
						       * 0.01 * dem(p, c, m->lv_first[l]);
}

/*
 * The whole model as one MILP. lp_floor: when no whole solution comes within the time, give
 * the LP relaxation's reserved counts rounded down instead (status FEASIBLE, the LP bound),
 * for the two-stage solve, which only needs reserved counts and a bound.
 */
static int milp(struct solver_plan **out, const struct solver_problem *p, int lp_floor,
		struct err *e)
{
	struct solver_plan *s = NULL;
	struct model m;
	glp_smcp sp;
	glp_iocp ip;
	struct bound_cb cb;
	double limit = p->time_limit > 0 ? p->time_limit : 60, lpobj;
	int rc, r;
	size_t j;

	*out = NULL;
	memset(&m, 0, sizeof(m));
	glp_term_hook(quiet_hook, NULL);
	if ((rc = check_problem(p, e)) < 0 || (rc = plan_new(&s, p, e)) < 0 ||
	    (rc = model_build(&m, p, 1, 0, e)) < 0)
		goto out;
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	sp.presolve = GLP_ON;
	sp.tm_lim = (int)(limit * 1000);
	r = glp_simplex(m.lp, &sp);
	if (r == GLP_ENOPFS || r == GLP_ENODFS || glp_get_status(m.lp) == GLP_NOFEAS ||
	    glp_get_status(m.lp) == GLP_INFEAS) {
		rc = explain(p, e);
		goto out;
	}
	if (r != 0 || glp_get_status(m.lp) != GLP_OPT) {
		rc = err_set(e, ERR_RUNTIME, "the LP relaxation was not solved within %g s (glpk %d): "
			     "raise --time-limit, or plan the hours with plan fleet",
			     limit, r);
		goto out;
	}
	lpobj = glp_get_obj_val(m.lp);
	for (j = 0; j < p->noptions * SOLVER_TERMS; j++)
		if (m.colR[j])
			s->reserved[j] = (int)floor(glp_get_col_prim(m.lp, m.colR[j]) + 1e-9);
	glp_init_iocp(&ip);
	ip.msg_lev = GLP_MSG_OFF;
	ip.tm_lim = (int)(limit * 1000);
	ip.cb_func = mip_cb;
	cb.bound = lpobj;
	cb.x = NULL;
	cb.n = 0;
	ip.cb_info = &cb;
	ip.presolve = GLP_OFF;
	ip.gmi_cuts = GLP_ON;
	ip.mir_cuts = GLP_ON;
	r = glp_intopt(m.lp, &ip);
	if (glp_mip_status(m.lp) == GLP_NOFEAS) {
		rc = explain(p, e);
		goto out;
	}
	if (glp_mip_status(m.lp) != GLP_OPT && glp_mip_status(m.lp) != GLP_FEAS) {
		if (lp_floor) {
			s->status = SOLVER_FEASIBLE;
			s->lower_bound = cb.bound;
			s->total_cost = NAN;
			*out = s;
			s = NULL;
			goto out;
		}
		rc = err_set(e, ERR_RUNTIME, "no whole-instance plan found within %g s (glpk %d)",
			     limit, r);
		goto out;
	}
	memset(s->reserved, 0, p->noptions * SOLVER_TERMS * sizeof(int));
	model_extract(&m, p, s, 1);
	s->total_cost = solver_plan_cost(p, s);
	if (glp_mip_status(m.lp) == GLP_OPT) {
		s->status = SOLVER_OPTIMAL;
		s->gap = 0;
		s->lower_bound = s->total_cost;
	} else {
		s->status = SOLVER_FEASIBLE;
		s->lower_bound = cb.bound;
		s->gap = s->total_cost > 0 ? (s->total_cost - cb.bound) / s->total_cost : 0;
		if (s->gap < 0)
			s->gap = 0;
	}
	if (p->duals)
		model_duals(&m, p, s);
	*out = s;
	s = NULL;
out:
	model_free(&m);
	solver_plan_free(s);
	return rc;
}

int solver_solve_milp(struct solver_plan **out, const struct solver_problem *p, struct err *e)
{
	return milp(out, p, 0, e);
}

int solver_write_lp(const struct solver_problem *p, const char *path, struct err *e)
{
	struct model m;
	int rc;

	glp_term_hook(quiet_hook, NULL);
	if ((rc = check_problem(p, e)) < 0 || (rc = model_build(&m, p, 0, 0, e)) < 0)
		return rc;
	if (glp_write_lp(m.lp, NULL, path) != 0)
		rc = err_set(e, ERR_RUNTIME, "%s: cannot write the LP", path);
	model_free(&m);
	return rc;
}

/* ---- fleet: no new reserved capacity, so every hour is its own small model ---- */

static int same_quotas(const struct solver_problem *p, const struct solver_option *a,
		       const struct solver_option *b)
{
	size_t q;

	for (q = 0; q < p->nquotas; q++)
		if (quota_match(&p->quotas[q], a) != quota_match(&p->quotas[q], b))
			return 0;
	return 1;
}

/*
 * Marks the spot (or on-demand) columns worth keeping. An offering is dropped when another of
 * its class, under exactly the same quotas, is no dearer per GPU, delivers no less per GPU and
 * uses no more vCPUs per GPU: with fractional counts the same delivery from the other one uses
 * no more quota and costs no more. With whole instances only an equal-sized twin dominates.
 * The per-pool spot cap gives every offering its own room: nothing is dropped then.
 */
static void prune(const struct solver_problem *p, int spot, char *keep)
{
	size_t a, b;

	for (a = 0; a < p->noptions; a++) {
		const struct solver_option *x = &p->options[a];

		keep[a] = !isnan(spot ? x->spot : x->ondemand) && (!spot || p->max_spot_share > 0);
	}
	if (spot && !isnan(p->max_spot_pool_share))
		return;
	for (b = 0; b < p->noptions; b++) {
		const struct solver_option *y = &p->options[b];
		double cb, eb, vb;

		if (!keep[b])
			continue;
		cb = (spot ? y->spot : y->ondemand) / y->gpus;
		eb = solver_delivered(y, spot) / y->gpus;
		vb = (double)y->vcpus / y->gpus;
		for (a = 0; a < p->noptions && keep[b]; a++) {
			const struct solver_option *x = &p->options[a];
			double ca, ea, va;

			if (a == b || !keep[a] || x->cls != y->cls)
				continue;
			ca = (spot ? x->spot : x->ondemand) / x->gpus;
			ea = solver_delivered(x, spot) / x->gpus;
			va = (double)x->vcpus / x->gpus;
			if (!p->relax && (x->gpus != y->gpus || ea != eb))
				continue;
			if (ca > cb || ea < eb || va > vb)
				continue;
			if (ca == cb && ea == eb && va == vb && a > b)
				continue;	/* twins: the first stays */
			if (same_quotas(p, x, y))
				keep[b] = 0;
		}
	}
}

struct hcol {
	size_t o;
	int spot;
};

/*
 * Whole instances for one hour from its LP optimum: round every count down, then buy back
 * the GPUs short greedily (cheapest per useful GPU among offerings that still fit the quotas
 * and the spot cap), then drop instances the cover no longer needs, dearest first. The LP
 * optimum is the bound the result's gap is proven against.
 */
struct hctx {
	const struct solver_problem *p;
	const struct hcol *cols;
	size_t ncols;
	size_t *qoff, *qidx;	/* column g's quotas: qidx[qoff[g] .. qoff[g + 1]) */
	double *qcoef;
	double *need, *sroom, *fneed, *qroom;
};

static int fits(const struct hctx *h, size_t g, double sign)
{
	size_t k;

	for (k = h->qoff[g]; k < h->qoff[g + 1]; k++)
		if (h->qroom[h->qidx[k]] - sign * h->qcoef[k] < -1e-9)
			return 0;
	return 1;
}

static void take(struct hctx *h, double *x, size_t g, double n)
{
	const struct solver_option *o = &h->p->options[h->cols[g].o];
	double del = solver_delivered(o, h->cols[g].spot);
	size_t k;

	x[g] += n;
	h->need[o->cls] -= n * del;
	if (h->cols[g].spot)
		h->sroom[o->cls] -= n * del;
	else
		h->fneed[o->cls] -= n * del;
	for (k = h->qoff[g]; k < h->qoff[g + 1]; k++)
		h->qroom[h->qidx[k]] -= n * h->qcoef[k];
}

static int round_repair(struct hctx *h, double *x, const double *ub)
{
	const struct solver_problem *p = h->p;
	size_t g, c;

	for (g = 0; g < h->ncols; g++) {
		double v = floor(x[g] + 1e-7);

		x[g] = 0;
		if (v > 0)
			take(h, x, g, v);
	}
	for (c = 0; c < p->nclasses; c++) {
		while (h->need[c] > 1e-9 || h->fneed[c] > 1e-9) {
			size_t best = (size_t)-1;
			double bv = INFINITY;

			for (g = 0; g < h->ncols; g++) {
				const struct solver_option *o = &p->options[h->cols[g].o];
				double del = solver_delivered(o, h->cols[g].spot), useful, v;

				if (o->cls != c || x[g] + 1 > ub[g] + 1e-9 || !fits(h, g, 1))
					continue;
				if (h->cols[g].spot && (h->fneed[c] > 1e-9 || h->sroom[c] - del < -1e-9))
					continue;
				useful = h->fneed[c] > 1e-9 ? h->fneed[c] : h->need[c];
				useful = del < useful ? del : useful;
				v = (h->cols[g].spot ? o->spot : o->ondemand) / useful;
				if (v < bv) {
					bv = v;
					best = g;
				}
			}
			if (best == (size_t)-1)
				return -1;
			take(h, x, best, 1);
		}
	}
	/* drop what the cover no longer needs, dearest first */
	for (;;) {
		size_t best = (size_t)-1;
		double bv = 0;

		for (g = 0; g < h->ncols; g++) {
			const struct solver_option *o = &p->options[h->cols[g].o];
			double del = solver_delivered(o, h->cols[g].spot);
			double price = h->cols[g].spot ? o->spot : o->ondemand;

			if (x[g] < 1 || h->need[o->cls] + del > 1e-9 ||
			    (!h->cols[g].spot && h->fneed[o->cls] + del > 1e-9))
				continue;
			if (price > bv) {
				bv = price;
				best = g;
			}
		}
		if (best == (size_t)-1)
			break;
		take(h, x, best, -1);
	}
	return 0;
}

/* the gap one hour's whole-instance plan is pushed to before moving on */
#define HOUR_GAP 5e-4

/*
 * The fleet (no new reserved capacity): given what is owned, every hour is its own small
 * model. One GLPK problem over the offerings left after pruning is re-solved hour by hour
 * (only bounds change: dual simplex from the last basis); hours with the same demand and
 * owned capacity are solved once. Relaxed, each hour's LP optimum is the answer. With whole
 * instances the hour's LP (its bounds rounded where every offering delivers whole GPUs) is
 * the bound; rounding and repair give a plan, and branch and bound (GLPK, cuts on, started
 * from that plan) runs until the hour is within HOUR_GAP of its bound or its share of the
 * time is spent. The gap reported is proven against the sum of the hours' bounds.
 */
static int solve_hourly(struct solver_plan **out, const struct solver_problem *p,
			       struct err *e)
{
	struct solver_plan *s = NULL;
	glp_prob *lp = NULL;
	struct hcol *cols = NULL;
	struct trip tr = { NULL, NULL, NULL, 0, 0 };
	char *ks = NULL, *kd = NULL;
	int *rowCover = NULL, *rowSpot = NULL, *rowFloor = NULL, *rowQuota = NULL;
	size_t *ord = NULL, o, c, q, t, g, ncols = 0;
	double limit = p->time_limit > 0 ? p->time_limit : 60, lb = 0, ilb = 0;
	double *vals = NULL;
	clock_t start = clock();
	glp_smcp sp;
	glp_iocp ip;
	int rc = 0, j, nrow = 0;
	struct hctx h;
	double *ubs = NULL;
	char *whole = NULL;
	size_t nq = 0;

	*out = NULL;
	memset(&h, 0, sizeof(h));
	glp_term_hook(quiet_hook, NULL);
	if ((rc = check_problem(p, e)) < 0 || (rc = plan_new(&s, p, e)) < 0)
		goto out;
	if ((ks = calloc(p->noptions + 1, 1)) == NULL || (kd = calloc(p->noptions + 1, 1)) == NULL ||
	    (cols = calloc(2 * p->noptions + 1, sizeof(*cols))) == NULL ||
	    (rowCover = calloc(p->nclasses + 1, sizeof(int))) == NULL ||
	    (rowSpot = calloc(p->nclasses + 1, sizeof(int))) == NULL ||
	    (rowFloor = calloc(p->nclasses + 1, sizeof(int))) == NULL ||
	    (rowQuota = calloc(p->nquotas + 1, sizeof(int))) == NULL ||
	    (vals = calloc(2 * p->noptions + 1, sizeof(double))) == NULL ||
	    (ord = calloc(p->nhours + 1, sizeof(size_t))) == NULL)
		goto nomem;
	prune(p, 1, ks);
	prune(p, 0, kd);
	lp = glp_create_prob();
	glp_set_obj_dir(lp, GLP_MIN);
	for (o = 0; o < p->noptions; o++) {
		const struct solver_option *x = &p->options[o];
		int spot;

		for (spot = 1; spot >= 0; spot--) {
			if (!(spot ? ks : kd)[o])
				continue;
			j = glp_add_cols(lp, 1);
			cols[ncols++] = (struct hcol){ o, spot };
			glp_set_col_bnds(lp, j, GLP_LO, 0, 0);
			glp_set_obj_coef(lp, j, spot ? x->spot : x->ondemand);
			if (!p->relax)
				glp_set_col_kind(lp, j, GLP_IV);
		}
	}
	/* rows: cover, spot cap and floor per class, then quotas; bounds are set per hour */
	for (c = 0; c < p->nclasses; c++) {
		rowCover[c] = nrow = glp_add_rows(lp, 1);
		rowSpot[c] = nrow = glp_add_rows(lp, 1);
		if (p->min_ondemand_share > 0)
			rowFloor[c] = nrow = glp_add_rows(lp, 1);
	}
	for (q = 0; q < p->nquotas; q++)
		rowQuota[q] = nrow = glp_add_rows(lp, 1);
	for (g = 0; g < ncols; g++) {
		const struct solver_option *x = &p->options[cols[g].o];
		double del = solver_delivered(x, cols[g].spot);

		j = (int)g + 1;
		if (trip_add(&tr, rowCover[x->cls], j, del) < 0 ||
		    (cols[g].spot && trip_add(&tr, rowSpot[x->cls], j, del) < 0) ||
		    (!cols[g].spot && rowFloor[x->cls] && trip_add(&tr, rowFloor[x->cls], j, del) < 0))
			goto nomem;
		for (q = 0; q < p->nquotas; q++) {
			const struct solver_quota *qq = &p->quotas[q];

			if (!quota_match(qq, x) || quota_coef(qq, x) == 0 ||
			    (cols[g].spot && qq->kind == SOLVER_QUOTA_ONDEMAND) ||
			    (!cols[g].spot && qq->kind == SOLVER_QUOTA_SPOT))
				continue;
			if (trip_add(&tr, rowQuota[q], j, quota_coef(qq, x)) < 0)
				goto nomem;
		}
	}
	if (tr.n)
		glp_load_matrix(lp, (int)tr.n, tr.ia, tr.ja, tr.ar);
	/* each column's quotas, for the rounding heuristic */
	h.p = p;
	h.cols = cols;
	h.ncols = ncols;
	if ((h.qoff = calloc(ncols + 2, sizeof(size_t))) == NULL ||
	    (h.need = calloc(p->nclasses + 1, sizeof(double))) == NULL ||
	    (h.sroom = calloc(p->nclasses + 1, sizeof(double))) == NULL ||
	    (h.fneed = calloc(p->nclasses + 1, sizeof(double))) == NULL ||
	    (h.qroom = calloc(p->nquotas + 1, sizeof(double))) == NULL ||
	    (ubs = calloc(ncols + 1, sizeof(double))) == NULL)
		goto nomem;
	for (g = 0; g < ncols; g++) {
		const struct solver_option *x = &p->options[cols[g].o];

		h.qoff[g] = nq;
		for (q = 0; q < p->nquotas; q++) {
			const struct solver_quota *qq = &p->quotas[q];

			if (!quota_match(qq, x) || quota_coef(qq, x) == 0 ||
			    (cols[g].spot && qq->kind == SOLVER_QUOTA_ONDEMAND) ||
			    (!cols[g].spot && qq->kind == SOLVER_QUOTA_SPOT))
				continue;
			if (nq % 64 == 0) {
				size_t *a = realloc(h.qidx, (nq + 64) * sizeof(size_t));
				double *b;

				if (a == NULL)
					goto nomem;
				h.qidx = a;
				if ((b = realloc(h.qcoef, (nq + 64) * sizeof(double))) == NULL)
					goto nomem;
				h.qcoef = b;
			}
			h.qidx[nq] = q;
			h.qcoef[nq++] = quota_coef(qq, x);
		}
	}
	h.qoff[ncols] = nq;
	if ((whole = calloc(p->nclasses + 1, 1)) == NULL)
		goto nomem;
	for (c = 0; c < p->nclasses; c++)
		whole[c] = !p->relax;
	for (g = 0; g < ncols; g++) {
		double del = solver_delivered(&p->options[cols[g].o], cols[g].spot);

		if (del != floor(del))
			whole[p->options[cols[g].o].cls] = 0;
	}
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	sp.meth = GLP_DUALP;	/* only right-hand sides change between hours: dual simplex */
	glp_init_iocp(&ip);
	ip.msg_lev = GLP_MSG_OFF;
	ip.mip_gap = 1e-5;
	/* hours with the same demand and owned capacity have the same answer */
	for (t = 0; t < p->nhours; t++)
		ord[t] = t;
	cmp_p = p;
	qsort(ord, p->nhours, sizeof(size_t), hour_cmp);
	for (t = 0; t < p->nhours;) {
		size_t th = ord[t], n = 1, k;
		double used;

		while (t + n < p->nhours && same_hour(p, th, ord[t + n]))
			n++;
		for (c = 0; c < p->nclasses; c++) {
			double d = dem(p, c, th), owned = 0;

			for (o = 0; o < p->noptions; o++)
				if (p->options[o].cls == c && owned_active(&p->options[o], th))
					owned += p->options[o].owned * solver_delivered(&p->options[o], 0);
			h.need[c] = d - owned;
			h.sroom[c] = p->max_spot_share * d;
			h.fneed[c] = p->min_ondemand_share * d;
			if (whole[c]) {
				/* whole instances of whole GPUs: the bounds may be rounded (valid cuts
				 * that tighten the bound the gap is proven against) */
				h.need[c] = ceil(h.need[c] - 1e-9);
				h.sroom[c] = floor(h.sroom[c] + 1e-9);
				h.fneed[c] = ceil(h.fneed[c] - 1e-9);
			}
			glp_set_row_bnds(lp, rowCover[c], GLP_LO, h.need[c], 0);
			glp_set_row_bnds(lp, rowSpot[c], GLP_UP, 0, h.sroom[c]);
			if (rowFloor[c])
				glp_set_row_bnds(lp, rowFloor[c], GLP_LO, h.fneed[c], 0);
		}
		for (q = 0; q < p->nquotas; q++) {
			double owned = 0;

			for (o = 0; o < p->noptions; o++)
				if (p->quotas[q].kind != SOLVER_QUOTA_SPOT &&
				    owned_active(&p->options[o], th) && quota_match(&p->quotas[q],
				    &p->options[o]))
					owned += p->options[o].owned * quota_coef(&p->quotas[q],
										   &p->options[o]);
			glp_set_row_bnds(lp, rowQuota[q], GLP_UP, 0, p->quotas[q].limit - owned);
			h.qroom[q] = p->quotas[q].limit - owned;
		}
		for (g = 0; g < ncols; g++)
			ubs[g] = INFINITY;
		if (!isnan(p->max_spot_pool_share))
			for (g = 0; g < ncols; g++)
				if (cols[g].spot) {
					const struct solver_option *x = &p->options[cols[g].o];
					double u = p->max_spot_pool_share * dem(p, x->cls, th) /
						   solver_delivered(x, 1);

					ubs[g] = p->relax ? u : floor(u + 1e-9);
					glp_set_col_bnds(lp, (int)g + 1, GLP_DB, 0, ubs[g]);
				}
		if (glp_simplex(lp, &sp) != 0 || glp_get_status(lp) != GLP_OPT) {
			/* a bad basis after an infeasible hour is possible: retry from scratch */
			glp_adv_basis(lp, 0);
			if (glp_simplex(lp, &sp) != 0 || glp_get_status(lp) != GLP_OPT) {
				rc = explain(p, e);
				goto out;
			}
		}
		lb += (double)n * glp_get_obj_val(lp);
		if (p->duals) {
			for (q = 0; q < p->nquotas; q++)
				s->quota_value[q] -= (double)n * glp_get_row_dual(lp, rowQuota[q]);
			if (isnan(s->spot_share_value))
				s->spot_share_value = 0;
			for (c = 0; c < p->nclasses; c++)
				s->spot_share_value -= (double)n * glp_get_row_dual(lp, rowSpot[c]) * 0.01 *
						       dem(p, c, th);
		}
		if (p->relax) {
			for (g = 0; g < ncols; g++)
				vals[g] = glp_get_col_prim(lp, (int)g + 1);
			used = glp_get_obj_val(lp);
		} else {
			double left = limit - (double)(clock() - start) / CLOCKS_PER_SEC;
			double hlb = glp_get_obj_val(lp);
			int r;

			for (g = 0; g < ncols; g++)
				vals[g] = glp_get_col_prim(lp, (int)g + 1);
			used = INFINITY;
			if (round_repair(&h, vals, ubs) == 0) {
				used = 0;
				for (g = 0; g < ncols; g++)
					used += vals[g] * (cols[g].spot ? p->options[cols[g].o].spot :
							   p->options[cols[g].o].ondemand);
			}
			/* not close enough: branch and bound from the best rounding, in the time left */
			if ((isinf(used) || used > hlb * (1 + HOUR_GAP)) && left > 0) {
				struct bound_cb cb;

				glp_simplex(lp, &sp);
				cb.bound = hlb;
				cb.x = isinf(used) ? NULL : vals;
				cb.n = ncols;
				ip.cb_func = mip_cb;
				ip.cb_info = &cb;
				ip.mip_gap = HOUR_GAP;
				/* the cuts close most of the gap at the root (measured: 7x faster) */
				ip.gmi_cuts = ip.mir_cuts = ip.cov_cuts = ip.clq_cuts = GLP_ON;
				ip.tm_lim = (int)(1000 * (left / (double)(p->nhours - t)));
				if (ip.tm_lim < 50)
					ip.tm_lim = 50;
				r = glp_intopt(lp, &ip);
				if ((glp_mip_status(lp) == GLP_OPT || glp_mip_status(lp) == GLP_FEAS) &&
				    glp_mip_obj_val(lp) < used) {
					for (g = 0; g < ncols; g++)
						vals[g] = floor(glp_mip_col_val(lp, (int)g + 1) + 0.5);
					used = glp_mip_obj_val(lp);
				}
				/* The hour's bound is what GLPK proved, never the incumbent unless the
				 * search was exhausted. Stopping on ip.mip_gap returns GLP_EMIPGAP
				 * (status GLP_FEAS), having proven the incumbent within HOUR_GAP of its
				 * best node: that bound, not the incumbent, is the hour's (the callback
				 * only saw the nodes before the last). r == 0 with GLP_OPT is an
				 * exhausted tree: optimal, to GLPK's pruning tolerance (tol_obj). */
				if (r == 0 && glp_mip_status(lp) == GLP_OPT) {
					cb.bound = used;
				} else if (r == GLP_EMIPGAP && glp_mip_status(lp) == GLP_FEAS) {
					double inc = glp_mip_obj_val(lp);
					double proven = inc - HOUR_GAP * (fabs(inc) + DBL_EPSILON);

					if (proven > cb.bound)
						cb.bound = proven;
				}
				hlb = cb.bound > hlb ? cb.bound : hlb;
				if (isinf(used)) {
					rc = glp_mip_status(lp) == GLP_NOFEAS ? explain(p, e) :
					     err_set(e, ERR_RUNTIME, "no whole-instance plan for hour +%zuh "
						     "within the time limit (glpk %d)", th, r);
					goto out;
				}
			}
			ilb += (double)n * (hlb < used ? hlb : used);
		}
		for (k = 0; k < n; k++)
			for (g = 0; g < ncols; g++)
				if (vals[g] > 1e-9)
					(cols[g].spot ? s->spot : s->ondemand)[cols[g].o * p->nhours +
									      ord[t + k]] = vals[g];
		t += n;
	}
	s->total_cost = solver_plan_cost(p, s);
	s->lower_bound = p->relax ? lb : ilb;
	s->gap = s->total_cost > 0 ? (s->total_cost - s->lower_bound) / s->total_cost : 0;
	if (p->relax || s->gap < 1e-9)
		s->gap = 0;
	s->status = s->gap > 0 ? SOLVER_FEASIBLE : SOLVER_OPTIMAL;
	*out = s;
	s = NULL;
	goto out;
nomem:
	rc = err_nomem(e);
out:
	if (lp)
		glp_delete_prob(lp);
	free(tr.ia);
	free(tr.ja);
	free(tr.ar);
	free(ks);
	free(kd);
	free(cols);
	free(rowCover);
	free(rowSpot);
	free(rowFloor);
	free(rowQuota);
	free(vals);
	free(ord);
	free(h.qoff);
	free(h.qidx);
	free(h.qcoef);
	free(h.need);
	free(h.sroom);
	free(h.fneed);
	free(h.qroom);
	free(ubs);
	free(whole);
	solver_plan_free(s);
	return rc;
}

static int needs_milp(const struct solver_problem *p)
{
	return p->nquotas > 0 || (!p->relax && !isnan(p->max_spot_pool_share));
}

/*
 * Whole instances with reserved decisions under quotas. The whole model as one MILP is tried
 * first with a quarter of the time (it proves small problems optimal). Otherwise: the mixed
 * problem with fractional hourly counts fixes the reserved counts (its optimum is a lower
 * bound on every whole-instance plan), and the hours are then planned one by one with those
 * counts held like owned ones. The better plan is kept, with its gap to that bound.
 */
static int solve_two_stage(struct solver_plan **out, const struct solver_problem *p,
			   struct err *e)
{
	struct solver_problem q = *p;
	struct solver_plan *full = NULL, *rel = NULL, *hr = NULL, *s = NULL;
	struct solver_option *opt = NULL;
	struct err e2 = ERR_INIT;
	size_t o, n = p->noptions, t;
	double limit = p->time_limit > 0 ? p->time_limit : 60;
	clock_t start = clock();
	int rc, k;

	*out = NULL;
	q.time_limit = limit / 4;
	/* (not for large models: GLPK's branch and bound has no chance there) */
	if (p->noptions * p->nhours > 20000)
		rc = ERR_RUNTIME;
	else if ((rc = solver_solve_milp(&full, &q, &e2)) == ERR_INFEASIBLE) {
		*e = e2;
		return rc;
	}
	if (rc == 0 && full->status == SOLVER_OPTIMAL) {
		*out = full;
		return 0;
	}
	q = *p;
	q.relax = 1;
	q.duals = 0;
	/* the reserved counts are needed: at least a second, whatever the limit */
	q.time_limit = limit / 2 > 1 ? limit / 2 : 1;
	if ((rc = milp(&rel, &q, 1, e)) < 0)
		goto out;
	/* the reserved counts become owned capacity of twin options that sell nothing */
	if ((opt = calloc(2 * p->noptions + 1, sizeof(*opt))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	memcpy(opt, p->options, p->noptions * sizeof(*opt));
	for (o = 0; o < p->noptions; o++) {
		int cnt = 0;

		for (k = 0; k < SOLVER_TERMS; k++)
			cnt += rel->reserved[o * SOLVER_TERMS + (size_t)k];
		if (cnt == 0)
			continue;
		opt[n] = p->options[o];
		opt[n].ondemand = opt[n].spot = NAN;
		opt[n].reserved[0] = opt[n].reserved[1] = NAN;
		opt[n].owned = cnt;
		opt[n].owned_hours = 0;
		n++;
	}
	q = *p;
	q.options = opt;
	q.noptions = n;
	q.no_reserve = 1;
	q.time_limit = limit - (double)(clock() - start) / CLOCKS_PER_SEC;
	if (q.time_limit < 1)
		q.time_limit = 1;
	if ((rc = solve_hourly(&hr, &q, e)) < 0)
		goto out;
	if ((rc = plan_new(&s, p, e)) < 0)
		goto out;
	memcpy(s->reserved, rel->reserved, p->noptions * SOLVER_TERMS * sizeof(int));
	for (o = 0; o < p->noptions; o++)
		for (t = 0; t < p->nhours; t++) {
			s->spot[o * p->nhours + t] = hr->spot[o * p->nhours + t];
			s->ondemand[o * p->nhours + t] = hr->ondemand[o * p->nhours + t];
		}
	s->total_cost = solver_plan_cost(p, s);
	if (full && full->total_cost < s->total_cost) {
		solver_plan_free(s);
		s = full;
		full = NULL;
	}
	s->lower_bound = rel->status == SOLVER_OPTIMAL ? rel->total_cost : rel->lower_bound;
	s->gap = s->total_cost > 0 ? (s->total_cost - s->lower_bound) / s->total_cost : 0;
	if (s->gap < 1e-9)
		s->gap = 0;
	s->status = s->gap > 0 ? SOLVER_FEASIBLE : SOLVER_OPTIMAL;
	if (p->duals) {
		memcpy(s->quota_value, hr->quota_value, p->nquotas * sizeof(double));
		s->spot_share_value = hr->spot_share_value;
	}
	*out = s;
	s = NULL;
out:
	solver_plan_free(full);
	solver_plan_free(rel);
	solver_plan_free(hr);
	solver_plan_free(s);
	free(opt);
	return rc;
}

int solver_solve(struct solver_plan **out, const struct solver_problem *p, struct err *e)
{
	struct solver_plan *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_problem(p, e)) < 0)
		return rc;
	if (p->no_reserve && needs_milp(p)) {
		if ((rc = solve_hourly(&s, p, e)) < 0)
			return rc;
	} else if (needs_milp(p) && !p->relax) {
		if ((rc = solve_two_stage(&s, p, e)) < 0)
			return rc;
	} else if (needs_milp(p)) {
		if ((rc = solver_solve_milp(&s, p, e)) < 0)
			return rc;
	} else {
		if ((rc = plan_new(&s, p, e)) < 0)
			return rc;
		if ((rc = solver_dp_solve(s, p, e)) < 0)
			goto out;
		s->total_cost = solver_plan_cost(p, s);
		s->lower_bound = s->total_cost;
		if (p->duals) {
			/* one more point of spot share: re-solve, the difference is exact */
			struct solver_problem q = *p;
			struct solver_plan *s2 = NULL;
			struct err e2 = ERR_INIT;

			q.duals = 0;
			q.max_spot_share = p->max_spot_share + 0.01 > 1 ? 1 : p->max_spot_share + 0.01;
			if (solver_solve(&s2, &q, &e2) == 0)
				s->spot_share_value = s->total_cost - s2->total_cost;
			solver_plan_free(s2);
		}
	}
	if (!isnan(p->budget) && s->total_cost > p->budget * (1 + 1e-12)) {
		rc = err_set(e, ERR_INFEASIBLE, "no plan meets the constraints: the %s plan costs "
			     "%.2f USD, over policy.budget %.2f by %.2f", s->status == SOLVER_OPTIMAL ?
			     "cheapest" : "best found", s->total_cost, p->budget,
			     s->total_cost - p->budget);
		goto out;
	}
	*out = s;
	s = NULL;
out:
	solver_plan_free(s);
	return rc;
}
