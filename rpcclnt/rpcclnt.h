/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librpcclnt: netns-bound ONC RPC transports and the NFSv4 reachability probe.
 *
 * rpcclnt never creates sockets and never enters namespaces: the caller makes
 * a TCP socket inside the target network namespace (a socket keeps the netns it
 * was created in) and hands the fd in.  All waits are bounded by an absolute
 * CLOCK_MONOTONIC deadline in milliseconds (see rpcclnt_now_ms()); the value
 * RPCCLNT_DEADLINE_NONE means "no deadline".
 *
 * Conventions: functions return 0 or a negative errno; ret_* out-params are
 * written only on success.  The one deliberate exception is error reporting:
 * a `struct rpcclnt_error *err` argument (optional, may be NULL) and the probe
 * result are *always* written, because their job is to explain failures.
 * Nothing here prints, exits, or keeps global mutable state; every function is
 * safe to call from several threads on different handles.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- deadlines ------------------------------------------------------------ */

#define RPCCLNT_DEADLINE_NONE UINT64_MAX

/* Current CLOCK_MONOTONIC time in milliseconds. */
uint64_t rpcclnt_now_ms(void);

/* Current CLOCK_MONOTONIC time in microseconds (used for the probe timings). */
uint64_t rpcclnt_now_us(void);

/*
 * Saturating deadline arithmetic: base + delta_ms, clamped to
 * RPCCLNT_DEADLINE_NONE (which is absorbing: NONE + x == NONE).
 */
uint64_t rpcclnt_deadline_add(uint64_t base_ms, uint64_t delta_ms);

/* Absolute deadline timeout_ms from now (saturating). */
uint64_t rpcclnt_deadline_after(uint64_t timeout_ms);

/*
 * Milliseconds left until deadline_ms, seen at now_ms; 0 once it has passed,
 * UINT64_MAX for RPCCLNT_DEADLINE_NONE.
 */
uint64_t rpcclnt_deadline_remaining(uint64_t deadline_ms, uint64_t now_ms);

/*
 * The remaining time as a poll(2) timeout: 0 when expired, -1 for
 * RPCCLNT_DEADLINE_NONE, otherwise clamped to INT_MAX.
 */
int rpcclnt_deadline_poll_timeout(uint64_t deadline_ms, uint64_t now_ms);

/* The earlier of two deadlines. */
uint64_t rpcclnt_deadline_min(uint64_t a_ms, uint64_t b_ms);

/* ---- errors --------------------------------------------------------------- */

enum rpcclnt_error_kind {
	RPCCLNT_ERROR_NONE = 0,
	RPCCLNT_ERROR_LOCAL,         /* local failure (bad argument, ENOMEM...): errnum */
	RPCCLNT_ERROR_CONNECT,       /* TCP connect failed: errnum = ECONNREFUSED,
				      * ENETUNREACH, EHOSTUNREACH, ETIMEDOUT (silent
				      * server / dropped SYNs), or another errno */
	RPCCLNT_ERROR_TRANSPORT,     /* connection failed during an RPC (reset,
				      * closed by server, send/recv error): errnum */
	RPCCLNT_ERROR_TIMEOUT,       /* connected, but no RPC reply before the deadline */
	RPCCLNT_ERROR_PROG_UNAVAIL,  /* server does not run the NFS program */
	RPCCLNT_ERROR_PROG_MISMATCH, /* NFS runs, but not version 4: vers_low..vers_high */
	RPCCLNT_ERROR_PROC_UNAVAIL,  /* procedure unavailable */
	RPCCLNT_ERROR_AUTH,          /* call rejected by authentication: auth_stat */
	RPCCLNT_ERROR_GARBAGE,       /* undecodable or inconsistent reply, or the server
				      * rejected our arguments / had a system error:
				      * rpc_stat says which; errnum EMSGSIZE: a reply
				      * record over the size bound, refused unread */
	RPCCLNT_ERROR_MINOR_VERSION, /* none of the requested NFSv4 minor versions is
				      * accepted (NFS4ERR_MINOR_VERS_MISMATCH) */
	RPCCLNT_ERROR_NFS,           /* an NFSv4 operation failed: nfs_status, nfs_op */
};

