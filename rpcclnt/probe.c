/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The NFSv4 reachability probe: connect, NULL, minor version discovery and an
 * export path check, all within one deadline and leaving no state behind.
 *
 * Minor versions: an empty COMPOUND (no operations) per minor version.  The
 * server answers NFS4_OK if it speaks it and NFS4ERR_MINOR_VERS_MISMATCH if
 * not (RFC 8881 16.2.3); empty COMPOUNDs need no session even in 4.1+.
 *
 * Export path: PUTROOTFH, LOOKUP per component (LOOKUPP for ".."),
 * GETATTR(type).  In 4.0 these need no client ID, so the probe uses minor
 * version 0 whenever the server accepts it (4.0 and 4.1+ share one
 * namespace on every real server).  Only for a server that refuses 4.0 does
 * the probe need a session: EXCHANGE_ID with a random, probe-only owner
 * (never the kernel's: same owner + new verifier would look like a client
 * reboot and wipe the kernel's state), CREATE_SESSION, the lookup under
 * SEQUENCE, then DESTROY_SESSION and DESTROY_CLIENTID on every path out.
 * A third of the remaining time (at most RESERVE_MAX_MS) is kept for that
 * cleanup.  If cleanup fails (server gone silent), result.state_left says
 * so; the unconfirmed/idle client then expires with the server's lease.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/macro.h"
#include "rpcclnt/rpcclnt-internal.h"

#define PATH_MAX_LEN 1024
#define PATH_MAX_COMPONENTS 48 /* + SEQUENCE, PUTROOTFH, GETATTR <= 64 ops */
#define COMPONENT_MAX_LEN 255
#define RESERVE_MAX_MS 1000u
#define DELAY_BACKOFF_MIN_MS 20u
#define DELAY_BACKOFF_MAX_MS 500u
#define NFS4_CALLBACK_PROGRAM 0x40000000u

struct probe {
	const struct rpcclnt_probe_options *opts;
	struct rpcclnt_probe_result *res;
	struct rpcclnt_transport *t;

	char path[PATH_MAX_LEN + 1];
	const char *comp[PATH_MAX_COMPONENTS]; /* NULL entry = ".." (LOOKUPP) */
	size_t ncomp;
	bool check_path;
};

/* Record err as the probe's error unless an earlier failure is already there. */
static void probe_fail(struct probe *p, const struct rpcclnt_error *err)
{
	if (p->res->error.kind == RPCCLNT_ERROR_NONE)
		p->res->error = *err;
}

static void probe_fail_errno(struct probe *p, enum rpcclnt_error_kind kind, int errnum)
{
	struct rpcclnt_error e;

	rpcclnt_error_set(&e, kind, errnum);
	probe_fail(p, &e);
}

static int parse_path(struct probe *p, const char *path)
{
	size_t len;
	char *s, *save = NULL, *tok;

	len = strlen(path);
	if (path[0] != '/')
		return -EINVAL;
	if (len > PATH_MAX_LEN)
		return -ENAMETOOLONG;
	memcpy(p->path, path, len + 1);

	for (s = p->path; (tok = strtok_r(s, "/", &save)); s = NULL) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strlen(tok) > COMPONENT_MAX_LEN)
			return -ENAMETOOLONG;
		if (p->ncomp >= PATH_MAX_COMPONENTS)
			return -E2BIG;
		p->comp[p->ncomp++] = strcmp(tok, "..") == 0 ? NULL : tok;
	}
	p->check_path = true;
	return 0;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000u),
			       .tv_nsec = (long)(ms % 1000u) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Send args, retrying NFS4ERR_DELAY with backoff while time remains.  If the
 * first op is SEQUENCE, *seqid is put into it before each try and advanced
 * after every try the server accepted the SEQUENCE of.  Checks that the
 * reply's operations are a prefix of ours, all of them if it says NFS4_OK.
 * Returns 0 (reply filled, the COMPOUND status may be an error) or -errno
 * with err set.
 */
