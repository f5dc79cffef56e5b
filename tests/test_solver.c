/*
 * solver/: hand-solved cases for every constraint (the optimum worked out in a comment), the
 * structured solver against GLPK's MILP of the whole model, glpsol on the written LP,
 * properties (a dearer price, more demand or a tighter constraint never make a plan cheaper),
 * and the CLI on the same cases (exact costs, exit 3 when infeasible).
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/store.h"
#include "planner/store_prices.h"
#include "solver/solver.h"
#include "tests/testutil.h"

#define EPS 1e-6

double solver_solve_milp_cost_check(const struct solver_problem *p);

static struct solver_option opt(size_t cls, double gpus, double od, double spot, double r1,
				double r3)
{
	struct solver_option o;

	memset(&o, 0, sizeof(o));
	o.label = "x";
	o.provider = "aws";
	o.region = "r1";
	o.cls = cls;
	o.gpus = gpus;
	o.ondemand = od;
	o.spot = spot;
	o.reserved[0] = r1;
	o.reserved[1] = r3;
	o.spot_interruption = NAN;
	return o;
}

static const char *const classes[] = { "A", "B", "C" };

static struct solver_problem prob(const struct solver_option *o, size_t no, size_t nc,
				  const double *demand, size_t nh)
{
	struct solver_problem p = SOLVER_PROBLEM_INIT;

	p.options = o;
	p.noptions = no;
	p.nclasses = nc;
	p.classes = classes;
	p.demand = demand;
	p.nhours = nh;
	return p;
}

/* Solves p and checks the cost, and that total_cost is what the counts cost. */
static double solve_cost(const struct solver_problem *p, int *rc_out)
{
	struct solver_plan *s = NULL;
	struct err e = ERR_INIT;
	double c;
	int rc = solver_solve(&s, p, &e);

	if (rc_out)
		*rc_out = rc;
	if (rc < 0)
		return NAN;
	c = s->total_cost;
	CU_ASSERT_DOUBLE_EQUAL(solver_plan_cost(p, s), c, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->cost_reserved + s->cost_spot + s->cost_ondemand, c, EPS);
	solver_plan_free(s);
	return c;
}

/* Checks every hour of a plan covers demand and keeps spot under the cap. */
static void check_cover(const struct solver_problem *p, const struct solver_plan *s)
{
	size_t c, t, o;

	for (c = 0; c < p->nclasses; c++)
		for (t = 0; t < p->nhours; t++) {
			double got = 0, sp = 0, d = p->demand[c * p->nhours + t];

			for (o = 0; o < p->noptions; o++) {
				const struct solver_option *x = &p->options[o];
				double f = x->factor > 0 ? x->factor : 1;
				double q = isnan(x->spot_interruption) ? 0 : x->spot_interruption;
				int k;

				if (x->cls != c)
					continue;
				for (k = 0; k < SOLVER_TERMS; k++)
					got += s->reserved[o * SOLVER_TERMS + (size_t)k] * x->gpus * f;
				if (x->owned && (x->owned_hours == 0 || t < x->owned_hours))
					got += x->owned * x->gpus * f;
				got += s->ondemand[o * p->nhours + t] * x->gpus * f;
				got += s->spot[o * p->nhours + t] * x->gpus * f * (1 - q);
				sp += s->spot[o * p->nhours + t] * x->gpus * f * (1 - q);
			}
			CU_ASSERT(got >= d - 1e-6);
			CU_ASSERT(sp <= p->max_spot_share * d + 1e-6);
		}
}

/*
 * Demand 10, 10, 2, 0 GPUs of one model. g1: 1 GPU, on-demand 10, spot 4, 1y 6, 3y 5;
 * g8: 8 GPUs, on-demand 72 (9/GPU), spot 40, 1y 50. Spot cap 0.4 x demand: 4 GPUs in the
 * first two hours, floor(0.8) = 0 in the third.
 * Reserved G GPUs of g1 3y cost 5 x 4 hours = 20 each. Hours 0 and 1 need 10: 4 on spot (16)
 * and the rest on-demand (6 GPUs: 6 x g1 = 60 < g8 72; 8 GPUs: 72). Hour 2 needs 2.
 *   G=0: 2 x (16 + 60) + 20 = 172      G=1: 20 + 2 x (16 + 50) + 10 = 162
 *   G=2: 40 + 2 x (16 + 40) = 152      G=3: 60 + 2 x (16 + 30) = 152, G=4..6 also 152
 * so the optimum is 152 (reserved 40, spot 32, on-demand 80 at G=2).
 * Relaxed (fractional hourly counts, on-demand at g8's 9/GPU): G=2: 40 + 2 x (16 + 36) = 144;
 * G=0: 2 x (16 + 54) + (3.2 + 10.8) = 154; G=1: 20 + 2 x (16 + 45) + (3.2 + 1.8) = 147;
 * G=3: 60 + 2 x (16 + 27) = 146: 144.
 */
static void test_hand_one_model(void)
{
	struct solver_option o[2];
	static const double d[] = { 10, 10, 2, 0 };
	struct solver_problem p;
	struct solver_plan *s = NULL;
	struct err e = ERR_INIT;

	o[0] = opt(0, 1, 10, 4, 6, 5);
	o[1] = opt(0, 8, 72, 40, 50, NAN);
	p = prob(o, 2, 1, d, 4);
	CU_ASSERT_EQUAL_FATAL(solver_solve(&s, &p, &e), 0);
	CU_ASSERT_EQUAL(s->status, SOLVER_OPTIMAL);
	CU_ASSERT_DOUBLE_EQUAL(s->total_cost, 152, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->gap, 0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->cost_spot, 32, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->spot[0 * 4 + 0], 4, EPS);
	check_cover(&p, s);
	solver_plan_free(s);
	p.relax = 1;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 144, EPS);
}

