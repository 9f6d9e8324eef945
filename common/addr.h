/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NFS server specs, name resolution inside a netns, and source-address choice. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/netns.h"

#define NFS_SPEC_HOST_MAX 255
#define NFS_SPEC_PATH_MAX 1024
#define RESOLVE_ADDRS_MAX 8

/* "host:/path", "[v6addr]:/path"; an empty path means "/". */
struct nfs_spec {
	char host[NFS_SPEC_HOST_MAX + 1]; /* without brackets */
	char path[NFS_SPEC_PATH_MAX + 1];
	bool bracketed;
};

/*
 * Parse a device spec as mount(8) passes it.  Returns 0, or -EINVAL with
 * *ret_reason set to a static explanation.
 */
int nfs_spec_parse(const char *s, struct nfs_spec *ret, const char **ret_reason);

struct addr_list {
	size_t n;
	struct sockaddr_storage addrs[RESOLVE_ADDRS_MAX];
};

/* Parse a numeric IPv4/IPv6 address (no scope) with port.  0 or -EINVAL. */
int addr_parse_numeric(const char *host, uint16_t port, struct sockaddr_storage *ret);

/*
 * Resolve host in the netns of spec/netns_fd with that netns's resolver files
 * (see WORKER_ETC_OVERLAY).  Numeric addresses are parsed without DNS.
 * family: AF_UNSPEC or AF_INET6 (proto=tcp6).  IPv4 is listed first, as
 * mount.nfs tries it first.  Returns 0, -ENOENT (unknown name), -EAGAIN
 * (temporary resolver failure), -ETIMEDOUT or -errno.
 */
int addr_resolve(const struct netns_spec *spec, int netns_fd, const char *host, int family,
		 uint16_t port, uint64_t deadline_ms, struct addr_list *ret);

/*
 * The local address the netns's routing table picks to reach dst: what the
 * kernel should announce as clientaddr for callbacks.  Sends no packet.
 * 0, -ENETUNREACH or -errno.
 */
int addr_source_for(int netns_fd, const struct sockaddr_storage *dst, struct sockaddr_storage *ret);

/* Numeric form without port ("10.0.0.1", "fe80::1%eth0" -> "fe80::1"). */
const char *addr_to_string(const struct sockaddr_storage *a, char *buf, size_t size);

socklen_t addr_len(const struct sockaddr_storage *a);
uint16_t addr_port(const struct sockaddr_storage *a);
