/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error classification, nfs-utils-like messages and errno mapping. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/macro.h"
#include "rpcclnt/rpcclnt-internal.h"

void rpcclnt_error_clear(struct rpcclnt_error *err)
{
	if (err)
		*err = (struct rpcclnt_error){ .kind = RPCCLNT_ERROR_NONE };
}

void rpcclnt_error_set(struct rpcclnt_error *err, enum rpcclnt_error_kind kind, int errnum)
{
	if (!err)
		return;
	rpcclnt_error_clear(err);
	err->kind = kind;
	err->errnum = errnum < 0 ? -errnum : errnum;
}

void rpcclnt_error_set_nfs(struct rpcclnt_error *err, uint32_t status, uint32_t op)
{
	if (!err)
		return;
	rpcclnt_error_clear(err);
	err->kind = status == NFS4ERR_MINOR_VERS_MISMATCH ? RPCCLNT_ERROR_MINOR_VERSION
							   : RPCCLNT_ERROR_NFS;
	err->nfs_status = status;
	err->nfs_op = op;
}

void rpcclnt_error_from_rpc(struct rpcclnt_error *err, const struct rpc_err *re)
{
	if (!err)
		return;
	rpcclnt_error_clear(err);
	err->rpc_stat = re->re_status;
	switch (re->re_status) {
	case RPC_SUCCESS:
		break;
	case RPC_CANTENCODEARGS:
		err->kind = RPCCLNT_ERROR_LOCAL;
		err->errnum = EINVAL;
		break;
	case RPC_CANTSEND:
	case RPC_CANTRECV:
		err->kind = RPCCLNT_ERROR_TRANSPORT;
		err->errnum = re->re_errno > 0 ? re->re_errno : ECONNRESET;
		break;
	case RPC_TIMEDOUT:
		err->kind = RPCCLNT_ERROR_TIMEOUT;
		err->errnum = ETIMEDOUT;
		break;
	case RPC_AUTHERROR:
		err->kind = RPCCLNT_ERROR_AUTH;
		err->auth_stat = re->re_why;
		break;
	case RPC_PROGUNAVAIL:
		err->kind = RPCCLNT_ERROR_PROG_UNAVAIL;
		break;
	case RPC_PROGVERSMISMATCH:
		err->kind = RPCCLNT_ERROR_PROG_MISMATCH;
		err->vers_low = re->re_vers.low;
		err->vers_high = re->re_vers.high;
		break;
	case RPC_PROCUNAVAIL:
		err->kind = RPCCLNT_ERROR_PROC_UNAVAIL;
		break;
	case RPC_VERSMISMATCH:
		/* RPC protocol version mismatch; keep the range for the message. */
		err->kind = RPCCLNT_ERROR_GARBAGE;
		err->vers_low = re->re_vers.low;
		err->vers_high = re->re_vers.high;
		break;
	default:
		/* CANTDECODERES, CANTDECODEARGS (GARBAGE_ARGS), SYSTEMERROR, ... */
		err->kind = RPCCLNT_ERROR_GARBAGE;
		break;
	}
}

