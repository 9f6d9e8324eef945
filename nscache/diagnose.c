/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nscache diagnose: walk every reachable netns and mount namespace, join NFS
 * mounts to the netns that holds their superblock (mountinfo field 3 ==
 * nfsfs/volumes DEV), and report what does not add up.  Each namespace is
 * read through one of its processes' /proc files, or for a netns kept only by
 * a bind mount by entering it in this thread for the read; every fd is closed
 * before the next one is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/netns.h"
#include "nscache/nscache-internal.h"

#define GROW(arr, n, cap)                                                         \
	({                                                                        \
		int _r = 0;                                                       \
		if ((n) == (cap)) {                                               \
			size_t _nc = (cap) ? (cap) * 2 : 16;                      \
			void *_p = realloc((arr), _nc * sizeof(*(arr)));          \
			if (_p) {                                                 \
				(arr) = _p;                                       \
				(cap) = _nc;                                      \
			} else {                                                  \
				_r = -ENOMEM;                                     \
			}                                                         \
		}                                                                 \
		_r;                                                               \
	})

/* Working state beside the public result. */
struct nsw {
	struct nscache_diag_netns *v; /* == d->netns */
	char (*paths)[NSCACHE_PATH_MAX + 64]; /* a path that opens it, "" if by pid */
	struct nsc_nfsfs *nfsfs;
	size_t n, cap;
};

struct mntns {
	uint64_t ino;
	pid_t pid;
	bool read;
};

struct records {
	struct nscache_netns *netns;
	size_t n_netns, cap_netns;
	struct nscache_server *servers;
	size_t n_servers, cap_servers;
	struct nscache_mount *mounts;
	size_t n_mounts, cap_mounts;
};

static int rec_netns(const struct nscache_netns *n, void *userdata)
{
	struct records *r = userdata;

	if (GROW(r->netns, r->n_netns, r->cap_netns) < 0)
		return -ENOMEM;
	r->netns[r->n_netns++] = *n;
	return 0;
}

static int rec_server(const struct nscache_server *s, void *userdata)
{
	struct records *r = userdata;

	if (GROW(r->servers, r->n_servers, r->cap_servers) < 0)
		return -ENOMEM;
	r->servers[r->n_servers++] = *s;
	return 0;
}

static int rec_mount(const struct nscache_mount *m, void *userdata)
{
	struct records *r = userdata;

	if (GROW(r->mounts, r->n_mounts, r->cap_mounts) < 0)
		return -ENOMEM;
	r->mounts[r->n_mounts++] = *m;
	return 0;
}

static long netns_by_ino(const struct nsw *w, uint64_t ino)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].ino == ino)
			return (long)i;
	return -1;
}

static long netns_by_cookie(const struct nsw *w, uint64_t cookie)
{
	for (size_t i = 0; i < w->n; i++)
		if (cookie && w->v[i].cookie == cookie)
			return (long)i;
	return -1;
}

static int netns_add(struct nsw *w, uint64_t ino, long *ret)
{
	long i = netns_by_ino(w, ino);

	if (i >= 0) {
		*ret = i;
		return 0;
	}
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 16;
		void *a = realloc(w->v, nc * sizeof(*w->v));

		if (!a)
			return -ENOMEM;
		w->v = a;
		a = realloc(w->paths, nc * sizeof(*w->paths));
		if (!a)
			return -ENOMEM;
		w->paths = a;
		a = realloc(w->nfsfs, nc * sizeof(*w->nfsfs));
		if (!a)
			return -ENOMEM;
		w->nfsfs = a;
		w->cap = nc;
	}
	memset(&w->v[w->n], 0, sizeof(w->v[0]));
	memset(&w->nfsfs[w->n], 0, sizeof(w->nfsfs[0]));
	w->paths[w->n][0] = '\0';
	w->v[w->n].ino = ino;
	*ret = (long)w->n++;
	return 0;
}

static int finding_add(struct nscache_diagnosis *d, size_t *cap, struct nscache_finding **ret)
{
	if (GROW(d->findings, d->n_findings, *cap) < 0)
		return -ENOMEM;
	*ret = &d->findings[d->n_findings++];
	memset(*ret, 0, sizeof(**ret));
	return 0;
}

