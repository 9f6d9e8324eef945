/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz the receive path as the live transport runs it on a hostile byte
 * stream: record-mark reassembly (rpcclnt_rec_*, bounded by
 * RPCCLNT_REPLY_MAX) and, for every complete record, the reply decoder with
 * a COMPOUND4res result and with a void (NULL) result.
 *
 * Input: xid (4 bytes, the call we "wait" for), one byte choosing how the
 * stream is cut into reads, then the stream (marks and fragments).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rpcclnt/rpcclnt-internal.h"

#define FUZZ_MAX_INPUT (2 * 65536)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rpcclnt_rec rec; /* 64 KiB: not on the stack */

static void check_error(int k, const struct rpcclnt_error *err)
{
	char buf[256];

	if (k == 0)
		return;
	(void)rpcclnt_error_format(err, buf, sizeof(buf));
	if (rpcclnt_error_to_errno(err) >= 0 || k != rpcclnt_error_to_errno(err))
		__builtin_trap(); /* a failure must map to its negative errno */
}

static void decode(uint32_t xid)
{
	struct rpcclnt_compound_reply r;
	struct rpcclnt_error err;
	int k;

	if (rec.len > RPCCLNT_REPLY_MAX)
		__builtin_trap();
	k = rpcclnt_rpc_reply_decode(rec.buf, rec.len, xid, &r, &err);
	check_error(k, &err);
	if (k == 0 && r.nops > RPCCLNT_COMPOUND_MAX_OPS)
		__builtin_trap();
	k = rpcclnt_reply_decode(rec.buf, rec.len, xid, NULL, NULL, &err);
	check_error(k, &err);
	/* xid, REPLY, MSG_ACCEPTED, verifier (>= 8), SUCCESS: never shorter */
	if (k == 0 && rec.len < 24)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t xid;
	uint8_t cut;
	size_t off = 5;

	if (size < 5 || size > FUZZ_MAX_INPUT)
		return 0;
	xid = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	cut = data[4];

	rpcclnt_rec_reset(&rec);
	while (off < size) {
		enum rpcclnt_rec_state st;
		/* read sizes: all at once (0), or 1..255 bytes per read */
		size_t n = cut == 0 ? size - off : cut, used;

		if (n > size - off)
			n = size - off;
		used = rpcclnt_rec_feed(&rec, data + off, n, &st);
		if (used > n || rec.len > RPCCLNT_REPLY_MAX)
			__builtin_trap();
		off += used;
		if (st == RPCCLNT_REC_TOO_BIG) {
			if (rec.announced <= RPCCLNT_REPLY_MAX)
				__builtin_trap();
			break; /* the transport drops the connection here */
		}
		if (st == RPCCLNT_REC_DONE) {
			decode(xid);
			rpcclnt_rec_reset(&rec);
		} else if (used < n) {
			__builtin_trap(); /* stopped early without a reason */
		}
	}
	return 0;
}
