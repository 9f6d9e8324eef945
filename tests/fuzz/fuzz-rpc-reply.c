/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz the whole RPC reply path: libtirpc's reply header decoding (accepted,
 * denied, mismatch, auth errors, verifier), our error mapping and the
 * COMPOUND4res decoder, exactly as the live transport runs them, and the same
 * with a void result (a NULL reply: nothing may follow the header).  The xid
 * we "expect" is the first word of the input, so mutations keep matching it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rpcclnt/rpcclnt-internal.h"

#define FUZZ_MAX_INPUT 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpcclnt_compound_reply r;
	struct rpcclnt_error err;
	char buf[256];
	uint32_t xid = 0;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (size >= 4)
		xid = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 |
		      data[3];
	if (rpcclnt_rpc_reply_decode(data, size, xid, &r, &err) < 0) {
		(void)rpcclnt_error_format(&err, buf, sizeof(buf));
		if (rpcclnt_error_to_errno(&err) >= 0)
			__builtin_trap(); /* a failure must map to a negative errno */
	}
	if (rpcclnt_reply_decode(data, size, xid, NULL, NULL, &err) < 0) {
		(void)rpcclnt_error_format(&err, buf, sizeof(buf));
		if (rpcclnt_error_to_errno(&err) >= 0)
			__builtin_trap();
	} else if (size < 24) {
		__builtin_trap(); /* xid, REPLY, ACCEPTED, verifier, SUCCESS: 24 bytes at least */
	}
	return 0;
}
