/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ONC RPC transport on a caller-made connected TCP socket.
 *
 * libtirpc provides the XDR routines and the credentials (AUTH_SYS /
 * AUTH_NONE marshalling); the I/O is ours.  libtirpc's clnt_vc reads a reply
 * record of any announced size to its end and silently skips a reply it
 * cannot decode, even one carrying our xid (then it waits for another until
 * the timeout), and it applies a call's timeout to every poll() separately.
 * Here instead:
 *
 * - A call is encoded into a bounded buffer (RPCCLNT_RECORD_SIZE) and sent
 *   as one record.
 * - Replies are reassembled by record.c into a bounded buffer: a mark that
 *   would take the record past RPCCLNT_REPLY_MAX is refused as soon as it is
 *   read, before the fragment, and the connection is dropped (the stream
 *   cannot be followed without reading the fragment).
 * - A complete record with another call's xid is skipped (a late reply to a
 *   call that timed out); one with our xid is decoded by
 *   rpcclnt_reply_decode(), the code rpcclnt_rpc_reply_decode() runs, and an
 *   undecodable one is the call's answer: garbage, at once.
 * - Every send, recv and poll is non-blocking or bounded by the time left
 *   until the call's absolute deadline, re-checked after each step, so a
 *   server trickling bytes or flooding records with other xids cannot hold a
 *   call past its deadline (libtirpc needed a watchdog thread for that).
 *
 * The reassembly state lives in the transport, so a record cut off by a
 * timed-out call is finished, and skipped by its xid, by the next call: no
 * resync is needed after a timeout.  Only a call whose record could not be
 * sent in full leaves the outgoing stream unusable: the transport is then
 * dead and every later call fails with the same error.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/macro.h"
#include "rpcclnt/rpcclnt-internal.h"

#define RPCCLNT_AUTH_MAX_GIDS 16 /* AUTH_SYS limit (RFC 5531) */
#define LAST_FRAG 0x80000000u

/* XDR encoder of call arguments, with its real type (no cast to xdrproc_t needed). */
typedef bool_t (*xdr_args_fn)(XDR *xdrs, void *args);

struct rpcclnt_transport {
	int fd; /* owned */
	AUTH *auth;
	uint32_t prog;
	uint32_t vers;
	uint32_t xid; /* of the next call */
	/* kind != NONE: the transport is unusable, every call fails with this. */
	struct rpcclnt_error dead;
	uint8_t out[RPCCLNT_RECORD_SIZE];
	struct rpcclnt_rec in; /* reply reassembly, kept across calls */
};

static AUTH *auth_sys_create(void)
{
	char host[256];
	gid_t gids[RPCCLNT_AUTH_MAX_GIDS];
	_cleanup_free_ gid_t *all = NULL;
	int n;

	if (gethostname(host, sizeof(host)) < 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';

	n = getgroups(0, NULL);
	if (n < 0)
		n = 0;
	if (n > 0) {
		all = calloc((size_t)n, sizeof(gid_t));
		if (!all)
			return NULL;
		n = getgroups(n, all);
		if (n < 0)
			n = 0;
	}
	if (n > RPCCLNT_AUTH_MAX_GIDS)
		n = RPCCLNT_AUTH_MAX_GIDS;
	if (n > 0)
		memcpy(gids, all, (size_t)n * sizeof(gid_t));
	return authunix_create(host, geteuid(), getegid(), n, gids);
}

static uint32_t initial_xid(void)
{
	uint32_t x;

	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != (ssize_t)sizeof(x)) {
		/* No entropy yet (early boot): distinct enough for one connection. */
		uint64_t v = rpcclnt_now_us() ^ ((uint64_t)getpid() << 20);

		x = (uint32_t)v ^ (uint32_t)(v >> 32);
	}
	return x;
}

int rpcclnt_transport_new(int connected_fd, uint32_t prog, uint32_t vers, enum rpcclnt_auth auth,
			  struct rpcclnt_transport **ret)
{
	struct sockaddr_storage peer;
	socklen_t pl = sizeof(peer);
	struct rpcclnt_transport *t;
	int type = 0;
	socklen_t tl = sizeof(type);

