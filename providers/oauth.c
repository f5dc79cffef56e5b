/* OAuth tokens for GCP (service-account JWT) and Azure (client credentials). */
#include "providers/compute_int.h"

int oauth_gcp_token(providers_compute *pc, struct err *e)
{
	(void)pc;
	return err_set(e, ERR_RUNTIME, "gcp oauth not built yet");
}

int oauth_azure_token(providers_compute *pc, struct err *e)
{
	(void)pc;
	return err_set(e, ERR_RUNTIME, "azure oauth not built yet");
}