static int probe_compound(struct probe *p, COMPOUND4args *args, uint32_t *seqid,
			  uint64_t deadline_ms, struct rpcclnt_compound_reply *reply,
			  struct rpcclnt_error *err)
{
	uint64_t backoff = DELAY_BACKOFF_MIN_MS;
	nfs_argop4 *ops = args->argarray.argarray_val;
	bool has_seq = args->argarray.argarray_len > 0 && ops[0].argop == OP_SEQUENCE;

	for (;;) {
		uint64_t t0 = rpcclnt_now_us(), left;
		int r;

		if (has_seq && seqid)
			ops[0].nfs_argop4_u.opsequence.sa_sequenceid = *seqid;
		r = rpcclnt_transport_compound(p->t, args, deadline_ms, reply, err);
		p->res->ncompounds++;
		p->res->timing.compound_us += rpcclnt_now_us() - t0;
		if (r < 0)
			return r;

		/* NFS4_OK means every operation was evaluated (RFC 7530 15.2, RFC 8881 16.2.3). */
		if (reply->nops > args->argarray.argarray_len ||
		    (reply->status == NFS4_OK && reply->nops != args->argarray.argarray_len))
			goto garbage;
		for (uint32_t i = 0; i < reply->nops; i++)
			if (reply->ops[i].op != (uint32_t)ops[i].argop && reply->ops[i].op != OP_ILLEGAL)
				goto garbage;
		if (has_seq && seqid && reply->nops > 0 && reply->ops[0].status == NFS4_OK)
			(*seqid)++;

		if (reply->status != NFS4ERR_DELAY)
			return 0;
		left = rpcclnt_deadline_remaining(deadline_ms, rpcclnt_now_ms());
		if (left <= backoff)
			return 0; /* give up: the caller reports NFS4ERR_DELAY */
		sleep_ms(backoff);
		backoff = backoff * 2 > DELAY_BACKOFF_MAX_MS ? DELAY_BACKOFF_MAX_MS : backoff * 2;
	}

garbage:
	rpcclnt_error_set(err, RPCCLNT_ERROR_GARBAGE, 0);
	if (err)
		err->rpc_stat = RPC_CANTDECODERES;
	return -EBADMSG;
}

/* The failing operation of a reply: the last result, or 0 for the COMPOUND itself. */
static uint32_t failed_op(const struct rpcclnt_compound_reply *reply)
{
	return reply->nops > 0 ? reply->ops[reply->nops - 1].op : 0;
}

/* Empty COMPOUND at minor.  Returns 0 (tested), or -errno for a fatal RPC failure. */
static int probe_minor(struct probe *p, uint32_t minor)
{
	COMPOUND4args args = { .minorversion = minor };
	struct rpcclnt_compound_reply reply;
	struct rpcclnt_error e;
	int r;

	r = probe_compound(p, &args, NULL, p->opts->deadline_ms, &reply, &e);
	if (r < 0) {
		probe_fail(p, &e);
		return r;
	}
	p->res->minor_tested |= 1u << minor;
	if (reply.status == NFS4_OK)
		p->res->minor_accepted |= 1u << minor;
	else if (reply.status != NFS4ERR_MINOR_VERS_MISMATCH) {
		/* Neither yes nor no: remember why, go on with the other versions. */
		rpcclnt_error_set_nfs(&e, reply.status, 0);
		probe_fail(p, &e);
	}
	return 0;
}

