/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnscache internals: record codecs, procfs parsers, the store handle. */
#pragma once

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nscache/nscache.h"

/* ---- binary layout -----------------------------------------------------------------
 *
 * Keys are fixed layout, big-endian, so byte order is numeric order and a
 * cookie prefix selects one netns:
 *   netns     cookie:8
 *   server    cookie:8 family:2 address:16 port:2 scope:4          (32 bytes)
 *   mount     mount_id:8
 *   dev       dev:8 -> mount_id:8 (DUPSORT index)
 *   resolver  cookie:8 name:1..253 (lower case)
 * Values start with kind:1 version:1; fields follow little-endian; strings
 * are len:2 + bytes (no NUL).  Fields are only ever appended: a decoder
 * accepts trailing bytes from a newer version (> NSC_VERSION) and rejects
 * them in its own.  A record whose layout changes incompatibly gets a new
 * kind byte.
 */
#define NSC_VERSION 1
#define NSC_KIND_NETNS 'N'
#define NSC_KIND_SERVER 'S'
#define NSC_KIND_MOUNT 'M'
#define NSC_KIND_RESOLVER 'R'

#define NSC_NETNS_KEY_SIZE 8
#define NSC_SERVER_KEY_SIZE 32
#define NSC_MOUNT_KEY_SIZE 8
#define NSC_DEV_KEY_SIZE 8
#define NSC_RESOLVER_KEY_MAX (8 + NSCACHE_NAME_MAX)
#define NSC_VALUE_MAX 16384

void nsc_put_be64(uint8_t *p, uint64_t v);
uint64_t nsc_get_be64(const uint8_t *p);

bool nsc_addr_valid(const struct nscache_addr *a);

void nsc_netns_key(uint64_t cookie, uint8_t key[NSC_NETNS_KEY_SIZE]);
int nsc_netns_key_decode(const void *key, size_t len, uint64_t *ret_cookie);
void nsc_server_key(uint64_t cookie, const struct nscache_addr *a, uint8_t key[NSC_SERVER_KEY_SIZE]);
int nsc_server_key_decode(const void *key, size_t len, uint64_t *ret_cookie,
			  struct nscache_addr *ret_addr);
void nsc_mount_key(uint64_t mount_id, uint8_t key[NSC_MOUNT_KEY_SIZE]);
int nsc_mount_key_decode(const void *key, size_t len, uint64_t *ret_mount_id);
/* name must already be canonical (nsc_name_canonical). Returns the key length or -EINVAL. */
int nsc_resolver_key(uint64_t cookie, const char *name, uint8_t key[NSC_RESOLVER_KEY_MAX]);
int nsc_resolver_key_decode(const void *key, size_t len, uint64_t *ret_cookie, char *ret_name,
			    size_t size);

/* Lower case, no trailing dot, 1..253 bytes of 0x21..0x7e.  0 or -EINVAL. */
int nsc_name_canonical(const char *name, char *buf, size_t size);
/* A server name as given: 1..253 bytes, no NUL, no control, no space. */
bool nsc_name_valid(const char *s, size_t len);

/* Encoders write the value only; each returns 0 or -EINVAL (a field out of
 * bounds) / -ENOBUFS.  Decoders check key and value and fill the whole record:
 * 0, -EBADMSG (malformed), -EPROTONOSUPPORT (unknown kind/version 0). */
int nsc_netns_encode(const struct nscache_netns *n, uint8_t *buf, size_t size, size_t *ret_len);
int nsc_netns_decode(const void *key, size_t klen, const void *val, size_t vlen,
		     struct nscache_netns *ret);
int nsc_server_encode(const struct nscache_server *s, uint8_t *buf, size_t size, size_t *ret_len);
int nsc_server_decode(const void *key, size_t klen, const void *val, size_t vlen,
		      struct nscache_server *ret);