/*
 * Two models, solved independently.
 * A: demand 8, 8, 8. a1: 1 GPU, on-demand 3, spot 1; a8: 8 GPUs, on-demand 20, 1y 2/h.
 *   One a8 reserved for 3 hours costs 6 and covers everything; without it each hour is
 *   3 spot (cap floor(3.2)) + 5 on-demand = 18, 54 in all. A = 6.
 * B: demand 5, 0, 1. b2: 2 GPUs, on-demand 5, spot 2, 3y 4/h (12 over 3 hours).
 *   No reserved: hour 0 caps spot at 2 GPUs: one b2 spot (2) + two on-demand (10) = 12;
 *   hour 2 (cap 0): one on-demand = 5; 17. One reserved: 12 + 2 + 5 = 19. B = 17.
 * Total 23: reserved 6, spot 2, on-demand 15.
 */
static void test_hand_two_models(void)
{
	struct solver_option o[3];
	static const double d[] = { 8, 8, 8, 5, 0, 1 };
	struct solver_problem p;
	struct solver_plan *s = NULL;
	struct err e = ERR_INIT;

	o[0] = opt(0, 1, 3, 1, NAN, NAN);
	o[1] = opt(0, 8, 20, NAN, 2, NAN);
	o[2] = opt(1, 2, 5, 2, NAN, 4);
	p = prob(o, 3, 2, d, 3);
	CU_ASSERT_EQUAL_FATAL(solver_solve(&s, &p, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(s->total_cost, 23, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->cost_reserved, 6, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->cost_spot, 2, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->cost_ondemand, 15, EPS);
	CU_ASSERT_EQUAL(s->reserved[1 * SOLVER_TERMS + SOLVER_TERM_1Y], 1);
	CU_ASSERT_EQUAL(s->reserved[2 * SOLVER_TERMS + SOLVER_TERM_3Y], 0);
	check_cover(&p, s);
	solver_plan_free(s);
}

/*
 * Interruption: one hour of 4 GPUs, spot share 0.5 (2 GPUs). s4: 4 GPUs, on-demand 10,
 * spot 2; o1: 1 GPU, on-demand 3.
 * Rate unknown (counts fully): one s4 on spot is 4 GPUs > cap, so on-demand: s4 at 10.
 * Rate 0.5: one s4 spot delivers 2 (= the cap) for 2, plus two o1 (6): 8.
 */
static void test_hand_interruption(void)
{
	struct solver_option o[2];
	static const double d[] = { 4 };
	struct solver_problem p;

	o[0] = opt(0, 4, 10, 2, NAN, NAN);
	o[1] = opt(0, 1, 3, NAN, NAN, NAN);
	p = prob(o, 2, 1, d, 1);
	p.max_spot_share = 0.5;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 10, EPS);
	o[0].spot_interruption = 0.5;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 8, EPS);
	CU_ASSERT_DOUBLE_EQUAL(solver_solve_milp_cost_check(&p), 8, EPS);
}

/*
 * Floor, owned, budget. One hour of 10 GPUs; u1: 1 GPU, on-demand 3, spot 1, 1y 1/h.
 * No floor: 4 spot at 1 and 6 reserved at 1 (or all reserved): 10.
 * min_ondemand_share 0.5: 5 on-demand (15), then 4 spot + 1 reserved, or 5 reserved: 20.
 * 4 owned instances (no floor): the other 6 GPUs cost 6.
 * Budget 9 with nothing owned: the cheapest plan (10) is over it: infeasible.
 */
static void test_hand_floor_owned_budget(void)
{
	struct solver_option o[1];
	static const double d[] = { 10 };
	struct solver_problem p;
	int rc;

	o[0] = opt(0, 1, 3, 1, 1, NAN);
	p = prob(o, 1, 1, d, 1);
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 10, EPS);
	p.min_ondemand_share = 0.5;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 20, EPS);
	CU_ASSERT_DOUBLE_EQUAL(solver_solve_milp_cost_check(&p), 20, EPS);
	p.min_ondemand_share = 0;
	o[0].owned = 4;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 6, EPS);
	o[0].owned = 0;
	p.budget = 9;
	solve_cost(&p, &rc);
	CU_ASSERT_EQUAL(rc, ERR_INFEASIBLE);
	p.budget = 10;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 10, EPS);
}

/*
 * Quotas (the MILP path). Model X, demand 10 for 2 hours; r1: 1 GPU on-demand 1; r2: 1 GPU
 * on-demand 2. A quota of 6 GPUs in r1: 6 x 1 + 4 x 2 = 14 per hour, 28. One more quota GPU
 * in r1 moves one GPU from r2 to r1 every hour: saves 2 over the horizon. A quota of 3 in r2
 * as well leaves 9 < 10 GPUs: infeasible, short by 1 GPU in both hours.
 */
