/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reconcile the store with the live system (nscache gc, and the watcher's
 * handlers).  Always in this order, so a record made while we look is never
 * mistaken for a dead one: snapshot the records first, then read the kernel
 * state, then drop in a write transaction only records that are still the
 * same as in the snapshot (mount id + dev + creation time).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/macro.h"
#include "nscache/nscache-internal.h"

void nsc_emit(nscache_event_fn fn, void *userdata, enum nscache_event_kind kind, uint64_t cookie,
	      uint64_t mount_id, int error, const char *what, const char *detail)
{
	struct nscache_event ev = {
		.kind = kind,
		.cookie = cookie,
		.mount_id = mount_id,
		.nsid = -1,
		.error = error,
		.what = what ? what : "",
		.detail = detail ? detail : "",
	};

	if (fn)
		fn(&ev, userdata);
}

/* ---- mounts -------------------------------------------------------------------------------- */

struct mount_snap {
	uint64_t id, dev, mnt_ns, created, cookie;
	char *mount_point;
	bool dead;
};

struct mount_snaps {
	struct mount_snap *v;
	size_t n, cap;
	int error;
};

static int snap_mount(const struct nscache_mount *m, void *userdata)
{
	struct mount_snaps *s = userdata;

	if (nsc_grow((void **)&s->v, s->n, &s->cap, sizeof(*s->v)) < 0)
		return -ENOMEM;
	s->v[s->n] = (struct mount_snap){
		.id = m->mount_id,
		.dev = m->dev,
		.mnt_ns = m->mnt_ns,
		.created = m->created_ns,
		.cookie = m->cookie,
		.mount_point = strdup(m->mount_point),
	};
	if (!s->v[s->n].mount_point)
		return -ENOMEM;
	s->n++;
	return 0;
}

static void mount_snaps_free(struct mount_snaps *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].mount_point);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static bool mountinfo_has(const struct nsc_mountinfo_list *mi, uint64_t id, uint64_t dev)
{
	for (size_t i = 0; i < mi->n; i++)
		if (mi->v[i].mount_id == id && mi->v[i].dev == dev)
			return true;
	return false;
}

struct release_dead_arg {
	struct mount_snaps *snaps;
	unsigned released, servers, netns;
	bool *released_flags;
};

static int release_dead_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct release_dead_arg *a = arg;
	struct nscache_mount *m;
	struct nscache_release_result *rel;
	int r = 0;

	m = malloc(sizeof(*m));
	rel = malloc(sizeof(*rel));
	if (!m || !rel) {
		free(m);
		free(rel);
		return -ENOMEM;
	}
	a->released = a->servers = a->netns = 0;
	for (size_t i = 0; i < a->snaps->n; i++) {
		struct mount_snap *s = &a->snaps->v[i];
		uint8_t key[NSC_MOUNT_KEY_SIZE];
		MDB_val k = { .mv_size = sizeof(key), .mv_data = key }, v;
		int rc;

		a->released_flags[i] = false;
		if (!s->dead)
			continue;
		nsc_mount_key(s->id, key);
		rc = mdb_get(txn, c->dbi[NSC_DB_MOUNT], &k, &v);
		if (rc == MDB_NOTFOUND)
			continue; /* released meanwhile (umount.nfs4 was faster) */
		if (rc) {
			r = nsc_errno(rc);
			break;
		}
		if (nsc_mount_decode(key, sizeof(key), v.mv_data, v.mv_size, m) < 0)
			continue; /* gc's corrupt pass */
		/* Re-acquired meanwhile under a reused id: not the record we judged. */
		if (m->dev != s->dev || m->created_ns != s->created)
			continue;
		r = nsc_txn_release_mount(c, txn, m, rel);
		if (r < 0)
			break;
		a->released_flags[i] = true;
		a->released++;
		a->servers += rel->server_dropped;
		a->netns += rel->netns_dropped;
	}
	free(m);
	free(rel);
	return r;
}

int nsc_reconcile_mounts(struct nscache *c, bool own_only, const char *own_mountinfo,
			 size_t own_len, nscache_event_fn on_event, void *userdata,
			 struct nscache_gc_result *res)
{
	struct mount_snaps snaps = { 0 };
	struct nsc_mountinfo_list own = { 0 };
	struct nsc_proc_list procs = { 0 };
	struct release_dead_arg arg = { .snaps = &snaps };
	size_t n_dead = 0;
	int r;

