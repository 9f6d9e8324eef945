/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/parse.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

#define PID_MAX_LIMIT 4194304 /* PID_MAX_LIMIT on 64-bit Linux */

int netns_spec_parse(const char *s, struct netns_spec *ret)
{
	struct netns_spec spec = { .kind = NETNS_SPEC_CALLER };
	uint64_t pid;
	int r;

	if (!s || !*s) {
		*ret = spec;
		return 0;
	}
	if (str_has_control(s))
		return -EINVAL;
	if (s[0] == '/') {
		if (strlen(s) >= sizeof(spec.path))
			return -ENAMETOOLONG;
		spec.kind = NETNS_SPEC_PATH;
		strcpy(spec.path, s);
	} else if (str_is_digits(s)) {
		r = parse_uint64(s, 1, PID_MAX_LIMIT, &pid);
		if (r < 0)
			return r;
		spec.kind = NETNS_SPEC_PID;
		spec.pid = (pid_t)pid;
	} else {
		if (strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
			return -EINVAL;
		if (strlen(s) > NAME_MAX)
			return -ENAMETOOLONG;
		spec.kind = NETNS_SPEC_NAME;
		strcpy(spec.name, s);
		snprintf(spec.path, sizeof(spec.path), NETNS_RUN_DIR "/%s", s);
	}
	*ret = spec;
	return 0;
}

const char *netns_spec_describe(const struct netns_spec *spec, char *buf, size_t size)
{
	switch (spec->kind) {
	case NETNS_SPEC_NAME:
		snprintf(buf, size, "%s", spec->name);
		break;
	case NETNS_SPEC_PATH:
		snprintf(buf, size, "%s", spec->path);
		break;
	case NETNS_SPEC_PID:
		snprintf(buf, size, "pid %d", (int)spec->pid);
		break;
	default:
		snprintf(buf, size, "caller's");
		break;
	}
	return buf;
}

int netns_fd_verify(int fd)
{
	int type = ioctl(fd, NS_GET_NSTYPE);

	if (type < 0)
		return errno == ENOTTY ? -EINVAL : negative_errno();
	return type == CLONE_NEWNET ? 0 : -EINVAL;
}

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int open_pid_netns(pid_t pid, int *ret_fd)
{
	_cleanup_close_ int pidfd = -EBADF, fd = -EBADF;
	char path[64];

	pidfd = pidfd_open_compat(pid);
	if (pidfd < 0 && errno != ENOSYS)
		return errno == ESRCH ? -ENOENT : negative_errno();
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : negative_errno();
	/* A signal 0 through the pidfd proves the pid was not reused meanwhile. */
	if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		return -ESRCH;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int netns_open_path(const char *path, int *ret_fd)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0)
		return negative_errno();
	r = netns_fd_verify(fd);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int netns_spec_open(const struct netns_spec *spec, int *ret_fd)
{
	_cleanup_close_ int fd = -EBADF;
	int r;

	switch (spec->kind) {
	case NETNS_SPEC_CALLER:
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		break;
	case NETNS_SPEC_NAME:
	case NETNS_SPEC_PATH:
		return netns_open_path(spec->path, ret_fd);
	case NETNS_SPEC_PID:
		r = open_pid_netns(spec->pid, &fd);
		if (r < 0)
			return r;
		break;
	}
	if (fd < 0)
		return negative_errno();
	r = netns_fd_verify(fd);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int netns_socket(int netns_fd, int domain, int type, int protocol, int *ret_fd)
{
	_cleanup_close_ int self = -EBADF;
	int fd, saved;

	if (netns_fd < 0) {
		fd = socket(domain, type | SOCK_CLOEXEC, protocol);
		if (fd < 0)
			return negative_errno();
		*ret_fd = fd;
		return 0;
	}
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return negative_errno();
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return negative_errno();
	fd = socket(domain, type | SOCK_CLOEXEC, protocol);
	saved = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		/* Staying in the wrong netns would misroute everything after: give up. */
		abort();
	}
	if (fd < 0)
		return saved > 0 ? -saved : -EIO;
	*ret_fd = fd;
	return 0;
}

int netns_cookie(int netns_fd, uint64_t *ret)
{
	_cleanup_close_ int fd = -EBADF;
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int r;

	r = netns_socket(netns_fd, AF_UNIX, SOCK_DGRAM, 0, &fd);
	if (r < 0)
		return r;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		return negative_errno();
	*ret = cookie;
	return 0;
}