static void test_hand_quota(void)
{
	struct solver_option o[2];
	struct solver_quota q[2] = { { "aws", "r1", NULL, SOLVER_QUOTA_ANY, 6 },
				     { "aws", "r2", NULL, SOLVER_QUOTA_ANY, 3 } };
	static const double d[] = { 10, 10 };
	struct solver_problem p;
	struct solver_plan *s = NULL;
	struct err e = ERR_INIT;

	o[0] = opt(0, 1, 1, NAN, NAN, NAN);
	o[1] = opt(0, 1, 2, NAN, NAN, NAN);
	o[1].region = "r2";
	p = prob(o, 2, 1, d, 2);
	p.quotas = q;
	p.nquotas = 1;
	p.duals = 1;
	CU_ASSERT_EQUAL_FATAL(solver_solve(&s, &p, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(s->total_cost, 28, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->ondemand[0 * 2 + 1], 6, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->quota_value[0], 2, EPS);
	solver_plan_free(s);
	p.no_reserve = 1;	/* the fleet's hour-by-hour path: the same answer */
	CU_ASSERT_EQUAL_FATAL(solver_solve(&s, &p, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(s->total_cost, 28, EPS);
	CU_ASSERT_DOUBLE_EQUAL(s->quota_value[0], 2, EPS);
	solver_plan_free(s);
	p.nquotas = 2;
	CU_ASSERT_EQUAL(solver_solve(&s, &p, &e), ERR_INFEASIBLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "short by up to 1 GPUs"));
	p.no_reserve = 0;
	CU_ASSERT_EQUAL(solver_solve(&s, &p, &e), ERR_INFEASIBLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "2 hours"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "short by up to 1 GPUs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "quota aws/r1"));
}

/*
 * Per-pool spot cap and vCPU quotas (the MILP path).
 * Pool: one hour of 10 GPUs, spot cap 4; s1 and s2 (1 GPU, on-demand 3) at spot 1 and 1.5.
 * Without a pool cap: 4 x 1 + 6 x 3 = 22. max_spot_pool_share 0.25 lets each take 2.5, so 2:
 * 2 x 1 + 2 x 1.5 + 6 x 3 = 23.
 * vCPUs: one hour of 8 GPUs; p1 (family P, 8 vCPUs, on-demand 1), g1 (family G, 4 vCPUs,
 * on-demand 2). 40 on-demand vCPUs of family P allow 5 p1: 5 + 3 x 2 = 11. The same limit
 * on spot vCPUs leaves on-demand alone: 8.
 */
static void test_hand_pool_vcpus(void)
{
	struct solver_option o[2];
	struct solver_quota q = { "aws", "r1", "P", SOLVER_QUOTA_ONDEMAND, 40 };
	static const double d10[] = { 10 }, d8[] = { 8 };
	struct solver_problem p;

	o[0] = opt(0, 1, 3, 1, NAN, NAN);
	o[1] = opt(0, 1, 3, 1.5, NAN, NAN);
	p = prob(o, 2, 1, d10, 1);
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 22, EPS);
	p.max_spot_pool_share = 0.25;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 23, EPS);
	p.relax = 1;	/* fractional: 2.5 + 1.5 x 1.5 + 6 x 3 = 22.75 */
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 22.75, EPS);

	o[0] = opt(0, 1, 1, NAN, NAN, NAN);
	o[0].family = "P";
	o[0].vcpus = 8;
	o[1] = opt(0, 1, 2, NAN, NAN, NAN);
	o[1].family = "G";
	o[1].vcpus = 4;
	p = prob(o, 2, 1, d8, 1);
	p.quotas = &q;
	p.nquotas = 1;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 11, EPS);
	q.kind = SOLVER_QUOTA_SPOT;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 8, EPS);
}

/*
 * Infeasible without quotas: only spot is offered, the cap is 4 of 10 GPUs: every hour with
 * demand is short by 6 GPUs.
 */
static void test_hand_infeasible(void)
{
	struct solver_option o[1];
	static const double d[] = { 10, 0, 10 };
	struct solver_problem p;
	struct solver_plan *s = NULL;
	struct err e = ERR_INIT;

	o[0] = opt(0, 1, NAN, 1, NAN, NAN);
	p = prob(o, 1, 1, d, 3);
	CU_ASSERT_EQUAL(solver_solve(&s, &p, &e), ERR_INFEASIBLE);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "2 hours"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "short by up to 6 GPUs"));
}

/* A small pseudo-random generator, so that the property cases are the same on every run. */
static unsigned long rng = 12345;
static double urand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (double)((rng >> 33) % 1000000) / 1000000.0;
}

#define NO 5
#define NH 8
struct rcase {
	struct solver_option o[NO];
	double d[2 * NH];
	struct solver_problem p;
};

static void random_case(struct rcase *c)
{
	static const double sizes[] = { 1, 2, 4, 8 };
	size_t i;

	for (i = 0; i < NO; i++) {
		double g = sizes[(size_t)(urand() * 4)], per = 2 + 3 * urand();

		c->o[i] = opt(i % 2, g, per * g, urand() < 0.8 ? per * g * (0.3 + 0.4 * urand()) : NAN,
			      urand() < 0.7 ? per * g * (0.5 + 0.3 * urand()) : NAN,
			      urand() < 0.5 ? per * g * (0.4 + 0.3 * urand()) : NAN);
		if (urand() < 0.3)
			c->o[i].spot_interruption = 0.1 * (double)(int)(urand() * 4);
	}
	for (i = 0; i < 2 * NH; i++)
		c->d[i] = (double)(int)(urand() * 14);
	c->p = prob(c->o, NO, 2, c->d, NH);
	c->p.max_spot_share = 0.1 * (double)(int)(urand() * 6);
}

/* The structured solver finds the same optimum as GLPK on the whole model. */
static double milp_cost(const struct solver_problem *p)
{
	struct solver_plan *s = NULL;
	struct err e = ERR_INIT;
	double c;

	if (solver_solve_milp(&s, p, &e) < 0)
		return NAN;
	CU_ASSERT_EQUAL(s->status, SOLVER_OPTIMAL);
	c = s->total_cost;
	check_cover(p, s);
	solver_plan_free(s);
	return c;
}

double solver_solve_milp_cost_check(const struct solver_problem *p)
{
	return milp_cost(p);
}

static void test_dp_matches_milp(void)
{
	struct rcase c;
	int i;

	for (i = 0; i < 25; i++) {
		double a, b;

		random_case(&c);
		c.p.relax = i % 3 == 2;
		c.p.min_ondemand_share = i % 4 == 1 ? 0.25 : 0;
		a = solve_cost(&c.p, NULL);
		b = milp_cost(&c.p);
		CU_ASSERT_DOUBLE_EQUAL(a, b, 1e-6 * (1 + b));
		if (fabs(a - b) > 1e-6 * (1 + b))
			fprintf(stderr, "case %d: structured %.6f, milp %.6f\n", i, a, b);
	}
}

/*
 * Demand past what integer units hold (1e300 GPUs, infinity) is an input error naming the
 * model: before the fix the structured solver cast it to long (undefined behaviour) and
 * whatif printed a $0 plan.
 */