	/* 1. records */
	r = nscache_foreach_mount(c, 0, snap_mount, &snaps);
	if (r < 0)
		goto out;
	if (snaps.n == 0)
		goto out;

	/* 2. the kernel's view */
	if (own_mountinfo) {
		char *copy = malloc(own_len + 1);

		if (!copy) {
			r = -ENOMEM;
			goto out;
		}
		memcpy(copy, own_mountinfo, own_len);
		copy[own_len] = '\0';
		r = nsc_mountinfo_parse_text(copy, own_len, &own);
		if (r < 0) {
			free(copy);
			goto out;
		}
		own.text = copy;
	} else {
		r = nsc_mountinfo_read("/proc/self/mountinfo", &own);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < snaps.n; i++) {
		struct mount_snap *s = &snaps.v[i];

		if (s->mnt_ns == c->own_mnt_ns) {
			s->dead = !mountinfo_has(&own, s->id, s->dev);
			continue;
		}
		if (own_only)
			continue;
		if (!procs.v) {
			r = nsc_procs_read(&procs);
			if (r < 0)
				goto out;
		}
		/* Another mount namespace: one of its processes' mountinfo, read and closed. */
		pid_t pid = 0;

		for (size_t j = 0; j < procs.n; j++)
			if (procs.v[j].mnt_ino == s->mnt_ns) {
				pid = procs.v[j].pid;
				break;
			}
		if (pid == 0) {
			s->dead = true; /* no process keeps that mount namespace: its mounts went with it */
			continue;
		}
		char path[64];
		struct nsc_mountinfo_list other = { 0 };

		snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
		if (nsc_mountinfo_read(path, &other) < 0)
			continue; /* raced with its exit: judge next time */
		/* Same verdict for every record of that namespace. */
		for (size_t j = i; j < snaps.n; j++)
			if (snaps.v[j].mnt_ns == s->mnt_ns && !snaps.v[j].dead)
				snaps.v[j].dead = !mountinfo_has(&other, snaps.v[j].id, snaps.v[j].dev);
		nsc_mountinfo_list_free(&other);
	}
	for (size_t i = 0; i < snaps.n; i++)
		n_dead += snaps.v[i].dead;
	if (n_dead == 0)
		goto out;

	/* 3. release what is still the same record */
	arg.released_flags = calloc(snaps.n, sizeof(bool));
	if (!arg.released_flags) {
		r = -ENOMEM;
		goto out;
	}
	r = nsc_write(c, release_dead_txn, &arg);
	if (r >= 0) {
		for (size_t i = 0; i < snaps.n; i++)
			if (arg.released_flags[i])
				nsc_emit(on_event, userdata, NSCACHE_EVENT_MOUNT_GONE, snaps.v[i].cookie,
					 snaps.v[i].id, 0, "not mounted any more", snaps.v[i].mount_point);
		if (res) {
			res->mounts += arg.released;
			res->servers += arg.servers;
			res->netns += arg.netns;
		}
	}
	free(arg.released_flags);
out:
	mount_snaps_free(&snaps);
	nsc_mountinfo_list_free(&own);
	nsc_proc_list_free(&procs);
	return r < 0 ? r : 0;
}

/* ---- netns ----------------------------------------------------------------------------------- */

struct netns_snaps {
	struct nscache_netns *v;
	size_t n, cap;
	uint64_t only;
};

static int snap_netns(const struct nscache_netns *n, void *userdata)
{
	struct netns_snaps *s = userdata;

	if (s->only && n->cookie != s->only)
		return 0;
	if (nsc_grow((void **)&s->v, s->n, &s->cap, sizeof(*s->v)) < 0)
		return -ENOMEM;
	s->v[s->n++] = *n;
	return 0;
}

struct drop_gone_arg {
	uint64_t cookie;
	uint64_t created;
	struct nscache_drop_result res;
	bool dropped;
};

