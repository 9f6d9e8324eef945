/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/worker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/macro.h"

struct reply_header {
	int32_t result;
	uint32_t len;
};

uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void worker_reply_close(struct worker_reply *reply)
{
	for (size_t i = 0; i < reply->n_fds; i++)
		if (reply->fds[i] >= 0)
			close(reply->fds[i]);
	reply->n_fds = 0;
}

/* Bind every file of /etc/netns/NAME over /etc, as `ip netns exec` does. */
static int overlay_etc_by_name(const char *name)
{
	char dir[PATH_MAX], src[PATH_MAX + NAME_MAX + 2], dst[NAME_MAX + 8];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "/etc/netns/%s", name);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : negative_errno();
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, e->d_name);
		snprintf(dst, sizeof(dst), "/etc/%s", e->d_name);
		/* Missing targets are skipped: ip netns exec does the same. */
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0 && errno != ENOENT) {
			int r = negative_errno();

			closedir(d);
			return r;
		}
	}
	closedir(d);
	return 0;
}

#define ETC_FILE_MAX (256 * 1024) /* a hosts file larger than this is not a resolver config */

/*
 * The resolver files of a process's root.  Resolved with RESOLVE_IN_ROOT so a
 * symlink inside the container cannot point us at a host file; nsswitch.conf
 * and NSS modules stay the host's (never load a container's code as root).
 * The kernel refuses to bind a file of another mount namespace, so the
 * contents are copied to a private tmpfs (bounded) and that copy is bound.
 */
static int overlay_etc_by_pid(pid_t pid)
{
	static const char *const files[] = { "etc/hosts", "etc/resolv.conf" };
	static const char stage[] = "/tmp";
	_cleanup_close_ int root = -EBADF;
	_cleanup_free_ char *buf = NULL;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return negative_errno();
	buf = malloc(ETC_FILE_MAX);
	if (!buf)
		return -ENOMEM;
	/* Only this child's private mount namespace sees the tmpfs. */
	if (mount("nsnfs-etc", stage, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m,mode=0755") < 0)
		return negative_errno();
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct open_how how = {
			.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		_cleanup_close_ int in = (int)syscall(SYS_openat2, root, files[i], &how, sizeof(how));
		_cleanup_close_ int out = -EBADF;
		char copy[64], dst[64];
		struct stat st;
		ssize_t n;

		if (in < 0) {
			if (errno == ENOENT)
				continue;
			return negative_errno();
		}
		if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode))
			return -EINVAL;
		n = read(in, buf, ETC_FILE_MAX);
		if (n < 0)
			return negative_errno();
		snprintf(copy, sizeof(copy), "%s/%zu", stage, i);
		out = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (out < 0 || write(out, buf, (size_t)n) != n)
			return out < 0 ? negative_errno() : -EIO;
		snprintf(dst, sizeof(dst), "/%s", files[i]);
		if (mount(copy, dst, NULL, MS_BIND, NULL) < 0 && errno != ENOENT)
			return negative_errno();
	}
	return 0;
}

static int child_setup(const struct netns_spec *spec, int netns_fd, unsigned flags)
{
	if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
		return negative_errno();
	if (!(flags & (WORKER_ETC_OVERLAY | WORKER_FRESH_SYSFS)))
		return 0;
	if (unshare(CLONE_NEWNS) < 0)
		return negative_errno();
	/* Nothing we mount here may propagate back to the caller's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return negative_errno();
	if (flags & WORKER_FRESH_SYSFS) {
		if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
			return negative_errno();
		if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
			return negative_errno();
	}
	if (flags & WORKER_ETC_OVERLAY) {
		if (spec && spec->kind == NETNS_SPEC_NAME)
			return overlay_etc_by_name(spec->name);
		if (spec && spec->kind == NETNS_SPEC_PID)
			return overlay_etc_by_pid(spec->pid);
	}
	return 0;
}

static int send_reply(int sock, int result, const struct worker_reply *reply)
{
	if (result >= 0 && (reply->len > WORKER_REPLY_MAX || reply->n_fds > WORKER_FDS_MAX))
		result = -EMSGSIZE; /* a job that broke the contract gets no reply through */

	struct reply_header hdr = { .result = result, .len = result < 0 ? 0 : (uint32_t)reply->len };
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)reply->data, .iov_len = hdr.len },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * WORKER_FDS_MAX)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

	if (result >= 0 && reply->n_fds > 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * reply->n_fds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * reply->n_fds);
		memcpy(CMSG_DATA(c), reply->fds, sizeof(int) * reply->n_fds);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? negative_errno() : 0;
}

static int receive_reply(int sock, struct worker_reply *ret, int *ret_result)
{
	struct reply_header hdr;
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = ret->data, .iov_len = sizeof(ret->data) },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * WORKER_FDS_MAX)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {
		.msg_iov = iov,
		.msg_iovlen = 2,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n;

	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return negative_errno();
	ret->n_fds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		size_t n_fds;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n_fds && ret->n_fds < WORKER_FDS_MAX; i++)
			memcpy(&ret->fds[ret->n_fds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	if (n == 0) /* the child died before answering */
		return -ECHILD;
	if ((size_t)n < sizeof(hdr) || hdr.len != (size_t)n - sizeof(hdr) ||
	    (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		worker_reply_close(ret);
		return -EBADMSG;
	}
	ret->len = hdr.len;
	*ret_result = hdr.result;
	return 0;
}

int netns_worker_run(const struct netns_spec *spec, int netns_fd, unsigned flags, worker_fn fn,
		     void *userdata, uint64_t deadline_ms, struct worker_reply *ret)
{
	_cleanup_close_ int parent_sock = -EBADF, child_sock = -EBADF;
	int socks[2], result = -EIO, r, status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks) < 0)
		return negative_errno();
	parent_sock = socks[0];
	child_sock = socks[1];

	pid = fork();
	if (pid < 0)
		return negative_errno();
	if (pid == 0) {
		static struct worker_reply reply;

		close(parent_sock);
		r = child_setup(spec, netns_fd, flags);
		if (r >= 0)
			r = fn(userdata, &reply);
		(void)send_reply(child_sock, r, &reply);
		_exit(0);
	}
	closep(&child_sock);

	for (;;) {
		struct pollfd p = { .fd = parent_sock, .events = POLLIN };
		uint64_t now = monotonic_ms();
		int timeout = now >= deadline_ms ? 0 : (int)(deadline_ms - now > INT32_MAX ? INT32_MAX : deadline_ms - now);

		r = poll(&p, 1, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = negative_errno();
			break;
		}
		if (r == 0) {
			r = -ETIMEDOUT;
			break;
		}
		r = receive_reply(parent_sock, ret, &result);
		break;
	}
	if (r < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return r;
	if (result < 0)
		worker_reply_close(ret);
	return result;
}
