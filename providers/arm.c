/* placeholder until the arm client lands */
#include "providers/compute_int.h"

int arm_init(providers_compute *pc, struct err *e)
{
	(void)pc;
	return err_set(e, ERR_INPUT, "the arm compute client is not built yet");
}