static int drop_gone_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct drop_gone_arg *a = arg;
	uint8_t key[NSC_NETNS_KEY_SIZE];
	MDB_val k = { .mv_size = sizeof(key), .mv_data = key }, v;
	struct nscache_netns n;
	int rc;

	memset(&a->res, 0, sizeof(a->res));
	a->dropped = false;
	nsc_netns_key(a->cookie, key);
	rc = mdb_get(txn, c->dbi[NSC_DB_NETNS], &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return nsc_errno(rc);
	if (nsc_netns_decode(key, sizeof(key), v.mv_data, v.mv_size, &n) == 0 &&
	    n.created_ns != a->created)
		return 0; /* not the record we judged (cannot happen: cookies are never reused) */
	a->dropped = true;
	return nsc_txn_drop_netns(c, txn, a->cookie, &a->res);
}

int nsc_reconcile_netns(struct nscache *c, uint64_t only_cookie, nscache_event_fn on_event,
			void *userdata, struct nscache_gc_result *res)
{
	struct netns_snaps snaps = { .only = only_cookie };
	struct nsc_proc_list procs = { 0 };
	int r;

	r = nscache_foreach_netns(c, snap_netns, &snaps);
	if (r < 0 || snaps.n == 0)
		goto out;
	r = nsc_procs_read(&procs);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < snaps.n; i++) {
		struct drop_gone_arg a = { .cookie = snaps.v[i].cookie, .created = snaps.v[i].created_ns };
		char label[NSCACHE_PATH_MAX + 32];
		int reach = nsc_netns_reachable(&snaps.v[i], &procs, NULL, 0);

		if (reach != 0) {
			if (reach < 0)
				nsc_emit(on_event, userdata, NSCACHE_EVENT_ERROR, snaps.v[i].cookie, 0,
					 reach, "netns reachability check", "");
			continue;
		}
		r = nsc_write(c, drop_gone_txn, &a);
		if (r < 0)
			goto out;
		if (!a.dropped)
			continue;
		nscache_netns_label(&snaps.v[i], label, sizeof(label));
		nsc_emit(on_event, userdata, NSCACHE_EVENT_NETNS_GONE, a.cookie, 0, 0,
			 "netns unreachable (deleted, or a zombie held by a mount)", label);
		if (res) {
			res->netns++;
			res->servers += a.res.servers;
			res->mounts += a.res.mounts;
			res->resolver += a.res.resolver;
		}
	}
out:
	free(snaps.v);
	nsc_proc_list_free(&procs);
	return r < 0 ? r : 0;
}

/* ---- resolver expiry, corrupt records, refcounts ------------------------------------------------ */

struct sweep_arg {
	uint64_t now_boot;
	unsigned expired, corrupt, fixed, dropped_servers, dropped_netns;
	nscache_event_fn on_event;
	void *userdata;
	/* events are reported after the commit */
	struct sweep_event {
		enum nscache_event_kind kind;
		uint64_t cookie;
		char detail[NSCACHE_NAME_MAX + 64];
	} *events;
	size_t n_events, cap_events;
};

static void sweep_note(struct sweep_arg *a, enum nscache_event_kind kind, uint64_t cookie,
		       const char *detail)
{
	if (nsc_grow((void **)&a->events, a->n_events, &a->cap_events, sizeof(*a->events)) < 0)
		return; /* an event less; the work is done anyway */
	a->events[a->n_events].kind = kind;
	a->events[a->n_events].cookie = cookie;
	snprintf(a->events[a->n_events].detail, sizeof(a->events[0].detail), "%s", detail);
	a->n_events++;
}

/* Counts of mounts per netns / per server, from the mount records. */
struct count {
	uint8_t key[NSC_SERVER_KEY_SIZE]; /* server key, or the netns key in the first 8 bytes */
	uint32_t n;
};

struct counts {
	struct count *v;
	size_t n, cap;
};

static int count_add(struct counts *cs, const uint8_t *key, size_t klen)
{
	for (size_t i = 0; i < cs->n; i++)
		if (memcmp(cs->v[i].key, key, klen) == 0) {
			cs->v[i].n++;
			return 0;
		}
	if (nsc_grow((void **)&cs->v, cs->n, &cs->cap, sizeof(*cs->v)) < 0)
		return -ENOMEM;
	memset(&cs->v[cs->n], 0, sizeof(cs->v[0]));
	memcpy(cs->v[cs->n].key, key, klen);
	cs->v[cs->n].n = 1;
	cs->n++;
	return 0;
}

