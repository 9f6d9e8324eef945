/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network namespace specs (NAME | /PATH | PID) → verified netns fds, the netns
 * identity (cookie) and sockets created inside a netns.
 */
#pragma once

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#define NETNS_RUN_DIR "/run/netns"

enum netns_spec_kind {
	NETNS_SPEC_CALLER, /* no spec: the caller's own netns */
	NETNS_SPEC_NAME,   /* iproute2 name: /run/netns/NAME, /etc/netns/NAME */
	NETNS_SPEC_PATH,   /* absolute path to a netns file (bind mount or /proc/PID/ns/net) */
	NETNS_SPEC_PID,    /* the netns of a process */
};

struct netns_spec {
	enum netns_spec_kind kind;
	char name[NAME_MAX + 1]; /* NAME */
	char path[PATH_MAX];     /* NAME: /run/netns/NAME; PATH: as given */
	pid_t pid;               /* PID */
};

/*
 * Parse a user-given spec.  NULL or "" means the caller's netns.  NAME is what
 * `ip netns add` accepts (no '/', not "." or "..", no control characters);
 * all digits is a PID (1..4194304); a leading '/' is a path.  Returns 0 or
 * -EINVAL / -ENAMETOOLONG / -ERANGE.
 */
int netns_spec_parse(const char *s, struct netns_spec *ret);

/* Human form for messages: "ctr1", "/proc/42/ns/net", "pid 42", "caller's". */
const char *netns_spec_describe(const struct netns_spec *spec, char *buf, size_t size);

/*
 * Open the netns a spec names and verify it is one (NS_GET_NSTYPE).  For a PID
 * the process is pinned with a pidfd while its ns file is opened, so a PID
 * reused meanwhile is detected.  Returns 0, -ENOENT (no such netns/process),
 * -ENOTTY/-EINVAL (not a namespace file / not a network namespace), -ESRCH
 * (process exited), or another -errno.  *ret_fd is O_CLOEXEC.
 */
int netns_spec_open(const struct netns_spec *spec, int *ret_fd);

/* Open the netns file at path (a bind mount or /proc/PID/ns/net) and verify it. */
int netns_open_path(const char *path, int *ret_fd);

/* Verify that fd refers to a network namespace.  0, -EINVAL or -errno. */
int netns_fd_verify(int fd);

/*
 * Create a socket inside the netns of netns_fd (-1: the current one) and come
 * back.  The socket keeps that netns for its lifetime, so connect()/bind() from
 * anywhere use it.  Only the calling thread switches, briefly.  0 or -errno.
 */
int netns_socket(int netns_fd, int domain, int type, int protocol, int *ret_fd);

/* The netns cookie of netns_fd (-1: current): unique per boot, never reused. */
int netns_cookie(int netns_fd, uint64_t *ret);