/* Fill result path fields from the reply to PUTROOTFH/LOOKUP.../GETATTR. */
static void path_from_reply(struct probe *p, uint32_t minor,
			    const struct rpcclnt_compound_reply *reply)
{
	struct rpcclnt_error e;
	uint32_t op = failed_op(reply);

	p->res->path_minor = (int)minor;
	if (reply->status == NFS4_OK) {
		if (!reply->has_type) {
			p->res->path_status = RPCCLNT_PATH_ERROR;
			rpcclnt_error_set(&e, RPCCLNT_ERROR_GARBAGE, 0);
			e.rpc_stat = RPC_CANTDECODERES;
			probe_fail(p, &e);
			return;
		}
		p->res->path_status = reply->type == NF4DIR ? RPCCLNT_PATH_DIR : RPCCLNT_PATH_NOT_DIR;
		return;
	}

	switch (reply->status) {
	case NFS4ERR_NOENT:
	case NFS4ERR_NOTDIR:
		p->res->path_status = RPCCLNT_PATH_MISSING;
		break;
	case NFS4ERR_ACCESS:
	case NFS4ERR_PERM:
	case NFS4ERR_WRONGSEC:
	case NFS4ERR_WRONG_CRED:
		p->res->path_status = RPCCLNT_PATH_ACCESS_DENIED;
		break;
	case NFS4ERR_MOVED:
		if (op != OP_SEQUENCE) {
			p->res->path_status = RPCCLNT_PATH_REFERRAL;
			return; /* not a failure: the kernel follows referrals */
		}
		p->res->path_status = RPCCLNT_PATH_ERROR;
		break;
	default:
		p->res->path_status = RPCCLNT_PATH_ERROR;
		break;
	}
	rpcclnt_error_set_nfs(&e, reply->status, op);
	if (e.kind == RPCCLNT_ERROR_MINOR_VERSION) /* not at COMPOUND level: odd, keep as NFS */
		e.kind = RPCCLNT_ERROR_NFS;
	probe_fail(p, &e);
}

/*
 * PUTROOTFH, LOOKUP/LOOKUPP per component, GETATTR(type); with a SEQUENCE in
 * front if sessionid is given.  Fills reply; returns 0 or -errno with err.
 */
static int path_compound(struct probe *p, uint32_t minor, const uint8_t *sessionid,
			 uint32_t *seqid, uint64_t deadline_ms,
			 struct rpcclnt_compound_reply *reply, struct rpcclnt_error *err)
{
	nfs_argop4 ops[PATH_MAX_COMPONENTS + 3];
	uint32_t want_type = 1u << FATTR4_TYPE;
	COMPOUND4args args = { .minorversion = minor };
	u_int n = 0;

	memset(ops, 0, sizeof(ops));
	if (sessionid) {
		SEQUENCE4args *s = &ops[n].nfs_argop4_u.opsequence;

		ops[n++].argop = OP_SEQUENCE;
		memcpy(s->sa_sessionid, sessionid, NFS4_SESSIONID_SIZE);
		s->sa_slotid = 0;
		s->sa_highest_slotid = 0;
		s->sa_cachethis = FALSE;
	}
	ops[n++].argop = OP_PUTROOTFH;
	for (size_t i = 0; i < p->ncomp; i++) {
		if (!p->comp[i]) {
			ops[n++].argop = OP_LOOKUPP;
			continue;
		}
		ops[n].argop = OP_LOOKUP;
		ops[n].nfs_argop4_u.oplookup.objname.utf8string_len = (u_int)strlen(p->comp[i]);
		ops[n].nfs_argop4_u.oplookup.objname.utf8string_val = (char *)p->comp[i];
		n++;
	}
	ops[n].argop = OP_GETATTR;
	ops[n].nfs_argop4_u.opgetattr.attr_request.bitmap4_len = 1;
	ops[n].nfs_argop4_u.opgetattr.attr_request.bitmap4_val = &want_type;
	n++;

	args.argarray.argarray_len = n;
	args.argarray.argarray_val = ops;
	return probe_compound(p, &args, seqid, deadline_ms, reply, err);
}

/*
 * Stateless path check at minor version 0, also the 4.0 version test.
 * Returns 0 if the server answered at 4.0 (path fields set), -EPROTONOSUPPORT
 * if it refuses 4.0, another -errno for a fatal failure (error recorded).
 */