static uint32_t count_get(const struct counts *cs, const uint8_t *key, size_t klen)
{
	for (size_t i = 0; i < cs->n; i++)
		if (memcmp(cs->v[i].key, key, klen) == 0)
			return cs->v[i].n;
	return 0;
}

static int sweep_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct sweep_arg *a = arg;
	struct counts per_netns = { 0 }, per_server = { 0 };
	union {
		struct nscache_netns netns;
		struct nscache_server server;
		struct nscache_mount mount;
		struct nscache_resolver resolver;
	} *rec;
	uint8_t buf[NSC_VALUE_MAX];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = MDB_SUCCESS, r = 0;

	a->expired = a->corrupt = a->fixed = a->dropped_servers = a->dropped_netns = 0;
	a->n_events = 0;
	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;

	for (int db = NSC_DB_NETNS; db < _NSC_DB_MAX && r == 0; db++) {
		if (db == NSC_DB_DEV)
			continue;
		rc = mdb_cursor_open(txn, c->dbi[db], &cur);
		if (rc)
			break;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			int d = 0;

			switch (db) {
			case NSC_DB_NETNS:
				d = nsc_netns_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->netns);
				break;
			case NSC_DB_SERVER:
				d = nsc_server_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->server);
				break;
			case NSC_DB_MOUNT:
				d = nsc_mount_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->mount);
				break;
			case NSC_DB_RESOLVER:
				d = nsc_resolver_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size,
							&rec->resolver);
				break;
			}
			if (d == -EPROTONOSUPPORT)
				continue; /* not ours to judge */
			if (d < 0) {
				rc = mdb_cursor_del(cur, 0);
				if (rc)
					break;
				a->corrupt++;
				sweep_note(a, NSCACHE_EVENT_CORRUPT_RECORD, 0, db == NSC_DB_MOUNT ? "mount" :
					   db == NSC_DB_SERVER ? "server" : db == NSC_DB_NETNS ? "netns" : "resolver");
				continue;
			}
			if (db == NSC_DB_MOUNT) {
				uint8_t sk[NSC_SERVER_KEY_SIZE];

				nsc_server_key(rec->mount.cookie, &rec->mount.server, sk);
				r = count_add(&per_netns, sk, 8);
				if (r == 0)
					r = count_add(&per_server, sk, sizeof(sk));
				if (r < 0)
					break;
			} else if (db == NSC_DB_RESOLVER && rec->resolver.expires_boot_ns <= a->now_boot) {
				rc = mdb_cursor_del(cur, 0);
				if (rc)
					break;
				a->expired++;
				sweep_note(a, NSCACHE_EVENT_RESOLVER_EXPIRED, rec->resolver.cookie,
					   rec->resolver.name);
			}
		}
		mdb_cursor_close(cur);
		cur = NULL;
		if (rc != MDB_NOTFOUND && rc != MDB_SUCCESS)
			break;
		rc = MDB_SUCCESS;
	}
	if (r == 0 && rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
		r = nsc_errno(rc);
	if (r < 0)
		goto out;

	/* Refcounts against the mount records (mounts were read above, before any fix). */
	for (int db = NSC_DB_SERVER; db >= NSC_DB_NETNS && r == 0; db--) {
		struct counts *cs = db == NSC_DB_SERVER ? &per_server : &per_netns;
		size_t klen = db == NSC_DB_SERVER ? NSC_SERVER_KEY_SIZE : NSC_NETNS_KEY_SIZE;

		rc = mdb_cursor_open(txn, c->dbi[db], &cur);
		if (rc) {
			r = nsc_errno(rc);
			break;
		}
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			uint32_t want = count_get(cs, k.mv_data, klen), *have;
			size_t len;
			int e;

			if (db == NSC_DB_SERVER) {
				if (nsc_server_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->server) < 0)
					continue;
				have = &rec->server.refcount;
			} else {
				if (nsc_netns_decode(k.mv_data, k.mv_size, v.mv_data, v.mv_size, &rec->netns) < 0)
					continue;
				have = &rec->netns.refcount;
			}
			if (*have == want)
				continue;
			a->fixed++;
			sweep_note(a, NSCACHE_EVENT_REFCOUNT_FIXED, nsc_get_be64(k.mv_data),
				   db == NSC_DB_SERVER ? "server" : "netns");
			if (want == 0) {
				/* Nothing mounted: the record goes, like on the last release. */
				if (db == NSC_DB_SERVER)
					a->dropped_servers++;
				else
					a->dropped_netns++;
				rc = mdb_cursor_del(cur, 0);
				if (rc)
					break;
				continue;
			}
			*have = want;
			e = db == NSC_DB_SERVER ? nsc_server_encode(&rec->server, buf, sizeof(buf), &len)
						: nsc_netns_encode(&rec->netns, buf, sizeof(buf), &len);
			if (e < 0) {
				r = e;
				break;
			}
			MDB_val nv = { .mv_size = len, .mv_data = buf };

			rc = mdb_cursor_put(cur, &k, &nv, MDB_CURRENT);
			if (rc)
				break;
		}
		mdb_cursor_close(cur);
		cur = NULL;
		if (r == 0 && rc != MDB_NOTFOUND && rc != MDB_SUCCESS)
			r = nsc_errno(rc);
	}
	if (r < 0)
		goto out;

	/* Dev index entries whose mount record is gone or moved on. */
	rc = mdb_cursor_open(txn, c->dbi[NSC_DB_DEV], &cur);
	if (rc) {
		r = nsc_errno(rc);
		goto out;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		MDB_val mk = v, mv;
		bool ok = false;
		int g;

		if (k.mv_size == NSC_DEV_KEY_SIZE && v.mv_size == NSC_MOUNT_KEY_SIZE) {
			g = mdb_get(txn, c->dbi[NSC_DB_MOUNT], &mk, &mv);
			ok = g == MDB_SUCCESS &&
			     nsc_mount_decode(v.mv_data, v.mv_size, mv.mv_data, mv.mv_size, &rec->mount) == 0 &&
			     rec->mount.dev == nsc_get_be64(k.mv_data);
		}
		if (ok)
			continue;
		rc = mdb_cursor_del(cur, 0);
		if (rc)
			break;
		a->corrupt++;
		sweep_note(a, NSCACHE_EVENT_CORRUPT_RECORD, 0, "dev index");
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND && rc != MDB_SUCCESS)
		r = nsc_errno(rc);
