/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnscache: what nsnfs knows about NFS mounts and network namespaces, kept
 * in an LMDB store under /run/nsnfs that every helper reads and writes itself
 * (no daemon).  Four kinds of records, all keyed by the netns cookie
 * (SO_NETNS_COOKIE: unique per boot, never reused):
 *
 *   netns     cookie                              -> source, nsid, client id, refcount
 *   server    (cookie, family, address, port)     -> names, minor versions, refcount
 *   mount     mount id (statx STATX_MNT_ID)       -> cookie, server, dev, mount point, mntns
 *   resolver  (cookie, name)                      -> addresses or a negative answer, TTL
 *
 * Refcounts count live mounts.  When a server's count reaches zero its record
 * and the resolver entries no live mount needs are dropped at once; when a
 * netns's count reaches zero every record of that netns is.
 *
 * Conventions: functions return 0 or a negative errno; ret_* out-params are
 * written only on success.  Nothing here prints or exits.  The library never
 * keeps a namespace alive: it holds no netns or foreign mountinfo fds beyond
 * the call that needs them.  A handle is for one thread at a time; many
 * processes may use the store at once (LMDB serialises writers, readers never
 * block).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define NSCACHE_DIR_DEFAULT "/run/nsnfs"
#define NSCACHE_DIR_ENV "NSCACHE_DIR" /* overrides the default directory */

#define NSCACHE_NAME_MAX 253       /* server / resolver names */
#define NSCACHE_PATH_MAX 4095      /* mount points, netns paths, specs */
#define NSCACHE_CLIENTID_MAX 63    /* what the kernel uses of the identifier */
#define NSCACHE_SERVER_NAMES_MAX 4 /* names a server record remembers */
#define NSCACHE_RESOLVER_ADDRS_MAX 8
#define NSCACHE_TTL_MAX 86400         /* s, cap of a positive resolver entry */
#define NSCACHE_NEGATIVE_TTL_MAX 10   /* s, cap of a negative resolver entry */
#define NSCACHE_WATCH_INTERVAL_DEFAULT 60 /* s between full reconciles */

struct nscache;

/* ---- handle ------------------------------------------------------------------ */

enum nscache_open_flags {
	/* Never create or write; a store that does not exist reads as empty. */
	NSCACHE_OPEN_READONLY = 1 << 0,
	/* Do not fsync commits.  Implied when the directory is on tmpfs (a crash
	 * of the machine empties it anyway); for tests and benchmarks elsewhere. */
	NSCACHE_OPEN_NOSYNC = 1 << 1,
};

/*
 * Open (and unless READONLY create) the store in dir: NULL means $NSCACHE_DIR
 * if set (ignored for setuid callers), else /run/nsnfs.  A store written
 * during an earlier boot (a directory not on tmpfs) is emptied: cookies and
 * mount ids mean nothing across boots.  With READONLY a store that does not
 * exist reads as empty.  Returns 0, -EACCES (not root), -EPROTONOSUPPORT (a
 * store format from a newer nscache), -EBADMSG (corrupt) or -errno.  A handle
 * must not cross fork() (an LMDB rule): open it in the process that uses it.
 */
int nscache_open(const char *dir, unsigned flags, struct nscache **ret);

/* Close the handle (NULL is fine). */
void nscache_close(struct nscache *c);

/* The directory the handle uses. */
const char *nscache_dir(const struct nscache *c);

/* ---- addresses --------------------------------------------------------------- */

/* A server address in the fixed layout the keys use. */
struct nscache_addr {
	uint16_t family;   /* AF_INET or AF_INET6 */
	uint16_t port;     /* host order; 0 in resolver answers */
	uint32_t scope_id; /* IPv6 link-local scope, else 0 */
	uint8_t addr[16];  /* IPv4: the first 4 bytes, the rest zero */
};

/* From a sockaddr_in/sockaddr_in6.  0 or -EAFNOSUPPORT. */
int nscache_addr_from_sockaddr(const struct sockaddr *sa, struct nscache_addr *ret);
/* Parse "10.0.0.1", "fe80::1%2", with an optional port ("10.0.0.1:2049",
 * "[fe80::1]:2049").  0 or -EINVAL. */