int nsc_mount_encode(const struct nscache_mount *m, uint8_t *buf, size_t size, size_t *ret_len);
int nsc_mount_decode(const void *key, size_t klen, const void *val, size_t vlen,
		     struct nscache_mount *ret);
int nsc_resolver_encode(const struct nscache_resolver *r, uint8_t *buf, size_t size,
			size_t *ret_len);
int nsc_resolver_decode(const void *key, size_t klen, const void *val, size_t vlen,
			struct nscache_resolver *ret);

/* ---- procfs parsers (pure; fuzzed) -------------------------------------------------- */

/* Fields point into the parsed text (cut and unescaped in place). */
struct nsc_mountinfo {
	uint64_t mount_id;
	uint64_t parent_id;
	uint64_t dev;      /* makedev(major, minor) */
	uint64_t nsfs_ino; /* nsfs mounts of a netns ("net:[N]" root), else 0 */
	const char *root;
	const char *mount_point;
	const char *fstype;
	const char *source;
	const char *super_opts;
};

/* One line of /proc/PID/mountinfo, without or with its newline; line[len]
 * must be writable (the line is cut into fields in place).  0 or -EINVAL. */
int nsc_mountinfo_parse_line(char *line, size_t len, struct nsc_mountinfo *ret);
/* Undo the octal escapes of mountinfo (\040 etc.) into buf.  0 or -EINVAL/-ENAMETOOLONG. */
int nsc_unescape(const char *s, size_t len, char *buf, size_t size);
/* Value of key in a comma-separated option string ("addr" in "rw,addr=1.2.3.4"). */
bool nsc_option_get(const char *opts, const char *key, char *buf, size_t size);

struct nsc_nfsfs_server {
	unsigned nfs_version;       /* the "v4" column */
	struct nscache_addr addr;   /* with port */
	int use;
	char hostname[NSCACHE_NAME_MAX + 1];
};

struct nsc_nfsfs_volume {
	unsigned nfs_version;
	struct nscache_addr addr;
	uint64_t dev;
	char fsid[40];
	bool fscache;
};

/* A line of /proc/PID/net/nfsfs/{servers,volumes}: 0, -ENODATA (the header)
 * or -EINVAL. */
int nsc_nfsfs_parse_server(const char *line, size_t len, struct nsc_nfsfs_server *ret);
int nsc_nfsfs_parse_volume(const char *line, size_t len, struct nsc_nfsfs_volume *ret);

/* ---- the live system (sys.c) ------------------------------------------------------- */

/* Read a whole (proc) file, at most max bytes (-EFBIG beyond).  NUL-terminated. */
int nsc_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* Every mountinfo line of a file, parsed; lines that do not parse are skipped. */
struct nsc_mountinfo_list {
	struct nsc_mountinfo *v;
	size_t n;
	char *text; /* owned by the list when read from a file */
};
int nsc_mountinfo_read(const char *path, struct nsc_mountinfo_list *ret);
/* Parses text in place (text[len] must be writable); the list does not own it. */
int nsc_mountinfo_parse_text(char *text, size_t len, struct nsc_mountinfo_list *ret);
void nsc_mountinfo_list_free(struct nsc_mountinfo_list *l);

/* nfsfs of a netns: through /proc/PID/net (pid > 0) or by entering netns_fd. */
struct nsc_nfsfs {
	struct nsc_nfsfs_server *servers;
	size_t n_servers;
	struct nsc_nfsfs_volume *volumes;
	size_t n_volumes;
};
int nsc_nfsfs_parse_text(const char *servers, size_t slen, const char *volumes, size_t vlen,
			 struct nsc_nfsfs *ret);
/* Server line i has no volume of the same NFS version, address and port. */
bool nsc_nfsfs_server_idle(const struct nsc_nfsfs *f, size_t i);
/* A volume with superblock dev. */
bool nsc_nfsfs_has_dev(const struct nsc_nfsfs *f, uint64_t dev);
int nsc_nfsfs_read(pid_t pid, int netns_fd, struct nsc_nfsfs *ret);
void nsc_nfsfs_free(struct nsc_nfsfs *f);

