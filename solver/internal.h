#ifndef SOLVER_INTERNAL_H
#define SOLVER_INTERNAL_H
/* Private to solver/: the pieces model.c (GLPK) and dp.c (the structured solver) share. */
#include "solver/solver.h"

/* GPUs of its class one instance delivers (spot: at 1 - interruption rate). */
double solver_delivered(const struct solver_option *o, int spot);
/*
 * The structured exact solver (no quotas, no per-pool cap on whole instances): fills the
 * counts of plan (allocated and zeroed by the caller).
 */
int solver_dp_solve(struct solver_plan *plan, const struct solver_problem *p, struct err *e);

#endif
