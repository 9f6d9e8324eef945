/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nscache store: one LMDB environment, six named databases (meta and the
 * tables of nscache-internal.h).  Every verb is one write transaction, so
 * concurrent helpers never lose an update and a crashed helper leaves the
 * store as it was before its transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/netns.h"
#include "nscache/nscache-internal.h"

#define MAPSIZE_INITIAL ((size_t)64 << 20)
#define MAPSIZE_MAX ((size_t)16 << 30)
#define MAX_READERS 1024
#define STORE_FORMAT 1
#define NFS_PORT_DEFAULT 2049

_Static_assert((int)NSCACHE_SOURCE_CALLER == (int)NETNS_SPEC_CALLER &&
		       (int)NSCACHE_SOURCE_NAME == (int)NETNS_SPEC_NAME &&
		       (int)NSCACHE_SOURCE_PATH == (int)NETNS_SPEC_PATH &&
		       (int)NSCACHE_SOURCE_PID == (int)NETNS_SPEC_PID,
	       "enum nscache_source mirrors enum netns_spec_kind");

static const char *const db_names[_NSC_DB_MAX] = {
	[NSC_DB_META] = "meta",	    [NSC_DB_NETNS] = "netns", [NSC_DB_SERVER] = "server",
	[NSC_DB_MOUNT] = "mount",   [NSC_DB_DEV] = "dev",     [NSC_DB_RESOLVER] = "resolver",
};

uint64_t nscache_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t nscache_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int nsc_errno(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return -ENOENT;
	case MDB_KEYEXIST:
		return -EEXIST;
	case MDB_MAP_FULL:
		return -ENOSPC;
	case MDB_MAP_RESIZED:
		return -EAGAIN;
	case MDB_READERS_FULL:
		return -EUSERS;
	case MDB_DBS_FULL:
	case MDB_TLS_FULL:
		return -EMFILE;
	case MDB_TXN_FULL:
	case MDB_CURSOR_FULL:
	case MDB_PAGE_FULL:
		return -E2BIG;
	case MDB_VERSION_MISMATCH:
		return -EPROTONOSUPPORT;
	case MDB_BAD_VALSIZE:
		return -EINVAL;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_INCOMPATIBLE:
	case MDB_BAD_RSLOT:
	case MDB_BAD_TXN:
	case MDB_BAD_DBI:
	case MDB_PANIC:
		return -EBADMSG;
	default:
		return rc > 0 ? -rc : -EIO;
	}
}

const char *nscache_dir(const struct nscache *c)
{
	return c->dir;
}

int nscache_self_mnt_ns(uint64_t *ret)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/mnt", &st) < 0)
		return negative_errno();
	*ret = st.st_ino;
	return 0;
}

static int mkdir_parents(const char *dir, mode_t mode)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return negative_errno();
		*p = '/';
	}
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return negative_errno();
	return 0;
}

static int read_boot_id(char buf[64])
{
	_cleanup_close_ int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return negative_errno();
	n = read(fd, buf, 63);
	if (n <= 0)
		return n < 0 ? negative_errno() : -EIO;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

static void drop_rtxn(struct nscache *c)
{
	if (c->rtxn) {
		mdb_txn_abort(c->rtxn);
		c->rtxn = NULL;
	}
}

/* The store's meta data: format version and the boot it belongs to. */
static int setup_meta(struct nscache *c, MDB_txn *txn)
{
	MDB_val k = { .mv_size = 6, .mv_data = (void *)"format" }, v;
	uint8_t fmt[4] = { STORE_FORMAT, 0, 0, 0 };
	char boot[64];
	int rc, r;

	rc = mdb_get(txn, c->dbi[NSC_DB_META], &k, &v);
	if (rc == MDB_SUCCESS) {
		if (v.mv_size != 4)
			return -EBADMSG;
		if (((const uint8_t *)v.mv_data)[0] > STORE_FORMAT)
			return -EPROTONOSUPPORT;
	} else if (rc != MDB_NOTFOUND) {
		return nsc_errno(rc);
	} else if (!(c->flags & NSCACHE_OPEN_READONLY)) {
		v.mv_size = sizeof(fmt);
		v.mv_data = fmt;
		rc = mdb_put(txn, c->dbi[NSC_DB_META], &k, &v, 0);
		if (rc)
			return nsc_errno(rc);
	}
	if (c->flags & NSCACHE_OPEN_READONLY)
		return 0;

	/* Cookies and mount ids mean nothing after a reboot. */
	r = read_boot_id(boot);
	if (r < 0)
		return 0; /* no procfs boot id: trust the directory (tmpfs) */
	k.mv_size = 7;
	k.mv_data = (void *)"boot_id";
	rc = mdb_get(txn, c->dbi[NSC_DB_META], &k, &v);
	if (rc == MDB_SUCCESS && v.mv_size == strlen(boot) && memcmp(v.mv_data, boot, v.mv_size) == 0)
		return 0;
	if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
		return nsc_errno(rc);
	if (rc == MDB_SUCCESS)
		for (int db = NSC_DB_NETNS; db < _NSC_DB_MAX; db++) {
			rc = mdb_drop(txn, c->dbi[db], 0);
			if (rc)
				return nsc_errno(rc);
		}
	v.mv_size = strlen(boot);
	v.mv_data = boot;
	return nsc_errno(mdb_put(txn, c->dbi[NSC_DB_META], &k, &v, 0));
}

static int open_dbs(struct nscache *c)
{
	bool ro = c->flags & NSCACHE_OPEN_READONLY;
	MDB_txn *txn;
	int rc, r;

	rc = mdb_txn_begin(c->env, NULL, ro ? MDB_RDONLY : 0, &txn);
	if (rc)
		return nsc_errno(rc);
	for (int db = 0; db < _NSC_DB_MAX; db++) {
		unsigned flags = db == NSC_DB_DEV ? MDB_DUPSORT | MDB_DUPFIXED : 0;

		rc = mdb_dbi_open(txn, db_names[db], flags | (ro ? 0 : MDB_CREATE), &c->dbi[db]);
		if (rc == MDB_NOTFOUND && ro)
			continue;
		if (rc) {
			mdb_txn_abort(txn);
			return nsc_errno(rc);
		}
		c->have_db[db] = true;
	}
	r = c->have_db[NSC_DB_META] ? setup_meta(c, txn) : 0;
	if (r < 0) {
		mdb_txn_abort(txn);
		return r;
	}
	rc = mdb_txn_commit(txn);
	return nsc_errno(rc);
}

int nscache_open(const char *dir, unsigned flags, struct nscache **ret)
{
	struct nscache *c;
	struct statfs sfs;
	char data[PATH_MAX + 16];
	unsigned env_flags = MDB_NOTLS | MDB_NORDAHEAD;
	int rc, r, dead;

	if (!ret || (flags & ~(NSCACHE_OPEN_READONLY | NSCACHE_OPEN_NOSYNC)))
		return -EINVAL;
	if (!dir)
		dir = secure_getenv(NSCACHE_DIR_ENV);
	if (!dir || !*dir)
		dir = NSCACHE_DIR_DEFAULT;
	if (strlen(dir) >= sizeof(c->dir) - 32)
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	c->flags = flags;
	(void)nscache_self_mnt_ns(&c->own_mnt_ns);

	snprintf(data, sizeof(data), "%s/data.mdb", dir);
	if (flags & NSCACHE_OPEN_READONLY) {
		if (access(data, F_OK) < 0) {
			if (errno != ENOENT) {
				r = negative_errno();
				goto fail;
			}
			c->empty = true;
			*ret = c;
			return 0;
		}
		env_flags |= MDB_RDONLY;
	} else {
		r = mkdir_parents(dir, 0755);
		if (r < 0)
			goto fail;
	}
	if (statfs(dir, &sfs) == 0 && (sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC))
		flags |= NSCACHE_OPEN_NOSYNC;
	if (flags & NSCACHE_OPEN_NOSYNC)
		env_flags |= MDB_NOSYNC;

	rc = mdb_env_create(&c->env);
	if (rc) {
		r = nsc_errno(rc);
		goto fail;
	}
	c->mapsize = MAPSIZE_INITIAL;
	mdb_env_set_maxdbs(c->env, _NSC_DB_MAX);
	mdb_env_set_maxreaders(c->env, MAX_READERS);
	mdb_env_set_mapsize(c->env, c->mapsize);
	rc = mdb_env_open(c->env, dir, env_flags, 0600);
	if (rc) {
		r = nsc_errno(rc);
		goto fail;
	}
	/* Reader slots of helpers that crashed mid-read. */
	(void)mdb_reader_check(c->env, &dead);
	r = open_dbs(c);
	if (r < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	nscache_close(c);
	return r;
}

void nscache_close(struct nscache *c)
{
	if (!c)
		return;
	drop_rtxn(c);
	if (c->env)
		mdb_env_close(c->env);
	free(c);
}

/* ---- transactions ----------------------------------------------------------------------- */

int nsc_read_begin(struct nscache *c, MDB_txn **ret)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		int rc;

		if (c->rtxn)
			rc = mdb_txn_renew(c->rtxn);
		else
			rc = mdb_txn_begin(c->env, NULL, MDB_RDONLY, &c->rtxn);
		if (rc == MDB_MAP_RESIZED) {
			/* Another process grew the map: adopt its size. */
			drop_rtxn(c);
			mdb_env_set_mapsize(c->env, 0);
			continue;
		}
		if (rc) {
			drop_rtxn(c);
			return nsc_errno(rc);
		}
		*ret = c->rtxn;
		return 0;
	}
	return -EAGAIN;
}

