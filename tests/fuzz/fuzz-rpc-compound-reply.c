/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz the COMPOUND4res decoder: the bytes a (possibly hostile) NFS server
 * sends after the RPC reply header.  Seeds: replies recorded from
 * nfs-ganesha plus hand-made edge cases (tests/fuzz/corpus/fuzz-rpc-compound-reply).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rpcclnt/rpcclnt.h"

#define MAX_INPUT 65536 /* larger than any reply we accept (RPCCLNT_RECORD_SIZE and bounds) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpcclnt_compound_reply r;

	if (size > MAX_INPUT)
		return 0;
	if (rpcclnt_compound_reply_decode(data, size, &r) == 0) {
		/* Touch what the probe reads, so ASan sees any bad state. */
		if (r.nops > RPCCLNT_COMPOUND_MAX_OPS)
			__builtin_trap();
		for (uint32_t i = 0; i < r.nops; i++)
			(void)rpcclnt_nfsstat_name(r.ops[i].status);
	}
	return 0;
}