out:
	free(per_netns.v);
	free(per_server.v);
	free(rec);
	return r;
}

int nscache_gc(struct nscache *c, unsigned flags, nscache_event_fn on_event, void *userdata,
	       struct nscache_gc_result *ret)
{
	struct nscache_gc_result res = { 0 };
	struct sweep_arg sweep = { .on_event = on_event, .userdata = userdata };
	int r;

	if (!c)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	if (c->flags & NSCACHE_OPEN_READONLY)
		return -EROFS;

	r = nsc_reconcile_mounts(c, false, NULL, 0, on_event, userdata, &res);
	if (r < 0)
		return r;
	if (!(flags & NSCACHE_GC_KEEP_NETNS)) {
		r = nsc_reconcile_netns(c, 0, on_event, userdata, &res);
		if (r < 0)
			return r;
	}
	sweep.now_boot = nscache_boottime_ns();
	r = nsc_write(c, sweep_txn, &sweep);
	if (r >= 0) {
		for (size_t i = 0; i < sweep.n_events; i++)
			nsc_emit(on_event, userdata, sweep.events[i].kind, sweep.events[i].cookie, 0, 0,
				 sweep.events[i].kind == NSCACHE_EVENT_RESOLVER_EXPIRED ? "TTL passed"
				 : sweep.events[i].kind == NSCACHE_EVENT_CORRUPT_RECORD
					 ? "undecodable record removed"
					 : "refcount disagreed with the mount records",
				 sweep.events[i].detail);
		res.resolver += sweep.expired;
		res.corrupt += sweep.corrupt;
		res.refcounts += sweep.fixed;
		res.servers += sweep.dropped_servers;
		res.netns += sweep.dropped_netns;
	}
	free(sweep.events);
	if (r < 0)
		return r;
	if (ret)
		*ret = res;
	return 0;
}