	if (!ret || (auth != RPCCLNT_AUTH_SYS && auth != RPCCLNT_AUTH_NONE))
		return -EINVAL;
	if (connected_fd < 0)
		return -EBADF;
	if (getsockopt(connected_fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		return negative_errno();
	if (type != SOCK_STREAM)
		return -EINVAL;
	if (getpeername(connected_fd, (struct sockaddr *)&peer, &pl) < 0)
		return negative_errno();

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->auth = auth == RPCCLNT_AUTH_SYS ? auth_sys_create() : authnone_create();
	if (!t->auth) {
		free(t);
		return -ENOMEM;
	}
	t->fd = connected_fd;
	t->prog = prog;
	t->vers = vers;
	t->xid = initial_xid();
	rpcclnt_rec_reset(&t->in);
	*ret = t;
	return 0;
}

struct rpcclnt_transport *rpcclnt_transport_free(struct rpcclnt_transport *t)
{
	if (!t)
		return NULL;
	auth_destroy(t->auth);
	close(t->fd);
	free(t);
	return NULL;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool_t xdr_void_args(XDR *xdrs, void *unused)
{
	return TRUE;
}

static bool_t xdr_compound_args(XDR *xdrs, void *args)
{
	return xdr_COMPOUND4args(xdrs, args);
}

/* The call record (mark included) in t->out.  Returns its length, or 0 if it does not fit. */
static size_t encode_call(struct rpcclnt_transport *t, uint32_t xid, uint32_t proc,
			  xdr_args_fn xargs, void *args)
{
	struct rpc_msg msg;
	XDR xdrs;
	bool_t ok;
	u_int len;

	memset(&msg, 0, sizeof(msg));
	msg.rm_xid = xid;
	msg.rm_direction = CALL;
	msg.rm_call.cb_rpcvers = RPC_MSG_VERSION;
	msg.rm_call.cb_prog = t->prog;
	msg.rm_call.cb_vers = t->vers;

	xdrmem_create(&xdrs, (char *)t->out + 4, sizeof(t->out) - 4, XDR_ENCODE);
	ok = xdr_callhdr(&xdrs, &msg) && xdr_u_int32_t(&xdrs, &proc) &&
	     AUTH_MARSHALL(t->auth, &xdrs) && xargs(&xdrs, args);
	len = XDR_GETPOS(&xdrs);
	XDR_DESTROY(&xdrs);
	if (!ok)
		return 0;
	t->out[0] = (uint8_t)((LAST_FRAG | len) >> 24);
	t->out[1] = (uint8_t)(len >> 16);
	t->out[2] = (uint8_t)(len >> 8);
	t->out[3] = (uint8_t)len;
	return (size_t)len + 4;
}

/* Wait until fd is ready for events or the deadline passes: 0, -ETIMEDOUT, -errno. */
static int wait_fd(int fd, short events, uint64_t deadline_ms)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		uint64_t now = rpcclnt_now_ms();
		int n;

		if (rpcclnt_deadline_remaining(deadline_ms, now) == 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, rpcclnt_deadline_poll_timeout(deadline_ms, now));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n > 0)
			return 0; /* ready, or an error/hangup the next send/recv reports */
		/* n == 0: re-check the clock, poll may wake early */
	}
}

