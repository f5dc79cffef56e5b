/* Placeholder until the solver lands: refuses clearly rather than planning badly. */
#include "solver/solver.h"

#include <stdlib.h>

int solver_solve(struct solver_plan **out, const struct solver_problem *p, struct err *e)
{
	(void)p;
	*out = NULL;
	return err_set(e, ERR_RUNTIME, "the solver is not built yet");
}

void solver_plan_free(struct solver_plan *plan)
{
	if (plan == NULL)
		return;
	free(plan->reserved);
	free(plan->spot);
	free(plan->ondemand);
	free(plan);
}