void nsc_read_end(struct nscache *c, MDB_txn *txn)
{
	if (txn)
		mdb_txn_reset(txn);
}

static int grow_map(struct nscache *c)
{
	MDB_envinfo info;
	size_t size;

	drop_rtxn(c);
	if (mdb_env_info(c->env, &info) == 0 && info.me_mapsize > c->mapsize)
		c->mapsize = info.me_mapsize;
	if (c->mapsize >= MAPSIZE_MAX)
		return -ENOSPC;
	size = c->mapsize * 2;
	if (mdb_env_set_mapsize(c->env, size) != 0)
		return -ENOSPC;
	c->mapsize = size;
	return 0;
}

int nsc_write(struct nscache *c, nsc_write_fn fn, void *arg)
{
	if (c->flags & NSCACHE_OPEN_READONLY)
		return -EROFS;
	for (int attempt = 0; attempt < 16; attempt++) {
		MDB_txn *txn;
		int rc, r;

		rc = mdb_txn_begin(c->env, NULL, 0, &txn);
		if (rc == MDB_MAP_RESIZED) {
			drop_rtxn(c);
			mdb_env_set_mapsize(c->env, 0);
			continue;
		}
		if (rc)
			return nsc_errno(rc);
		r = fn(c, txn, arg);
		if (r < 0) {
			mdb_txn_abort(txn);
			if (r == -ENOSPC && grow_map(c) == 0)
				continue;
			return r;
		}
		rc = mdb_txn_commit(txn);
		if (rc == MDB_MAP_FULL && grow_map(c) == 0)
			continue;
		if (rc)
			return nsc_errno(rc);
		return r;
	}
	return -EAGAIN;
}

/* ---- raw access --------------------------------------------------------------------------- */

static int db_get(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, MDB_val *ret)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };

	return nsc_errno(mdb_get(txn, dbi, &k, ret));
}

static int db_put(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, const void *val,
		  size_t vlen, unsigned flags)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };
	MDB_val v = { .mv_size = vlen, .mv_data = (void *)val };

	return nsc_errno(mdb_put(txn, dbi, &k, &v, flags));
}

/* Delete key (and for the dev index only the value val); a missing one is fine. */
static int db_del(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, const void *val,
		  size_t vlen)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };
	MDB_val v = { .mv_size = vlen, .mv_data = (void *)val };
	int r = nsc_errno(mdb_del(txn, dbi, &k, val ? &v : NULL));

	return r == -ENOENT ? 0 : r;
}

/* ---- typed access in a transaction ---------------------------------------------------------- */

static int get_netns(struct nscache *c, MDB_txn *txn, uint64_t cookie, struct nscache_netns *ret)
{
	uint8_t key[NSC_NETNS_KEY_SIZE];
	MDB_val v;
	int r;

	if (!c->have_db[NSC_DB_NETNS])
		return -ENOENT;
	nsc_netns_key(cookie, key);
	r = db_get(txn, c->dbi[NSC_DB_NETNS], key, sizeof(key), &v);
	if (r < 0)
		return r;
	return nsc_netns_decode(key, sizeof(key), v.mv_data, v.mv_size, ret);
}

