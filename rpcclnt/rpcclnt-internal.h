/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* librpcclnt internals shared between its source files.  Not installed. */
#pragma once

#include <rpc/rpc.h>

#include "rpcclnt/nfs4_prot.h"
#include "rpcclnt/rpcclnt.h"

/* Bound on the RPC record buffers handed to libtirpc (send and receive). */
#define RPCCLNT_RECORD_SIZE 16384u

/* Reset err (if non-NULL) to "no error". */
void rpcclnt_error_clear(struct rpcclnt_error *err);

/* Set err (if non-NULL) to kind with a positive errno. */
void rpcclnt_error_set(struct rpcclnt_error *err, enum rpcclnt_error_kind kind, int errnum);

/* Set err (if non-NULL) to an NFSv4 operation failure. */
void rpcclnt_error_set_nfs(struct rpcclnt_error *err, uint32_t status, uint32_t op);

/* Translate a libtirpc call outcome into err (if non-NULL). */
void rpcclnt_error_from_rpc(struct rpcclnt_error *err, const struct rpc_err *re);

/*
 * xdrproc_t for the results of NFSPROC4_COMPOUND: decodes a COMPOUND4res with
 * the bounded rpcgen decoders, reduces it into *r and frees the decoded tree.
 * XDR_FREE is a no-op (r owns no memory); XDR_ENCODE fails.
 */
bool_t rpcclnt_xdr_compound_reply(XDR *xdrs, struct rpcclnt_compound_reply *r);

/*
 * Send one COMPOUND and wait for its reply until deadline_ms.  Returns 0 and
 * fills *ret when the RPC succeeded (the COMPOUND status may still be an
 * error), otherwise a negative errno with err describing it.
 */
int rpcclnt_transport_compound(struct rpcclnt_transport *t, COMPOUND4args *args,
			       uint64_t deadline_ms, struct rpcclnt_compound_reply *ret,
			       struct rpcclnt_error *err);
