/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* librpcclnt internals shared between its source files.  Not installed. */
#pragma once

#include <rpc/rpc.h>

#include "rpcclnt/nfs4_prot.h"
#include "rpcclnt/rpcclnt.h"

/* Bound on an RPC call record we send (our calls are far smaller). */
#define RPCCLNT_RECORD_SIZE 16384u

/*
 * Bound on a whole reply record (all fragments together, marks excluded).  A
 * mark announcing more is refused before the fragment is read and the
 * connection dropped.  Our largest legitimate reply is a few hundred bytes.
 */
#define RPCCLNT_REPLY_MAX 65536u

/* ---- record marking, receive side (record.c) ---- */

enum rpcclnt_rec_state {
	RPCCLNT_REC_MARK = 0, /* reading a fragment mark */
	RPCCLNT_REC_BODY,     /* reading a fragment's bytes */
	RPCCLNT_REC_DONE,     /* buf[0..len) is a complete record */
	RPCCLNT_REC_TOO_BIG,  /* a mark announced more than RPCCLNT_REPLY_MAX in all */
};

/* One reply record being reassembled.  Zeroed memory is a valid empty state. */
struct rpcclnt_rec {
	enum rpcclnt_rec_state state;
	uint8_t mark[4];
	uint32_t nmark;     /* bytes of the current mark received */
	uint32_t frag_left; /* bytes of the current fragment still to come */
	bool last;          /* the current fragment ends the record */
	size_t len;         /* record bytes so far */
	uint64_t announced; /* RPCCLNT_REC_TOO_BIG: record size the marks announced */
	uint8_t buf[RPCCLNT_REPLY_MAX];
};

/* Start a new record (after DONE; TOO_BIG means the stream is lost anyway). */
void rpcclnt_rec_reset(struct rpcclnt_rec *r);

/*
 * Where the next bytes of the stream go and how many the current state takes
 * at most (never past the current mark or fragment).  NULL and 0 once the
 * record is DONE or TOO_BIG.
 */
uint8_t *rpcclnt_rec_want(struct rpcclnt_rec *r, size_t *ret_len);

/* Account n (1..want) bytes stored where rpcclnt_rec_want() said.  Returns the new state. */
enum rpcclnt_rec_state rpcclnt_rec_advance(struct rpcclnt_rec *r, size_t n);

/*
 * Feed stream bytes until the record is DONE or TOO_BIG or data runs out.
 * Returns how many bytes of data were used; *ret_state is the new state.
 */
size_t rpcclnt_rec_feed(struct rpcclnt_rec *r, const uint8_t *data, size_t len,
			enum rpcclnt_rec_state *ret_state);

/* ---- reply decoding (compound.c) ---- */

/*
 * Decode the complete RPC reply record buf[0..len) to call xid, whose results
 * xres decodes into res (NULL: a void result, i.e. nothing may follow the
 * header).  The results must end exactly at the end of the record: trailing
 * bytes make the reply garbage.  Returns 0, -EBADMSG (GARBAGE with rpc_stat
 * RPC_CANTDECODERES: undecodable, not a reply, another xid, trailing bytes),
 * or the errno of an RPC-level rejection, with err (optional) describing it.
 */
int rpcclnt_reply_decode(const void *buf, size_t len, uint32_t xid, xdrproc_t xres, void *res,
			 struct rpcclnt_error *err);

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
