/*
 * The built-in GPU instance table: what each provider's documentation says about its GPU
 * instance types. Memory in GiB as the provider states it (GCP states GB for these machine
 * types, which its docs equate with GiB). Only sizes with whole GPUs: Azure's NV6/12/18ads A10 v5
 * (1/6 to 1/2 of a GPU) and AWS g6f are left out, because the offering contract counts whole GPUs.
 * Where a figure was not certain it is 0 (unknown), never a guess: Standard_ND96isr_H200_v5's
 * memory.
 */
#include "providers/providers.h"

#include <string.h>
#include <strings.h>

static const struct providers_instance instances[] = {
	{ "aws", "p3.2xlarge", "V100-16GB", 1, 8, 61, "p3", "p3.2xlarge", NULL },
	{ "aws", "p3.8xlarge", "V100-16GB", 4, 32, 244, "p3", "p3.8xlarge", NULL },
	{ "aws", "p3.16xlarge", "V100-16GB", 8, 64, 488, "p3", "p3.16xlarge", NULL },
	{ "aws", "p3dn.24xlarge", "V100-32GB", 8, 96, 768, "p3dn", "p3dn.24xlarge", NULL },
	{ "aws", "p4d.24xlarge", "A100-40GB", 8, 96, 1152, "p4d", "p4d.24xlarge", NULL },
	{ "aws", "p4de.24xlarge", "A100-80GB", 8, 96, 1152, "p4de", "p4de.24xlarge", NULL },
	{ "aws", "p5.4xlarge", "H100-80GB", 1, 16, 256, "p5", "p5.4xlarge", NULL },
	{ "aws", "p5.48xlarge", "H100-80GB", 8, 192, 2048, "p5", "p5.48xlarge", NULL },
	{ "aws", "p5e.48xlarge", "H200", 8, 192, 2048, "p5e", "p5e.48xlarge", NULL },
	{ "aws", "p5en.48xlarge", "H200", 8, 192, 2048, "p5en", "p5en.48xlarge", NULL },
	{ "aws", "g4dn.xlarge", "T4", 1, 4, 16, "g4dn", "g4dn.xlarge", NULL },
	{ "aws", "g4dn.2xlarge", "T4", 1, 8, 32, "g4dn", "g4dn.2xlarge", NULL },
	{ "aws", "g4dn.4xlarge", "T4", 1, 16, 64, "g4dn", "g4dn.4xlarge", NULL },
	{ "aws", "g4dn.8xlarge", "T4", 1, 32, 128, "g4dn", "g4dn.8xlarge", NULL },
	{ "aws", "g4dn.16xlarge", "T4", 1, 64, 256, "g4dn", "g4dn.16xlarge", NULL },
	{ "aws", "g4dn.12xlarge", "T4", 4, 48, 192, "g4dn", "g4dn.12xlarge", NULL },
	{ "aws", "g4dn.metal", "T4", 8, 96, 384, "g4dn", "g4dn.metal", NULL },
	{ "aws", "g5.xlarge", "A10G", 1, 4, 16, "g5", "g5.xlarge", NULL },
	{ "aws", "g5.2xlarge", "A10G", 1, 8, 32, "g5", "g5.2xlarge", NULL },
	{ "aws", "g5.4xlarge", "A10G", 1, 16, 64, "g5", "g5.4xlarge", NULL },
	{ "aws", "g5.8xlarge", "A10G", 1, 32, 128, "g5", "g5.8xlarge", NULL },
	{ "aws", "g5.16xlarge", "A10G", 1, 64, 256, "g5", "g5.16xlarge", NULL },
	{ "aws", "g5.12xlarge", "A10G", 4, 48, 192, "g5", "g5.12xlarge", NULL },
	{ "aws", "g5.24xlarge", "A10G", 4, 96, 384, "g5", "g5.24xlarge", NULL },
	{ "aws", "g5.48xlarge", "A10G", 8, 192, 768, "g5", "g5.48xlarge", NULL },
	{ "aws", "g6.xlarge", "L4", 1, 4, 16, "g6", "g6.xlarge", NULL },
	{ "aws", "g6.2xlarge", "L4", 1, 8, 32, "g6", "g6.2xlarge", NULL },
	{ "aws", "g6.4xlarge", "L4", 1, 16, 64, "g6", "g6.4xlarge", NULL },
	{ "aws", "g6.8xlarge", "L4", 1, 32, 128, "g6", "g6.8xlarge", NULL },
	{ "aws", "g6.16xlarge", "L4", 1, 64, 256, "g6", "g6.16xlarge", NULL },
	{ "aws", "g6.12xlarge", "L4", 4, 48, 192, "g6", "g6.12xlarge", NULL },
	{ "aws", "g6.24xlarge", "L4", 4, 96, 384, "g6", "g6.24xlarge", NULL },
	{ "aws", "g6.48xlarge", "L4", 8, 192, 768, "g6", "g6.48xlarge", NULL },
	{ "aws", "g6e.xlarge", "L40S", 1, 4, 32, "g6e", "g6e.xlarge", NULL },
	{ "aws", "g6e.2xlarge", "L40S", 1, 8, 64, "g6e", "g6e.2xlarge", NULL },
	{ "aws", "g6e.4xlarge", "L40S", 1, 16, 128, "g6e", "g6e.4xlarge", NULL },
	{ "aws", "g6e.8xlarge", "L40S", 1, 32, 256, "g6e", "g6e.8xlarge", NULL },
	{ "aws", "g6e.16xlarge", "L40S", 1, 64, 512, "g6e", "g6e.16xlarge", NULL },
	{ "aws", "g6e.12xlarge", "L40S", 4, 48, 384, "g6e", "g6e.12xlarge", NULL },
	{ "aws", "g6e.24xlarge", "L40S", 4, 96, 768, "g6e", "g6e.24xlarge", NULL },
	{ "aws", "g6e.48xlarge", "L40S", 8, 192, 1536, "g6e", "g6e.48xlarge", NULL },
	{ "gcp", "a2-highgpu-1g", "A100-40GB", 1, 12, 85, "a2", "a2-highgpu-1g", "nvidia-tesla-a100" },
	{ "gcp", "a2-ultragpu-1g", "A100-80GB", 1, 12, 170, "a2", "a2-ultragpu-1g", "nvidia-a100-80gb" },
	{ "gcp", "a3-highgpu-1g", "H100-80GB", 1, 26, 234, "a3", "a3-highgpu-1g", "nvidia-h100-80gb" },
	{ "gcp", "a2-highgpu-2g", "A100-40GB", 2, 24, 170, "a2", "a2-highgpu-2g", "nvidia-tesla-a100" },
	{ "gcp", "a2-ultragpu-2g", "A100-80GB", 2, 24, 340, "a2", "a2-ultragpu-2g", "nvidia-a100-80gb" },
	{ "gcp", "a3-highgpu-2g", "H100-80GB", 2, 52, 468, "a3", "a3-highgpu-2g", "nvidia-h100-80gb" },
	{ "gcp", "a2-highgpu-4g", "A100-40GB", 4, 48, 340, "a2", "a2-highgpu-4g", "nvidia-tesla-a100" },
	{ "gcp", "a2-ultragpu-4g", "A100-80GB", 4, 48, 680, "a2", "a2-ultragpu-4g", "nvidia-a100-80gb" },
	{ "gcp", "a3-highgpu-4g", "H100-80GB", 4, 104, 936, "a3", "a3-highgpu-4g", "nvidia-h100-80gb" },
	{ "gcp", "a2-highgpu-8g", "A100-40GB", 8, 96, 680, "a2", "a2-highgpu-8g", "nvidia-tesla-a100" },
	{ "gcp", "a2-ultragpu-8g", "A100-80GB", 8, 96, 1360, "a2", "a2-ultragpu-8g", "nvidia-a100-80gb" },
	{ "gcp", "a3-highgpu-8g", "H100-80GB", 8, 208, 1872, "a3", "a3-highgpu-8g", "nvidia-h100-80gb" },
	{ "gcp", "a2-megagpu-16g", "A100-40GB", 16, 96, 1360, "a2", "a2-megagpu-16g", "nvidia-tesla-a100" },
	{ "gcp", "a3-megagpu-8g", "H100-80GB", 8, 208, 1872, "a3-mega", "a3-megagpu-8g", "nvidia-h100-mega-80gb" },
	{ "gcp", "a3-ultragpu-8g", "H200", 8, 224, 2952, "a3-ultra", "a3-ultragpu-8g", "nvidia-h200-141gb" },
	{ "gcp", "g2-standard-4", "L4", 1, 4, 16, "g2", "g2-standard-4", "nvidia-l4" },
	{ "gcp", "g2-standard-8", "L4", 1, 8, 32, "g2", "g2-standard-8", "nvidia-l4" },
	{ "gcp", "g2-standard-12", "L4", 1, 12, 48, "g2", "g2-standard-12", "nvidia-l4" },
	{ "gcp", "g2-standard-16", "L4", 1, 16, 64, "g2", "g2-standard-16", "nvidia-l4" },
	{ "gcp", "g2-standard-32", "L4", 1, 32, 128, "g2", "g2-standard-32", "nvidia-l4" },
	{ "gcp", "g2-standard-24", "L4", 2, 24, 96, "g2", "g2-standard-24", "nvidia-l4" },
	{ "gcp", "g2-standard-48", "L4", 4, 48, 192, "g2", "g2-standard-48", "nvidia-l4" },
	{ "gcp", "g2-standard-96", "L4", 8, 96, 384, "g2", "g2-standard-96", "nvidia-l4" },
	{ "gcp", "n1-standard-4+t4x1", "T4", 1, 4, 15, "n1", "n1-standard-4", "nvidia-tesla-t4" },
	{ "gcp", "n1-standard-8+t4x1", "T4", 1, 8, 30, "n1", "n1-standard-8", "nvidia-tesla-t4" },
	{ "gcp", "n1-standard-16+t4x1", "T4", 1, 16, 60, "n1", "n1-standard-16", "nvidia-tesla-t4" },
	{ "gcp", "n1-standard-16+t4x2", "T4", 2, 16, 60, "n1", "n1-standard-16", "nvidia-tesla-t4" },
	{ "gcp", "n1-standard-32+t4x4", "T4", 4, 32, 120, "n1", "n1-standard-32", "nvidia-tesla-t4" },
	{ "gcp", "n1-standard-8+v100x1", "V100-16GB", 1, 8, 30, "n1", "n1-standard-8", "nvidia-tesla-v100" },
	{ "gcp", "n1-standard-16+v100x2", "V100-16GB", 2, 16, 60, "n1", "n1-standard-16", "nvidia-tesla-v100" },
	{ "gcp", "n1-standard-32+v100x4", "V100-16GB", 4, 32, 120, "n1", "n1-standard-32", "nvidia-tesla-v100" },
	{ "gcp", "n1-standard-64+v100x8", "V100-16GB", 8, 64, 240, "n1", "n1-standard-64", "nvidia-tesla-v100" },
	{ "azure", "Standard_NC4as_T4_v3", "T4", 1, 4, 28, "NCasT4_v3", "Standard_NC4as_T4_v3", NULL },
	{ "azure", "Standard_NC8as_T4_v3", "T4", 1, 8, 56, "NCasT4_v3", "Standard_NC8as_T4_v3", NULL },
	{ "azure", "Standard_NC16as_T4_v3", "T4", 1, 16, 110, "NCasT4_v3", "Standard_NC16as_T4_v3", NULL },
	{ "azure", "Standard_NC64as_T4_v3", "T4", 4, 64, 440, "NCasT4_v3", "Standard_NC64as_T4_v3", NULL },
	{ "azure", "Standard_NC24ads_A100_v4", "A100-80GB", 1, 24, 220, "NCadsA100_v4", "Standard_NC24ads_A100_v4", NULL },
	{ "azure", "Standard_NC48ads_A100_v4", "A100-80GB", 2, 48, 440, "NCadsA100_v4", "Standard_NC48ads_A100_v4", NULL },
	{ "azure", "Standard_NC96ads_A100_v4", "A100-80GB", 4, 96, 880, "NCadsA100_v4", "Standard_NC96ads_A100_v4", NULL },
	{ "azure", "Standard_ND96asr_v4", "A100-40GB", 8, 96, 900, "NDasrA100_v4", "Standard_ND96asr_v4", NULL },
	{ "azure", "Standard_ND96amsr_A100_v4", "A100-80GB", 8, 96, 1900, "NDamsrA100_v4", "Standard_ND96amsr_A100_v4", NULL },
	{ "azure", "Standard_ND96isr_H100_v5", "H100-80GB", 8, 96, 1900, "NDisrH100_v5", "Standard_ND96isr_H100_v5", NULL },
	{ "azure", "Standard_ND96isr_H200_v5", "H200", 8, 96, 0, "NDisrH200_v5", "Standard_ND96isr_H200_v5", NULL },
	{ "azure", "Standard_NC40ads_H100_v5", "H100-NVL-94GB", 1, 40, 320, "NCadsH100_v5", "Standard_NC40ads_H100_v5", NULL },
	{ "azure", "Standard_NC80adis_H100_v5", "H100-NVL-94GB", 2, 80, 640, "NCadsH100_v5", "Standard_NC80adis_H100_v5", NULL },
	{ "azure", "Standard_NV36ads_A10_v5", "A10", 1, 36, 440, "NVadsA10_v5", "Standard_NV36ads_A10_v5", NULL },
	{ "azure", "Standard_NV36adms_A10_v5", "A10", 1, 36, 880, "NVadsA10_v5", "Standard_NV36adms_A10_v5", NULL },
	{ "azure", "Standard_NV72ads_A10_v5", "A10", 2, 72, 880, "NVadsA10_v5", "Standard_NV72ads_A10_v5", NULL },
	{ "azure", "Standard_NC6s_v3", "V100-16GB", 1, 6, 112, "NCv3", "Standard_NC6s_v3", NULL },
	{ "azure", "Standard_NC12s_v3", "V100-16GB", 2, 12, 224, "NCv3", "Standard_NC12s_v3", NULL },
	{ "azure", "Standard_NC24s_v3", "V100-16GB", 4, 24, 448, "NCv3", "Standard_NC24s_v3", NULL },
	{ "azure", "Standard_NC24rs_v3", "V100-16GB", 4, 24, 448, "NCv3", "Standard_NC24rs_v3", NULL },
	{ "azure", "Standard_ND40rs_v2", "V100-32GB", 8, 40, 672, "NDv2", "Standard_ND40rs_v2", NULL },
};
#define NINSTANCES (sizeof(instances) / sizeof(instances[0]))

const struct providers_instance *providers_instance_at(size_t i)
{
	return i < NINSTANCES ? &instances[i] : NULL;
}

const struct providers_instance *providers_instance_lookup(const char *provider, const char *type)
{
	size_t i;

	if (provider == NULL || type == NULL)
		return NULL;
	for (i = 0; i < NINSTANCES; i++) {
		const char *t = instances[i].type;

		if (strcmp(instances[i].provider, provider) != 0)
			continue;
		if (strcmp(t, type) == 0)
			return &instances[i];
		/* Azure sizes are written with and without the "Standard_" tier prefix */
		if (strcmp(provider, "azure") == 0 && strncmp(t, "Standard_", 9) == 0 &&
		    strcasecmp(t + 9, strncasecmp(type, "Standard_", 9) == 0 ? type + 9 : type) == 0)
			return &instances[i];
	}
	return NULL;
}
