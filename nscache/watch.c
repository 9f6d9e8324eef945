/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nscache watch: make teardown prompt for the events no helper sees.
 *
 *   RTM_DELNSID (RTNLGRP_NSID)   a recorded netns died            -> drop its records
 *   POLLPRI on /proc/self/mountinfo  our mount table changed     -> release unmounted ones
 *   inotify /run/netns             `ip netns del`                 -> reachability check
 *   pidfd of a PID-source netns    the process exited             -> reachability check
 *   inotify on the store           a helper recorded something    -> assign nsids, pidfds
 *   timer                          every interval                 -> full gc
 *
 * Nothing held here pins a namespace: the netlink sockets and the mountinfo
 * fd are our own namespaces', pidfds pin a struct pid only, and a netns fd is
 * opened just to assign its nsid and closed at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/netns.h"
#include "common/worker.h"
#include "nscache/nscache-internal.h"

#define PIDFDS_MAX 512
#define SYNC_DEBOUNCE_MS 100
/* A change of our mount table is acted on this much later: umount.nfs4
 * releases its own record right after umount2() and learns from the result
 * what went with it; the watcher is for the umounts nobody reports. */
#define MOUNT_GRACE_MS 1500
#define NSID_FAILED_MAX 64

struct pidwatch {
	int fd;
	uint64_t cookie;
};

struct watcher {
	struct nscache *c;
	nscache_event_fn on_event;
	void *userdata;
	unsigned interval_s;
	int stop_fd;

	struct mnl_socket *ev;  /* RTNLGRP_NSID listener */
	struct mnl_socket *req; /* RTM_NEWNSID / RTM_GETNSID requests */
	unsigned seq;
	int inotify_fd;
	int netns_wd;
	int store_wd;
	int mountinfo_fd;
	int lock_fd;
	uint64_t self_cookie;

	struct pidwatch pids[PIDFDS_MAX];
	size_t n_pids;

	uint64_t sync_at_ms;    /* 0: no sync pending */
	uint64_t mounts_at_ms;  /* 0: no mount reconcile pending */
	uint64_t next_full_ms;

	/* netns whose nsid could not be assigned: retried at the next full pass */
	uint64_t nsid_failed[NSID_FAILED_MAX];
	size_t n_nsid_failed;
};

static void emit_error(struct watcher *w, int error, const char *what)
{
	nsc_emit(w->on_event, w->userdata, NSCACHE_EVENT_ERROR, 0, 0, error, what, "");
}

/* ---- netlink -------------------------------------------------------------------------------- */

static int nsid_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NETNSA_MAX) < 0)
		return MNL_CB_OK;
	if (type == NETNSA_NSID && mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* NETNSA_NSID of an RTM_NEWNSID/RTM_DELNSID message, or -1. */
static int32_t msg_nsid(const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[NETNSA_MAX + 1] = { 0 };

	if (mnl_attr_parse(nlh, sizeof(struct rtgenmsg), nsid_attr_cb, tb) != MNL_CB_OK ||
	    !tb[NETNSA_NSID])
		return -1;
	return (int32_t)mnl_attr_get_u32(tb[NETNSA_NSID]);
}

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	int32_t *nsid = data;

	if (nlh->nlmsg_type == RTM_NEWNSID)
		*nsid = msg_nsid(nlh);
	return MNL_CB_OK;
}

/* One request; the answer's nsid (for RTM_GETNSID) in *ret.  0 or -errno. */
static int nsid_request(struct watcher *w, uint16_t type, int netns_fd, int32_t *ret)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	unsigned seq = ++w->seq, portid = mnl_socket_get_portid(w->req);
	int32_t nsid = -1;
	int r;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)netns_fd);
	if (type == RTM_NEWNSID)
		mnl_attr_put_u32(nlh, NETNSA_NSID, (uint32_t)NETNSA_NSID_NOT_ASSIGNED);
	if (mnl_socket_sendto(w->req, nlh, nlh->nlmsg_len) < 0)
		return negative_errno();
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(w->req, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, reply_cb, &nsid);
		if (r == MNL_CB_ERROR)
			return negative_errno();
		if (r == MNL_CB_STOP)
			break;
	}
	if (ret)
		*ret = nsid;
	return 0;
}