int nscache_addr_parse(const char *s, struct nscache_addr *ret);
/* "10.0.0.1" or "fe80::1%2" (no port); with_port: "10.0.0.1:2049", "[::1]:2049". */
const char *nscache_addr_to_string(const struct nscache_addr *a, bool with_port, char *buf,
				   size_t size);
/* Same family, address and scope (and port unless either port is 0). */
bool nscache_addr_equal(const struct nscache_addr *a, const struct nscache_addr *b);

/* ---- records ------------------------------------------------------------------ */

/* How the netns was named when it was first recorded (values match common/netns.h). */
enum nscache_source {
	NSCACHE_SOURCE_CALLER = 0, /* the caller's own netns */
	NSCACHE_SOURCE_NAME = 1,   /* /run/netns/NAME */
	NSCACHE_SOURCE_PATH = 2,   /* a netns file */
	NSCACHE_SOURCE_PID = 3,    /* the netns of a process */
};

struct nscache_netns {
	uint64_t cookie;
	uint64_t ino;           /* nsfs inode when recorded, 0 unknown (a hint: inodes are reused) */
	enum nscache_source source_kind;
	char source[NSCACHE_PATH_MAX + 1]; /* NAME or PATH; "" otherwise */
	uint32_t pid;           /* PID source */
	uint64_t pid_start;     /* its start time (clock ticks after boot), 0 unknown */
	int32_t nsid;           /* nsid assigned by the watcher, -1 none */
	uint64_t nsid_owner;    /* cookie of the netns in which nsid is valid */
	char client_id[NSCACHE_CLIENTID_MAX + 1]; /* "" unknown */
	bool client_id_set;     /* nsnfs wrote the identifier */
	uint64_t created_ns;    /* CLOCK_REALTIME */
	uint32_t refcount;      /* live mounts recorded in this netns */
};

struct nscache_server {
	uint64_t cookie;
	struct nscache_addr addr; /* with port */
	unsigned n_names;
	char names[NSCACHE_SERVER_NAMES_MAX][NSCACHE_NAME_MAX + 1]; /* as mounted */
	uint32_t minor_versions; /* bit N: the probe saw minor version N accepted */
	int32_t minor_version;   /* of the latest mount, -1 unknown */
	uint64_t probe_ns;       /* CLOCK_REALTIME of the latest probe, 0 unknown */
	uint64_t created_ns;
	uint32_t refcount;       /* live mounts */
};

struct nscache_mount {
	uint64_t mount_id;
	uint64_t cookie;
	struct nscache_addr server;
	uint64_t dev;            /* superblock st_dev (makedev form) */
	uint64_t mnt_ns;         /* mount namespace inode */
	int32_t minor_version;   /* -1 unknown */
	char spec[NSCACHE_PATH_MAX + 1];        /* "server:/path" as given, or "" */
	char mount_point[NSCACHE_PATH_MAX + 1]; /* in mnt_ns */
	uint64_t created_ns;
};

struct nscache_resolver {
	uint64_t cookie;
	char name[NSCACHE_NAME_MAX + 1]; /* lower case, no trailing dot */
	int32_t error;                   /* 0, or the negative errno of a failed lookup */
	unsigned n_addrs;
	struct nscache_addr addrs[NSCACHE_RESOLVER_ADDRS_MAX];
	uint64_t created_ns;      /* CLOCK_REALTIME */
	uint64_t expires_boot_ns; /* CLOCK_BOOTTIME */
};

/* ---- mount.nfs4 / umount.nfs4 -------------------------------------------------- */