static void test_dp_huge_demand(void)
{
	struct solver_option o[1];
	double d[2] = { 1e300, 4 };
	struct solver_problem p;
	struct solver_plan *s = NULL;
	struct err e = ERR_INIT;

	o[0] = opt(0, 1, 10, 4, 6, 5);
	p = prob(o, 1, 1, d, 2);
	CU_ASSERT_EQUAL(solver_solve(&s, &p, &e), ERR_INPUT);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "demand too large"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "\"A\""));
	solver_plan_free(s);
	s = NULL;
	e = (struct err)ERR_INIT;
	d[0] = INFINITY;
	CU_ASSERT_EQUAL(solver_solve(&s, &p, &e), ERR_INPUT);
	solver_plan_free(s);
	s = NULL;
	/* 4 and 4 GPUs, no spot, still plan: 4 reserved 3y at 5 x 2 h = 40 (on demand: 80) */
	d[0] = 4;
	p.max_spot_share = 0;
	CU_ASSERT_DOUBLE_EQUAL(solve_cost(&p, NULL), 40, EPS);
}

/*
 * Fleet plans under quotas (hour by hour, dominated offerings pruned) against the MILP of the
 * whole model: relaxed, the same optimum; whole instances, within the proven gap, and the
 * proven bound never above the optimum.
 */
static void test_hourly_matches_milp(void)
{
	struct rcase c;
	struct solver_quota q[2] = { { "aws", "r1", NULL, SOLVER_QUOTA_ANY, 0 },
				     { "aws", "r2", NULL, SOLVER_QUOTA_SPOT, 0 } };
	int i, n = 0;

	for (i = 0; i < 30; i++) {
		struct solver_plan *s = NULL;
		struct err e = ERR_INIT;
		size_t k;
		double b;
		int rc;

		random_case(&c);
		for (k = 0; k < NO; k++)
			c.o[k].region = k % 3 ? "r1" : "r2";
		q[0].limit = 10 + (double)(i % 7) * 3;
		q[1].limit = (double)(i % 4) * 2;
		c.p.quotas = q;
		c.p.nquotas = 2;
		c.p.no_reserve = 1;
		c.p.relax = i % 2;
		c.p.min_ondemand_share = i % 5 == 0 ? 0.2 : 0;
		b = milp_cost(&c.p);
		rc = solver_solve(&s, &c.p, &e);
		CU_ASSERT_EQUAL(rc, isnan(b) ? ERR_INFEASIBLE : 0);
		if (rc < 0) {
			continue;
		}
		n++;
		check_cover(&c.p, s);
		CU_ASSERT(s->lower_bound <= b + 1e-6 * (1 + b));
		CU_ASSERT(s->total_cost >= b - 1e-6 * (1 + b));
		if (c.p.relax)
			CU_ASSERT_DOUBLE_EQUAL(s->total_cost, b, 1e-6 * (1 + b));
		CU_ASSERT(s->gap <= 1e-3 + 1e-9);
		/* the gap is proven: never negative, and 0 (optimal) only when the plan costs
		 * what the exact MILP of the whole model does */
		CU_ASSERT(s->gap >= 0);
		CU_ASSERT(s->lower_bound <= s->total_cost + 1e-9 * (1 + b));
		CU_ASSERT_EQUAL(s->status, s->gap > 0 ? SOLVER_FEASIBLE : SOLVER_OPTIMAL);
		if (s->gap == 0) {
			CU_ASSERT_DOUBLE_EQUAL(s->total_cost, b, 1e-6 * (1 + b));
			if (fabs(s->total_cost - b) > 1e-6 * (1 + b))
				fprintf(stderr, "case %d: gap 0 at %.6f, milp %.6f\n", i,
					s->total_cost, b);
		}
		solver_plan_free(s);
	}
	CU_ASSERT(n >= 10);	/* most cases are feasible: the comparison ran */
}

/* Under quotas (relaxed fleet: exact): more quota never costs more, a dearer price never less. */
static void test_quota_properties(void)
{
	struct rcase c;
	struct solver_quota q = { "aws", "r1", NULL, SOLVER_QUOTA_ANY, 0 };
	int i, n = 0;

	for (i = 0; i < 15; i++) {
		double base, v;
		size_t k;
		int rc;

		random_case(&c);
		for (k = 0; k < NO; k++)
			c.o[k].region = k % 2 ? "r1" : "r2";
		q.limit = 8 + (double)(i % 5) * 3;
		c.p.quotas = &q;
		c.p.nquotas = 1;
		c.p.no_reserve = 1;
		c.p.relax = 1;
		base = solve_cost(&c.p, &rc);
		if (rc < 0)
			continue;
		n++;
		q.limit += 5;
		v = solve_cost(&c.p, NULL);
		CU_ASSERT(v <= base + 1e-9 * (1 + base));
		q.limit -= 5;
		c.o[(size_t)i % NO].ondemand *= 1.5;
		CU_ASSERT(solve_cost(&c.p, NULL) >= base - 1e-9 * (1 + base));
	}
	CU_ASSERT(n >= 5);
}

/*
 * Whole instances with reserved decisions under quotas and almost no time: whichever way the
 * plan is found (the whole MILP, or reserved counts from the mixed problem then hour by hour)
 * it covers demand, costs no less than the optimum, and its bound is no more than it.
 */
static void test_two_stage_bounds(void)
{
	struct rcase c;
	struct solver_quota q = { "aws", "r1", NULL, SOLVER_QUOTA_ANY, 0 };
	int i;

	for (i = 0; i < 12; i++) {
		struct solver_plan *s = NULL;
		struct err e = ERR_INIT;
		size_t k;
		double b;

		random_case(&c);
		for (k = 0; k < NO; k++)
			c.o[k].region = k % 2 ? "r1" : "r2";
		q.limit = 12 + (double)(i % 5) * 4;
		c.p.quotas = &q;
		c.p.nquotas = 1;
		b = milp_cost(&c.p);
		c.p.time_limit = 0.004;
		if (solver_solve(&s, &c.p, &e) < 0) {
			CU_ASSERT(isnan(b));
			continue;
		}
		check_cover(&c.p, s);
		CU_ASSERT(s->total_cost >= b - 1e-6 * (1 + b));
		CU_ASSERT(s->lower_bound <= b + 1e-6 * (1 + b));
		CU_ASSERT_DOUBLE_EQUAL(s->gap, (s->total_cost - s->lower_bound) / s->total_cost,
				       1e-9 + (s->gap == 0 ? 1e-6 : 0));
		solver_plan_free(s);
	}
}

