/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz nfs_spec_parse().  An accepted spec has a non-empty host without
 * control characters, an absolute path within bounds, and brackets exactly
 * when the host is an IPv6-style address; a rejection always says why.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/parse.h"

#define INPUT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfs_spec spec;
	struct sockaddr_storage ss;
	const char *reason = NULL;
	char *s;
	int r;

	if (size > INPUT_MAX)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	r = nfs_spec_parse(s, &spec, &reason);
	if (r == 0) {
		size_t hl = strnlen(spec.host, sizeof(spec.host));
		size_t pl = strnlen(spec.path, sizeof(spec.path));

		if (hl == 0 || hl > NFS_SPEC_HOST_MAX || pl == 0 || pl > NFS_SPEC_PATH_MAX ||
		    spec.path[0] != '/' || str_has_control(spec.host) || str_has_control(spec.path))
			__builtin_trap();
		if (spec.bracketed != (strchr(spec.host, ':') != NULL))
			__builtin_trap();
		if (!spec.bracketed && strpbrk(spec.host, " /[]@"))
			__builtin_trap();
		/* the path is the input's tail (or "/" for an empty one) */
		if (strcmp(spec.path, "/") != 0 && strcmp(s + strlen(s) - pl, spec.path) != 0)
			__builtin_trap();
		/* hosts go on to the numeric parser: must be safe on anything accepted */
		(void)addr_parse_numeric(spec.host, 2049, &ss);
	} else if (r != -EINVAL || !reason || !*reason) {
		__builtin_trap();
	}
	(void)addr_parse_numeric(s, 0, &ss);
	free(s);
	return 0;
}