struct rpcclnt_error {
	enum rpcclnt_error_kind kind;
	int errnum;         /* positive errno, for LOCAL/CONNECT/TRANSPORT/TIMEOUT
			     * (and EMSGSIZE for GARBAGE, see there) */
	int rpc_stat;       /* libtirpc enum clnt_stat, 0 (RPC_SUCCESS) if not from RPC */
	int auth_stat;      /* libtirpc enum auth_stat, for RPCCLNT_ERROR_AUTH */
	uint32_t vers_low;  /* for RPCCLNT_ERROR_PROG_MISMATCH */
	uint32_t vers_high;
	uint32_t nfs_status; /* nfsstat4 (RFC 7530/8881), for RPCCLNT_ERROR_NFS */
	uint32_t nfs_op;     /* nfs_opnum4 of the failing operation, for RPCCLNT_ERROR_NFS */
};

/*
 * Short nfs-utils-like description of err ("connection refused", "timed out",
 * "access denied by server", "No such file or directory", "requested NFS
 * version or transport protocol is not supported", ...).  Static storage;
 * never NULL.
 */
const char *rpcclnt_error_string(const struct rpcclnt_error *err);

/*
 * Like rpcclnt_error_string() with the details (versions, auth_stat, nfsstat4
 * and operation names) formatted into buf.  Returns buf; always
 * NUL-terminated when size > 0.
 */
char *rpcclnt_error_format(const struct rpcclnt_error *err, char *buf, size_t size);

/*
 * The negative errno that summarises err: 0 for NONE, -ECONNREFUSED,
 * -ETIMEDOUT, -EHOSTUNREACH, -EPROTONOSUPPORT (version / program mismatch),
 * -EACCES (auth, NFS4ERR_ACCESS/PERM/WRONGSEC), -ENOENT, -ENOTDIR, -EBADMSG
 * (garbage), -EIO, ...
 */
int rpcclnt_error_to_errno(const struct rpcclnt_error *err);

/* Name of an nfsstat4 value ("NFS4ERR_NOENT"), or NULL if unknown. */
const char *rpcclnt_nfsstat_name(uint32_t status);

/* ---- connect ---------------------------------------------------------------- */

/*
 * Connect the caller-made, unconnected TCP socket sock_fd to addr, waiting
 * until deadline_ms at most.  The socket is switched to non-blocking for the
 * connect and restored to its previous file status flags afterwards.  The
 * socket may belong to any network namespace; rpcclnt does not look at the
 * current one.  The fd is never closed.
 *
 * Returns 0, or -ECONNREFUSED, -ENETUNREACH, -EHOSTUNREACH, -ETIMEDOUT (the
 * deadline passed, e.g. a silent server), -EINVAL, or another -errno from
 * connect(2)/SO_ERROR.  After a failure the socket must be closed.
 */
int rpcclnt_connect(int sock_fd, const struct sockaddr *addr, socklen_t addrlen,
		    uint64_t deadline_ms);

/* ---- transport ---------------------------------------------------------------- */

enum rpcclnt_auth {
	RPCCLNT_AUTH_SYS = 0, /* AUTH_SYS with the caller's euid/egid/groups (default) */
	RPCCLNT_AUTH_NONE,
};

/*
 * An ONC RPC client on a connected stream socket (libtirpc XDR and
 * credentials, our own record I/O).  Use a transport from one thread at a
 * time.  Every wait of a call is bounded by its deadline, however the server
 * trickles or floods.  A reply record larger than 64 KiB in all is refused
 * unread (garbage, EMSGSIZE) and the connection dropped; a transport whose
 * connection is lost, or whose call could not be sent in full, fails every
 * later call at once with that same error.
 */
struct rpcclnt_transport;

/*
 * Create an RPC client for program prog, version vers over connected_fd (a
 * connected TCP socket, any netns).  Replies are read into bounded buffers.
 * On success the transport owns the fd and closes it in
 * rpcclnt_transport_free(); on failure the caller still owns it.  The fd's
 * file status flags are left alone (I/O uses MSG_DONTWAIT).
 *
 * Returns 0, -EBADF/-ENOTCONN/-EINVAL (unusable fd or arguments), or -ENOMEM.
 */
