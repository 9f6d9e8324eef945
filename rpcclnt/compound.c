/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decoding of COMPOUND replies and of whole RPC reply messages.
 *
 * Both the live transport (transport.c hands every reply record with the
 * call's xid to rpcclnt_reply_decode()) and the pure decoders below (used by
 * tests and fuzzers) run the same code, so fuzzing the pure functions covers
 * what a hostile server can reach.
 *
 * Bounds: every variable-length item in nfs4_prot.x has a small maximum that
 * libtirpc checks before allocating; the decoded tree is reduced into the
 * fixed-size struct rpcclnt_compound_reply and freed at once.
 */

#include <errno.h>
#include <string.h>

#include "rpcclnt/rpcclnt-internal.h"

/* Pull the type attribute out of a GETATTR fattr4.  Returns 0, -ENODATA, -EBADMSG. */
static int fattr_type(const fattr4 *attr, uint32_t *ret_type)
{
	XDR xdrs;
	uint32_t word0, type;
	int r = -ENODATA;

	if (attr->attrmask.bitmap4_len == 0)
		return -ENODATA;
	word0 = attr->attrmask.bitmap4_val[0];
	if (!(word0 & (1u << FATTR4_TYPE)))
		return -ENODATA;

	xdrmem_create(&xdrs, attr->attr_vals.attrlist4_val, attr->attr_vals.attrlist4_len,
		      XDR_DECODE);
	if (word0 & (1u << FATTR4_SUPPORTED_ATTRS)) {
		/* supported_attrs (a bitmap4) precedes the type; skip it, bounded. */
		bitmap4 skip = { 0 };

		if (!xdr_bitmap4(&xdrs, &skip)) {
			xdr_free((xdrproc_t)xdr_bitmap4, (char *)&skip);
			r = -EBADMSG;
			goto out;
		}
		xdr_free((xdrproc_t)xdr_bitmap4, (char *)&skip);
	}
	if (!xdr_u_int(&xdrs, &type)) {
		r = -EBADMSG;
		goto out;
	}
	*ret_type = type;
	r = 0;
out:
	XDR_DESTROY(&xdrs);
	return r;
}

static int compound_reduce(const COMPOUND4res *res, struct rpcclnt_compound_reply *r)
{
	uint32_t n = res->resarray.resarray_len;

	memset(r, 0, sizeof(*r));
	r->status = res->status;
	if (n > RPCCLNT_COMPOUND_MAX_OPS || (n > 0 && !res->resarray.resarray_val))
		return -EBADMSG;
	r->nops = n;

	for (uint32_t i = 0; i < n; i++) {
		const nfs_resop4 *op = &res->resarray.resarray_val[i];
		uint32_t status;
		int k;

		switch (op->resop) {
		case OP_GETATTR:
			status = op->nfs_resop4_u.opgetattr.status;
			if (status == NFS4_OK) {
				k = fattr_type(&op->nfs_resop4_u.opgetattr.GETATTR4res_u.resok4
							.obj_attributes,
					       &r->type);
				if (k == -EBADMSG)
					return k;
				r->has_type = k == 0;
			}
			break;
		case OP_LOOKUP:
			status = op->nfs_resop4_u.oplookup.status;
			break;
		case OP_LOOKUPP:
			status = op->nfs_resop4_u.oplookupp.status;
			break;
		case OP_PUTROOTFH:
			status = op->nfs_resop4_u.opputrootfh.status;
			break;
		case OP_EXCHANGE_ID: {
			const EXCHANGE_ID4res *x = &op->nfs_resop4_u.opexchange_id;

			status = x->eir_status;
			if (status == NFS4_OK) {
				r->has_clientid = true;
				r->clientid = x->EXCHANGE_ID4res_u.eir_resok4.eir_clientid;
				r->exchid_sequenceid =
					x->EXCHANGE_ID4res_u.eir_resok4.eir_sequenceid;
			}
			break;
		}
		case OP_CREATE_SESSION: {
			const CREATE_SESSION4res *c = &op->nfs_resop4_u.opcreate_session;

			status = c->csr_status;
			if (status == NFS4_OK) {
				r->has_session = true;
				memcpy(r->sessionid, c->CREATE_SESSION4res_u.csr_resok4.csr_sessionid,
				       RPCCLNT_SESSIONID_SIZE);
				r->fore_maxops = c->CREATE_SESSION4res_u.csr_resok4
							 .csr_fore_chan_attrs.ca_maxoperations;
			}
			break;
		}
		case OP_DESTROY_SESSION:
			status = op->nfs_resop4_u.opdestroy_session.dsr_status;
			break;
		case OP_SEQUENCE:
			status = op->nfs_resop4_u.opsequence.sr_status;
			break;
		case OP_DESTROY_CLIENTID:
			status = op->nfs_resop4_u.opdestroy_clientid.dcr_status;
			break;
		case OP_ILLEGAL:
			status = op->nfs_resop4_u.opillegal.status;
			break;
		default:
			/* xdr_nfs_resop4 has no default arm; cannot happen. */
			return -EBADMSG;
		}
		r->ops[i].op = op->resop;
		r->ops[i].status = status;
	}
	return 0;
}