/* Send len bytes of t->out.  Returns 0, -ETIMEDOUT, or -errno; *sent says how many went. */
static int send_all(struct rpcclnt_transport *t, size_t len, uint64_t deadline_ms, size_t *sent)
{
	*sent = 0;
	while (*sent < len) {
		ssize_t n;
		int r;

		if (rpcclnt_deadline_remaining(deadline_ms, rpcclnt_now_ms()) == 0)
			return -ETIMEDOUT;
		n = send(t->fd, t->out + *sent, len - *sent, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			*sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return negative_errno();
		r = wait_fd(t->fd, POLLOUT, deadline_ms);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Read until t->in holds a complete record.  Returns 0, -ETIMEDOUT,
 * -EMSGSIZE (a mark announced more than RPCCLNT_REPLY_MAX), -ECONNRESET
 * (end of stream), or another -errno.  Reads never go past the record.
 */
static int recv_record(struct rpcclnt_transport *t, uint64_t deadline_ms)
{
	for (;;) {
		size_t want;
		uint8_t *p;
		ssize_t n;
		int r;

		if (t->in.state == RPCCLNT_REC_DONE)
			return 0;
		if (t->in.state == RPCCLNT_REC_TOO_BIG)
			return -EMSGSIZE;
		/* Also with data always there: a flood must not outlast the deadline. */
		if (rpcclnt_deadline_remaining(deadline_ms, rpcclnt_now_ms()) == 0)
			return -ETIMEDOUT;
		p = rpcclnt_rec_want(&t->in, &want);
		n = recv(t->fd, p, want, MSG_DONTWAIT);
		if (n > 0) {
			(void)rpcclnt_rec_advance(&t->in, (size_t)n);
			continue;
		}
		if (n == 0)
			return -ECONNRESET; /* the server closed the connection */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return negative_errno();
		r = wait_fd(t->fd, POLLIN, deadline_ms);
		if (r < 0)
			return r;
	}
}

/* Record a failure that makes the transport unusable, and drop the connection. */
static void transport_kill(struct rpcclnt_transport *t, const struct rpcclnt_error *e)
{
	t->dead = *e;
	shutdown(t->fd, SHUT_RDWR);
}

static int io_error(struct rpcclnt_transport *t, int r, bool sending, bool kill,
		    struct rpcclnt_error *err)
{
	struct rpcclnt_error e;

	if (r == -ETIMEDOUT) {
		rpcclnt_error_set(&e, RPCCLNT_ERROR_TIMEOUT, ETIMEDOUT);
		e.rpc_stat = RPC_TIMEDOUT;
	} else if (r == -EMSGSIZE) {
		/* Not a transport failure: the server sent something that is no reply. */
		rpcclnt_error_set(&e, RPCCLNT_ERROR_GARBAGE, EMSGSIZE);
		e.rpc_stat = RPC_CANTDECODERES;
		kill = true;
	} else if (r == -ENOMEM || r == -EINVAL || r == -EBADF) {
		rpcclnt_error_set(&e, RPCCLNT_ERROR_LOCAL, -r);
		kill = true;
	} else {
		rpcclnt_error_set(&e, RPCCLNT_ERROR_TRANSPORT, -r);
		e.rpc_stat = sending ? RPC_CANTSEND : RPC_CANTRECV;
		kill = true;
	}
	if (kill)
		transport_kill(t, &e);
	if (err)
		*err = e;
	return rpcclnt_error_to_errno(&e);
}

static int transport_call(struct rpcclnt_transport *t, uint32_t proc, xdr_args_fn xargs,
			  void *args, xdrproc_t xres, void *res, uint64_t deadline_ms,
			  struct rpcclnt_error *err)
{
	size_t len, sent;
	uint32_t xid;
	int r;

	rpcclnt_error_clear(err);
	if (!t) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_LOCAL, EINVAL);
		return -EINVAL;
	}
	if (t->dead.kind != RPCCLNT_ERROR_NONE) {
		if (err)
			*err = t->dead;
		return rpcclnt_error_to_errno(&t->dead);
	}
	if (rpcclnt_deadline_remaining(deadline_ms, rpcclnt_now_ms()) == 0) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_TIMEOUT, ETIMEDOUT);
		if (err)
			err->rpc_stat = RPC_TIMEDOUT;
		return -ETIMEDOUT;
	}

	xid = t->xid++;
	len = encode_call(t, xid, proc, xargs, args);
	if (len == 0) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_LOCAL, EINVAL);
		if (err)
			err->rpc_stat = RPC_CANTENCODEARGS;
		return -EINVAL;
	}
	r = send_all(t, len, deadline_ms, &sent);
	if (r < 0)
		/* Half a record on the wire: the server would read our next call as its rest. */
		return io_error(t, r, true, sent > 0, err);

	for (;;) {
		r = recv_record(t, deadline_ms);
		if (r < 0)
			return io_error(t, r, false, false, err);
		if (t->in.len < 4) {
			/* Too short to carry any xid: no reply to anything. */
			rpcclnt_rec_reset(&t->in);
			rpcclnt_error_set(err, RPCCLNT_ERROR_GARBAGE, 0);
			if (err)
				err->rpc_stat = RPC_CANTDECODERES;
			return -EBADMSG;
		}
		if (get32(t->in.buf) == xid) {
			/* Ours: whatever it holds is the answer, decodable or not. */
			r = rpcclnt_reply_decode(t->in.buf, t->in.len, xid, xres, res, err);
			rpcclnt_rec_reset(&t->in);
			return r;
		}
		/* Another call's reply (one that timed out): skip it. */
		rpcclnt_rec_reset(&t->in);
	}
}

int rpcclnt_transport_null(struct rpcclnt_transport *t, uint64_t deadline_ms,
			   struct rpcclnt_error *err)
{
	return transport_call(t, NULLPROC, xdr_void_args, NULL, NULL, NULL, deadline_ms, err);
}

int rpcclnt_transport_compound(struct rpcclnt_transport *t, COMPOUND4args *args,
			       uint64_t deadline_ms, struct rpcclnt_compound_reply *ret,
			       struct rpcclnt_error *err)
{
	struct rpcclnt_compound_reply r;
	int k;

	if (!args || !ret) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_LOCAL, EINVAL);
		return -EINVAL;
	}
	memset(&r, 0, sizeof(r));
	k = transport_call(t, NFSPROC4_COMPOUND, xdr_compound_args, args,
			   (xdrproc_t)rpcclnt_xdr_compound_reply, &r, deadline_ms, err);
	if (k < 0)
		return k;
	*ret = r;
	return 0;
}