static const struct {
	uint32_t status;
	const char *name;
} nfsstat_names[] = {
#define N(x) { x, #x }
	N(NFS4_OK), N(NFS4ERR_PERM), N(NFS4ERR_NOENT), N(NFS4ERR_IO), N(NFS4ERR_NXIO),
	N(NFS4ERR_ACCESS), N(NFS4ERR_EXIST), N(NFS4ERR_XDEV), N(NFS4ERR_NOTDIR),
	N(NFS4ERR_ISDIR), N(NFS4ERR_INVAL), N(NFS4ERR_FBIG), N(NFS4ERR_NOSPC),
	N(NFS4ERR_ROFS), N(NFS4ERR_MLINK), N(NFS4ERR_NAMETOOLONG), N(NFS4ERR_NOTEMPTY),
	N(NFS4ERR_DQUOT), N(NFS4ERR_STALE), N(NFS4ERR_BADHANDLE), N(NFS4ERR_BAD_COOKIE),
	N(NFS4ERR_NOTSUPP), N(NFS4ERR_TOOSMALL), N(NFS4ERR_SERVERFAULT), N(NFS4ERR_BADTYPE),
	N(NFS4ERR_DELAY), N(NFS4ERR_SAME), N(NFS4ERR_DENIED), N(NFS4ERR_EXPIRED),
	N(NFS4ERR_LOCKED), N(NFS4ERR_GRACE), N(NFS4ERR_FHEXPIRED), N(NFS4ERR_SHARE_DENIED),
	N(NFS4ERR_WRONGSEC), N(NFS4ERR_CLID_INUSE), N(NFS4ERR_RESOURCE), N(NFS4ERR_MOVED),
	N(NFS4ERR_NOFILEHANDLE), N(NFS4ERR_MINOR_VERS_MISMATCH), N(NFS4ERR_STALE_CLIENTID),
	N(NFS4ERR_STALE_STATEID), N(NFS4ERR_OLD_STATEID), N(NFS4ERR_BAD_STATEID),
	N(NFS4ERR_BAD_SEQID), N(NFS4ERR_NOT_SAME), N(NFS4ERR_LOCK_RANGE), N(NFS4ERR_SYMLINK),
	N(NFS4ERR_RESTOREFH), N(NFS4ERR_LEASE_MOVED), N(NFS4ERR_ATTRNOTSUPP),
	N(NFS4ERR_NO_GRACE), N(NFS4ERR_RECLAIM_BAD), N(NFS4ERR_RECLAIM_CONFLICT),
	N(NFS4ERR_BADXDR), N(NFS4ERR_LOCKS_HELD), N(NFS4ERR_OPENMODE), N(NFS4ERR_BADOWNER),
	N(NFS4ERR_BADCHAR), N(NFS4ERR_BADNAME), N(NFS4ERR_BAD_RANGE), N(NFS4ERR_LOCK_NOTSUPP),
	N(NFS4ERR_OP_ILLEGAL), N(NFS4ERR_DEADLOCK), N(NFS4ERR_FILE_OPEN),
	N(NFS4ERR_ADMIN_REVOKED), N(NFS4ERR_CB_PATH_DOWN), N(NFS4ERR_BADIOMODE),
	N(NFS4ERR_BADLAYOUT), N(NFS4ERR_BAD_SESSION_DIGEST), N(NFS4ERR_BADSESSION),
	N(NFS4ERR_BADSLOT), N(NFS4ERR_COMPLETE_ALREADY), N(NFS4ERR_CONN_NOT_BOUND_TO_SESSION),
	N(NFS4ERR_DELEG_ALREADY_WANTED), N(NFS4ERR_BACK_CHAN_BUSY), N(NFS4ERR_LAYOUTTRYLATER),
	N(NFS4ERR_LAYOUTUNAVAILABLE), N(NFS4ERR_NOMATCHING_LAYOUT), N(NFS4ERR_RECALLCONFLICT),
	N(NFS4ERR_UNKNOWN_LAYOUTTYPE), N(NFS4ERR_SEQ_MISORDERED), N(NFS4ERR_SEQUENCE_POS),
	N(NFS4ERR_REQ_TOO_BIG), N(NFS4ERR_REP_TOO_BIG), N(NFS4ERR_REP_TOO_BIG_TO_CACHE),
	N(NFS4ERR_RETRY_UNCACHED_REP), N(NFS4ERR_UNSAFE_COMPOUND), N(NFS4ERR_TOO_MANY_OPS),
	N(NFS4ERR_OP_NOT_IN_SESSION), N(NFS4ERR_HASH_ALG_UNSUPP), N(NFS4ERR_CLIENTID_BUSY),
	N(NFS4ERR_PNFS_IO_HOLE), N(NFS4ERR_SEQ_FALSE_RETRY), N(NFS4ERR_BAD_HIGH_SLOT),
	N(NFS4ERR_DEADSESSION), N(NFS4ERR_ENCR_ALG_UNSUPP), N(NFS4ERR_PNFS_NO_LAYOUT),
	N(NFS4ERR_NOT_ONLY_OP), N(NFS4ERR_WRONG_CRED), N(NFS4ERR_WRONG_TYPE),
	N(NFS4ERR_DIRDELEG_UNAVAIL), N(NFS4ERR_REJECT_DELEG), N(NFS4ERR_RETURNCONFLICT),
	N(NFS4ERR_DELEG_REVOKED), N(NFS4ERR_PARTNER_NOTSUPP), N(NFS4ERR_PARTNER_NO_AUTH),
	N(NFS4ERR_UNION_NOTSUPP), N(NFS4ERR_OFFLOAD_DENIED), N(NFS4ERR_WRONG_LFS),
	N(NFS4ERR_BADLABEL), N(NFS4ERR_OFFLOAD_NO_REQS),
#undef N
};