static int put_netns(struct nscache *c, MDB_txn *txn, const struct nscache_netns *n)
{
	uint8_t key[NSC_NETNS_KEY_SIZE], buf[NSC_VALUE_MAX];
	size_t len;
	int r;

	nsc_netns_key(n->cookie, key);
	r = nsc_netns_encode(n, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	return db_put(txn, c->dbi[NSC_DB_NETNS], key, sizeof(key), buf, len, 0);
}

static int get_server(struct nscache *c, MDB_txn *txn, uint64_t cookie,
		      const struct nscache_addr *a, struct nscache_server *ret)
{
	uint8_t key[NSC_SERVER_KEY_SIZE];
	MDB_val v;
	int r;

	if (!c->have_db[NSC_DB_SERVER])
		return -ENOENT;
	nsc_server_key(cookie, a, key);
	r = db_get(txn, c->dbi[NSC_DB_SERVER], key, sizeof(key), &v);
	if (r < 0)
		return r;
	return nsc_server_decode(key, sizeof(key), v.mv_data, v.mv_size, ret);
}

static int put_server(struct nscache *c, MDB_txn *txn, const struct nscache_server *s)
{
	uint8_t key[NSC_SERVER_KEY_SIZE], buf[NSC_VALUE_MAX];
	size_t len;
	int r;

	nsc_server_key(s->cookie, &s->addr, key);
	r = nsc_server_encode(s, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	return db_put(txn, c->dbi[NSC_DB_SERVER], key, sizeof(key), buf, len, 0);
}

static int del_server(struct nscache *c, MDB_txn *txn, uint64_t cookie, const struct nscache_addr *a)
{
	uint8_t key[NSC_SERVER_KEY_SIZE];

	nsc_server_key(cookie, a, key);
	return db_del(txn, c->dbi[NSC_DB_SERVER], key, sizeof(key), NULL, 0);
}

static int get_mount(struct nscache *c, MDB_txn *txn, uint64_t id, struct nscache_mount *ret)
{
	uint8_t key[NSC_MOUNT_KEY_SIZE];
	MDB_val v;
	int r;

	if (!c->have_db[NSC_DB_MOUNT])
		return -ENOENT;
	nsc_mount_key(id, key);
	r = db_get(txn, c->dbi[NSC_DB_MOUNT], key, sizeof(key), &v);
	if (r < 0)
		return r;
	return nsc_mount_decode(key, sizeof(key), v.mv_data, v.mv_size, ret);
}

static int put_mount(struct nscache *c, MDB_txn *txn, const struct nscache_mount *m)
{
	uint8_t key[NSC_MOUNT_KEY_SIZE], dev[NSC_DEV_KEY_SIZE], buf[NSC_VALUE_MAX];
	size_t len;
	int r;

	nsc_mount_key(m->mount_id, key);
	r = nsc_mount_encode(m, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	r = db_put(txn, c->dbi[NSC_DB_MOUNT], key, sizeof(key), buf, len, 0);
	if (r < 0)
		return r;
	nsc_put_be64(dev, m->dev);
	r = db_put(txn, c->dbi[NSC_DB_DEV], dev, sizeof(dev), key, sizeof(key), MDB_NODUPDATA);
	return r == -EEXIST ? 0 : r;
}

static int del_mount(struct nscache *c, MDB_txn *txn, uint64_t id, uint64_t dev_num)
{
	uint8_t key[NSC_MOUNT_KEY_SIZE], dev[NSC_DEV_KEY_SIZE];
	int r;

	nsc_mount_key(id, key);
	nsc_put_be64(dev, dev_num);
	r = db_del(txn, c->dbi[NSC_DB_MOUNT], key, sizeof(key), NULL, 0);
	if (r < 0)
		return r;
	return db_del(txn, c->dbi[NSC_DB_DEV], dev, sizeof(dev), key, sizeof(key));
}

static int del_resolver(struct nscache *c, MDB_txn *txn, uint64_t cookie, const char *name,
			unsigned *count)
{
	uint8_t key[NSC_RESOLVER_KEY_MAX];
	char canon[NSCACHE_NAME_MAX + 1];
	MDB_val k, v;
	int klen, rc;

	if (nsc_name_canonical(name, canon, sizeof(canon)) < 0)
		return 0;
	klen = nsc_resolver_key(cookie, canon, key);
	if (klen < 0)
		return 0;
	k.mv_size = (size_t)klen;
	k.mv_data = key;
	rc = mdb_get(txn, c->dbi[NSC_DB_RESOLVER], &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return nsc_errno(rc);
	rc = mdb_del(txn, c->dbi[NSC_DB_RESOLVER], &k, NULL);
	if (rc)
		return nsc_errno(rc);
	(*count)++;
	return 0;
}

/* Delete every key of db that starts with cookie; count them. */
static int del_prefix(struct nscache *c, MDB_txn *txn, enum nsc_db db, uint64_t cookie,
		      unsigned *count)
{
	uint8_t prefix[8];
	MDB_cursor *cur;
	MDB_val k = { .mv_size = sizeof(prefix), .mv_data = prefix }, v;
	int rc;

	nsc_put_be64(prefix, cookie);
	rc = mdb_cursor_open(txn, c->dbi[db], &cur);
	if (rc)
		return nsc_errno(rc);
	/* Seek the prefix again after each delete: no cursor state to trust. */
	for (;;) {
		k.mv_size = sizeof(prefix);
		k.mv_data = prefix;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc != MDB_SUCCESS || k.mv_size < 8 || memcmp(k.mv_data, prefix, 8) != 0)
			break;
		rc = mdb_cursor_del(cur, 0);
		if (rc)
			break;
		(*count)++;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND || rc == MDB_SUCCESS ? 0 : nsc_errno(rc);
}

static bool server_has_name(const struct nscache_server *s, const char *canon)
{
	char other[NSCACHE_NAME_MAX + 1];

	for (unsigned i = 0; i < s->n_names; i++)
		if (nsc_name_canonical(s->names[i], other, sizeof(other)) == 0 &&
		    strcmp(other, canon) == 0)
			return true;
	return false;
}

/* Drop the resolver entries of a dropped server's names that no live server of
 * the netns still carries. */
static int drop_unneeded_names(struct nscache *c, MDB_txn *txn, const struct nscache_server *gone,
			       unsigned *count)
{
	for (unsigned i = 0; i < gone->n_names; i++) {
		char canon[NSCACHE_NAME_MAX + 1];
		uint8_t prefix[8];
		MDB_cursor *cur;
		MDB_val k = { .mv_size = 8, .mv_data = prefix }, v;
		bool needed = false;
		int rc, r;

		if (nsc_name_canonical(gone->names[i], canon, sizeof(canon)) < 0)
			continue;
		nsc_put_be64(prefix, gone->cookie);
		rc = mdb_cursor_open(txn, c->dbi[NSC_DB_SERVER], &cur);
		if (rc)
			return nsc_errno(rc);
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS && !needed;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			struct nscache_server s;

			if (k.mv_size < 8 || memcmp(k.mv_data, prefix, 8) != 0)
				break;
			if (nsc_server_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &s) == 0 &&
			    s.refcount > 0 && !nscache_addr_equal(&s.addr, &gone->addr) &&
			    server_has_name(&s, canon))
				needed = true;
		}
		mdb_cursor_close(cur);
		if (needed)
			continue;
		r = del_resolver(c, txn, gone->cookie, canon, count);
		if (r < 0)
			return r;
	}
	return 0;
}

struct id_dev {
	uint64_t id;
	uint64_t dev;
};

/* Mount ids (and devs) of the records of a netns, optionally of one server only. */
static int collect_mounts(struct nscache *c, MDB_txn *txn, uint64_t cookie,
			  const struct nscache_addr *server, struct id_dev **ret, size_t *ret_n)
{
	struct id_dev *v = NULL;
	size_t n = 0, cap = 0;
	MDB_cursor *cur;
	MDB_val k, val;
	int rc;

	rc = mdb_cursor_open(txn, c->dbi[NSC_DB_MOUNT], &cur);
	if (rc)
		return nsc_errno(rc);
	for (rc = mdb_cursor_get(cur, &k, &val, MDB_FIRST); rc == MDB_SUCCESS;
	     rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
		const uint8_t *p = val.mv_data;
		uint64_t mc = 0;
		struct nscache_mount *m;

		/* The value starts with kind, version, cookie (LE): filter before decoding. */
		if (val.mv_size < 10)
			continue;
		for (int i = 7; i >= 0; i--)
			mc = (mc << 8) | p[2 + i];
		if (mc != cookie)
			continue;
		m = malloc(sizeof(*m));
		if (!m) {
			rc = ENOMEM;
			break;
		}
		if (nsc_mount_decode(k.mv_data, k.mv_size, val.mv_data, val.mv_size, m) < 0 ||
		    (server && memcmp(&m->server, server, sizeof(*server)) != 0)) {
			free(m);
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct id_dev *nv = realloc(v, ncap * sizeof(*nv));

			if (!nv) {
				free(m);
				rc = ENOMEM;
				break;
			}
			v = nv;
			cap = ncap;
		}
		v[n].id = m->mount_id;
		v[n].dev = m->dev;
		n++;
		free(m);
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		free(v);
		return nsc_errno(rc);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Every record of a netns.  scan_mounts: also its mount records (a full scan). */
static int drop_netns_records(struct nscache *c, MDB_txn *txn, uint64_t cookie, bool scan_mounts,
			      struct nscache_drop_result *res)
{
	uint8_t key[NSC_NETNS_KEY_SIZE];
	MDB_val k = { .mv_size = sizeof(key), .mv_data = key }, v;
	int rc, r;

	nsc_netns_key(cookie, key);
	rc = mdb_get(txn, c->dbi[NSC_DB_NETNS], &k, &v);
	if (rc == MDB_SUCCESS) {
		rc = mdb_del(txn, c->dbi[NSC_DB_NETNS], &k, NULL);
		if (rc)
			return nsc_errno(rc);
		res->netns++;
	} else if (rc != MDB_NOTFOUND) {
		return nsc_errno(rc);
	}
	r = del_prefix(c, txn, NSC_DB_SERVER, cookie, &res->servers);
	if (r < 0)
		return r;
	r = del_prefix(c, txn, NSC_DB_RESOLVER, cookie, &res->resolver);
	if (r < 0)
		return r;
	if (scan_mounts) {
		struct id_dev *v_ids = NULL;
		size_t n = 0;

		r = collect_mounts(c, txn, cookie, NULL, &v_ids, &n);
		for (size_t i = 0; r >= 0 && i < n; i++) {
			r = del_mount(c, txn, v_ids[i].id, v_ids[i].dev);
			if (r >= 0)
				res->mounts++;
		}
		free(v_ids);
		if (r < 0)
			return r;
	}
	return 0;
}

int nsc_txn_drop_netns(struct nscache *c, MDB_txn *txn, uint64_t cookie,
		       struct nscache_drop_result *ret)
{
	return drop_netns_records(c, txn, cookie, true, ret);
}

int nsc_txn_release_mount(struct nscache *c, MDB_txn *txn, const struct nscache_mount *m,
			  struct nscache_release_result *ret)
{
	struct nscache_netns n;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->mount = *m;
	r = del_mount(c, txn, m->mount_id, m->dev);
	if (r < 0)
		return r;

	r = get_server(c, txn, m->cookie, &m->server, &ret->server);
	if (r == 0) {
		struct nscache_server s = ret->server;

		if (s.refcount > 0)
			s.refcount--;
		ret->server_refs = s.refcount;
		if (s.refcount == 0) {
			r = del_server(c, txn, s.cookie, &s.addr);
			if (r < 0)
				return r;
			ret->server_dropped = true;
			r = drop_unneeded_names(c, txn, &s, &ret->resolver_dropped);
		} else {
			r = put_server(c, txn, &s);
		}
		if (r < 0)
			return r;
	} else if (r != -ENOENT && r != -EBADMSG) {
		return r;
	} else {
		ret->server.cookie = m->cookie;
		ret->server.addr = m->server;
		ret->server.minor_version = -1;
		ret->server_dropped = true; /* nothing recorded for it any more */
		if (r == -EBADMSG && (r = del_server(c, txn, m->cookie, &m->server)) < 0)
			return r;
	}

	r = get_netns(c, txn, m->cookie, &n);
	if (r == 0 && n.refcount > 1) {
		n.refcount--;
		ret->netns_refs = n.refcount;
		return put_netns(c, txn, &n);
	}
	if (r == -ENOENT)
		return 0; /* dropped already (forced): gc mends the rest */
	if (r < 0 && r != -EBADMSG)
		return r;
	/* The netns's last mount: nothing of it stays (mounts checked by refcount). */
	{
		struct nscache_drop_result d = { 0 };

		r = drop_netns_records(c, txn, m->cookie, false, &d);
		if (r < 0)
			return r;
		ret->netns_dropped = true;
		ret->resolver_dropped += d.resolver;
		if (d.servers)
			ret->server_dropped = true;
	}
	return 0;
}

/* ---- acquire ----------------------------------------------------------------------------- */

struct acquire_arg {
	const struct nscache_mount_info *info;
	struct nscache_addr server;
	uint64_t mnt_ns;
	uint64_t pid_start;
	struct nscache_acquire_result res;
};

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int acquire_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct acquire_arg *a = arg;
	const struct nscache_mount_info *info = a->info;
	struct nscache_netns n;
	struct nscache_server s;
	struct nscache_mount m, old;
	uint64_t now = nscache_realtime_ns();
	int r;

	memset(&a->res, 0, sizeof(a->res));
	r = get_mount(c, txn, info->mount_id, &old);
	if (r == 0) {
		if (old.dev == info->dev && old.cookie == info->cookie &&
		    memcmp(&old.server, &a->server, sizeof(a->server)) == 0) {
			a->res.existed = true;
			if (get_server(c, txn, old.cookie, &old.server, &s) == 0)
				a->res.server_refs = s.refcount;
			if (get_netns(c, txn, old.cookie, &n) == 0)
				a->res.netns_refs = n.refcount;
			return 0;
		}
		/* The id was reused: the old mount went without a release. */
		struct nscache_release_result *rel = malloc(sizeof(*rel));

		if (!rel)
			return -ENOMEM;
		r = nsc_txn_release_mount(c, txn, &old, rel);
		free(rel);
		if (r < 0)
			return r;
		a->res.replaced = true;
	} else if (r == -EBADMSG) {
		uint8_t key[NSC_MOUNT_KEY_SIZE];

		nsc_mount_key(info->mount_id, key);
		r = db_del(txn, c->dbi[NSC_DB_MOUNT], key, sizeof(key), NULL, 0);
		if (r < 0)
			return r;
	} else if (r != -ENOENT) {
		return r;
	}

	r = get_netns(c, txn, info->cookie, &n);
	if (r == -ENOENT || r == -EBADMSG) {
		memset(&n, 0, sizeof(n));
		n.cookie = info->cookie;
		n.source_kind = info->source_kind;
		if (info->source_kind == NSCACHE_SOURCE_NAME || info->source_kind == NSCACHE_SOURCE_PATH)
			copy_str(n.source, sizeof(n.source), info->source);
		if (info->source_kind == NSCACHE_SOURCE_PID) {
			n.pid = (uint32_t)info->source_pid;
			n.pid_start = a->pid_start;
		}
		n.nsid = -1;
		n.created_ns = now;
		a->res.netns_new = true;
	} else if (r < 0) {
		return r;
	}
	if (!n.ino)
		n.ino = info->netns_ino;
	if (info->client_id && *info->client_id) {
		copy_str(n.client_id, sizeof(n.client_id), info->client_id);
		n.client_id_set = n.client_id_set || info->client_id_set;
	}
	n.refcount++;
	r = put_netns(c, txn, &n);
	if (r < 0)
		return r;

	r = get_server(c, txn, info->cookie, &a->server, &s);
	if (r == -ENOENT || r == -EBADMSG) {
		memset(&s, 0, sizeof(s));
		s.cookie = info->cookie;
		s.addr = a->server;
		s.minor_version = -1;
		s.created_ns = now;
		a->res.server_new = true;
	} else if (r < 0) {
		return r;
	}
	if (info->server_name && *info->server_name) {
		bool known = false;

		for (unsigned i = 0; i < s.n_names; i++)
			if (strcasecmp(s.names[i], info->server_name) == 0)
				known = true;
		if (!known && s.n_names < NSCACHE_SERVER_NAMES_MAX)
			copy_str(s.names[s.n_names++], sizeof(s.names[0]), info->server_name);
	}
	if (info->minor_versions) {
		s.minor_versions = info->minor_versions; /* the latest probe wins */
		s.probe_ns = info->probe_ns ? info->probe_ns : now;
	}
	if (info->minor_version >= 0)
		s.minor_version = info->minor_version;
	s.refcount++;
	r = put_server(c, txn, &s);
	if (r < 0)
		return r;

	memset(&m, 0, sizeof(m));
	m.mount_id = info->mount_id;
	m.cookie = info->cookie;
	m.server = a->server;
	m.dev = info->dev;
	m.mnt_ns = a->mnt_ns;
	m.minor_version = info->minor_version >= 0 ? info->minor_version : -1;
	copy_str(m.spec, sizeof(m.spec), info->spec);
	copy_str(m.mount_point, sizeof(m.mount_point), info->mount_point);
	m.created_ns = now;
	r = put_mount(c, txn, &m);
	if (r < 0)
		return r;
	a->res.server_refs = s.refcount;
	a->res.netns_refs = n.refcount;
	return 0;
}

static int check_info(const struct nscache_mount_info *info)
{
	if (!info || info->cookie == 0 || !info->server || info->mount_id == 0 || !info->mount_point ||
	    !*info->mount_point)
		return -EINVAL;
	if ((unsigned)info->source_kind > NSCACHE_SOURCE_PID)
		return -EINVAL;
	if (info->source_kind == NSCACHE_SOURCE_NAME && (!info->source || !*info->source))
		return -EINVAL;
	if (info->source_kind == NSCACHE_SOURCE_PATH && (!info->source || info->source[0] != '/'))
		return -EINVAL;
	if (info->source_kind == NSCACHE_SOURCE_PID && info->source_pid <= 0)
		return -EINVAL;
	if (info->source && strlen(info->source) > NSCACHE_PATH_MAX)
		return -ENAMETOOLONG;
	if (strlen(info->mount_point) > NSCACHE_PATH_MAX ||
	    (info->spec && strlen(info->spec) > NSCACHE_PATH_MAX))
		return -ENAMETOOLONG;
	if (info->server_name && *info->server_name &&
	    !nsc_name_valid(info->server_name, strlen(info->server_name)))
		return -EINVAL;
	if (info->minor_version < -1)
		return -EINVAL;
	return 0;
}

int nscache_mount_acquire(struct nscache *c, const struct nscache_mount_info *info,
			  struct nscache_acquire_result *ret)
{
	struct acquire_arg a = { .info = info };
	int r;

	if (!c)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	r = check_info(info);
	if (r < 0)
		return r;
	r = nscache_addr_from_sockaddr(info->server, &a.server);
	if (r < 0)
		return r;
	if (a.server.port == 0)
		a.server.port = NFS_PORT_DEFAULT;
	a.mnt_ns = info->mnt_ns ? info->mnt_ns : c->own_mnt_ns;
	if (info->source_kind == NSCACHE_SOURCE_PID)
		(void)nsc_pid_start_time(info->source_pid, &a.pid_start);
	r = nsc_write(c, acquire_txn, &a);
	if (r < 0)
		return r;
	if (ret)
		*ret = a.res;
	return 0;
}

/* ---- find / release ------------------------------------------------------------------------ */

static bool ref_matches(const struct nscache_mount_ref *ref, const struct nscache_mount *m)
{
	if (ref->dev && m->dev != ref->dev)
		return false;
	if (ref->mnt_ns && m->mnt_ns != ref->mnt_ns)
		return false;
	if (ref->mount_point && strcmp(ref->mount_point, m->mount_point) != 0)
		return false;
	return true;
}

static int find_txn(struct nscache *c, MDB_txn *txn, const struct nscache_mount_ref *ref,
		    struct nscache_mount *ret)
{
	struct nscache_mount *m;
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t dev[NSC_DEV_KEY_SIZE];
	unsigned found = 0;
	int rc, r = 0;

	if (!ref || (!ref->mount_id && !ref->dev && !ref->mount_point))
		return -EINVAL;
	if (ref->mount_id) {
		r = get_mount(c, txn, ref->mount_id, ret);
		if (r < 0)
			return r;
		return ref_matches(ref, ret) ? 0 : -ENOENT;
	}
	if (!c->have_db[NSC_DB_MOUNT] || !c->have_db[NSC_DB_DEV])
		return -ENOENT;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	if (ref->dev) {
		/* The dev index: dev -> mount ids. */
		rc = mdb_cursor_open(txn, c->dbi[NSC_DB_DEV], &cur);
		if (rc) {
			free(m);
			return nsc_errno(rc);
		}
		nsc_put_be64(dev, ref->dev);
		k.mv_size = sizeof(dev);
		k.mv_data = dev;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY); rc == MDB_SUCCESS;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
			uint64_t id;

			if (v.mv_size != NSC_MOUNT_KEY_SIZE)
				continue;
			id = nsc_get_be64(v.mv_data);
			if (get_mount(c, txn, id, m) == 0 && ref_matches(ref, m)) {
				if (found++ == 0)
					*ret = *m;
			}
		}
	} else {
		rc = mdb_cursor_open(txn, c->dbi[NSC_DB_MOUNT], &cur);
		if (rc) {
			free(m);
			return nsc_errno(rc);
		}
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
			if (nsc_mount_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, m) == 0 &&
			    ref_matches(ref, m) && found++ == 0)
				*ret = *m;
	}
	mdb_cursor_close(cur);
	free(m);
	if (rc != MDB_NOTFOUND)
		return nsc_errno(rc);
	if (found == 0)
		return -ENOENT;
	return found > 1 ? -ENOTUNIQ : 0;
}