static int path_check_v40(struct probe *p)
{
	struct rpcclnt_compound_reply reply;
	struct rpcclnt_error e;
	int r;

	r = path_compound(p, 0, NULL, NULL, p->opts->deadline_ms, &reply, &e);
	if (r < 0) {
		probe_fail(p, &e);
		return r;
	}
	p->res->minor_tested |= 1u;
	if (reply.status == NFS4ERR_MINOR_VERS_MISMATCH && reply.nops == 0)
		return -EPROTONOSUPPORT;
	p->res->minor_accepted |= 1u;
	path_from_reply(p, 0, &reply);
	return 0;
}

/* A single-op COMPOUND (EXCHANGE_ID, CREATE_SESSION, DESTROY_*). */
static int single_op(struct probe *p, uint32_t minor, nfs_argop4 *op, uint64_t deadline_ms,
		     struct rpcclnt_compound_reply *reply, struct rpcclnt_error *err)
{
	COMPOUND4args args = { .minorversion = minor };

	args.argarray.argarray_len = 1;
	args.argarray.argarray_val = op;
	return probe_compound(p, &args, NULL, deadline_ms, reply, err);
}

static void random_bytes(void *buf, size_t len)
{
	ssize_t n = getrandom(buf, len, GRND_NONBLOCK);

	if (n != (ssize_t)len) {
		/* No entropy yet (early boot): mix clock and pid, uniqueness is enough. */
		uint64_t x = rpcclnt_now_us() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)buf;
		uint8_t *b = buf;

		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b[i] = (uint8_t)x;
		}
	}
}