/* What a successful mount knows.  Zero-initialise, then fill in. */
struct nscache_mount_info {
	/* the netns (required: cookie) */
	uint64_t cookie;                 /* netns_cookie() of the netns the mount uses */
	uint64_t netns_ino;              /* fstat(netns fd).st_ino, 0 unknown */
	enum nscache_source source_kind;
	const char *source;              /* NAME or PATH, else NULL */
	pid_t source_pid;                /* PID source */
	const char *client_id;           /* identifier in force, NULL unknown */
	bool client_id_set;              /* we wrote it */
	/* the server (required: server) */
	const struct sockaddr *server;   /* address and port mounted */
	const char *server_name;         /* host part of the spec, NULL none */
	uint32_t minor_versions;         /* probe: bit N = minor version N accepted */
	int minor_version;               /* used by this mount (-1 unknown) */
	uint64_t probe_ns;               /* CLOCK_REALTIME of the probe, 0 = now */
	/* the mount (required: mount_id, dev, mount_point) */
	uint64_t mount_id;               /* nscache_mount_identify() */
	uint64_t dev;
	const char *mount_point;
	uint64_t mnt_ns;                 /* 0: the caller's mount namespace */
	const char *spec;                /* "server:/path", NULL none */
};

struct nscache_acquire_result {
	uint32_t server_refs; /* live mounts of (netns, server), this one included */
	uint32_t netns_refs;  /* live mounts recorded in the netns */
	bool netns_new;       /* first recorded mount in this netns */
	bool server_new;      /* first recorded mount of this server in this netns */
	bool existed;         /* this mount was recorded already: nothing changed */
	bool replaced;        /* a stale record with this mount id (reused) was released */
};

/*
 * Record a mount after it is attached: netns record (created or refcount+1),
 * server record (same), mount record.  Atomic.  A record with the same mount
 * id and dev is the same mount (existed, no change); with another dev the id
 * was reused after an umount nobody reported, and the old record is released
 * first.  ret may be NULL.  0, -EINVAL (missing or malformed info),
 * -ENAMETOOLONG, -EROFS (read-only handle) or -errno.
 */
int nscache_mount_acquire(struct nscache *c, const struct nscache_mount_info *info,
			  struct nscache_acquire_result *ret);

/* Which mount to release: by id, or by dev (+ mount point, + mount ns). */
struct nscache_mount_ref {
	uint64_t mount_id;       /* 0: find by dev */
	uint64_t dev;            /* 0: any (only with mount_id) */
	const char *mount_point; /* NULL: any */
	uint64_t mnt_ns;         /* 0: any */
};

/* What a release dropped: umount.nfs4 flushes per-netns kernel state from it. */
struct nscache_release_result {
	struct nscache_mount mount;   /* the record released */
	struct nscache_server server; /* its server as it was before (refcount included) */
	uint32_t server_refs;         /* live mounts of (netns, server) left */
	uint32_t netns_refs;          /* live mounts left in the netns */
	bool server_dropped;          /* server_refs hit 0: the server record is gone */
	bool netns_dropped;           /* netns_refs hit 0: every record of the netns is gone */
	unsigned resolver_dropped;    /* resolver entries dropped with them */
};

/*
 * Release the record of an unmounted mount (call after umount2() succeeded).
 * ret may be NULL.  0, -ENOENT (not recorded: nothing to do), -ENOTUNIQ (dev
 * alone matches several records: give the mount point), -EINVAL or -errno.
 */
int nscache_mount_release(struct nscache *c, const struct nscache_mount_ref *ref,
			  struct nscache_release_result *ret);

/*
 * Mount id (statx STATX_MNT_ID) and superblock dev of the mount at path
 * (relative to dirfd; NULL or "": dirfd itself, e.g. an fsmount() fd).
 * Symlinks are not followed.  0, -EOPNOTSUPP (kernel without STATX_MNT_ID) or
 * -errno.
 */
int nscache_mount_identify(int dirfd, const char *path, uint64_t *ret_mount_id,
			   uint64_t *ret_dev);

/* Inode of the calling thread's mount namespace. */
int nscache_self_mnt_ns(uint64_t *ret);

/* How to name a netns record in messages: its NAME or PATH, "pid N", or
 * "caller (COOKIE)".  Returns buf. */