/* Assign (if needed) and read our nsid for the netns at path with this cookie. */
static int assign_nsid(struct watcher *w, const char *path, uint64_t cookie, int32_t *ret)
{
	_cleanup_close_ int fd = -EBADF;
	uint64_t have;
	int32_t nsid = -1;
	int r;

	r = netns_open_path(path, &fd);
	if (r < 0)
		return r;
	r = netns_cookie(fd, &have);
	if (r < 0)
		return r;
	if (have != cookie)
		return -ESTALE;
	r = nsid_request(w, RTM_NEWNSID, fd, NULL);
	if (r < 0 && r != -EEXIST)
		return r;
	r = nsid_request(w, RTM_GETNSID, fd, &nsid);
	if (r < 0)
		return r;
	if (nsid < 0)
		return -ENOENT;
	*ret = nsid;
	return 0;
}

/* ---- record updates ------------------------------------------------------------------------- */

struct set_nsid_arg {
	uint64_t cookie, owner;
	int32_t nsid;
	bool changed;
};

static int set_nsid_txn(struct nscache *c, MDB_txn *txn, void *arg)
{
	struct set_nsid_arg *a = arg;
	uint8_t key[NSC_NETNS_KEY_SIZE], buf[NSC_VALUE_MAX];
	MDB_val k = { .mv_size = sizeof(key), .mv_data = key }, v;
	struct nscache_netns *n;
	size_t len;
	int rc, r;

	a->changed = false;
	nsc_netns_key(a->cookie, key);
	rc = mdb_get(txn, c->dbi[NSC_DB_NETNS], &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return nsc_errno(rc);
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	r = nsc_netns_decode(key, sizeof(key), v.mv_data, v.mv_size, n);
	if (r == 0 && (n->nsid != a->nsid || n->nsid_owner != a->owner)) {
		n->nsid = a->nsid;
		n->nsid_owner = a->owner;
		r = nsc_netns_encode(n, buf, sizeof(buf), &len);
		if (r == 0) {
			v.mv_size = len;
			v.mv_data = buf;
			r = nsc_errno(mdb_put(txn, c->dbi[NSC_DB_NETNS], &k, &v, 0));
			a->changed = r == 0;
		}
	}
	free(n);
	return r;
}

struct netns_list {
	struct nscache_netns *v;
	size_t n, cap;
};

static int collect_netns(const struct nscache_netns *n, void *userdata)
{
	struct netns_list *l = userdata;

	if (nsc_grow((void **)&l->v, l->n, &l->cap, sizeof(*l->v)) < 0)
		return -ENOMEM;
	l->v[l->n++] = *n;
	return 0;
}

static void pid_unwatch(struct watcher *w, size_t i)
{
	close(w->pids[i].fd);
	w->pids[i] = w->pids[--w->n_pids];
}

static bool pid_watched(const struct watcher *w, uint64_t cookie)
{
	for (size_t i = 0; i < w->n_pids; i++)
		if (w->pids[i].cookie == cookie)
			return true;
	return false;
}

static void pid_watch(struct watcher *w, const struct nscache_netns *n)
{
	uint64_t start;
	int fd;

	if (n->source_kind != NSCACHE_SOURCE_PID || pid_watched(w, n->cookie) || w->n_pids >= PIDFDS_MAX)
		return;
	fd = (int)syscall(SYS_pidfd_open, (pid_t)n->pid, 0);
	if (fd < 0)
		return; /* gone already: the reachability check of the sync decides */
	/* The pid must still be the process we recorded. */
	if (n->pid_start && (nsc_pid_start_time((pid_t)n->pid, &start) < 0 || start != n->pid_start)) {
		close(fd);
		return;
	}
	w->pids[w->n_pids].fd = fd;
	w->pids[w->n_pids].cookie = n->cookie;
	w->n_pids++;
}

static void netns_gone_check(struct watcher *w, uint64_t cookie)
{
	int r = nsc_reconcile_netns(w->c, cookie, w->on_event, w->userdata, NULL);

	if (r < 0)
		emit_error(w, r, "netns reconcile");
}

/* The store changed (or it is time): every recorded netns gets our nsid and,
 * for a PID source, a pidfd; pidfds of netns no longer recorded are closed. */
static void sync_netns(struct watcher *w)
{
	struct netns_list l = { 0 };
	struct nsc_proc_list procs = { 0 };
	int r;

	r = nscache_foreach_netns(w->c, collect_netns, &l);
	if (r < 0) {
		emit_error(w, r, "reading netns records");
		return;
	}
	for (size_t i = 0; i < w->n_pids;) {
		bool recorded = false;

		for (size_t j = 0; j < l.n; j++)
			if (l.v[j].cookie == w->pids[i].cookie)
				recorded = true;
		if (recorded)
			i++;
		else
			pid_unwatch(w, i);
	}
	for (size_t i = 0; i < l.n; i++) {
		struct nscache_netns *n = &l.v[i];
		struct set_nsid_arg a = { .cookie = n->cookie, .owner = w->self_cookie };
		char path[NSCACHE_PATH_MAX + 64];
		int reach;

		pid_watch(w, n);
		if (n->nsid >= 0 && n->nsid_owner == w->self_cookie)
			continue;
		bool failed_before = false;

		for (size_t j = 0; j < w->n_nsid_failed; j++)
			if (w->nsid_failed[j] == n->cookie)
				failed_before = true;
		if (failed_before)
			continue;
		if (!procs.v && nsc_procs_read(&procs) < 0)
			break;
		reach = nsc_netns_reachable(n, &procs, path, sizeof(path));
		if (reach == 0) {
			netns_gone_check(w, n->cookie);
			continue;
		}
		if (reach < 0)
			continue;
		r = assign_nsid(w, path, n->cookie, &a.nsid);
		if (r < 0) {
			nsc_emit(w->on_event, w->userdata, NSCACHE_EVENT_ERROR, n->cookie, 0, r,
				 "assigning an nsid (retried at the next full reconcile)", path);
			if (w->n_nsid_failed < NSID_FAILED_MAX)
				w->nsid_failed[w->n_nsid_failed++] = n->cookie;
			continue;
		}
		r = nsc_write(w->c, set_nsid_txn, &a);
		if (r < 0) {
			emit_error(w, r, "storing an nsid");
			continue;
		}
		if (a.changed) {
			struct nscache_event ev = {
				.kind = NSCACHE_EVENT_NSID_ASSIGNED,
				.cookie = n->cookie,
				.nsid = a.nsid,
				.what = "nsid assigned",
				.detail = path,
			};

			if (w->on_event)
				w->on_event(&ev, w->userdata);
		}
	}
	free(l.v);
	nsc_proc_list_free(&procs);
}

/* RTM_DELNSID: the netns with our nsid `nsid` died. */
static void on_delnsid(struct watcher *w, int32_t nsid)
{
	struct netns_list l = { 0 };
	int r;

	r = nscache_foreach_netns(w->c, collect_netns, &l);
	if (r < 0) {
		emit_error(w, r, "reading netns records");
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct nscache_event ev = {
			.kind = NSCACHE_EVENT_NSID_DELETED,
			.cookie = l.v[i].cookie,
			.nsid = nsid,
			.what = "RTM_DELNSID",
			.detail = l.v[i].source,
		};

		if (l.v[i].nsid != nsid || l.v[i].nsid_owner != w->self_cookie)
			continue;
		if (w->on_event)
			w->on_event(&ev, w->userdata);
		/* The cookie decides: a stale nsid never drops a live netns. */
		netns_gone_check(w, l.v[i].cookie);
	}
	free(l.v);
	/* nsids are reused: whatever survived gets a fresh look. */
	w->sync_at_ms = monotonic_ms();
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct watcher *w = data;

	if (nlh->nlmsg_type == RTM_DELNSID) {
		int32_t nsid = msg_nsid(nlh);

		if (nsid >= 0)
			on_delnsid(w, nsid);
	}
	return MNL_CB_OK;
}

static void read_netlink(struct watcher *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(w->ev, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Events were lost: reconcile everything now. */
				w->next_full_ms = 0;
				continue;
			}
			return; /* EAGAIN */
		}
		(void)mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, w);
	}
}

