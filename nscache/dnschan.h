/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's legacy NFS DNS cache channel (CONFIG_NFS_USE_LEGACY_DNS):
 * rpc_pipefs cache/dns_resolve/channel, one per network namespace.  The
 * kernel writes one request per read(): the hostname as a sunrpc "qword"
 * (octal escapes, or "\x" + hex) and '\n'.  An answer is one write():
 * "ADDRESS QWORD TTL\n"; an ADDRESS the kernel cannot parse ("-") caches
 * "no such name".  Requests are external input (the name comes from a
 * server's referral): this parser has a fuzz target.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/netns.h"

#define DNSCHAN_NAME_MAX 128  /* NFS_DNS_HOSTNAME_MAXLEN */
#define DNSCHAN_QWORD_MAX 600 /* a full name, every byte escaped as \ooo, + NUL */

/*
 * Parse one request.  ret_qword gets the name exactly as sent (the answer
 * echoes it, so the kernel matches its own bytes); ret_name the decoded name.
 * 0: a hostname (letters, digits, '-', '_', '.'; 1..DNSCHAN_NAME_MAX);
 * -EINVAL: well-formed but not a hostname (answer it negatively);
 * -EBADMSG: not a request (no answer is possible).
 */
int dnschan_parse_request(const char *buf, size_t len, char ret_qword[DNSCHAN_QWORD_MAX],
			  char ret_name[DNSCHAN_NAME_MAX + 1]);

/* The answer for qword: addr NULL for "no such name".  Length written, or -errno. */
int dnschan_format_answer(const char *qword, const struct sockaddr_storage *addr, unsigned ttl,
			  char *buf, size_t size);

/*
 * Open the channel of netns_fd's kernel NFS client: a worker inside that netns
 * mounts its rpc_pipefs in a private mount namespace and passes the open
 * channel back, so the caller's namespaces are untouched.  0, -EPROTONOSUPPORT
 * (rpc_pipefs has no dns_resolve cache: the kernel resolves through its
 * keyring, CONFIG_NFS_USE_KERNEL_DNS), -ENODEV (no rpc_pipefs: sunrpc not
 * loaded) or -errno.
 */
int dnschan_open(const struct netns_spec *spec, int netns_fd, uint64_t deadline_ms, int *ret_fd);

struct dnschan_answer {
	char name[DNSCHAN_NAME_MAX + 1]; /* "" if the request was not a hostname */
	char qword[DNSCHAN_QWORD_MAX];
	struct sockaddr_storage addr;
	bool found;
	int resolve_error; /* why not found: -errno from the resolver, -EINVAL bad name */
	unsigned ttl;
};

/*
 * Read one request from chan_fd, resolve its name inside the netns with the
 * netns's resolver files (addr_resolve) and write the answer; "no such name"
 * answers get a short TTL so that a fixed resolver is asked again soon.
 * 0 (answered, *ret filled), -EAGAIN (nothing pending), -EBADMSG (not a
 * request, skipped) or -errno.
 */
int dnschan_answer_one(int chan_fd, const struct netns_spec *spec, int netns_fd, unsigned ttl,
		       uint64_t resolve_timeout_ms, struct dnschan_answer *ret);