/* Dearer prices, more demand, a tighter cap never make the plan cheaper. */
static void test_properties(void)
{
	struct rcase c;
	int i;

	for (i = 0; i < 20; i++) {
		double base, v;
		size_t k = (size_t)i % NO;

		random_case(&c);
		base = solve_cost(&c.p, NULL);
		c.o[k].ondemand *= 1.3;
		if (!isnan(c.o[k].spot))
			c.o[k].spot *= 1.2;
		v = solve_cost(&c.p, NULL);
		CU_ASSERT(v >= base - 1e-9);
		c.d[(size_t)i % (2 * NH)] += 3;
		CU_ASSERT(solve_cost(&c.p, NULL) >= v - 1e-9);
		v = solve_cost(&c.p, NULL);
		c.p.max_spot_share += 0.2;	/* loosening: never dearer */
		CU_ASSERT(solve_cost(&c.p, NULL) <= v + 1e-9);
		c.p.max_spot_share -= 0.2;
		c.p.min_ondemand_share = 0.3;	/* tightening: never cheaper */
		CU_ASSERT(solve_cost(&c.p, NULL) >= v - 1e-9);
	}
}

/* glpsol on the written LP finds the optimum the solver found. */
static void test_write_lp_glpsol(void)
{
	struct rcase c;
	const char *dir = tu_tmpdir();
	char cmd[512], *out = NULL;
	struct err e = ERR_INIT;
	int i;

	if (tu_sh(NULL, "command -v glpsol", NULL, NULL) != 0) {
		CU_FAIL("glpsol not installed (glpk-utils, scripts/deps.sh)");
		return;
	}
	for (i = 0; i < 4; i++) {
		double a, b = NAN;
		const char *s;

		random_case(&c);
		a = solve_cost(&c.p, NULL);
		CU_ASSERT_EQUAL_FATAL(solver_write_lp(&c.p, tu_path(dir, "m.lp"), &e), 0);
		snprintf(cmd, sizeof(cmd), "glpsol --lp %s -o %s >/dev/null && grep '^Objective' %s",
			 tu_path(dir, "m.lp"), tu_path(dir, "m.out"), tu_path(dir, "m.out"));
		CU_ASSERT_EQUAL_FATAL(tu_sh(NULL, cmd, &out, NULL), 0);
		s = strstr(out, "obj = ");
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		b = strtod(s + 6, NULL);
		CU_ASSERT_DOUBLE_EQUAL(a, b, 1e-6 * (1 + a));
		free(out);
		out = NULL;
	}
}

/* The CLI on the first hand case: exact costs in the --json contract; infeasible exits 3. */
static void test_cli_plan(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *out = NULL, *err = NULL;

	snprintf(args, sizeof(args), "plan --offerings %s --demand %s --json",
		 tu_src("tests/data/solver/offerings.csv"), tu_src("tests/data/solver/demand.csv"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":152,"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"cost\":{\"reserved\":40,\"spot\":32,"
					     "\"ondemand\":80}"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"gap\":0"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "plan --offerings %s --demand %s --json --relax",
		 tu_src("tests/data/solver/offerings.csv"), tu_src("tests/data/solver/demand.csv"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":144,"));
	free(out);
	free(err);
	/* only spot offered: 2 hours short by 6 GPUs each */
	snprintf(args, sizeof(args), "plan --offerings %s --demand %s --json",
		 tu_src("tests/data/solver/spot_only.csv"), tu_src("tests/data/solver/demand.csv"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 3);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "short by up to 6 GPUs"));
	free(out);
	free(err);
}

/*
 * The CLI with a config: quotas (28 as in test_hand_quota, its dual), budget (19 < the 20
 * without the quota: 1 over), allowed regions (r2 only: 10 GPUs at 2 for 2 hours = 40), the
 * LP written for glpsol (objective 28).
 */
static void test_cli_policy(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *out = NULL, *err = NULL;
	const char *off = tu_src("tests/data/solver/quota_offerings.csv");
	const char *dem = tu_src("tests/data/solver/quota_demand.csv");

	tu_write(tu_path(dir, "q.yaml"), "quotas:\n  - {provider: aws, region: r1, gpus: 6}\n");
	snprintf(args, sizeof(args), "--config q.yaml plan --offerings %s --demand %s --json "
		 "--duals --write-lp m.lp", off, dem);
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":28,"));
	/* --json: the duals are part of the document, nothing on stderr */
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"duals\":[{\"constraint\":\"quota_gpus\","
					     "\"provider\":\"aws\",\"region\":\"r1\","
					     "\"saves_usd\":2}"));
	CU_ASSERT_PTR_NULL(err && strstr(err, "saves"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "--config q.yaml plan --offerings %s --demand %s --duals",
		 off, dem);
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "+1 quota GPU in aws/r1 saves 2.00 USD"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_sh(dir, "glpsol --lp m.lp -o m.out >/dev/null && grep -q "
			      "'obj = *28 ' m.out", NULL, NULL), 0);
	tu_write(tu_path(dir, "b.yaml"), "policy:\n  budget: 19\n");
	snprintf(args, sizeof(args), "--config b.yaml plan --offerings %s --demand %s", off, dem);
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 3);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "over policy.budget 19.00 by 1.00"));
	free(out);
	free(err);
	/* r2 only: 10 GPUs at 2 for 2 hours */
	tu_write(tu_path(dir, "a.yaml"), "policy:\n  allowed_regions: [r2]\n");
	snprintf(args, sizeof(args), "--config a.yaml plan --offerings %s --demand %s --json", off,
		 dem);
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":40,"));
	free(out);
	free(err);
	/* data residency that allows no offering: infeasible, and says why */
	tu_write(tu_path(dir, "n.yaml"), "policy:\n  allowed_providers: [gcp]\n");
	snprintf(args, sizeof(args), "--config n.yaml plan --offerings %s --demand %s", off, dem);
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 3);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "policy.allowed_providers and allowed_regions"));
	free(out);
	free(err);
}