/* ---- inotify ---------------------------------------------------------------------------------- */

static void watch_netns_dir(struct watcher *w)
{
	if (w->netns_wd >= 0)
		return;
	w->netns_wd = inotify_add_watch(w->inotify_fd, NETNS_RUN_DIR,
					IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_ONLYDIR);
}

static void on_netns_name_gone(struct watcher *w, const char *name)
{
	struct netns_list l = { 0 };

	if (nscache_foreach_netns(w->c, collect_netns, &l) < 0)
		return;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].source_kind == NSCACHE_SOURCE_NAME && strcmp(l.v[i].source, name) == 0)
			netns_gone_check(w, l.v[i].cookie);
	free(l.v);
}

static void read_inotify(struct watcher *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(w->inotify_fd, buf, sizeof(buf));

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->wd == w->netns_wd) {
				if (e->mask & (IN_DELETE_SELF | IN_IGNORED))
					w->netns_wd = -1;
				else if (e->len && (e->mask & (IN_DELETE | IN_MOVED_FROM)))
					on_netns_name_gone(w, e->name);
			} else if (e->wd == w->store_wd && e->len && strcmp(e->name, "data.mdb") == 0) {
				if (!w->sync_at_ms)
					w->sync_at_ms = monotonic_ms() + SYNC_DEBOUNCE_MS;
			}
			p += sizeof(*e) + e->len;
		}
	}
}

