/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live system as nscache sees it: processes and their namespaces, our
 * mountinfo, a netns's nfsfs files, netns reachability.  Every namespace fd
 * is opened for one step and closed at once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/netns.h"
#include "nscache/nscache-internal.h"

int nsc_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return negative_errno();
	for (;;) {
		ssize_t n;

		if (cap - len < 4096 + 1) {
			size_t ncap = cap ? cap * 2 : 16384;
			char *p;

			if (cap >= max + 1)
				return -EFBIG;
			if (ncap > max + 1)
				ncap = max + 1;
			p = realloc(buf, ncap);
			if (!p)
				return -ENOMEM;
			buf = p;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len >= max)
			return -EFBIG;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return -ENOMEM;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

#define MOUNTINFO_MAX (64u << 20)
#define NFSFS_MAX (16u << 20)

int nsc_mountinfo_read(const char *path, struct nsc_mountinfo_list *ret)
{
	_cleanup_free_ char *text = NULL;
	struct nsc_mountinfo_list l;
	size_t len;
	int r;

	r = nsc_read_file_at(AT_FDCWD, path, MOUNTINFO_MAX, &text, &len);
	if (r < 0)
		return r;
	r = nsc_mountinfo_parse_text(text, len, &l);
	if (r < 0)
		return r;
	l.text = TAKE_PTR(text);
	*ret = l;
	return 0;
}

static int read_optional(const char *path, char **ret, size_t *ret_len)
{
	int r = nsc_read_file_at(AT_FDCWD, path, NFSFS_MAX, ret, ret_len);

	if (r == -ENOENT) { /* no NFS client module: nothing to list */
		*ret = NULL;
		*ret_len = 0;
		return 0;
	}
	return r;
}

static int read_nfsfs_files(const char *dir, struct nsc_nfsfs *ret)
{
	_cleanup_free_ char *s = NULL, *v = NULL;
	size_t slen, vlen;
	char path[128];
	int r;

	snprintf(path, sizeof(path), "%s/servers", dir);
	r = read_optional(path, &s, &slen);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/volumes", dir);
	r = read_optional(path, &v, &vlen);
	if (r < 0)
		return r;
	return nsc_nfsfs_parse_text(s, slen, v, vlen, ret);
}

int nsc_nfsfs_read(pid_t pid, int netns_fd, struct nsc_nfsfs *ret)
{
	_cleanup_close_ int self = -EBADF;
	char dir[64];
	int r;

	if (pid > 0) {
		snprintf(dir, sizeof(dir), "/proc/%d/net/nfsfs", (int)pid);
		return read_nfsfs_files(dir, ret);
	}
	if (netns_fd < 0)
		return read_nfsfs_files("/proc/thread-self/net/nfsfs", ret);
	/* No process in that netns: enter it in this thread for the read only. */
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return negative_errno();
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return negative_errno();
	r = read_nfsfs_files("/proc/thread-self/net/nfsfs", ret);
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* staying in the wrong netns would misroute everything after */
	return r;
}

static bool is_pid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int nsc_procs_read(struct nsc_proc_list *ret)
{
	struct nsc_proc_list l = { 0 };
	size_t cap = 0;
	DIR *d;
	struct dirent *e;

	d = opendir("/proc");
	if (!d)
		return negative_errno();
	while ((e = readdir(d))) {
		struct stat net, mnt;
		char path[64];
		int pid;

		if (!is_pid_name(e->d_name) || strlen(e->d_name) > 9)
			continue;
		pid = atoi(e->d_name);
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &net) < 0)
			continue; /* exited, a zombie, or not ours to see */
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
		if (stat(path, &mnt) < 0)
			continue;
		if (l.n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct nsc_proc *p = realloc(l.v, ncap * sizeof(*p));

			if (!p) {
				closedir(d);
				free(l.v);
				return -ENOMEM;
			}
			l.v = p;
			cap = ncap;
		}
		l.v[l.n].pid = (pid_t)pid;
		l.v[l.n].net_ino = net.st_ino;
		l.v[l.n].mnt_ino = mnt.st_ino;
		l.n++;
	}
	closedir(d);
	*ret = l;
	return 0;
}

