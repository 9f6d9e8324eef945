/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz netns_spec_parse() and netns_spec_describe().  An accepted spec is
 * one of the documented forms: a clean NAME under /run/netns, an absolute
 * PATH, or a PID in 1..4194304.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/netns.h"
#include "common/parse.h"

#define INPUT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netns_spec spec;
	char *s, desc[64], big[PATH_MAX + 16], path[PATH_MAX + 16];
	int r;

	if (size > INPUT_MAX)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	r = netns_spec_parse(s, &spec);
	if (r == 0) {
		switch (spec.kind) {
		case NETNS_SPEC_CALLER:
			if (*s)
				__builtin_trap();
			break;
		case NETNS_SPEC_NAME:
			snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", spec.name);
			if (strcmp(spec.name, s) != 0 || strchr(spec.name, '/') ||
			    str_has_control(spec.name) || strcmp(spec.name, ".") == 0 ||
			    strcmp(spec.name, "..") == 0 || strcmp(spec.path, path) != 0 ||
			    str_is_digits(spec.name))
				__builtin_trap();
			break;
		case NETNS_SPEC_PATH:
			if (spec.path[0] != '/' || strcmp(spec.path, s) != 0 || str_has_control(spec.path))
				__builtin_trap();
			break;
		case NETNS_SPEC_PID:
			if (spec.pid < 1 || spec.pid > 4194304 || !str_is_digits(s))
				__builtin_trap();
			break;
		default:
			__builtin_trap();
		}
		netns_spec_describe(&spec, desc, sizeof(desc));
		if (!memchr(desc, '\0', sizeof(desc)))
			__builtin_trap();
		netns_spec_describe(&spec, big, sizeof(big));
		if (spec.kind == NETNS_SPEC_NAME && strcmp(big, spec.name) != 0)
			__builtin_trap();
		if (spec.kind == NETNS_SPEC_PATH && strcmp(big, spec.path) != 0)
			__builtin_trap();
		netns_spec_describe(&spec, desc, 1);
		if (desc[0] != '\0')
			__builtin_trap();
	} else if (r != -EINVAL && r != -ENAMETOOLONG && r != -ERANGE) {
		__builtin_trap();
	}
	free(s);
	return 0;
}
