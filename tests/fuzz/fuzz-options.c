/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz mount_options_parse(), strict and sloppy.  On success the kernel
 * string must be clean (no control characters, none of our helper-only
 * options) and must parse again, strictly, to the same kernel string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "common/parse.h"

#define INPUT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const never_kernel[] = { "netns", "addr", "source", "vers", "nfsvers",
					    "minorversion", "retry", "bg", "fg", "sloppy",
					    "remount", "ro", "rw", "tcp", "udp", "rdma" };

static void check_success(const struct mount_options *o)
{
	struct mount_options again;
	struct mount_options_error err;
	char *k = NULL, *k2 = NULL;

	if (o->n_params > MOUNT_KERNEL_PARAMS_MAX || o->n_ignored > MOUNT_KERNEL_PARAMS_MAX)
		__builtin_trap();
	for (size_t i = 0; i < o->n_params; i++) {
		const struct kernel_param *p = &o->params[i];

		if (!*p->key || strchr(p->key, ',') || strchr(p->key, '=') || str_has_control(p->key))
			__builtin_trap();
		if (p->value && (strchr(p->value, ',') || str_has_control(p->value)))
			__builtin_trap();
		for (size_t j = 0; j < sizeof(never_kernel) / sizeof(never_kernel[0]); j++)
			if (strcmp(p->key, never_kernel[j]) == 0)
				__builtin_trap();
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->key, o->params[j].key) == 0)
				__builtin_trap(); /* each key once */
	}
	if (o->netns && (!*o->netns || str_has_control(o->netns)))
		__builtin_trap();
	if (o->minor_version < -1 || o->minor_version > 2)
		__builtin_trap();

	if (mount_options_kernel_string(o, &k) != 0)
		return;
	if (strlen(k) > MOUNT_OPTIONS_MAX_LEN || str_has_control(k))
		__builtin_trap();
	/* what we hand the kernel is itself a valid, strict option string */
	if (mount_options_parse(k, false, &again, &err) != 0)
		__builtin_trap();
	if (again.n_params != o->n_params || mount_options_kernel_string(&again, &k2) != 0 ||
	    strcmp(k, k2) != 0)
		__builtin_trap();
	if (again.port != o->port || again.ipv6 != o->ipv6 || again.timeo_ds != o->timeo_ds ||
	    again.retrans != o->retrans || again.auth != o->auth)
		__builtin_trap();
	free(k2);
	free(k);
	mount_options_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mount_options o;
	struct mount_options_error err;
	char *s;

	if (size > INPUT_MAX)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	for (int sloppy = 0; sloppy <= 1; sloppy++) {
		memset(&err, 0, sizeof(err));
		if (mount_options_parse(s, sloppy, &o, &err) == 0) {
			check_success(&o);
			mount_options_free(&o);
		} else if (!err.reason || !memchr(err.option, '\0', sizeof(err.option))) {
			__builtin_trap();
		}
	}
	free(s);
	return 0;
}