int nscache_mount_find(struct nscache *c, const struct nscache_mount_ref *ref,
		       struct nscache_mount *ret)
{
	struct nscache_mount *m;
	MDB_txn *txn;
	int r;

	if (!c || !ret)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	if (c->empty)
		return -ENOENT;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	r = nsc_read_begin(c, &txn);
	if (r >= 0) {
		r = find_txn(c, txn, ref, m);
		nsc_read_end(c, txn);
	}
	if (r == 0)
		*ret = *m;
	free(m);
	return r;
}

struct release_arg {
	const struct nscache_mount_ref *ref;
	struct nscache_mount m;
	struct nscache_release_result res;
};

static int release_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct release_arg *a = arg;
	int r;

	r = find_txn(c, txn, a->ref, &a->m);
	if (r < 0)
		return r;
	return nsc_txn_release_mount(c, txn, &a->m, &a->res);
}

int nscache_mount_release(struct nscache *c, const struct nscache_mount_ref *ref,
			  struct nscache_release_result *ret)
{
	struct release_arg *a;
	int r;

	if (!c || !ref)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	if (c->flags & NSCACHE_OPEN_READONLY)
		return -EROFS;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->ref = ref;
	r = nsc_write(c, release_txn, a);
	if (r >= 0 && ret)
		*ret = a->res;
	free(a);
	return r < 0 ? r : 0;
}