/* Processes: their netns and mount ns inodes (stat of /proc/PID/ns/{net,mnt}, no open). */
struct nsc_proc {
	pid_t pid;
	uint64_t net_ino;
	uint64_t mnt_ino;
};
struct nsc_proc_list {
	struct nsc_proc *v;
	size_t n;
};
int nsc_procs_read(struct nsc_proc_list *ret);
void nsc_proc_list_free(struct nsc_proc_list *l);

/* Cookie of the netns file at path (opened and closed here). */
int nsc_netns_cookie_of_path(const char *path, uint64_t *ret_cookie, uint64_t *ret_ino);
/* Start time of a process (field 22 of /proc/PID/stat), clock ticks after boot. */
int nsc_pid_start_time(pid_t pid, uint64_t *ret);

/*
 * Is the netns with this cookie reachable: through the record's source, a
 * process, or an nsfs bind mount in our mount namespace?  1 yes, 0 no, -errno.
 * procs may be NULL (read here when needed).  On 1, *ret_path (may be NULL)
 * gets a path that opens it (for nsid assignment).
 */
int nsc_netns_reachable(const struct nscache_netns *n, const struct nsc_proc_list *procs,
			char *ret_path, size_t size);

/* ---- the store (nscache.c) -------------------------------------------------------------- */

enum nsc_db {
	NSC_DB_META,
	NSC_DB_NETNS,
	NSC_DB_SERVER,
	NSC_DB_MOUNT,
	NSC_DB_DEV,
	NSC_DB_RESOLVER,
	_NSC_DB_MAX,
};

struct nscache {
	MDB_env *env;
	MDB_dbi dbi[_NSC_DB_MAX];
	bool have_db[_NSC_DB_MAX];
	MDB_txn *rtxn; /* reset read transaction, renewed for each read */
	char dir[4096];
	unsigned flags;
	bool empty;    /* READONLY and there is no store */
	bool busy;     /* inside a foreach callback */
	size_t mapsize;
	uint64_t own_mnt_ns;
};

int nsc_errno(int mdb_rc);

/* Read snapshot: nsc_read_begin() ... nsc_read_end(). */
int nsc_read_begin(struct nscache *c, MDB_txn **ret);
void nsc_read_end(struct nscache *c, MDB_txn *txn);

/* Run fn in a write transaction; commits if fn returns >= 0 (retried on a
 * full map after growing it).  Returns fn's result or -errno. */
typedef int (*nsc_write_fn)(struct nscache *c, MDB_txn *txn, void *arg);
int nsc_write(struct nscache *c, nsc_write_fn fn, void *arg);

/* Inside a write transaction. */
int nsc_txn_release_mount(struct nscache *c, MDB_txn *txn, const struct nscache_mount *m,
			  struct nscache_release_result *ret);
int nsc_txn_drop_netns(struct nscache *c, MDB_txn *txn, uint64_t cookie,
		       struct nscache_drop_result *ret);

/* gc pieces the watcher reuses. */
int nsc_reconcile_mounts(struct nscache *c, bool own_only, const char *own_mountinfo,
			 size_t own_len, nscache_event_fn on_event, void *userdata,
			 struct nscache_gc_result *res);
int nsc_reconcile_netns(struct nscache *c, uint64_t only_cookie, nscache_event_fn on_event,
			void *userdata, struct nscache_gc_result *res);
void nsc_emit(nscache_event_fn fn, void *userdata, enum nscache_event_kind kind, uint64_t cookie,
	      uint64_t mount_id, int error, const char *what, const char *detail);

/*
 * Make room for element n of a growable array *v (capacity *cap, elements of
 * elem bytes): doubles the capacity when full.  0 or -ENOMEM; on failure *v
 * and *cap are unchanged.
 */
int nsc_grow(void **v, size_t n, size_t *cap, size_t elem);