/*
 * Owned commitments and substitution from the config.
 * Owned: 2 x g1 in the one-model case (demand 10, 10, 2, 0) cover 2 GPUs every hour for free;
 * the caps stay 4, 4, 0 (of demand). Hours 0 and 1 need 8 more: 4 spot (16) and 4 on-demand
 * (40) each, or reserve G g1 at 20 each in place of on-demand at 20 per hour-pair: 112 for any
 * G in 0..4. Hour 2 is covered by the owned pair.
 * Substitution: 4 GPUs of A100 demand for an hour; A100 at 6 per GPU, or an H100 (10) that
 * counts as 2 A100: 2 H100 = 20 < 24.
 */
static void test_cli_owned_substitution(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *out = NULL, *err = NULL;

	tu_write(tu_path(dir, "o.yaml"),
		 "commitments:\n  - {offering: aws/us-east-1/g1, count: 2}\n");
	snprintf(args, sizeof(args), "--config o.yaml plan --offerings %s --demand %s --json",
		 tu_src("tests/data/solver/offerings.csv"), tu_src("tests/data/solver/demand.csv"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":112,"));
	free(out);
	free(err);
	tu_write(tu_path(dir, "s.yaml"),
		 "substitutions:\n  - {class: A100, model: H100, factor: 2}\n");
	tu_write(tu_path(dir, "s.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\naws,r1,h1,H100,1,8,64,10,,,,\naws,r1,a1,A100,1,8,64,6,,,,\n");
	tu_write(tu_path(dir, "s_d.csv"), "timestamp,gpu_model,gpus\n2026-12-01T00:00:00Z,A100,4\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "plan --offerings s.csv --demand s_d.csv --json", &out,
				   &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":24,"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config s.yaml plan --offerings s.csv --demand s_d.csv "
				   "--json", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":20,"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"ondemand\":{\"aws/r1/h1\":2}"));
	free(out);
	free(err);
}

/*
 * From the store: flat 10 GPUs of usage, forecast 168 h (p90 = 10), the one-model catalog.
 * With the catalog's spot price (4): 4 spot at 4 and 6 reserved g1 3y at 5 every hour:
 * 46 x 168 = 7728. With spot history for g1 of 2, 3.5 and 3 in the last week (and 100 long
 * before, outside the window) the median is 3: 42 x 168 = 7056.
 */
static void test_cli_store_spot_median(void)
{
	const char *dir = tu_tmpdir();
	char args[512], *out = NULL, *err = NULL;
	struct providers_spot_point pts[4];
	struct store *st = NULL;
	struct err e = ERR_INIT;
	size_t i, added = 0;
	FILE *f;

	f = fopen(tu_path(dir, "u.csv"), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "timestamp,gpu_model,gpus\n");
	for (i = 0; i < 336; i++)
		fprintf(f, "2026-11-%02zuT%02zu:00:00Z,H100,10\n", 1 + i / 24, i % 24);
	fclose(f);
	snprintf(args, sizeof(args), "prices import %s && $CAPPLAN_BIN usage import u.csv && "
		 "$CAPPLAN_BIN forecast", tu_src("tests/data/solver/offerings.csv"));
	CU_ASSERT_EQUAL_FATAL(tu_capplan(dir, "init", NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(tu_capplan(dir, args, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tu_capplan(dir, "plan --json", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":7728,"));
	free(out);
	free(err);
	memset(pts, 0, sizeof(pts));
	for (i = 0; i < 4; i++) {
		snprintf(pts[i].region, sizeof(pts[i].region), "us-east-1");
		snprintf(pts[i].zone, sizeof(pts[i].zone), "us-east-1%c", (int)('a' + i % 2));
		snprintf(pts[i].instance_type, sizeof(pts[i].instance_type), "g1");
	}
	pts[0].ts = 1795000000 - 90 * 86400;	/* months before the others */
	pts[0].price = 100;
	pts[1].ts = 1795000000 - 86400;
	pts[1].price = 2;
	pts[2].ts = 1795000000 - 3600;
	pts[2].price = 3.5;
	pts[3].ts = 1795000000;
	pts[3].price = 3;
	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "capplan.db"), &e), 0);
	CU_ASSERT_EQUAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL(store_spot_put(st, "aws", pts, 4, 1795000000, &added, &e), 0);
	CU_ASSERT_EQUAL(store_commit(st, &e), 0);
	store_close(st);
	CU_ASSERT_EQUAL(added, 4);
	CU_ASSERT_EQUAL(tu_capplan(dir, "plan --json", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":7056,"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"spot_hourly\":3,"));
	free(out);
	free(err);
}

/*
 * The load-duration curve against the hourly model: `plan commitments --horizon H` with H the
 * demand's own length plans the sorted hours, and costs what the hourly plan costs (prices
 * are flat). The hand case: 152 either way; reserved 2 x g1 3y.
 */
static void test_cli_commitments_ldc(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *out = NULL, *err = NULL;

	snprintf(args, sizeof(args), "plan commitments --horizon 4 --offerings %s --demand %s "
		 "--json", tu_src("tests/data/solver/offerings.csv"),
		 tu_src("tests/data/solver/demand.csv"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":152,"));
	/* 2 reserved GPUs used 10, 10, 2, 0 -> 6 of 8 GPU-hours; break-even 5/10 */
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"offering\":\"aws/us-east-1/g1\",\"term\":\"3y\","
					     "\"count\":2,\"break_even_utilization\":0.5,"
					     "\"expected_utilization\":0.75"));
	free(out);
	free(err);
}

/*
 * Owned commitments that expire inside `plan commitments`' horizon. One offering u1 (1 H100
 * GPU): on demand 10 an hour, reserved 3y 4 an hour, so a reserved GPU pays when it is busy
 * more than 40% of the horizon's hours. 8 hours; `expires` at 04:00 ends an owned instance
 * after hour 3. Reserved GPUs serve what owned capacity in force leaves of each hour.
 */