int nscache_mount_identify(int dirfd, const char *path, uint64_t *ret_mount_id, uint64_t *ret_dev)
{
	struct statx stx;
	int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT;

	if (!path || !*path) {
		path = "";
		flags |= AT_EMPTY_PATH;
	}
	if (statx(dirfd, path, flags, STATX_MNT_ID, &stx) < 0)
		return negative_errno();
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*ret_mount_id = stx.stx_mnt_id;
	*ret_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	return 0;
}

/* ---- lookups ------------------------------------------------------------------------------- */

/* Run a typed getter in a read snapshot. */
#define READ_ONE(c, call)                                  \
	({                                                 \
		MDB_txn *_txn;                             \
		int _r;                                    \
		if ((c)->busy)                             \
			_r = -EBUSY;                       \
		else if ((c)->empty)                       \
			_r = -ENOENT;                      \
		else if ((_r = nsc_read_begin((c), &_txn)) >= 0) { \
			MDB_txn *txn = _txn;               \
			_r = (call);                       \
			nsc_read_end((c), _txn);           \
		}                                          \
		_r;                                        \
	})

int nscache_netns_get(struct nscache *c, uint64_t cookie, struct nscache_netns *ret)
{
	if (!c || !ret || cookie == 0)
		return -EINVAL;
	return READ_ONE(c, get_netns(c, txn, cookie, ret));
}