bool_t rpcclnt_xdr_compound_reply(XDR *xdrs, struct rpcclnt_compound_reply *r)
{
	COMPOUND4res res;
	bool_t ok;

	switch (xdrs->x_op) {
	case XDR_FREE:
		return TRUE; /* r owns no memory */
	case XDR_ENCODE:
		return FALSE;
	case XDR_DECODE:
		break;
	}

	memset(&res, 0, sizeof(res));
	ok = xdr_COMPOUND4res(xdrs, &res);
	if (ok)
		ok = compound_reduce(&res, r) == 0;
	/* Frees whatever was decoded, also after a partial decode. */
	xdr_free((xdrproc_t)xdr_COMPOUND4res, (char *)&res);
	return ok;
}

int rpcclnt_compound_reply_decode(const void *buf, size_t len, struct rpcclnt_compound_reply *ret)
{
	struct rpcclnt_compound_reply r;
	XDR xdrs;
	bool_t ok;

	if (!ret || (!buf && len > 0))
		return -EINVAL;
	if (len > UINT32_MAX)
		return -EBADMSG;

	xdrmem_create(&xdrs, (char *)buf, (u_int)len, XDR_DECODE);
	ok = rpcclnt_xdr_compound_reply(&xdrs, &r);
	XDR_DESTROY(&xdrs);
	if (!ok)
		return -EBADMSG;
	*ret = r;
	return 0;
}

/* xdrproc_t for a void result: nothing to decode (the length check does the rest). */
static bool_t xdr_void_result(XDR *xdrs, void *unused)
{
	return TRUE;
}

static int garbage(struct rpcclnt_error *err)
{
	if (err) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_GARBAGE, 0);
		err->rpc_stat = RPC_CANTDECODERES;
	}
	return -EBADMSG;
}

int rpcclnt_reply_decode(const void *buf, size_t len, uint32_t xid, xdrproc_t xres, void *res,
			 struct rpcclnt_error *err)
{
	struct rpc_msg msg;
	struct rpc_err re;
	XDR xdrs;
	bool_t ok;
	u_int end;

	rpcclnt_error_clear(err);
	if (!buf && len > 0) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_LOCAL, EINVAL);
		return -EINVAL;
	}
	if (len > UINT32_MAX)
		return garbage(err);

	memset(&msg, 0, sizeof(msg));
	msg.acpted_rply.ar_verf = _null_auth;
	msg.acpted_rply.ar_results.where = res;
	msg.acpted_rply.ar_results.proc = xres ? xres : (xdrproc_t)xdr_void_result;

	xdrmem_create(&xdrs, (char *)buf, (u_int)len, XDR_DECODE);
	ok = xdr_replymsg(&xdrs, &msg);
	end = XDR_GETPOS(&xdrs);
	/*
	 * The reply body is a union: only an accepted reply may own a decoded
	 * verifier body (a denied one overlays it with integers).
	 */
	if (msg.rm_direction == REPLY && msg.rm_reply.rp_stat == MSG_ACCEPTED &&
	    msg.acpted_rply.ar_verf.oa_base) {
		xdrs.x_op = XDR_FREE;
		xdr_opaque_auth(&xdrs, &msg.acpted_rply.ar_verf);
	}
	XDR_DESTROY(&xdrs);

	if (!ok || msg.rm_direction != REPLY || msg.rm_xid != xid)
		return garbage(err);

	memset(&re, 0, sizeof(re));
	_seterr_reply(&msg, &re);
	if (re.re_status != RPC_SUCCESS) {
		struct rpcclnt_error e;

		rpcclnt_error_from_rpc(&e, &re);
		if (err)
			*err = e;
		return rpcclnt_error_to_errno(&e);
	}
	/* Results decoded: anything after them (junk, zero padding) is not a reply. */
	if (end != (u_int)len)
		return garbage(err);
	return 0;
}

int rpcclnt_rpc_reply_decode(const void *buf, size_t len, uint32_t xid,
			     struct rpcclnt_compound_reply *ret, struct rpcclnt_error *err)
{
	struct rpcclnt_compound_reply r;
	int k;

	if (!ret) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_LOCAL, EINVAL);
		return -EINVAL;
	}
	memset(&r, 0, sizeof(r));
	k = rpcclnt_reply_decode(buf, len, xid, (xdrproc_t)rpcclnt_xdr_compound_reply, &r, err);
	if (k < 0)
		return k;
	*ret = r;
	return 0;
}