const char *nscache_netns_label(const struct nscache_netns *n, char *buf, size_t size);

/* ---- lookups ----------------------------------------------------------------------- */

/* 0 or -ENOENT (not recorded) / -EBADMSG (undecodable record) / -errno. */
int nscache_netns_get(struct nscache *c, uint64_t cookie, struct nscache_netns *ret);
/* addr's port must be set. */
int nscache_server_get(struct nscache *c, uint64_t cookie, const struct nscache_addr *addr,
		       struct nscache_server *ret);
int nscache_mount_get(struct nscache *c, uint64_t mount_id, struct nscache_mount *ret);
/* The one record ref matches: 0, -ENOENT, -ENOTUNIQ. */
int nscache_mount_find(struct nscache *c, const struct nscache_mount_ref *ref,
		       struct nscache_mount *ret);

/*
 * A resolver answer of name (case-insensitive, trailing dot ignored) in the
 * netns.  Expired entries do not exist.  0 (check ret->error: a negative
 * entry has error < 0 and no addresses), -ENOENT or -errno.
 */
int nscache_resolver_get(struct nscache *c, uint64_t cookie, const char *name,
			 struct nscache_resolver *ret);

/*
 * Store a resolver answer: n addresses (ports ignored), or error < 0 for a
 * negative entry (n must be 0).  ttl_s is capped at NSCACHE_TTL_MAX, or
 * NSCACHE_NEGATIVE_TTL_MAX for negative entries; 0 stores nothing and removes
 * the entry.  0, -EINVAL or -errno.
 */
int nscache_resolver_put(struct nscache *c, uint64_t cookie, const char *name,
			 const struct nscache_addr *addrs, size_t n, int error, uint32_t ttl_s);

/* ---- iteration ------------------------------------------------------------------- */

/*
 * Call fn for each record, in key order, inside one read snapshot.  fn returns
 * 0 to go on, > 0 to stop (that value is returned) or < 0 to fail (returned).
 * fn must not call other nscache functions on this handle (they return
 * -EBUSY): collect first, act after.  cookie 0 means every netns.  Records
 * that cannot be decoded are skipped (gc removes them).
 */
typedef int (*nscache_netns_fn)(const struct nscache_netns *n, void *userdata);
typedef int (*nscache_server_fn)(const struct nscache_server *s, void *userdata);
typedef int (*nscache_mount_fn)(const struct nscache_mount *m, void *userdata);
typedef int (*nscache_resolver_fn)(const struct nscache_resolver *r, void *userdata);

int nscache_foreach_netns(struct nscache *c, nscache_netns_fn fn, void *userdata);
int nscache_foreach_server(struct nscache *c, uint64_t cookie, nscache_server_fn fn,
			   void *userdata);
int nscache_foreach_mount(struct nscache *c, uint64_t cookie, nscache_mount_fn fn,
			  void *userdata);
/* Expired entries included (check expires_boot_ns against nscache_boottime_ns()). */
int nscache_foreach_resolver(struct nscache *c, uint64_t cookie, nscache_resolver_fn fn,
			     void *userdata);

/* CLOCK_BOOTTIME and CLOCK_REALTIME in nanoseconds. */
uint64_t nscache_boottime_ns(void);
uint64_t nscache_realtime_ns(void);

/* ---- drop ----------------------------------------------------------------------- */

enum nscache_drop_flags {
	NSCACHE_DROP_FORCE = 1 << 0, /* also records of live mounts (never unmounts) */
};

struct nscache_drop_result {
	unsigned netns, servers, mounts, resolver; /* records removed */
};

/*
 * Drop every record of a netns.  0, -ENOENT (nothing recorded), -EBUSY (live
 * mounts recorded and no FORCE) or -errno.  ret may be NULL.
 */
int nscache_netns_drop(struct nscache *c, uint64_t cookie, unsigned flags,
		       struct nscache_drop_result *ret);

