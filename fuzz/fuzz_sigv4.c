/*
 * libFuzzer target: SigV4's canonical request from an arbitrary request target (path and
 * query are decoded, normalized and re-encoded) and header values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "providers/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *q, *h;
	struct sigv4_header hv[2];
	struct sigv4_input in;
	struct buf out = BUF_INIT, sh = BUF_INIT;
	struct err e = ERR_INIT;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* "path?query\nheader value" */
	h = strchr(s, '\n');
	if (h)
		*h++ = '\0';
	q = strchr(s, '?');
	if (q)
		*q++ = '\0';
	hv[0].name = "Host";
	hv[0].value = "example.amazonaws.com";
	hv[1].name = "X-Fuzz";
	hv[1].value = h ? h : "";
	memset(&in, 0, sizeof(in));
	in.method = "GET";
	in.path = s;
	in.query = q;
	in.headers = hv;
	in.nheaders = 2;
	in.normalize_path = size & 1;
	if (sigv4_canonical_request(&out, &sh, &in, &e) == 0 && out.len == 0)
		__builtin_trap();
	buf_release(&out);
	buf_release(&sh);
	free(s);
	return 0;
}
