/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz nscache's record and key decoders (what a store written by a buggy,
 * newer or hostile helper could hand us).  Input: kind selector, key length,
 * key, value.  A record that decodes from a version-1 value must re-encode to
 * exactly the same key and value bytes (the codec is canonical).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nscache/nscache-internal.h"

#define INPUT_MAX (NSC_VALUE_MAX + NSC_RESOLVER_KEY_MAX + 2)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

union rec {
	struct nscache_netns n;
	struct nscache_server s;
	struct nscache_mount m;
	struct nscache_resolver r;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static union rec rec;
	static uint8_t out[NSC_VALUE_MAX];
	uint8_t key[NSC_RESOLVER_KEY_MAX + 1];
	const uint8_t *k, *v;
	size_t klen, vlen, olen = 0;
	int r, kl;

	if (size < 2 || size > INPUT_MAX)
		return 0;
	klen = data[1];
	if (2 + klen > size)
		return 0;
	k = data + 2;
	v = data + 2 + klen;
	vlen = size - 2 - klen;

	switch (data[0] % 4) {
	case 0:
		r = nsc_netns_decode(k, klen, v, vlen, &rec.n);
		if (r == 0) {
			nsc_netns_key(rec.n.cookie, key);
			if (klen != NSC_NETNS_KEY_SIZE || memcmp(key, k, klen) != 0)
				__builtin_trap();
			if (rec.n.source[NSCACHE_PATH_MAX] != '\0' || rec.n.client_id[NSCACHE_CLIENTID_MAX] != '\0')
				__builtin_trap();
			if (nsc_netns_encode(&rec.n, out, sizeof(out), &olen) != 0)
				__builtin_trap();
		}
		break;
	case 1:
		r = nsc_server_decode(k, klen, v, vlen, &rec.s);
		if (r == 0) {
			nsc_server_key(rec.s.cookie, &rec.s.addr, key);
			if (klen != NSC_SERVER_KEY_SIZE || memcmp(key, k, klen) != 0)
				__builtin_trap();
			if (rec.s.n_names > NSCACHE_SERVER_NAMES_MAX)
				__builtin_trap();
			if (nsc_server_encode(&rec.s, out, sizeof(out), &olen) != 0)
				__builtin_trap();
		}
		break;
	case 2:
		r = nsc_mount_decode(k, klen, v, vlen, &rec.m);
		if (r == 0) {
			nsc_mount_key(rec.m.mount_id, key);
			if (klen != NSC_MOUNT_KEY_SIZE || memcmp(key, k, klen) != 0)
				__builtin_trap();
			if (strlen(rec.m.mount_point) == 0 || strlen(rec.m.mount_point) > NSCACHE_PATH_MAX)
				__builtin_trap();
			if (nsc_mount_encode(&rec.m, out, sizeof(out), &olen) != 0)
				__builtin_trap();
		}
		break;
	default:
		r = nsc_resolver_decode(k, klen, v, vlen, &rec.r);
		if (r == 0) {
			kl = nsc_resolver_key(rec.r.cookie, rec.r.name, key);
			if (kl < 0 || (size_t)kl != klen || memcmp(key, k, klen) != 0)
				__builtin_trap();
			if (rec.r.n_addrs > NSCACHE_RESOLVER_ADDRS_MAX || (rec.r.error < 0) != (rec.r.n_addrs == 0))
				__builtin_trap();
			if (nsc_resolver_encode(&rec.r, out, sizeof(out), &olen) != 0)
				__builtin_trap();
		}
		break;
	}
	if (r == 0) {
		/* Canonical: a version-1 value comes back byte for byte. */
		if (vlen >= 2 && v[1] == NSC_VERSION && (olen != vlen || memcmp(out, v, vlen) != 0))
			__builtin_trap();
	} else if (r != -EBADMSG && r != -EPROTONOSUPPORT) {
		__builtin_trap();
	}
	return 0;
}