int nscache_server_get(struct nscache *c, uint64_t cookie, const struct nscache_addr *addr,
		       struct nscache_server *ret)
{
	if (!c || !ret || !addr || cookie == 0 || !nsc_addr_valid(addr))
		return -EINVAL;
	return READ_ONE(c, get_server(c, txn, cookie, addr, ret));
}

int nscache_mount_get(struct nscache *c, uint64_t mount_id, struct nscache_mount *ret)
{
	if (!c || !ret || mount_id == 0)
		return -EINVAL;
	return READ_ONE(c, get_mount(c, txn, mount_id, ret));
}

static int get_resolver(struct nscache *c, MDB_txn *txn, uint64_t cookie, const char *canon,
			struct nscache_resolver *ret)
{
	uint8_t key[NSC_RESOLVER_KEY_MAX];
	MDB_val v;
	int klen, r;

	if (!c->have_db[NSC_DB_RESOLVER])
		return -ENOENT;
	klen = nsc_resolver_key(cookie, canon, key);
	if (klen < 0)
		return klen;
	r = db_get(txn, c->dbi[NSC_DB_RESOLVER], key, (size_t)klen, &v);
	if (r < 0)
		return r;
	r = nsc_resolver_decode(key, (size_t)klen, v.mv_data, v.mv_size, ret);
	if (r < 0)
		return r;
	return ret->expires_boot_ns <= nscache_boottime_ns() ? -ENOENT : 0;
}

int nscache_resolver_get(struct nscache *c, uint64_t cookie, const char *name,
			 struct nscache_resolver *ret)
{
	char canon[NSCACHE_NAME_MAX + 1];

	if (!c || !ret || cookie == 0 || nsc_name_canonical(name, canon, sizeof(canon)) < 0)
		return -EINVAL;
	return READ_ONE(c, get_resolver(c, txn, cookie, canon, ret));
}

