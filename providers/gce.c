/* placeholder until the gce client lands */
#include "providers/compute_int.h"

int gce_init(providers_compute *pc, struct err *e)
{
	(void)pc;
	return err_set(e, ERR_INPUT, "the gce compute client is not built yet");
}