const char *rpcclnt_nfsstat_name(uint32_t status)
{
	for (size_t i = 0; i < ARRAY_SIZE(nfsstat_names); i++)
		if (nfsstat_names[i].status == status)
			return nfsstat_names[i].name;
	return NULL;
}

static const char *nfs_op_name(uint32_t op)
{
	switch (op) {
	case OP_GETATTR: return "GETATTR";
	case OP_LOOKUP: return "LOOKUP";
	case OP_LOOKUPP: return "LOOKUPP";
	case OP_PUTROOTFH: return "PUTROOTFH";
	case OP_EXCHANGE_ID: return "EXCHANGE_ID";
	case OP_CREATE_SESSION: return "CREATE_SESSION";
	case OP_DESTROY_SESSION: return "DESTROY_SESSION";
	case OP_SEQUENCE: return "SEQUENCE";
	case OP_DESTROY_CLIENTID: return "DESTROY_CLIENTID";
	case OP_ILLEGAL: return "ILLEGAL";
	case 0: return "COMPOUND";
	default: return NULL;
	}
}

static const char *auth_stat_string(int why)
{
	switch (why) {
	case AUTH_OK: return "AUTH_OK";
	case AUTH_BADCRED: return "AUTH_BADCRED (bogus credentials)";
	case AUTH_REJECTEDCRED: return "AUTH_REJECTEDCRED (client must begin new session)";
	case AUTH_BADVERF: return "AUTH_BADVERF (bogus verifier)";
	case AUTH_REJECTEDVERF: return "AUTH_REJECTEDVERF (verifier expired or replayed)";
	case AUTH_TOOWEAK: return "AUTH_TOOWEAK (rejected for security reasons)";
	case AUTH_INVALIDRESP: return "AUTH_INVALIDRESP (bogus response verifier)";
	case AUTH_FAILED: return "AUTH_FAILED (reason unknown)";
	default: return NULL;
	}
}

/* nfs-utils/kernel-like errno for an nfsstat4 (see nfs4_stat_to_errno()). */
static int nfsstat_to_errno(uint32_t status)
{
	switch (status) {
	case NFS4_OK: return 0;
	case NFS4ERR_NOENT: return -ENOENT;
	case NFS4ERR_NOTDIR: return -ENOTDIR;
	case NFS4ERR_PERM:
	case NFS4ERR_ACCESS:
	case NFS4ERR_WRONGSEC:
	case NFS4ERR_WRONG_CRED: return -EACCES;
	case NFS4ERR_NAMETOOLONG: return -ENAMETOOLONG;
	case NFS4ERR_STALE:
	case NFS4ERR_FHEXPIRED:
	case NFS4ERR_BADHANDLE: return -ESTALE;
	case NFS4ERR_MOVED: return -EREMOTE;
	case NFS4ERR_DELAY:
	case NFS4ERR_GRACE: return -EAGAIN;
	case NFS4ERR_MINOR_VERS_MISMATCH: return -EPROTONOSUPPORT;
	case NFS4ERR_INVAL:
	case NFS4ERR_BADNAME:
	case NFS4ERR_BADCHAR: return -EINVAL;
	case NFS4ERR_BADXDR:
	case NFS4ERR_OP_ILLEGAL: return -EBADMSG;
	case NFS4ERR_NOTSUPP: return -EOPNOTSUPP;
	case NFS4ERR_IO: return -EIO;
	default: return -EREMOTEIO;
	}
}