static void devstr(uint64_t dev, char *buf, size_t size)
{
	snprintf(buf, size, "%u:%u", major(dev), minor(dev));
}

void nscache_diagnosis_free(struct nscache_diagnosis *d)
{
	if (!d)
		return;
	free(d->netns);
	free(d->mounts);
	free(d->findings);
	free(d);
}

/* Netns labels of the processes of a mount namespace, for messages. */
static void users_of(const struct nsc_proc_list *procs, const struct nsw *w, uint64_t mnt_ino,
		     char *buf, size_t size)
{
	uint64_t seen[16];
	size_t n_seen = 0, off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < procs->n; i++) {
		bool dup = false;
		long k;

		if (procs->v[i].mnt_ino != mnt_ino)
			continue;
		for (size_t j = 0; j < n_seen; j++)
			if (seen[j] == procs->v[i].net_ino)
				dup = true;
		if (dup)
			continue;
		if (n_seen == ARRAY_SIZE(seen))
			break;
		seen[n_seen++] = procs->v[i].net_ino;
		k = netns_by_ino(w, procs->v[i].net_ino);
		off += (size_t)snprintf(buf + off, off < size ? size - off : 0, "%s%s", off ? ", " : "",
					k >= 0 ? w->v[k].label : "?");
		if (off >= size)
			break;
	}
}

static bool mntns_has_netns(const struct nsc_proc_list *procs, uint64_t mnt_ino, uint64_t net_ino)
{
	for (size_t i = 0; i < procs->n; i++)
		if (procs->v[i].mnt_ino == mnt_ino && procs->v[i].net_ino == net_ino)
			return true;
	return false;
}

static bool is_nfs(const char *fstype)
{
	return strcmp(fstype, "nfs") == 0 || strcmp(fstype, "nfs4") == 0;
}