int rpcclnt_transport_new(int connected_fd, uint32_t prog, uint32_t vers, enum rpcclnt_auth auth,
			  struct rpcclnt_transport **ret);

/* Destroy t and close its fd.  Accepts NULL.  Returns NULL. */
struct rpcclnt_transport *rpcclnt_transport_free(struct rpcclnt_transport *t);

/*
 * Call procedure 0 (NULL) and wait for the reply until deadline_ms.
 * Returns 0, or the negative errno of the failure (-ETIMEDOUT,
 * -EPROTONOSUPPORT, -EACCES, -ECONNRESET, -EBADMSG, ...; see
 * rpcclnt_error_to_errno()).  err (optional) is always written.  A reply
 * with our xid that does not decode, or has anything after the (void)
 * result, fails at once with -EBADMSG.  After an RPC timeout the transport
 * stays usable (a late reply is skipped by its xid).
 */
int rpcclnt_transport_null(struct rpcclnt_transport *t, uint64_t deadline_ms,
			   struct rpcclnt_error *err);

/* ---- NFSv4 COMPOUND replies (pure decoding, no I/O) ---------------------------- */

#define RPCCLNT_COMPOUND_MAX_OPS 64
#define RPCCLNT_SESSIONID_SIZE 16

/* What rpcclnt extracts from one operation result. */
struct rpcclnt_op_result {
	uint32_t op;     /* nfs_opnum4 */
	uint32_t status; /* nfsstat4 */
};

/*
 * A decoded COMPOUND4res, reduced to what the probe needs.  Only fields of
 * operations that are present and succeeded are meaningful (has_* flags).
 */
struct rpcclnt_compound_reply {
	uint32_t status; /* COMPOUND status (nfsstat4 of the last evaluated op) */
	uint32_t nops;   /* results in ops[] */
	struct rpcclnt_op_result ops[RPCCLNT_COMPOUND_MAX_OPS];

	bool has_type;   /* GETATTR returned the type attribute */
	uint32_t type;   /* nfs_ftype4: 1 NF4REG, 2 NF4DIR, ... */

	bool has_clientid; /* EXCHANGE_ID succeeded */
	uint64_t clientid;
	uint32_t exchid_sequenceid;

	bool has_session; /* CREATE_SESSION succeeded */
	uint8_t sessionid[RPCCLNT_SESSIONID_SIZE];
	uint32_t fore_maxops; /* negotiated fore channel ca_maxoperations */
};

/*
 * Decode the XDR body of a COMPOUND4res (the bytes after the RPC reply
 * header) in buf[0..len).  Hostile input is safe: every variable-length item
 * is bounded, nothing is allocated beyond those bounds, decoding is linear in
 * len.  Returns 0 and fills *ret, or -EBADMSG if the bytes are not a valid
 * reply within our bounds, -EINVAL on NULL arguments.
 */
int rpcclnt_compound_reply_decode(const void *buf, size_t len, struct rpcclnt_compound_reply *ret);

/*
 * Decode a complete ONC RPC reply message (the record contents without the
 * TCP record mark) to call xid whose results are a COMPOUND4res, with the same
 * code and error mapping that the live transport uses.  The COMPOUND4res must
 * end exactly at the end of buf: trailing bytes are garbage.
 * Returns 0 and fills *ret when the call was accepted and succeeded at RPC
 * level; otherwise a negative errno (-EBADMSG for garbage or a wrong xid,
 * -EPROTONOSUPPORT, -EACCES, ...) with err (optional) describing it.
 */
int rpcclnt_rpc_reply_decode(const void *buf, size_t len, uint32_t xid,
			     struct rpcclnt_compound_reply *ret, struct rpcclnt_error *err);

/* ---- probe ---------------------------------------------------------------------- */

#define RPCCLNT_MINOR_MAX 2 /* highest NFSv4 minor version rpcclnt knows */