static const char u1_offers[] =
	"provider,region,instance_type,gpu_model,gpus_per_instance,vcpus,memory_gib,"
	"ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,spot_interruption_rate\n"
	"aws,us-east-1,u1,H100,1,8,64,10,,,4,\n";

/* Writes 8 hours of demand from 2026-12-01T00:00Z into dir/name. */
static void write_hours8(const char *dir, const char *name, const int *g)
{
	char text[512];
	size_t len = 0;
	int t;

	len += (size_t)snprintf(text, sizeof(text), "timestamp,gpu_model,gpus\n");
	for (t = 0; t < 8; t++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"2026-12-01T%02d:00:00Z,H100,%d\n", t, g[t]);
	tu_write(tu_path(dir, name), text);
}

/* `plan commitments --horizon 8 --json` of demand file dem under config text; caller frees. */
static char *commit8(const char *dir, const char *config, const char *dem)
{
	char args[512], *out = NULL, *err = NULL;

	tu_write(tu_path(dir, "x.yaml"), config);
	snprintf(args, sizeof(args), "--config x.yaml plan commitments --horizon 8 --offerings u1.csv"
		 " --demand %s --json", dem);
	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, &err), 0);
	free(err);
	return out;
}

#define HAS(out, s) CU_ASSERT_PTR_NOT_NULL((out) && strstr((out), (s)))

/*
 * Flat demand of 10 GPUs, 6 owned until hour 4. Left after owned: 4 GPUs in hours 0-3, 10 in
 * hours 4-7. GPUs 1-4 of new capacity are busy 8 of 8 hours, GPUs 5-10 4 of 8 (50% > 40%):
 * reserve 10, cost 10 x 4 x 8 = 320. They serve 4 x 4 + 10 x 4 = 56 of 80 GPU-hours: expected
 * utilization 0.7, yearly saving (56 x 10 - 320) x 8760 / 8 = 262800 (owned capacity ignored
 * the report said 1 and 525600).
 * Demand growing 3 -> 10 at the expiry: 0 left in hours 0-3 (6 owned cover 3), 10 in hours
 * 4-7: reserve 10 (each busy 50%), 320 (on demand all: 400); utilization 40 / 80 = 0.5, saving
 * (400 - 320) x 1095 = 87600. Sorting the whole horizon first gave the owned 6 the four peak
 * hours (left: 4 4 4 4 3 3 3 3) and recommended 4 for 128: 6 GPUs short after the expiry.
 */
static void test_cli_commitments_expiry(void)
{
	static const int flat[8] = { 10, 10, 10, 10, 10, 10, 10, 10 };
	static const int grow[8] = { 3, 3, 3, 3, 10, 10, 10, 10 };
	const char *dir = tu_tmpdir();
	const char *mid = "commitments:\n  - {offering: aws/us-east-1/u1, count: 6, "
			  "expires: 2026-12-01T04:00:00Z}\n";
	char *out;

	tu_write(tu_path(dir, "u1.csv"), u1_offers);
	write_hours8(dir, "flat.csv", flat);
	write_hours8(dir, "grow.csv", grow);
	out = commit8(dir, mid, "flat.csv");
	HAS(out, "\"total_cost\":320,");
	HAS(out, "\"offering\":\"aws/us-east-1/u1\",\"term\":\"3y\",\"count\":10,"
	    "\"break_even_utilization\":0.4,\"expected_utilization\":0.7,\"yearly_saving\":262800}");
	free(out);
	out = commit8(dir, mid, "grow.csv");
	HAS(out, "\"total_cost\":320,");
	HAS(out, "\"count\":10,\"break_even_utilization\":0.4,\"expected_utilization\":0.5,"
	    "\"yearly_saving\":87600}");
	free(out);
	/*
	 * Expiring at 04:30, the 6 are gone for half of hour 4: they cover hours 0-3 only, 320
	 * as above (counted for hour 4 too, 4 4 4 4 4 10 10 10 left: reserve 4, 308).
	 */
	out = commit8(dir, "commitments:\n  - {offering: aws/us-east-1/u1, count: 6, "
		      "expires: 2026-12-01T04:30:00Z}\n", "flat.csv");
	HAS(out, "\"total_cost\":320,");
	HAS(out, "\"count\":10,");
	free(out);
	/* the hourly model agrees: 320 */
	tu_write(tu_path(dir, "x.yaml"), mid);
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan --offerings u1.csv --demand grow.csv "
				   "--json", &out, NULL), 0);
	HAS(out, "\"total_cost\":320,");
	free(out);
}

/*
 * Expiry outside the horizon, on the flat 10 GPUs. Expired before it starts: nothing owned,
 * reserve 10 busy every hour: 320, utilization 1, saving (800 - 320) x 1095 = 525600. Expiring
 * after it ends: the 6 cover every hour, reserve 4: 4 x 4 x 8 = 128, utilization 1, saving
 * (320 - 128) x 1095 = 210240. Expiring at or during the first hour covers no hour.
 */
static void test_cli_commitments_expiry_outside(void)
{
	static const int flat[8] = { 10, 10, 10, 10, 10, 10, 10, 10 };
	const char *dir = tu_tmpdir();
	char *out;

	tu_write(tu_path(dir, "u1.csv"), u1_offers);
	write_hours8(dir, "flat.csv", flat);
	out = commit8(dir, "commitments:\n  - {offering: aws/us-east-1/u1, count: 6, "
		      "expires: 2026-11-30T00:00:00Z}\n", "flat.csv");
	HAS(out, "\"total_cost\":320,");
	HAS(out, "\"count\":10,\"break_even_utilization\":0.4,\"expected_utilization\":1,"
	    "\"yearly_saving\":525600}");
	free(out);
	out = commit8(dir, "commitments:\n  - {offering: aws/us-east-1/u1, count: 6, "
		      "expires: 2026-12-01T00:00:00Z}\n", "flat.csv");
	HAS(out, "\"total_cost\":320,");
	HAS(out, "\"count\":10,");
	free(out);
	out = commit8(dir, "commitments:\n  - {offering: aws/us-east-1/u1, count: 6, "
		      "expires: 2026-12-01T00:59:59Z}\n", "flat.csv");
	HAS(out, "\"total_cost\":320,");
	free(out);
	out = commit8(dir, "commitments:\n  - {offering: aws/us-east-1/u1, count: 6, "
		      "expires: 2027-06-01T00:00:00Z}\n", "flat.csv");
	HAS(out, "\"total_cost\":128,");
	HAS(out, "\"count\":4,\"break_even_utilization\":0.4,\"expected_utilization\":1,"
	    "\"yearly_saving\":210240}");
	free(out);
	/* no expiry: the whole horizon, the same */
	out = commit8(dir, "commitments:\n  - {offering: aws/us-east-1/u1, count: 6}\n", "flat.csv");
	HAS(out, "\"total_cost\":128,");
	free(out);
}