/* ---- the loop --------------------------------------------------------------------------------- */

static void full_reconcile(struct watcher *w)
{
	int r = nscache_gc(w->c, 0, w->on_event, w->userdata, NULL);

	if (r < 0)
		emit_error(w, r, "gc");
	watch_netns_dir(w);
	w->n_nsid_failed = 0;
	sync_netns(w);
	w->sync_at_ms = 0;
	w->mounts_at_ms = 0;
	w->next_full_ms = monotonic_ms() + (uint64_t)w->interval_s * 1000;
}

static int setup(struct watcher *w)
{
	char path[sizeof(w->c->dir) + 32];
	int grp = RTNLGRP_NSID, r;

	snprintf(path, sizeof(path), "%s/watch.lock", w->c->dir);
	w->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (w->lock_fd < 0)
		return negative_errno();
	if (flock(w->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EALREADY : negative_errno();

	r = netns_cookie(-1, &w->self_cookie);
	if (r < 0)
		return r;

	w->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	w->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!w->ev || !w->req)
		return negative_errno();
	if (mnl_socket_bind(w->ev, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(w->req, 0, MNL_SOCKET_AUTOPID) < 0)
		return negative_errno();
	if (mnl_socket_setsockopt(w->ev, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return negative_errno();

	w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->inotify_fd < 0)
		return negative_errno();
	w->store_wd = inotify_add_watch(w->inotify_fd, w->c->dir, IN_MODIFY | IN_ONLYDIR);
	if (w->store_wd < 0)
		return negative_errno();
	watch_netns_dir(w);

	w->mountinfo_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (w->mountinfo_fd < 0)
		return negative_errno();
	return 0;
}

static void teardown(struct watcher *w)
{
	for (size_t i = 0; i < w->n_pids; i++)
		close(w->pids[i].fd);
	w->n_pids = 0;
	if (w->ev)
		mnl_socket_close(w->ev);
	if (w->req)
		mnl_socket_close(w->req);
	closep(&w->inotify_fd);
	closep(&w->mountinfo_fd);
	closep(&w->lock_fd);
}

int nscache_watch(struct nscache *c, const struct nscache_watch_options *opts)
{
	struct watcher *w;
	int r;

	if (!c || !opts)
		return -EINVAL;
	if (c->busy)
		return -EBUSY;
	if (c->flags & NSCACHE_OPEN_READONLY)
		return -EROFS;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct watcher){
		.c = c,
		.on_event = opts->on_event,
		.userdata = opts->userdata,
		.interval_s = opts->interval_s ? opts->interval_s : NSCACHE_WATCH_INTERVAL_DEFAULT,
		.stop_fd = opts->stop_fd,
		.inotify_fd = -EBADF,
		.netns_wd = -1,
		.store_wd = -1,
		.mountinfo_fd = -EBADF,
		.lock_fd = -EBADF,
	};
	r = setup(w);
	if (r < 0)
		goto out;
	full_reconcile(w);
	nsc_emit(w->on_event, w->userdata, NSCACHE_EVENT_WATCHING, w->self_cookie, 0, 0,
		 "watching", c->dir);

	for (;;) {
		struct pollfd p[4 + PIDFDS_MAX];
		size_t np = 0, pid_base;
		uint64_t now = monotonic_ms(), wake = w->next_full_ms;
		int timeout;

		if (w->sync_at_ms && w->sync_at_ms < wake)
			wake = w->sync_at_ms;
		if (w->mounts_at_ms && w->mounts_at_ms < wake)
			wake = w->mounts_at_ms;
		timeout = wake <= now ? 0 : (wake - now > 3600000 ? 3600000 : (int)(wake - now));

		p[np++] = (struct pollfd){ .fd = w->stop_fd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = mnl_socket_get_fd(w->ev), .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = w->inotify_fd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = w->mountinfo_fd, .events = POLLPRI };
		pid_base = np;
		for (size_t i = 0; i < w->n_pids; i++)
			p[np++] = (struct pollfd){ .fd = w->pids[i].fd, .events = POLLIN };

		r = poll(p, np, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = negative_errno();
			break;
		}
		if (p[0].revents) {
			r = 0;
			break;
		}
		if ((p[3].revents & (POLLPRI | POLLERR)) && !w->mounts_at_ms)
			w->mounts_at_ms = monotonic_ms() + MOUNT_GRACE_MS;
		if (p[1].revents)
			read_netlink(w);
		if (p[2].revents)
			read_inotify(w);
		/* Exited PID sources: collect first (checks change the list). */
		uint64_t exited[PIDFDS_MAX];
		size_t n_exited = 0;

		for (size_t i = pid_base; i < np; i++)
			if (p[i].revents)
				exited[n_exited++] = w->pids[i - pid_base].cookie;
		for (size_t i = 0; i < n_exited; i++) {
			for (size_t j = 0; j < w->n_pids; j++)
				if (w->pids[j].cookie == exited[i]) {
					pid_unwatch(w, j);
					break;
				}
			netns_gone_check(w, exited[i]);
		}
		now = monotonic_ms();
		if (w->mounts_at_ms && now >= w->mounts_at_ms && now < w->next_full_ms) {
			w->mounts_at_ms = 0;
			r = nsc_reconcile_mounts(c, true, NULL, 0, w->on_event, w->userdata, NULL);
			if (r < 0)
				emit_error(w, r, "mount reconcile");
		}
		if (now >= w->next_full_ms) {
			full_reconcile(w);
		} else if (w->sync_at_ms && now >= w->sync_at_ms) {
			w->sync_at_ms = 0;
			watch_netns_dir(w);
			sync_netns(w);
		}
	}
out:
	teardown(w);
	free(w);
	return r;
}