int nscache_diagnose(struct nscache *c, struct nscache_diagnosis **ret)
{
	struct nscache_diagnosis *d;
	struct nsc_proc_list procs = { 0 };
	struct nsw w = { 0 };
	struct mntns *mns = NULL;
	size_t n_mns = 0, cap_mns = 0, cap_mounts = 0, cap_findings = 0;
	struct records rec = { 0 };
	struct stat init_st;
	uint64_t init_net = 0, self_mnt = 0;
	int r;

	if (!ret)
		return -EINVAL;
	if (c && c->busy)
		return -EBUSY;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (stat("/proc/1/ns/net", &init_st) == 0)
		init_net = init_st.st_ino;
	(void)nscache_self_mnt_ns(&self_mnt);

	/* Records first: anything recorded after this is not judged. */
	if (c) {
		r = nscache_foreach_netns(c, rec_netns, &rec);
		if (r >= 0)
			r = nscache_foreach_server(c, 0, rec_server, &rec);
		if (r >= 0)
			r = nscache_foreach_mount(c, 0, rec_mount, &rec);
		if (r < 0)
			goto fail;
	}

	r = nsc_procs_read(&procs);
	if (r < 0)
		goto fail;

	/* Netns of processes; mount namespaces, one process each. */
	for (size_t i = 0; i < procs.n; i++) {
		long k;
		bool known = false;

		r = netns_add(&w, procs.v[i].net_ino, &k);
		if (r < 0)
			goto fail;
		if (w.v[k].n_procs++ == 0)
			w.v[k].pid = procs.v[i].pid;
		for (size_t j = 0; j < n_mns; j++)
			if (mns[j].ino == procs.v[i].mnt_ino)
				known = true;
		if (known)
			continue;
		if (GROW(mns, n_mns, cap_mns) < 0) {
			r = -ENOMEM;
			goto fail;
		}
		mns[n_mns++] = (struct mntns){ .ino = procs.v[i].mnt_ino, .pid = procs.v[i].pid };
	}

	/* Mountinfo of each mount namespace: NFS mounts and nsfs bind mounts of netns. */
	for (size_t i = 0; i < n_mns; i++) {
		struct nsc_mountinfo_list mi = { 0 };
		char path[64];
		bool own = mns[i].ino == self_mnt;

		if (own)
			snprintf(path, sizeof(path), "/proc/self/mountinfo");
		else
			snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)mns[i].pid);
		if (nsc_mountinfo_read(path, &mi) < 0) {
			d->n_unreadable++;
			continue;
		}
		mns[i].read = true;
		d->n_mnt_ns++;
		for (size_t j = 0; j < mi.n; j++) {
			const struct nsc_mountinfo *e = &mi.v[j];

			if (e->nsfs_ino) {
				long k;
				const char *name = NULL;

				r = netns_add(&w, e->nsfs_ino, &k);
				if (r < 0) {
					nsc_mountinfo_list_free(&mi);
					goto fail;
				}
				if (own && strncmp(e->mount_point, NETNS_RUN_DIR "/", sizeof(NETNS_RUN_DIR)) == 0)
					name = e->mount_point + sizeof(NETNS_RUN_DIR);
				if (!w.paths[k][0]) {
					if (own)
						snprintf(w.paths[k], sizeof(w.paths[k]), "%s", e->mount_point);
					else
						snprintf(w.paths[k], sizeof(w.paths[k]), "/proc/%d/root%s",
							 (int)mns[i].pid, e->mount_point);
				}
				if (name && (!w.v[k].label[0] || strncmp(w.v[k].label, "pid ", 4) == 0 ||
					     strcmp(w.v[k].label, "init") == 0))
					snprintf(w.v[k].label, sizeof(w.v[k].label), "%s", name);
				else if (!w.v[k].label[0])
					snprintf(w.v[k].label, sizeof(w.v[k].label), "%s", w.paths[k]);
				continue;
			}
			if (!is_nfs(e->fstype))
				continue;
			if (GROW(d->mounts, d->n_mounts, cap_mounts) < 0) {
				nsc_mountinfo_list_free(&mi);
				r = -ENOMEM;
				goto fail;
			}
			struct nscache_diag_mount *m = &d->mounts[d->n_mounts++];

			memset(m, 0, sizeof(*m));
			m->mount_id = e->mount_id;
			m->dev = e->dev;
			m->mnt_ns = mns[i].ino;
			m->mnt_ns_pid = mns[i].pid;
			m->netns = -1;
			snprintf(m->mount_point, sizeof(m->mount_point), "%s", e->mount_point);
			snprintf(m->source, sizeof(m->source), "%s", e->source);
			snprintf(m->fstype, sizeof(m->fstype), "%s", e->fstype);
		}
		nsc_mountinfo_list_free(&mi);
	}

	/* Each netns: a label, its cookie and its nfsfs files. */
	for (size_t i = 0; i < w.n; i++) {
		struct nscache_diag_netns *n = &w.v[i];
		char path[NSCACHE_PATH_MAX + 64];
		uint64_t ino;

		if (!n->label[0]) {
			if (n->ino == init_net)
				snprintf(n->label, sizeof(n->label), "init");
			else
				snprintf(n->label, sizeof(n->label), "pid %d", (int)n->pid);
		}
		if (n->pid > 0)
			snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)n->pid);
		else
			snprintf(path, sizeof(path), "%s", w.paths[i]);
		r = nsc_netns_cookie_of_path(path, &n->cookie, &ino);
		if (r < 0 || ino != n->ino) {
			n->cookie = 0;
			n->error = r < 0 ? r : -ESTALE;
			d->n_unreadable++;
			continue;
		}
		if (n->pid > 0) {
			r = nsc_nfsfs_read(n->pid, -1, &w.nfsfs[i]);
		} else {
			_cleanup_close_ int fd = -EBADF;

			r = netns_open_path(path, &fd);
			if (r >= 0)
				r = nsc_nfsfs_read(0, fd, &w.nfsfs[i]);
		}
		if (r < 0) {
			n->error = r;
			d->n_unreadable++;
			continue;
		}
		n->n_servers = (unsigned)w.nfsfs[i].n_servers;
		n->n_volumes = (unsigned)w.nfsfs[i].n_volumes;
		for (size_t j = 0; j < rec.n_netns; j++)
			if (rec.netns[j].cookie == n->cookie)
				n->recorded = true;
	}

	/* Join: mount -> the netns whose volumes list its dev; recorded? */
	for (size_t i = 0; i < d->n_mounts; i++) {
		struct nscache_diag_mount *m = &d->mounts[i];

		for (size_t k = 0; k < w.n && m->netns < 0; k++)
			if (nsc_nfsfs_has_dev(&w.nfsfs[k], m->dev))
				m->netns = (long)k;
		for (size_t j = 0; j < rec.n_mounts; j++)
			if (rec.mounts[j].mount_id == m->mount_id && rec.mounts[j].dev == m->dev)
				m->recorded = true;
	}

	/* (a) and (c) */
	for (size_t i = 0; i < d->n_mounts; i++) {
		struct nscache_diag_mount *m = &d->mounts[i];
		struct nscache_finding *f;
		char dev[32];

		if (m->netns >= 0 && (mntns_has_netns(&procs, m->mnt_ns, w.v[m->netns].ino) || m->recorded))
			continue;
		r = finding_add(d, &cap_findings, &f);
		if (r < 0)
			goto fail;
		devstr(m->dev, dev, sizeof(dev));
		f->mount_id = m->mount_id;
		f->dev = m->dev;
		f->mnt_ns = m->mnt_ns;
		f->mnt_ns_pid = m->mnt_ns_pid;
		snprintf(f->mount_point, sizeof(f->mount_point), "%s", m->mount_point);
		snprintf(f->source, sizeof(f->source), "%s", m->source);
		users_of(&procs, &w, m->mnt_ns, f->users, sizeof(f->users));
		if (m->netns >= 0) {
			f->kind = NSCACHE_FINDING_CROSS_NETNS;
			f->cookie = w.v[m->netns].cookie;
			snprintf(f->netns, sizeof(f->netns), "%s", w.v[m->netns].label);
			snprintf(f->message, sizeof(f->message),
				 "%.120s on %.200s (dev %s, mount ns %llu): transport in netns %.64s, but the "
				 "mount namespace's processes are in %.120s",
				 m->source, m->mount_point, dev, (unsigned long long)m->mnt_ns, f->netns,
				 f->users[0] ? f->users : "no netns");
		} else {
			f->kind = NSCACHE_FINDING_ORPHAN_MOUNT;
			snprintf(f->message, sizeof(f->message),
				 "%.120s on %.200s (dev %s, mount ns %llu): superblock in no reachable netns "
				 "(its netns was deleted and lives on as a zombie until the umount)%s",
				 m->source, m->mount_point, dev, (unsigned long long)m->mnt_ns,
				 d->n_unreadable ? " [some namespaces could not be read]" : "");
		}
	}

	/* (b) */
	for (size_t k = 0; k < w.n; k++) {
		for (size_t j = 0; j < w.nfsfs[k].n_servers; j++) {
			const struct nsc_nfsfs_server *s = &w.nfsfs[k].servers[j];
			struct nscache_finding *f;
			char a[80];

			if (!nsc_nfsfs_server_idle(&w.nfsfs[k], j))
				continue;
			r = finding_add(d, &cap_findings, &f);
			if (r < 0)
				goto fail;
			f->kind = NSCACHE_FINDING_IDLE_SERVER;
			f->cookie = w.v[k].cookie;
			f->server = s->addr;
			snprintf(f->netns, sizeof(f->netns), "%s", w.v[k].label);
			snprintf(f->message, sizeof(f->message),
				 "netns %.64s: nfsfs/servers lists %s (v%u, use %d, %.64s) with no volume left",
				 f->netns, nscache_addr_to_string(&s->addr, true, a, sizeof(a)),
				 s->nfs_version, s->use, s->hostname);
		}
	}

	/* (d) records without a kernel counterpart */
	for (size_t j = 0; j < rec.n_netns; j++) {
		struct nscache_finding *f;

		if (netns_by_cookie(&w, rec.netns[j].cookie) >= 0)
			continue;
		r = finding_add(d, &cap_findings, &f);
		if (r < 0)
			goto fail;
		f->kind = NSCACHE_FINDING_STALE_RECORD;
		f->record = "netns";
		f->cookie = rec.netns[j].cookie;
		nscache_netns_label(&rec.netns[j], f->netns, sizeof(f->netns));
		snprintf(f->message, sizeof(f->message),
			 "netns record %.64s (cookie %llu, %u mount%s recorded): no reachable netns has that cookie",
			 f->netns, (unsigned long long)f->cookie, rec.netns[j].refcount,
			 rec.netns[j].refcount == 1 ? "" : "s");
	}
	for (size_t j = 0; j < rec.n_servers; j++) {
		const struct nscache_server *s = &rec.servers[j];
		long k = netns_by_cookie(&w, s->cookie);
		struct nscache_finding *f;
		bool found = false;
		char a[80];

		if (k < 0 || w.v[k].error)
			continue; /* the netns finding says it already / cannot tell */
		for (size_t i = 0; i < w.nfsfs[k].n_servers && !found; i++)
			found = nscache_addr_equal(&w.nfsfs[k].servers[i].addr, &s->addr);
		if (found)
			continue;
		r = finding_add(d, &cap_findings, &f);
		if (r < 0)
			goto fail;
		f->kind = NSCACHE_FINDING_STALE_RECORD;
		f->record = "server";
		f->cookie = s->cookie;
		f->server = s->addr;
		snprintf(f->netns, sizeof(f->netns), "%s", w.v[k].label);
		snprintf(f->message, sizeof(f->message),
			 "server record %s in netns %.64s (%u mount%s recorded): not in that netns's nfsfs/servers",
			 nscache_addr_to_string(&s->addr, true, a, sizeof(a)), f->netns, s->refcount,
			 s->refcount == 1 ? "" : "s");
	}
	for (size_t j = 0; j < rec.n_mounts; j++) {
		const struct nscache_mount *rm = &rec.mounts[j];
		struct nscache_finding *f;
		const struct nscache_diag_mount *live = NULL;
		bool ns_read = false;
		char why[200], dev[32];

		for (size_t i = 0; i < n_mns; i++)
			if (mns[i].ino == rm->mnt_ns && mns[i].read)
				ns_read = true;
		for (size_t i = 0; i < d->n_mounts && !live; i++)
			if (d->mounts[i].mount_id == rm->mount_id && d->mounts[i].dev == rm->dev)
				live = &d->mounts[i];
		if (live && live->netns >= 0 && w.v[live->netns].cookie == rm->cookie)
			continue;
		if (live && live->netns < 0)
			continue; /* reported as an orphan mount */
		if (live)
			snprintf(why, sizeof(why), "its transport is in netns %.64s, not the recorded one",
				 w.v[live->netns].label);
		else if (ns_read)
			snprintf(why, sizeof(why), "not mounted in mount ns %llu any more",
				 (unsigned long long)rm->mnt_ns);
		else
			snprintf(why, sizeof(why), "mount ns %llu has no process left to read",
				 (unsigned long long)rm->mnt_ns);
		r = finding_add(d, &cap_findings, &f);
		if (r < 0)
			goto fail;
		devstr(rm->dev, dev, sizeof(dev));
		f->kind = NSCACHE_FINDING_STALE_RECORD;
		f->record = "mount";
		f->mount_id = rm->mount_id;
		f->dev = rm->dev;
		f->mnt_ns = rm->mnt_ns;
		f->cookie = rm->cookie;
		f->server = rm->server;
		snprintf(f->mount_point, sizeof(f->mount_point), "%s", rm->mount_point);
		snprintf(f->source, sizeof(f->source), "%s", rm->spec);
		for (size_t i = 0; i < rec.n_netns; i++)
			if (rec.netns[i].cookie == rm->cookie)
				nscache_netns_label(&rec.netns[i], f->netns, sizeof(f->netns));
		snprintf(f->message, sizeof(f->message), "mount record %llu (%.200s, dev %s): %s",
			 (unsigned long long)rm->mount_id, rm->mount_point, dev, why);
	}

	/* Hand the netns array over. */
	d->netns = w.v;
	d->n_netns = w.n;
	w.v = NULL;
	r = 0;
	*ret = d;
	d = NULL;
fail:
	for (size_t i = 0; i < w.n; i++)
		nsc_nfsfs_free(&w.nfsfs[i]);
	free(w.v);
	free(w.paths);
	free(w.nfsfs);
	free(mns);
	free(rec.netns);
	free(rec.servers);
	free(rec.mounts);
	nsc_proc_list_free(&procs);
	nscache_diagnosis_free(d);
	return r;
}