/*
 * Two commitments of one offering ending at different hours each count until their own
 * expiry: 6 until hour 4 and 2 until hour 6 own 8, 8, 8, 8, 2, 2, 0, 0 of the flat 10, leaving
 * 2 2 2 2 8 8 10 10. GPUs 1-2 busy 8/8, 3-8 busy 4/8 (50%), 9-10 2/8 (25% < 40%): reserve 8
 * (256) and 2 GPUs on demand in hours 6 and 7 (40): 296; utilization (8 + 16 + 16) / 64 =
 * 0.625, saving (400 - 256) x 1095 = 157680. (All 8 until the earlier expiry: 320.) Both
 * `plan commitments` and the hourly `plan` count them so.
 */
static void test_cli_commitments_two_expiries(void)
{
	static const int flat[8] = { 10, 10, 10, 10, 10, 10, 10, 10 };
	const char *dir = tu_tmpdir();
	const char *two = "commitments:\n"
			  "  - {offering: aws/us-east-1/u1, count: 6, expires: 2026-12-01T04:00:00Z}\n"
			  "  - {offering: aws/us-east-1/u1, count: 2, expires: 2026-12-01T06:00:00Z}\n";
	char *out;

	tu_write(tu_path(dir, "u1.csv"), u1_offers);
	write_hours8(dir, "flat.csv", flat);
	out = commit8(dir, two, "flat.csv");
	HAS(out, "\"total_cost\":296,");
	HAS(out, "\"count\":8,\"break_even_utilization\":0.4,\"expected_utilization\":0.625,"
	    "\"yearly_saving\":157680}");
	free(out);
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan --offerings u1.csv --demand flat.csv "
				   "--json", &out, NULL), 0);
	HAS(out, "\"total_cost\":296,");
	HAS(out, "\"reserved\":[{\"offering\":\"aws/us-east-1/u1\",\"term\":\"3y\",\"count\":8,");
	free(out);
}

/* The LDC is exact: random hourly cases against their sorted curves, via the MILP. */
static void test_ldc_exact(void)
{
	struct rcase c;
	int i;

	for (i = 0; i < 8; i++) {
		double sorted[2 * NH], a, b;
		struct solver_problem q;
		size_t k, j, t;

		random_case(&c);
		memcpy(sorted, c.d, sizeof(sorted));
		for (k = 0; k < 2; k++)	/* each model's hours, highest first */
			for (j = 0; j < NH; j++)
				for (t = j + 1; t < NH; t++)
					if (sorted[k * NH + t] > sorted[k * NH + j]) {
						double x = sorted[k * NH + t];

						sorted[k * NH + t] = sorted[k * NH + j];
						sorted[k * NH + j] = x;
					}
		q = c.p;
		q.demand = sorted;
		a = milp_cost(&c.p);
		b = solve_cost(&q, NULL);
		CU_ASSERT_DOUBLE_EQUAL(a, b, 1e-6 * (1 + a));
	}
}

void solver_suite_register(void)
{
	CU_pSuite s = CU_add_suite("solver", NULL, NULL);

	CU_add_test(s, "hand: one model, spot cap, block sizes, relaxed", test_hand_one_model);
	CU_add_test(s, "hand: two models", test_hand_two_models);
	CU_add_test(s, "hand: spot interruption", test_hand_interruption);
	CU_add_test(s, "hand: on-demand floor, owned, budget", test_hand_floor_owned_budget);
	CU_add_test(s, "hand: quotas, their dual, infeasible", test_hand_quota);
	CU_add_test(s, "hand: per-pool spot cap, vCPU quotas", test_hand_pool_vcpus);
	CU_add_test(s, "hand: infeasible, which hours, by how much", test_hand_infeasible);
	CU_add_test(s, "structured solver = GLPK MILP of the whole model", test_dp_matches_milp);
	CU_add_test(s, "structured solver: demand too large is an input error", test_dp_huge_demand);
	CU_add_test(s, "fleet under quotas = GLPK MILP of the whole model", test_hourly_matches_milp);
	CU_add_test(s, "reserved under quotas, little time: bounds hold", test_two_stage_bounds);
	CU_add_test(s, "properties: prices, demand, constraints", test_properties);
	CU_add_test(s, "properties under quotas", test_quota_properties);
	CU_add_test(s, "glpsol agrees on the written LP", test_write_lp_glpsol);
	CU_add_test(s, "load-duration curve = hourly model", test_ldc_exact);
	CU_add_test(s, "cli: plan --json exact costs, exit 3", test_cli_plan);
	CU_add_test(s, "cli: quotas, duals, budget, regions, --write-lp", test_cli_policy);
	CU_add_test(s, "cli: plan commitments", test_cli_commitments_ldc);
	CU_add_test(s, "cli: plan commitments, owned expiring mid-horizon",
		    test_cli_commitments_expiry);
	CU_add_test(s, "cli: plan commitments, expiry before and after the horizon",
		    test_cli_commitments_expiry_outside);
	CU_add_test(s, "cli: plan commitments, one offering, two expiries",
		    test_cli_commitments_two_expiries);
	CU_add_test(s, "cli: owned commitments, substitution", test_cli_owned_substitution);
	CU_add_test(s, "cli: spot at the median of the stored history", test_cli_store_spot_median);
}
