/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ONC RPC transport: libtirpc clnt_vc on a caller-made connected TCP socket.
 *
 * Deadlines: each call passes the time left until its absolute deadline to
 * clnt_call().  libtirpc applies that timeout to every poll() separately, so
 * a server that keeps trickling bytes (or floods records with wrong xids)
 * could hold a call forever.  A watchdog thread per transport, armed only
 * while a call runs, shuts the socket down RPCCLNT_WATCHDOG_SLACK_MS after
 * the deadline; the call then fails at once and is reported as a timeout.
 * After that the transport is dead and every later call fails fast.
 *
 * Resync after a timeout: when libtirpc times out waiting for a reply, its
 * record stream is left "inside a record", so the next call's
 * xdrrec_skiprecord() discards the next record that arrives as the rest of
 * the old one.  If the lost reply never comes, that discarded record is the
 * next call's own reply, and every later call on the connection times out
 * (this bit the probe's DESTROY_SESSION after a timed-out lookup).  So after
 * a timeout the next call is preceded by a NULL call sent without waiting
 * (libtirpc's zero-timeout message passing): one spare record that the skip
 * or the xid check absorbs, whether or not the late reply ever shows up.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/macro.h"
#include "rpcclnt/rpcclnt-internal.h"

#define RPCCLNT_WATCHDOG_SLACK_MS 20u
#define RPCCLNT_AUTH_MAX_GIDS 16 /* AUTH_SYS limit (RFC 5531) */

struct rpcclnt_transport {
	CLIENT *clnt; /* owns fd (CLSET_FD_CLOSE) */
	int fd;

	pthread_mutex_t lock; /* protects the watchdog fields below */
	pthread_cond_t cond;
	pthread_t thread;
	bool thread_running;
	bool quit;
	bool armed;
	bool fired; /* the watchdog shut the socket down: transport is dead */
	bool desync; /* the last call timed out: see "Resync" above */
	uint64_t alarm_ms;
};

static struct timespec ms_to_timespec(uint64_t ms)
{
	return (struct timespec){ .tv_sec = (time_t)(ms / 1000u),
				  .tv_nsec = (long)(ms % 1000u) * 1000000L };
}

static void *watchdog_main(void *arg)
{
	struct rpcclnt_transport *t = arg;

	pthread_mutex_lock(&t->lock);
	while (!t->quit) {
		if (!t->armed) {
			pthread_cond_wait(&t->cond, &t->lock);
			continue;
		}
		if (rpcclnt_now_ms() >= t->alarm_ms) {
			shutdown(t->fd, SHUT_RDWR);
			t->fired = true;
			t->armed = false;
			continue;
		}
		struct timespec ts = ms_to_timespec(t->alarm_ms);
		pthread_cond_timedwait(&t->cond, &t->lock, &ts);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static int watchdog_start(struct rpcclnt_transport *t)
{
	sigset_t all, old;
	int r;

	if (t->thread_running)
		return 0;
	/* The watchdog must never take process signals meant for the caller. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&t->thread, NULL, watchdog_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return -r;
	t->thread_running = true;
	return 0;
}

static void watchdog_arm(struct rpcclnt_transport *t, uint64_t alarm_ms)
{
	pthread_mutex_lock(&t->lock);
	t->alarm_ms = alarm_ms;
	t->armed = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* Returns whether the watchdog fired (now or earlier). */
static bool watchdog_disarm(struct rpcclnt_transport *t)
{
	bool fired;

	pthread_mutex_lock(&t->lock);
	t->armed = false;
	fired = t->fired;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return fired;
}

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

int rpcclnt_transport_new(int connected_fd, uint32_t prog, uint32_t vers, enum rpcclnt_auth auth,
			  struct rpcclnt_transport **ret)
{
	struct sockaddr_storage peer;
	socklen_t pl = sizeof(peer);
	struct netbuf nb;
	struct rpcclnt_transport *t;
	pthread_condattr_t ca;
	AUTH *a;
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
	t->fd = connected_fd;

	nb = (struct netbuf){ .maxlen = sizeof(peer), .len = pl, .buf = &peer };
	t->clnt = clnt_vc_create(connected_fd, &nb, prog, vers, RPCCLNT_RECORD_SIZE,
				 RPCCLNT_RECORD_SIZE);
	if (!t->clnt) {
		int e = rpc_createerr.cf_error.re_errno;

		free(t);
		return e > 0 ? -e : -EIO;
	}

	if (auth == RPCCLNT_AUTH_SYS) {
		a = auth_sys_create();
		if (!a) {
			clnt_destroy(t->clnt); /* does not close the fd: no CLSET_FD_CLOSE yet */
			free(t);
			return -ENOMEM;
		}
		auth_destroy(t->clnt->cl_auth);
		t->clnt->cl_auth = a;
	}

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&t->lock, NULL);

	/* Last step: from here on the transport owns the fd. */
	clnt_control(t->clnt, CLSET_FD_CLOSE, NULL);
	*ret = t;
	return 0;
}

struct rpcclnt_transport *rpcclnt_transport_free(struct rpcclnt_transport *t)
{
	if (!t)
		return NULL;
	if (t->thread_running) {
		pthread_mutex_lock(&t->lock);
		t->quit = true;
		pthread_cond_signal(&t->cond);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
	}
	if (t->clnt->cl_auth)
		auth_destroy(t->clnt->cl_auth);
	t->clnt->cl_auth = NULL;
	clnt_destroy(t->clnt); /* closes the fd */
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
	return NULL;
}

/* libtirpc declares xdr_void(void); a typed no-op avoids a bad function cast. */
static bool_t xdr_nothing(XDR *xdrs, void *unused)
{
	return TRUE;
}

static int transport_call(struct rpcclnt_transport *t, rpcproc_t proc, xdrproc_t xargs,
			  void *args, xdrproc_t xres, void *res, uint64_t deadline_ms,
			  struct rpcclnt_error *err)
{
	struct rpcclnt_error e;
	struct rpc_err re;
	struct timeval tv;
	enum clnt_stat st;
	uint64_t left;
	bool fired;
	int r;

	rpcclnt_error_clear(err);
	if (!t) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_LOCAL, EINVAL);
		return -EINVAL;
	}
	pthread_mutex_lock(&t->lock);
	fired = t->fired;
	pthread_mutex_unlock(&t->lock);
	left = rpcclnt_deadline_remaining(deadline_ms, rpcclnt_now_ms());
	if (fired || left == 0) {
		rpcclnt_error_set(err, RPCCLNT_ERROR_TIMEOUT, ETIMEDOUT);
		return -ETIMEDOUT;
	}

	/* libtirpc rejects tv_sec > 1e8 and computes poll() ms in an int. */
	if (left > 1000000000u)
		left = 1000000000u;
	tv.tv_sec = (time_t)(left / 1000u);
	tv.tv_usec = (suseconds_t)(left % 1000u) * 1000;

	if (t->desync) {
		/* Send only: a zero timeout makes clnt_vc return right after sending. */
		struct timeval zero = { 0, 0 };

		(void)clnt_call(t->clnt, NULLPROC, (xdrproc_t)xdr_nothing, NULL,
				(xdrproc_t)xdr_nothing, NULL, zero);
		t->desync = false;
	}

	if (deadline_ms != RPCCLNT_DEADLINE_NONE) {
		r = watchdog_start(t);
		if (r < 0) {
			rpcclnt_error_set(err, RPCCLNT_ERROR_LOCAL, -r);
			return r;
		}
		watchdog_arm(t, rpcclnt_deadline_add(deadline_ms, RPCCLNT_WATCHDOG_SLACK_MS));
	}
	st = clnt_call(t->clnt, proc, xargs, args, xres, res, tv);
	fired = deadline_ms != RPCCLNT_DEADLINE_NONE ? watchdog_disarm(t) : false;

	if (st == RPC_SUCCESS)
		return 0;
	memset(&re, 0, sizeof(re));
	clnt_geterr(t->clnt, &re);
	rpcclnt_error_from_rpc(&e, &re);
	if (st == RPC_TIMEDOUT)
		t->desync = true;
	if (fired) {
		rpcclnt_error_set(&e, RPCCLNT_ERROR_TIMEOUT, ETIMEDOUT);
		e.rpc_stat = RPC_TIMEDOUT;
	}
	if (err)
		*err = e;
	return rpcclnt_error_to_errno(&e);
}

int rpcclnt_transport_null(struct rpcclnt_transport *t, uint64_t deadline_ms,
			   struct rpcclnt_error *err)
{
	return transport_call(t, NULLPROC, (xdrproc_t)xdr_nothing, NULL, (xdrproc_t)xdr_nothing,
			      NULL, deadline_ms, err);
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
	k = transport_call(t, NFSPROC4_COMPOUND, (xdrproc_t)xdr_COMPOUND4args, args,
			   (xdrproc_t)rpcclnt_xdr_compound_reply, &r, deadline_ms, err);
	if (k < 0)
		return k;
	*ret = r;
	return 0;
}
