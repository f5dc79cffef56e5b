/* Normalization shared by every adapter and importer: offering ids, checks, GPU names. */
#include "providers/providers.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void providers_offering_id(const struct offering *o, char *out, size_t n)
{
	snprintf(out, n, "%s/%s/%s", o->provider, o->region, o->instance_type);
}

static int printable_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || *s == '/')
			return 0;
	return 1;
}

static int check_price(const char *field, double v, struct err *e)
{
	if (isnan(v))
		return 0;	/* not offered */
	if (!isfinite(v) || v < 0 || v > PROVIDERS_MAX_HOURLY)
		return err_set(e, ERR_INPUT, "\"%s\" is %g, not a price per instance-hour in 0..%g",
			       field, v, PROVIDERS_MAX_HOURLY);
	return 0;
}

int providers_offering_check(const struct offering *o, struct err *e)
{
	int rc;

	if (!printable_name(o->provider))
		return err_set(e, ERR_INPUT, "\"provider\" is empty or has spaces or slashes");
	if (!printable_name(o->region))
		return err_set(e, ERR_INPUT, "\"region\" is empty or has spaces or slashes");
	if (!printable_name(o->instance_type))
		return err_set(e, ERR_INPUT, "\"instance_type\" is empty or has spaces or slashes");
	if (!printable_name(o->gpu_model))
		return err_set(e, ERR_INPUT, "\"gpu_model\" is empty or has spaces or slashes");
	if (o->gpus <= 0 || o->gpus > 64)
		return err_set(e, ERR_INPUT, "\"gpus_per_instance\" is %d, not in 1..64", o->gpus);
	if (o->vcpus < 0 || o->memory_gib < 0 || !isfinite(o->memory_gib))
		return err_set(e, ERR_INPUT, "\"vcpus\" or \"memory_gib\" is negative");
	if ((rc = check_price("ondemand_hourly", o->ondemand, e)) < 0 ||
	    (rc = check_price("spot_hourly", o->spot, e)) < 0 ||
	    (rc = check_price("reserved_1y_hourly", o->reserved_1y, e)) < 0 ||
	    (rc = check_price("reserved_3y_hourly", o->reserved_3y, e)) < 0)
		return rc;
	if (!isnan(o->spot_interruption) &&
	    !(o->spot_interruption >= 0 && o->spot_interruption <= 1))
		return err_set(e, ERR_INPUT, "\"spot_interruption_rate\" is %g, not in 0..1",
			       o->spot_interruption);
	if (isnan(o->ondemand) && isnan(o->spot) && isnan(o->reserved_1y) && isnan(o->reserved_3y))
		return err_set(e, ERR_INPUT, "no price at all: every price column is empty");
	return 0;
}

/*
 * Aliases are matched after normalizing: upper case, '-', '_' and ' ' dropped, a leading
 * "NVIDIA" and "TESLA" dropped. Order matters: the first alias contained wins, so longer,
 * more specific names come first.
 */
static const struct gpu_alias {
	const char *key;	/* normalized substring */
	const char *canon;
} gpu_aliases[] = {
	{ "H100NVL", "H100-NVL-94GB" },
	{ "H10094GB", "H100-NVL-94GB" },
	{ "H100MEGA", "H100-80GB" },
	{ "H100", "H100-80GB" },
	{ "H200", "H200" },
	{ "H20", "H20" },
	{ "B200", "B200" },
	{ "GB200", "GB200" },
	{ "A10080GB", "A100-80GB" },
	{ "A100SXM480GB", "A100-80GB" },
	{ "A100PCIE80GB", "A100-80GB" },
	{ "A10040GB", "A100-40GB" },
	{ "A100", "A100-40GB" },
	{ "A10G", "A10G" },
	{ "A10", "A10" },
	{ "A30", "A30" },
	{ "A40", "A40" },
	{ "L40S", "L40S" },
	{ "L40", "L40" },
	{ "L4", "L4" },
	{ "T4G", "T4G" },
	{ "T4", "T4" },
	{ "V10032GB", "V100-32GB" },
	/* DCGM modelName / GPU feature discovery spellings (usage import --prometheus) */
	{ "V100SXM232GB", "V100-32GB" },
	{ "V100PCIE32GB", "V100-32GB" },
	{ "V100", "V100-16GB" },
	{ "P100", "P100" },
	{ "P4", "P4" },
	{ "K80", "K80" },
	{ "M60", "M60" },
	{ "MI300X", "MI300X" },
	{ "RTXPRO6000", "RTX-PRO-6000" },
	{ "RTXA6000", "RTX-A6000" },
};

const char *providers_gpu_canonical(const char *raw)
{
	char n[96];
	const char *p = raw;
	size_t i, k = 0;

	if (raw == NULL)
		return NULL;
	for (; *p && k + 1 < sizeof(n); p++) {
		if (*p == '-' || *p == '_' || *p == ' ')
			continue;
		n[k++] = (char)toupper((unsigned char)*p);
	}
	n[k] = '\0';
	p = n;
	if (strncmp(p, "NVIDIA", 6) == 0)
		p += 6;
	if (strncmp(p, "TESLA", 5) == 0)
		p += 5;
	if (*p == '\0')
		return NULL;
	for (i = 0; i < sizeof(gpu_aliases) / sizeof(gpu_aliases[0]); i++) {
		size_t len = strlen(gpu_aliases[i].key);

		/* match at the start, so that "L4" is not found inside "L40S" or "A10G" inside "A100" */
		if (strncmp(p, gpu_aliases[i].key, len) == 0) {
			/* a short name must not swallow a longer one: "P4" is not "P40" */
			if (len <= 3 && isdigit((unsigned char)p[len]))
				continue;
			return gpu_aliases[i].canon;
		}
	}
	return NULL;
}