/*
 * Drop the server records matching addr (port 0: any port) in the netns
 * (cookie 0: in every netns), with their mounts' records under FORCE.
 * 0, -ENOENT, -EBUSY (a match has live mounts and no FORCE) or -errno.
 */
int nscache_server_drop(struct nscache *c, uint64_t cookie, const struct nscache_addr *addr,
			unsigned flags, struct nscache_drop_result *ret);

/* ---- reconcile: gc and the watcher ------------------------------------------------------- */

enum nscache_event_kind {
	NSCACHE_EVENT_MOUNT_GONE,       /* a recorded mount is no longer mounted: released */
	NSCACHE_EVENT_NETNS_GONE,       /* a recorded netns is unreachable or dead: dropped */
	NSCACHE_EVENT_RESOLVER_EXPIRED, /* resolver entry past its TTL: removed */
	NSCACHE_EVENT_REFCOUNT_FIXED,   /* a refcount disagreed with the mount records */
	NSCACHE_EVENT_CORRUPT_RECORD,   /* an undecodable record: removed */
	NSCACHE_EVENT_NSID_ASSIGNED,    /* watcher: nsid assigned/learnt for a netns */
	NSCACHE_EVENT_NSID_DELETED,     /* watcher: RTM_DELNSID for a recorded netns */
	NSCACHE_EVENT_WATCHING,         /* watcher: set up, entering the event loop */
	NSCACHE_EVENT_ERROR,            /* something failed; error says what, the work goes on */
};

struct nscache_event {
	enum nscache_event_kind kind;
	uint64_t cookie;          /* netns, 0 if none */
	uint64_t mount_id;        /* MOUNT_GONE */
	int32_t nsid;             /* NSID_* */
	int error;                /* ERROR: -errno */
	const char *what;         /* short static text: why / which step */
	const char *detail;       /* mount point, netns source, name; may be "" */
};

typedef void (*nscache_event_fn)(const struct nscache_event *ev, void *userdata);

enum nscache_gc_flags {
	NSCACHE_GC_KEEP_NETNS = 1 << 0, /* skip the netns reachability walk */
};

struct nscache_gc_result {
	unsigned mounts;    /* mount records dropped (no longer mounted, or their netns gone) */
	unsigned netns;     /* netns records dropped (unreachable, or their last mount gone) */
	unsigned servers;   /* server records dropped along with those */
	unsigned resolver;  /* expired resolver entries */
	unsigned refcounts; /* refcounts corrected */
	unsigned corrupt;   /* undecodable records removed */
};

/*
 * Reconcile the store with the live system: a mount record is live if its
 * mount namespace's mountinfo (ours, or /proc/PID/mountinfo of a process in
 * it, read and closed at once) still lists its id with its dev; a netns
 * record is live if its source still names it or a process or an nsfs bind
 * mount in our mount namespace is in it (same cookie).  Dead ones are
 * dropped, expired resolver entries removed, refcounts recomputed.  on_event
 * (may be NULL) hears about each change; ret may be NULL.
 */
int nscache_gc(struct nscache *c, unsigned flags, nscache_event_fn on_event, void *userdata,
	       struct nscache_gc_result *ret);

struct nscache_watch_options {
	unsigned interval_s;   /* full reconcile period; 0: NSCACHE_WATCH_INTERVAL_DEFAULT */
	int stop_fd;           /* readable -> return 0 (e.g. a signalfd); -1 none */
	nscache_event_fn on_event;
	void *userdata;
};

/*
 * The watcher: assigns an nsid to each recorded netns and listens for
 * RTM_DELNSID (RTNLGRP_NSID) to drop a dead netns's records at once; polls our
 * mountinfo (POLLPRI) for umounts that bypassed umount.nfs4; follows
 * /run/netns deletions and PID-source exits (pidfds) with a reachability
 * check; reconciles fully every interval.  Holds no namespace fd between
 * events.  Returns 0 when stop_fd becomes readable, -EALREADY if another
 * watcher holds the store's watch lock, or -errno on setup failure.
 */
int nscache_watch(struct nscache *c, const struct nscache_watch_options *opts);