enum rpcclnt_path_status {
	RPCCLNT_PATH_NOT_CHECKED = 0, /* no path given, or the probe stopped earlier */
	RPCCLNT_PATH_DIR,             /* exists and is a directory */
	RPCCLNT_PATH_NOT_DIR,         /* exists but is not a directory */
	RPCCLNT_PATH_MISSING,         /* NFS4ERR_NOENT (or NOTDIR on the way) */
	RPCCLNT_PATH_ACCESS_DENIED,   /* NFS4ERR_ACCESS, NFS4ERR_PERM, NFS4ERR_WRONGSEC */
	RPCCLNT_PATH_ERROR,           /* another error; see result.error */
	RPCCLNT_PATH_REFERRAL,        /* NFS4ERR_MOVED: the path leads to a referral to
				       * another server (the kernel follows those) */
};

struct rpcclnt_probe_options {
	const char *export_path; /* absolute path on the server; NULL: don't check */
	enum rpcclnt_auth auth;
	uint64_t deadline_ms; /* absolute CLOCK_MONOTONIC ms for the whole probe */
	int minor_version;    /* -1: discover (try 2, 1, 0); 0..2: only this one */
};

struct rpcclnt_probe_timing {
	uint64_t connect_us;  /* TCP connect (0 if the socket came connected) */
	uint64_t null_us;     /* NULL ping round trip */
	uint64_t compound_us; /* all COMPOUNDs together (version tests, path, session) */
	uint64_t total_us;    /* whole rpcclnt_probe() call */
};

struct rpcclnt_probe_result {
	uint32_t minor_tested;   /* bit N set: minor version N was tried */
	uint32_t minor_accepted; /* bit N set: the server accepted minor version N */
	int highest_minor;       /* highest accepted minor version, -1 if none */
	enum rpcclnt_path_status path_status;
	int path_minor;          /* minor version used for the path check, -1 if none */
	bool used_session;       /* a client ID + session were made for the path check */
	bool state_left;         /* destroying them failed (the server will expire the
				  * lease); false in every other case */
	unsigned ncompounds;     /* COMPOUND calls sent */
	struct rpcclnt_error error; /* first failure, kind NONE on success */
	struct rpcclnt_probe_timing timing;
};

/*
 * Probe an NFSv4 server over sock_fd, a TCP socket the caller created in the
 * target network namespace.  If addr is non-NULL the socket must be
 * unconnected and is connected to addr (rpcclnt_connect()); if addr is NULL
 * it must already be connected.  sock_fd is ALWAYS consumed (closed before
 * returning), also on failure.
 *
 * Steps: connect; RPC NULL to NFS v4; empty COMPOUNDs to learn the accepted
 * minor versions (4.2, 4.1, 4.0, or only opts->minor_version); then, if
 * opts->export_path is set, PUTROOTFH + LOOKUP per component + GETATTR(type).
 * The path check uses minor version 0 when the server accepts it (no state at
 * all); only a server without 4.0 gets EXCHANGE_ID + CREATE_SESSION, the
 * lookup under SEQUENCE, then DESTROY_SESSION + DESTROY_CLIENTID, on every
 * path out, with part of the deadline reserved for it.  No other state is
 * ever created.  The whole probe ends by opts->deadline_ms.
 *
 * Returns 0 if the server speaks an acceptable minor version and the path (if
 * given) exists; otherwise the negative errno of the first failure, i.e.
 * rpcclnt_error_to_errno(&result->error): -ECONNREFUSED, -ETIMEDOUT,
 * -EHOSTUNREACH, -ENETUNREACH, -EPROTONOSUPPORT, -ENOENT, -ENOTDIR, -EACCES,
 * -EBADMSG, -EINVAL, ...  *result is always written (also on failure).  A
 * path that exists but is not a directory, or leads to a referral, is
 * reported in result->path_status and does not fail the probe.
 *
 * With opts->minor_version >= 0 only that version is tested (plus a
 * stateless 4.0 COMPOUND for the path check when it is >= 1);
 * highest_minor is then the highest accepted among those tested.
 */
int rpcclnt_probe(int sock_fd, const struct sockaddr *addr, socklen_t addrlen,
		  const struct rpcclnt_probe_options *opts, struct rpcclnt_probe_result *result);

/* Name of a path status ("directory", "missing", ...). Never NULL. */
const char *rpcclnt_path_status_string(enum rpcclnt_path_status status);