int rpcclnt_error_to_errno(const struct rpcclnt_error *err)
{
	if (!err)
		return -EINVAL;
	switch (err->kind) {
	case RPCCLNT_ERROR_NONE: return 0;
	case RPCCLNT_ERROR_LOCAL: return err->errnum > 0 ? -err->errnum : -EIO;
	case RPCCLNT_ERROR_CONNECT: return err->errnum > 0 ? -err->errnum : -ECONNREFUSED;
	case RPCCLNT_ERROR_TRANSPORT: return err->errnum > 0 ? -err->errnum : -ECONNRESET;
	case RPCCLNT_ERROR_TIMEOUT: return -ETIMEDOUT;
	case RPCCLNT_ERROR_PROG_UNAVAIL:
	case RPCCLNT_ERROR_PROG_MISMATCH:
	case RPCCLNT_ERROR_MINOR_VERSION: return -EPROTONOSUPPORT;
	case RPCCLNT_ERROR_PROC_UNAVAIL: return -EOPNOTSUPP;
	case RPCCLNT_ERROR_AUTH: return -EACCES;
	case RPCCLNT_ERROR_GARBAGE: return -EBADMSG;
	case RPCCLNT_ERROR_NFS: return nfsstat_to_errno(err->nfs_status);
	}
	return -EIO;
}

static const char *errno_string(int errnum)
{
	const char *s;

	switch (errnum) {
	case ECONNREFUSED: return "connection refused";
	case ETIMEDOUT: return "timed out";
	case ENETUNREACH: return "network is unreachable";
	case EHOSTUNREACH: return "no route to host";
	case ECONNRESET: return "connection reset by server";
	case EPIPE: return "connection closed by server";
	default:
		s = strerrordesc_np(errnum); /* thread-safe, static */
		return s ? s : "unknown error";
	}
}

static const char *nfsstat_string(uint32_t status)
{
	switch (status) {
	case NFS4_OK: return "success";
	case NFS4ERR_NOENT: return "No such file or directory";
	case NFS4ERR_NOTDIR: return "Not a directory";
	case NFS4ERR_PERM:
	case NFS4ERR_ACCESS:
	case NFS4ERR_WRONGSEC:
	case NFS4ERR_WRONG_CRED: return "access denied by server";
	case NFS4ERR_NAMETOOLONG: return "File name too long";
	case NFS4ERR_MOVED: return "export has moved to another server (referral)";
	case NFS4ERR_DELAY:
	case NFS4ERR_GRACE: return "server is busy, try again later";
	case NFS4ERR_STALE:
	case NFS4ERR_FHEXPIRED:
	case NFS4ERR_BADHANDLE: return "Stale file handle";
	case NFS4ERR_MINOR_VERS_MISMATCH:
		return "requested NFS version or transport protocol is not supported";
	case NFS4ERR_SERVERFAULT: return "server fault";
	case NFS4ERR_RESOURCE:
	case NFS4ERR_TOO_MANY_OPS:
	case NFS4ERR_REQ_TOO_BIG:
	case NFS4ERR_REP_TOO_BIG: return "server refused the request as too large";
	default: return "NFS server error";
	}
}