/* ---- diagnosis ---------------------------------------------------------------------- */

enum nscache_finding_kind {
	/* (a) an NFS mount whose transport lives in a netns none of the processes of
	 * that mount namespace are in (and nsnfs did not make it so on purpose) */
	NSCACHE_FINDING_CROSS_NETNS,
	/* (b) a netns's nfsfs/servers lists a server with no volume left */
	NSCACHE_FINDING_IDLE_SERVER,
	/* (c) a mount whose superblock is in no reachable netns (netns deleted) */
	NSCACHE_FINDING_ORPHAN_MOUNT,
	/* (d) an nscache record with no kernel counterpart */
	NSCACHE_FINDING_STALE_RECORD,
};

struct nscache_finding {
	enum nscache_finding_kind kind;
	const char *record;       /* STALE_RECORD: "netns", "server" or "mount" */
	uint64_t mount_id;        /* 0 if none */
	uint64_t dev;
	uint64_t mnt_ns;          /* mount namespace of the mount */
	pid_t mnt_ns_pid;         /* a process in it, 0 none */
	uint64_t cookie;          /* netns of the transport / record, 0 unknown */
	char netns[NSCACHE_PATH_MAX + 1];   /* its label ("cli1", "pid 42", "init") */
	char users[256];          /* CROSS_NETNS: netns of the mount ns's processes */
	struct nscache_addr server; /* family 0 if none */
	char mount_point[NSCACHE_PATH_MAX + 1];
	char source[NSCACHE_PATH_MAX + 1];  /* mountinfo source ("10.0.0.1:/") */
	char message[1024];       /* one line for humans */
};

/* A network namespace the walk reached. */
struct nscache_diag_netns {
	uint64_t ino;
	uint64_t cookie;          /* 0 if it could not be computed */
	char label[NSCACHE_PATH_MAX + 1];
	pid_t pid;                /* a process in it, 0 none (bind mount only) */
	unsigned n_procs;
	unsigned n_servers;       /* nfsfs/servers lines */
	unsigned n_volumes;       /* nfsfs/volumes lines */
	bool recorded;            /* nscache has a netns record for the cookie */
	int error;                /* reading its nfsfs failed: -errno, else 0 */
};

/* An NFS mount seen in some mount namespace. */
struct nscache_diag_mount {
	uint64_t mount_id;
	uint64_t dev;
	uint64_t mnt_ns;
	pid_t mnt_ns_pid;
	char mount_point[NSCACHE_PATH_MAX + 1];
	char source[NSCACHE_PATH_MAX + 1];
	char fstype[16];
	long netns;               /* index of the transport's netns in netns[], -1 none */
	bool recorded;            /* an nscache mount record matches (id and dev) */
};

struct nscache_diagnosis {
	struct nscache_diag_netns *netns;
	size_t n_netns;
	struct nscache_diag_mount *mounts;
	size_t n_mounts;
	struct nscache_finding *findings;
	size_t n_findings;
	unsigned n_mnt_ns;        /* mount namespaces read */
	unsigned n_unreadable;    /* netns or mount namespaces that could not be read */
};

/*
 * Walk every netns (/proc/PID/ns/net, nsfs bind mounts of every mount ns,
 * dedup by inode and cookie) and read its nfsfs servers and volumes; read the
 * mountinfo of every mount namespace (one process each); compare with the
 * records.  Fds are opened one at a time and closed at once.  c may be NULL
 * (no records: no STALE_RECORD findings and nothing counts as intended).
 * Free with nscache_diagnosis_free().  0 or -errno.
 */
int nscache_diagnose(struct nscache *c, struct nscache_diagnosis **ret);
void nscache_diagnosis_free(struct nscache_diagnosis *d);

const char *nscache_finding_kind_string(enum nscache_finding_kind kind); /* "cross-netns", ... */
const char *nscache_event_kind_string(enum nscache_event_kind kind);     /* "mount-gone", ... */
const char *nscache_source_string(enum nscache_source kind);             /* "name", ... */