struct resolver_arg {
	struct nscache_resolver r;
	bool remove;
};

static int resolver_put_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct resolver_arg *a = arg;
	uint8_t key[NSC_RESOLVER_KEY_MAX], buf[NSC_VALUE_MAX];
	size_t len;
	unsigned dummy = 0;
	int klen, r;

	if (a->remove)
		return del_resolver(c, txn, a->r.cookie, a->r.name, &dummy);
	klen = nsc_resolver_key(a->r.cookie, a->r.name, key);
	if (klen < 0)
		return klen;
	r = nsc_resolver_encode(&a->r, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	return db_put(txn, c->dbi[NSC_DB_RESOLVER], key, (size_t)klen, buf, len, 0);
}

int nscache_resolver_put(struct nscache *c, uint64_t cookie, const char *name,
			 const struct nscache_addr *addrs, size_t n, int error, uint32_t ttl_s)
{
	struct resolver_arg a = { 0 };

	if (!c || cookie == 0 || nsc_name_canonical(name, a.r.name, sizeof(a.r.name)) < 0)
		return -EINVAL;
	if (error > 0 || (error < 0 && n != 0) || (error == 0 && (n == 0 || !addrs)) ||
	    n > NSCACHE_RESOLVER_ADDRS_MAX)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	a.r.cookie = cookie;
	a.r.error = error;
	a.r.n_addrs = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		if (!nsc_addr_valid(&addrs[i]))
			return -EINVAL;
		a.r.addrs[i] = addrs[i];
		a.r.addrs[i].port = 0;
	}
	if (ttl_s == 0) {
		a.remove = true;
	} else {
		uint32_t cap = error < 0 ? NSCACHE_NEGATIVE_TTL_MAX : NSCACHE_TTL_MAX;

		if (ttl_s > cap)
			ttl_s = cap;
		a.r.created_ns = nscache_realtime_ns();
		a.r.expires_boot_ns = nscache_boottime_ns() + (uint64_t)ttl_s * 1000000000ull;
	}
	return nsc_write(c, resolver_put_txn, &a);
}

/* ---- iteration ------------------------------------------------------------------------------ */

union any_record {
	struct nscache_netns netns;
	struct nscache_server server;
	struct nscache_mount mount;
	struct nscache_resolver resolver;
};

static int foreach_db(struct nscache *c, enum nsc_db db, uint64_t cookie, void *fn, void *userdata)
{
	union any_record *rec;
	uint8_t prefix[8];
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	bool keyed_by_cookie = db != NSC_DB_MOUNT;
	int rc, r;

	if (!c || !fn)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	if (c->empty || !c->have_db[db])
		return 0;
	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	r = nsc_read_begin(c, &txn);
	if (r < 0) {
		free(rec);
		return r;
	}
	rc = mdb_cursor_open(txn, c->dbi[db], &cur);
	if (rc) {
		nsc_read_end(c, txn);
		free(rec);
		return nsc_errno(rc);
	}
	nsc_put_be64(prefix, cookie);
	if (cookie && keyed_by_cookie) {
		k.mv_size = sizeof(prefix);
		k.mv_data = prefix;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	} else {
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	}
	c->busy = true;
	r = 0;
	for (; rc == MDB_SUCCESS && r == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		int d;

		if (cookie && keyed_by_cookie && (k.mv_size < 8 || memcmp(k.mv_data, prefix, 8) != 0))
			break;
		switch (db) {
		case NSC_DB_NETNS:
			d = nsc_netns_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->netns);
			if (d == 0)
				r = ((nscache_netns_fn)fn)(&rec->netns, userdata);
			break;
		case NSC_DB_SERVER:
			d = nsc_server_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->server);
			if (d == 0)
				r = ((nscache_server_fn)fn)(&rec->server, userdata);
			break;
		case NSC_DB_MOUNT:
			d = nsc_mount_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->mount);
			if (d == 0 && (!cookie || rec->mount.cookie == cookie))
				r = ((nscache_mount_fn)fn)(&rec->mount, userdata);
			break;
		case NSC_DB_RESOLVER:
			d = nsc_resolver_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size,
						&rec->resolver);
			if (d == 0)
				r = ((nscache_resolver_fn)fn)(&rec->resolver, userdata);
			break;
		default:
			r = -EINVAL;
			break;
		}
	}
	c->busy = false;
	mdb_cursor_close(cur);
	nsc_read_end(c, txn);
	free(rec);
	if (r != 0)
		return r;
	return rc == MDB_NOTFOUND || rc == MDB_SUCCESS ? 0 : nsc_errno(rc);
}

int nscache_foreach_netns(struct nscache *c, nscache_netns_fn fn, void *userdata)
{
	return foreach_db(c, NSC_DB_NETNS, 0, (void *)fn, userdata);
}

int nscache_foreach_server(struct nscache *c, uint64_t cookie, nscache_server_fn fn, void *userdata)
{
	return foreach_db(c, NSC_DB_SERVER, cookie, (void *)fn, userdata);
}

int nscache_foreach_mount(struct nscache *c, uint64_t cookie, nscache_mount_fn fn, void *userdata)
{
	return foreach_db(c, NSC_DB_MOUNT, cookie, (void *)fn, userdata);
}

int nscache_foreach_resolver(struct nscache *c, uint64_t cookie, nscache_resolver_fn fn,
			     void *userdata)
{
	return foreach_db(c, NSC_DB_RESOLVER, cookie, (void *)fn, userdata);
}

/* ---- drop -------------------------------------------------------------------------------------- */

struct drop_arg {
	uint64_t cookie;
	struct nscache_addr addr;
	unsigned flags;
	struct nscache_drop_result res;
};

static int netns_drop_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct drop_arg *a = arg;
	struct nscache_netns n;
	struct id_dev *ids = NULL;
	size_t n_ids = 0;
	uint8_t prefix[8];
	MDB_cursor *cur;
	MDB_val k = { .mv_size = 8, .mv_data = prefix }, v;
	bool any_server = false;
	int r, rc;

	memset(&a->res, 0, sizeof(a->res));
	r = get_netns(c, txn, a->cookie, &n);
	if (r < 0 && r != -ENOENT && r != -EBADMSG)
		return r;
	if (r == 0 && n.refcount > 0 && !(a->flags & NSCACHE_DROP_FORCE))
		return -EBUSY;
	r = collect_mounts(c, txn, a->cookie, NULL, &ids, &n_ids);
	if (r < 0)
		return r;
	free(ids);
	if (n_ids > 0 && !(a->flags & NSCACHE_DROP_FORCE))
		return -EBUSY;
	nsc_put_be64(prefix, a->cookie);
	rc = mdb_cursor_open(txn, c->dbi[NSC_DB_SERVER], &cur);
	if (rc)
		return nsc_errno(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	any_server = rc == MDB_SUCCESS && k.mv_size >= 8 && memcmp(k.mv_data, prefix, 8) == 0;
	mdb_cursor_close(cur);
	r = drop_netns_records(c, txn, a->cookie, true, &a->res);
	if (r < 0)
		return r;
	if (!any_server && a->res.netns + a->res.servers + a->res.mounts + a->res.resolver == 0)
		return -ENOENT;
	return 0;
}