void nsc_proc_list_free(struct nsc_proc_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int nsc_netns_cookie_of_path(const char *path, uint64_t *ret_cookie, uint64_t *ret_ino)
{
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	uint64_t cookie;
	int r;

	r = netns_open_path(path, &fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return negative_errno();
	r = netns_cookie(fd, &cookie);
	if (r < 0)
		return r;
	*ret_cookie = cookie;
	if (ret_ino)
		*ret_ino = st.st_ino;
	return 0;
}

int nsc_pid_start_time(pid_t pid, uint64_t *ret)
{
	_cleanup_free_ char *text = NULL;
	char path[64], *p;
	size_t len;
	unsigned long long start;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	r = nsc_read_file_at(AT_FDCWD, path, 4096, &text, &len);
	if (r < 0)
		return r;
	/* comm may contain anything, ')' included: fields follow the last ')'. */
	p = strrchr(text, ')');
	if (!p)
		return -EBADMSG;
	/* Field 3 (state) is at p + 2; starttime is field 22. */
	p += 2;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EBADMSG;
		p++;
	}
	if (sscanf(p, "%llu", &start) != 1)
		return -EBADMSG;
	*ret = start;
	return 0;
}

/* Does path open the netns with this cookie? */
static bool path_is_netns(const char *path, uint64_t cookie)
{
	uint64_t c;

	return nsc_netns_cookie_of_path(path, &c, NULL) == 0 && c == cookie;
}

static void set_path(char *buf, size_t size, const char *path)
{
	if (buf && size)
		snprintf(buf, size, "%s", path);
}

int nsc_netns_reachable(const struct nscache_netns *n, const struct nsc_proc_list *procs,
			char *ret_path, size_t size)
{
	struct nsc_proc_list own = { 0 };
	struct nsc_mountinfo_list mi = { 0 };
	char path[NSCACHE_PATH_MAX + 64];
	int r, result = 0;

	/* The way it was named first: cheap and usually right. */
	switch (n->source_kind) {
	case NSCACHE_SOURCE_NAME:
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", n->source);
		break;
	case NSCACHE_SOURCE_PATH:
		snprintf(path, sizeof(path), "%s", n->source);
		break;
	case NSCACHE_SOURCE_PID:
		snprintf(path, sizeof(path), "/proc/%u/ns/net", n->pid);
		break;
	default:
		path[0] = '\0';
		break;
	}
	/* The cookie proves it: a PID reused by a process of the same netns still reaches it. */
	if (path[0] && path_is_netns(path, n->cookie)) {
		set_path(ret_path, size, path);
		return 1;
	}

	/* Any process in it. */
	if (!procs) {
		r = nsc_procs_read(&own);
		if (r < 0)
			return r;
		procs = &own;
	}
	for (size_t i = 0; i < procs->n && !result; i++) {
		bool seen = false;

		if (n->ino && procs->v[i].net_ino != n->ino)
			continue;
		/* Without an inode hint try each netns once. */
		for (size_t j = 0; j < i && !n->ino; j++)
			if (procs->v[j].net_ino == procs->v[i].net_ino) {
				seen = true;
				break;
			}
		if (seen)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)procs->v[i].pid);
		if (path_is_netns(path, n->cookie)) {
			set_path(ret_path, size, path);
			result = 1;
		} else if (n->ino) {
			break; /* the inode is taken by another netns now: ours is gone */
		}
	}
	nsc_proc_list_free(&own);
	if (result)
		return result;

	/* An nsfs bind mount in our mount namespace (/run/netns, runtimes' dirs). */
	r = nsc_mountinfo_read("/proc/self/mountinfo", &mi);
	if (r < 0)
		return r;
	for (size_t i = 0; i < mi.n && !result; i++) {
		if (!mi.v[i].nsfs_ino || (n->ino && mi.v[i].nsfs_ino != n->ino))
			continue;
		if (path_is_netns(mi.v[i].mount_point, n->cookie)) {
			set_path(ret_path, size, mi.v[i].mount_point);
			result = 1;
		}
	}
	nsc_mountinfo_list_free(&mi);
	return result;
}