/* Path check over a temporary client ID + session at minor (>= 1). */
static void path_check_session(struct probe *p, uint32_t minor)
{
	const uint64_t deadline = p->opts->deadline_ms;
	struct rpcclnt_compound_reply reply;
	struct rpcclnt_error e;
	nfs_argop4 op;
	uint8_t rnd[16];
	char owner[64];
	uint64_t clientid, reserve, work_deadline, left;
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t seqid = 1;
	int r, k;

	left = rpcclnt_deadline_remaining(deadline, rpcclnt_now_ms());
	reserve = left / 3 < RESERVE_MAX_MS ? left / 3 : RESERVE_MAX_MS;
	work_deadline = deadline == RPCCLNT_DEADLINE_NONE ? deadline : deadline - reserve;

	random_bytes(rnd, sizeof(rnd));
	k = snprintf(owner, sizeof(owner), "nsnfs-probe/");
	for (size_t i = 0; i < sizeof(rnd); i++)
		k += snprintf(owner + k, sizeof(owner) - (size_t)k, "%02x", rnd[i]);

	/* EXCHANGE_ID */
	memset(&op, 0, sizeof(op));
	op.argop = OP_EXCHANGE_ID;
	random_bytes(op.nfs_argop4_u.opexchange_id.eia_clientowner.co_verifier, NFS4_VERIFIER_SIZE);
	op.nfs_argop4_u.opexchange_id.eia_clientowner.co_ownerid.co_ownerid_len = (u_int)k;
	op.nfs_argop4_u.opexchange_id.eia_clientowner.co_ownerid.co_ownerid_val = owner;
	op.nfs_argop4_u.opexchange_id.eia_flags = EXCHGID4_FLAG_USE_NON_PNFS;
	op.nfs_argop4_u.opexchange_id.eia_state_protect.spa_how = SP4_NONE;
	r = single_op(p, minor, &op, work_deadline, &reply, &e);
	if (r < 0) {
		probe_fail(p, &e);
		return;
	}
	if (reply.status != NFS4_OK || !reply.has_clientid) {
		p->res->path_status = RPCCLNT_PATH_ERROR;
		rpcclnt_error_set_nfs(&e, reply.status, OP_EXCHANGE_ID);
		probe_fail(p, &e);
		return;
	}
	clientid = reply.clientid;
	p->res->used_session = true;

	/* CREATE_SESSION: no back channel, one slot. */
	memset(&op, 0, sizeof(op));
	op.argop = OP_CREATE_SESSION;
	{
		CREATE_SESSION4args *cs = &op.nfs_argop4_u.opcreate_session;
		callback_sec_parms4 sec = { .cb_secflavor = CB_SEC_AUTH_NONE };

		cs->csa_clientid = clientid;
		cs->csa_sequence = reply.exchid_sequenceid;
		cs->csa_flags = 0;
		cs->csa_fore_chan_attrs.ca_maxrequestsize = RPCCLNT_RECORD_SIZE;
		cs->csa_fore_chan_attrs.ca_maxresponsesize = RPCCLNT_RECORD_SIZE;
		cs->csa_fore_chan_attrs.ca_maxresponsesize_cached = 4096;
		cs->csa_fore_chan_attrs.ca_maxoperations = RPCCLNT_COMPOUND_MAX_OPS;
		cs->csa_fore_chan_attrs.ca_maxrequests = 1;
		cs->csa_back_chan_attrs.ca_maxrequestsize = 4096;
		cs->csa_back_chan_attrs.ca_maxresponsesize = 4096;
		cs->csa_back_chan_attrs.ca_maxresponsesize_cached = 0;
		cs->csa_back_chan_attrs.ca_maxoperations = 2;
		cs->csa_back_chan_attrs.ca_maxrequests = 1;
		cs->csa_cb_program = NFS4_CALLBACK_PROGRAM;
		cs->csa_sec_parms.csa_sec_parms_len = 1;
		cs->csa_sec_parms.csa_sec_parms_val = &sec;
		r = single_op(p, minor, &op, work_deadline, &reply, &e);
	}
	if (r < 0) {
		probe_fail(p, &e);
		goto destroy_clientid;
	}
	if (reply.status != NFS4_OK || !reply.has_session) {
		p->res->path_status = RPCCLNT_PATH_ERROR;
		rpcclnt_error_set_nfs(&e, reply.status, OP_CREATE_SESSION);
		probe_fail(p, &e);
		goto destroy_clientid;
	}
	memcpy(sessionid, reply.sessionid, sizeof(sessionid));

	/* The lookup itself. */
	r = path_compound(p, minor, sessionid, &seqid, work_deadline, &reply, &e);
	if (r < 0)
		probe_fail(p, &e);
	else
		path_from_reply(p, minor, &reply);

	/* DESTROY_SESSION, with the full deadline. */
	memset(&op, 0, sizeof(op));
	op.argop = OP_DESTROY_SESSION;
	memcpy(op.nfs_argop4_u.opdestroy_session.dsa_sessionid, sessionid, sizeof(sessionid));
	r = single_op(p, minor, &op, deadline, &reply, &e);
	if (r < 0 || reply.status != NFS4_OK)
		p->res->state_left = true;

destroy_clientid:
	memset(&op, 0, sizeof(op));
	op.argop = OP_DESTROY_CLIENTID;
	op.nfs_argop4_u.opdestroy_clientid.dca_clientid = clientid;
	r = single_op(p, minor, &op, deadline, &reply, &e);
	if (r < 0 || reply.status != NFS4_OK)
		p->res->state_left = true;
}

static int highest_bit(uint32_t mask)
{
	for (int i = RPCCLNT_MINOR_MAX; i >= 0; i--)
		if (mask & (1u << i))
			return i;
	return -1;
}