int nscache_netns_drop(struct nscache *c, uint64_t cookie, unsigned flags,
		       struct nscache_drop_result *ret)
{
	struct drop_arg a = { .cookie = cookie, .flags = flags };
	int r;

	if (!c || cookie == 0)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	r = nsc_write(c, netns_drop_txn, &a);
	if (r >= 0 && ret)
		*ret = a.res;
	return r < 0 ? r : 0;
}

static int server_drop_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct drop_arg *a = arg;
	struct nscache_server *match = NULL, *s;
	size_t n = 0, cap = 0;
	uint8_t prefix[8];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, r = 0;

	memset(&a->res, 0, sizeof(a->res));
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	rc = mdb_cursor_open(txn, c->dbi[NSC_DB_SERVER], &cur);
	if (rc) {
		free(s);
		return nsc_errno(rc);
	}
	nsc_put_be64(prefix, a->cookie);
	k.mv_size = 8;
	k.mv_data = prefix;
	rc = a->cookie ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (a->cookie && (k.mv_size < 8 || memcmp(k.mv_data, prefix, 8) != 0))
			break;
		if (nsc_server_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, s) < 0 ||
		    !nscache_addr_equal(&s->addr, &a->addr))
			continue;
		if (s->refcount > 0 && !(a->flags & NSCACHE_DROP_FORCE)) {
			r = -EBUSY;
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct nscache_server *nm = realloc(match, ncap * sizeof(*nm));

			if (!nm) {
				r = -ENOMEM;
				break;
			}
			match = nm;
			cap = ncap;
		}
		match[n++] = *s;
	}
	mdb_cursor_close(cur);
	free(s);
	if (r == 0 && rc != MDB_NOTFOUND && rc != MDB_SUCCESS)
		r = nsc_errno(rc);
	if (r == 0 && n == 0)
		r = -ENOENT;
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct id_dev *ids = NULL;
		size_t n_ids = 0;
		struct nscache_netns ns;

		r = collect_mounts(c, txn, match[i].cookie, &match[i].addr, &ids, &n_ids);
		for (size_t j = 0; r == 0 && j < n_ids; j++) {
			r = del_mount(c, txn, ids[j].id, ids[j].dev);
			a->res.mounts++;
		}
		free(ids);
		if (r == 0)
			r = del_server(c, txn, match[i].cookie, &match[i].addr);
		if (r < 0)
			break;
		a->res.servers++;
		match[i].refcount = 0;
		r = drop_unneeded_names(c, txn, &match[i], &a->res.resolver);
		if (r < 0 || n_ids == 0)
			continue;
		/* Its mounts counted in the netns too. */
		r = get_netns(c, txn, match[i].cookie, &ns);
		if (r == -ENOENT) {
			r = 0;
			continue;
		}
		if (r == 0 && ns.refcount > n_ids) {
			ns.refcount -= (uint32_t)n_ids;
			r = put_netns(c, txn, &ns);
		} else if (r == 0 || r == -EBADMSG) {
			r = drop_netns_records(c, txn, match[i].cookie, true, &a->res);
		}
	}
	free(match);
	return r;
}

int nscache_server_drop(struct nscache *c, uint64_t cookie, const struct nscache_addr *addr,
			unsigned flags, struct nscache_drop_result *ret)
{
	struct drop_arg a = { .cookie = cookie, .flags = flags };
	int r;

	if (!c || !addr || !nsc_addr_valid(addr))
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	a.addr = *addr;
	r = nsc_write(c, server_drop_txn, &a);
	if (r >= 0 && ret)
		*ret = a.res;
	return r < 0 ? r : 0;
}

/* ---- names -------------------------------------------------------------------------------------- */

const char *nscache_source_string(enum nscache_source kind)
{
	switch (kind) {
	case NSCACHE_SOURCE_CALLER:
		return "caller";
	case NSCACHE_SOURCE_NAME:
		return "name";
	case NSCACHE_SOURCE_PATH:
		return "path";
	case NSCACHE_SOURCE_PID:
		return "pid";
	}
	return "?";
}

const char *nscache_event_kind_string(enum nscache_event_kind kind)
{
	switch (kind) {
	case NSCACHE_EVENT_MOUNT_GONE:
		return "mount-gone";
	case NSCACHE_EVENT_NETNS_GONE:
		return "netns-gone";
	case NSCACHE_EVENT_RESOLVER_EXPIRED:
		return "resolver-expired";
	case NSCACHE_EVENT_REFCOUNT_FIXED:
		return "refcount-fixed";
	case NSCACHE_EVENT_CORRUPT_RECORD:
		return "corrupt-record";
	case NSCACHE_EVENT_NSID_ASSIGNED:
		return "nsid-assigned";
	case NSCACHE_EVENT_NSID_DELETED:
		return "nsid-deleted";
	case NSCACHE_EVENT_WATCHING:
		return "watching";
	case NSCACHE_EVENT_ERROR:
		return "error";
	}
	return "?";
}

const char *nscache_finding_kind_string(enum nscache_finding_kind kind)
{
	switch (kind) {
	case NSCACHE_FINDING_CROSS_NETNS:
		return "cross-netns";
	case NSCACHE_FINDING_IDLE_SERVER:
		return "idle-server";
	case NSCACHE_FINDING_ORPHAN_MOUNT:
		return "orphan-mount";
	case NSCACHE_FINDING_STALE_RECORD:
		return "stale-record";
	}
	return "?";
}

const char *nscache_netns_label(const struct nscache_netns *n, char *buf, size_t size)
{
	switch (n->source_kind) {
	case NSCACHE_SOURCE_NAME:
	case NSCACHE_SOURCE_PATH:
		snprintf(buf, size, "%s", n->source);
		break;
	case NSCACHE_SOURCE_PID:
		snprintf(buf, size, "pid %u", n->pid);
		break;
	default:
		snprintf(buf, size, "caller (%llu)", (unsigned long long)n->cookie);
		break;
	}
	return buf;
}