const char *rpcclnt_error_string(const struct rpcclnt_error *err)
{
	if (!err)
		return "unknown error";
	switch (err->kind) {
	case RPCCLNT_ERROR_NONE: return "success";
	case RPCCLNT_ERROR_LOCAL:
	case RPCCLNT_ERROR_CONNECT:
	case RPCCLNT_ERROR_TRANSPORT: return errno_string(err->errnum);
	case RPCCLNT_ERROR_TIMEOUT: return "timed out";
	case RPCCLNT_ERROR_PROG_UNAVAIL:
	case RPCCLNT_ERROR_PROG_MISMATCH:
	case RPCCLNT_ERROR_MINOR_VERSION:
		return "requested NFS version or transport protocol is not supported";
	case RPCCLNT_ERROR_PROC_UNAVAIL: return "RPC procedure unavailable";
	case RPCCLNT_ERROR_AUTH: return "access denied by server";
	case RPCCLNT_ERROR_GARBAGE: return "server sent an invalid or unexpected reply";
	case RPCCLNT_ERROR_NFS: return nfsstat_string(err->nfs_status);
	}
	return "unknown error";
}

char *rpcclnt_error_format(const struct rpcclnt_error *err, char *buf, size_t size)
{
	const char *base = rpcclnt_error_string(err), *name, *op;

	if (!buf || size == 0)
		return buf;
	if (!err) {
		snprintf(buf, size, "%s", base);
		return buf;
	}
	switch (err->kind) {
	case RPCCLNT_ERROR_PROG_UNAVAIL:
		snprintf(buf, size, "%s (RPC: program not registered: no NFS service)", base);
		break;
	case RPCCLNT_ERROR_PROG_MISMATCH:
		snprintf(buf, size, "%s (server speaks NFS versions %u to %u, not 4)", base,
			 err->vers_low, err->vers_high);
		break;
	case RPCCLNT_ERROR_MINOR_VERSION:
		snprintf(buf, size, "%s (NFS4ERR_MINOR_VERS_MISMATCH)", base);
		break;
	case RPCCLNT_ERROR_AUTH:
		name = auth_stat_string(err->auth_stat);
		if (name)
			snprintf(buf, size, "%s (RPC: %s)", base, name);
		else
			snprintf(buf, size, "%s (RPC auth_stat %d)", base, err->auth_stat);
		break;
	case RPCCLNT_ERROR_GARBAGE:
		if (err->errnum == EMSGSIZE)
			snprintf(buf, size, "%s (reply record larger than %u bytes, refused unread)",
				 base, RPCCLNT_REPLY_MAX);
		else if (err->rpc_stat == RPC_VERSMISMATCH)
			snprintf(buf, size, "%s (RPC version mismatch: server speaks %u to %u)",
				 base, err->vers_low, err->vers_high);
		else if (err->rpc_stat != RPC_SUCCESS)
			snprintf(buf, size, "%s (%s)", base,
				 clnt_sperrno((enum clnt_stat)err->rpc_stat));
		else
			snprintf(buf, size, "%s", base);
		break;
	case RPCCLNT_ERROR_NFS:
		name = rpcclnt_nfsstat_name(err->nfs_status);
		op = nfs_op_name(err->nfs_op);
		if (name)
			snprintf(buf, size, "%s (%s from %s)", base, name, op ? op : "operation");
		else
			snprintf(buf, size, "%s (nfsstat4 %u from %s)", base, err->nfs_status,
				 op ? op : "operation");
		break;
	case RPCCLNT_ERROR_TIMEOUT:
		snprintf(buf, size, "%s (no RPC reply from server)", base);
		break;
	case RPCCLNT_ERROR_CONNECT:
		if (err->errnum == ETIMEDOUT)
			snprintf(buf, size, "%s (no answer to TCP connect)", base);
		else
			snprintf(buf, size, "%s", base);
		break;
	default:
		snprintf(buf, size, "%s", base);
		break;
	}
	return buf;
}