static void probe_run(struct probe *p, int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	_cleanup_close_ int sock = fd;
	const struct rpcclnt_probe_options *o = p->opts;
	struct rpcclnt_error e;
	uint64_t t0;
	int r, want = o->minor_version;

	if (addr) {
		t0 = rpcclnt_now_us();
		r = rpcclnt_connect(sock, addr, addrlen, o->deadline_ms);
		p->res->timing.connect_us = rpcclnt_now_us() - t0;
		if (r < 0) {
			probe_fail_errno(p, r == -EINVAL || r == -EBADF ? RPCCLNT_ERROR_LOCAL
									  : RPCCLNT_ERROR_CONNECT,
					 -r);
			return;
		}
	}

	r = rpcclnt_transport_new(sock, NFS4_PROGRAM, NFS_V4, o->auth, &p->t);
	if (r < 0) {
		probe_fail_errno(p, r == -ENOTCONN ? RPCCLNT_ERROR_CONNECT : RPCCLNT_ERROR_LOCAL, -r);
		return;
	}
	TAKE_FD(sock);

	t0 = rpcclnt_now_us();
	r = rpcclnt_transport_null(p->t, o->deadline_ms, &e);
	p->res->timing.null_us = rpcclnt_now_us() - t0;
	if (r < 0) {
		probe_fail(p, &e);
		return;
	}

	/* Minor versions, highest first; 4.0 together with the path when possible. */
	for (int m = want < 0 ? RPCCLNT_MINOR_MAX : want; m >= (want < 0 ? 0 : want); m--) {
		if (m == 0 && p->check_path) {
			r = path_check_v40(p);
			if (r < 0 && r != -EPROTONOSUPPORT)
				return;
		} else if (probe_minor(p, (uint32_t)m) < 0) {
			return;
		}
	}
	p->res->highest_minor = highest_bit(p->res->minor_accepted);
	if (p->res->highest_minor < 0 || (want >= 0 && !(p->res->minor_accepted & (1u << want)))) {
		struct rpcclnt_error mv;

		/* Unless a server error explains it better, "version not supported". */
		rpcclnt_error_set_nfs(&mv, NFS4ERR_MINOR_VERS_MISMATCH, 0);
		probe_fail(p, &mv);
		return;
	}
	if (!p->check_path || p->res->path_minor >= 0)
		return;

	/* Path not checked yet: try stateless 4.0 first, then a session. */
	if (!(p->res->minor_tested & 1u)) {
		r = path_check_v40(p);
		if (r == 0 || r != -EPROTONOSUPPORT)
			return;
	}
	path_check_session(p, (uint32_t)(want >= 1 ? want : p->res->highest_minor));
}

int rpcclnt_probe(int sock_fd, const struct sockaddr *addr, socklen_t addrlen,
		  const struct rpcclnt_probe_options *opts, struct rpcclnt_probe_result *result)
{
	_cleanup_close_ int fd = sock_fd;
	struct rpcclnt_probe_result res = { .highest_minor = -1, .path_minor = -1 };
	struct probe p = { .opts = opts, .res = &res };
	uint64_t t0 = rpcclnt_now_us();
	int r;

	if (!result)
		return -EINVAL;
	if (!opts || sock_fd < 0 || opts->minor_version < -1 ||
	    opts->minor_version > RPCCLNT_MINOR_MAX ||
	    (opts->auth != RPCCLNT_AUTH_SYS && opts->auth != RPCCLNT_AUTH_NONE)) {
		probe_fail_errno(&p, RPCCLNT_ERROR_LOCAL, sock_fd < 0 ? EBADF : EINVAL);
		goto out;
	}
	if (opts->export_path) {
		r = parse_path(&p, opts->export_path);
		if (r < 0) {
			probe_fail_errno(&p, RPCCLNT_ERROR_LOCAL, -r);
			goto out;
		}
	}

	probe_run(&p, TAKE_FD(fd), addr, addrlen);
	p.t = rpcclnt_transport_free(p.t);
out:
	res.timing.total_us = rpcclnt_now_us() - t0;
	*result = res;
	return rpcclnt_error_to_errno(&res.error);
}

const char *rpcclnt_path_status_string(enum rpcclnt_path_status status)
{
	switch (status) {
	case RPCCLNT_PATH_NOT_CHECKED: return "not checked";
	case RPCCLNT_PATH_DIR: return "directory";
	case RPCCLNT_PATH_NOT_DIR: return "not a directory";
	case RPCCLNT_PATH_MISSING: return "missing";
	case RPCCLNT_PATH_ACCESS_DENIED: return "access denied";
	case RPCCLNT_PATH_ERROR: return "error";
	case RPCCLNT_PATH_REFERRAL: return "referral to another server";
	}
	return "unknown";
}
