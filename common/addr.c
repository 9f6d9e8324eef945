/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/parse.h"
#include "common/worker.h"

int nfs_spec_parse(const char *s, struct nfs_spec *ret, const char **ret_reason)
{
	struct nfs_spec spec = { 0 };
	const char *host, *colon, *path;
	size_t host_len;

#define REJECT(why)                  \
	do {                         \
		*ret_reason = (why); \
		return -EINVAL;      \
	} while (0)

	if (!s || !*s)
		REJECT("empty remote spec");
	if (str_has_control(s))
		REJECT("control characters in remote spec");
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			REJECT("missing ']' after IPv6 address");
		host = s + 1;
		host_len = (size_t)(close - host);
		if (close[1] != ':')
			REJECT("remote spec must be [address]:/path");
		colon = close + 1;
		spec.bracketed = true;
	} else {
		colon = strchr(s, ':');
		if (!colon)
			REJECT("remote spec must be server:/path");
		host = s;
		host_len = (size_t)(colon - s);
		if (strchr(colon + 1, ':') && colon[1] != '/')
			REJECT("IPv6 addresses must be in brackets: [address]:/path");
	}
	if (host_len == 0)
		REJECT("no server name in remote spec");
	if (host_len > NFS_SPEC_HOST_MAX)
		REJECT("server name too long");
	path = colon + 1;
	if (*path == '\0')
		path = "/";
	if (path[0] != '/')
		REJECT("export path must be absolute");
	if (strlen(path) > NFS_SPEC_PATH_MAX)
		REJECT("export path too long");
	memcpy(spec.host, host, host_len);
	spec.host[host_len] = '\0';
	if (spec.bracketed && (!strchr(spec.host, ':') || strpbrk(spec.host, "[]/ @")))
		REJECT("brackets are for IPv6 addresses");
	if (!spec.bracketed && strpbrk(spec.host, " /[]@"))
		REJECT("invalid character in server name");
	strcpy(spec.path, path);
	*ret = spec;
	return 0;
#undef REJECT
}

socklen_t addr_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

uint16_t addr_port(const struct sockaddr_storage *a)
{
	return ntohs(a->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)a)->sin6_port
					      : ((const struct sockaddr_in *)a)->sin_port);
}

const char *addr_to_string(const struct sockaddr_storage *a, char *buf, size_t size)
{
	const void *raw = a->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr
						   : (const void *)&((const struct sockaddr_in *)a)->sin_addr;

	if (!inet_ntop(a->ss_family, raw, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

int addr_parse_numeric(const char *host, uint16_t port, struct sockaddr_storage *ret)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
	} else {
		return -EINVAL;
	}
	*ret = ss;
	return 0;
}

struct resolve_job {
	const char *host;
	int family;
	uint16_t port;
};

static int gai_to_errno(int gai)
{
	switch (gai) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
	case EAI_ADDRFAMILY:
		return -ENOENT;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_SYSTEM:
		return negative_errno();
	default:
		return -EINVAL;
	}
}

/* Runs in the worker: getaddrinfo with the netns's /etc. */
static int resolve_in_child(void *userdata, struct worker_reply *reply)
{
	const struct resolve_job *job = userdata;
	struct addrinfo hints = { .ai_family = job->family, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	struct addrinfo *res = NULL;
	struct addr_list list = { 0 };
	int gai;

	gai = getaddrinfo(job->host, NULL, &hints, &res);
	if (gai == EAI_NONAME || gai == EAI_ADDRFAMILY) {
		/* AI_ADDRCONFIG hides everything in a netns with only lo: retry without. */
		hints.ai_flags = 0;
		gai = getaddrinfo(job->host, NULL, &hints, &res);
	}
	if (gai != 0)
		return gai_to_errno(gai);
	/* IPv4 first, then IPv6, each in resolver order, duplicates dropped. */
	for (int pass = 0; pass < 2; pass++)
		for (struct addrinfo *ai = res; ai && list.n < RESOLVE_ADDRS_MAX; ai = ai->ai_next) {
			struct sockaddr_storage a = { 0 };
			bool dup = false;

			if ((pass == 0) != (ai->ai_family == AF_INET))
				continue;
			if (ai->ai_addrlen > sizeof(a))
				continue;
			memcpy(&a, ai->ai_addr, ai->ai_addrlen);
			if (ai->ai_family == AF_INET)
				((struct sockaddr_in *)&a)->sin_port = htons(job->port);
			else
				((struct sockaddr_in6 *)&a)->sin6_port = htons(job->port);
			for (size_t i = 0; i < list.n; i++)
				dup |= memcmp(&list.addrs[i], &a, sizeof(a)) == 0;
			if (dup)
				continue;
			list.addrs[list.n] = a;
			list.n++;
		}
	freeaddrinfo(res);
	if (list.n == 0)
		return -ENOENT;
	memcpy(reply->data, &list, sizeof(list));
	reply->len = sizeof(list);
	return 0;
}

int addr_resolve(const struct netns_spec *spec, int netns_fd, const char *host, int family,
		 uint16_t port, uint64_t deadline_ms, struct addr_list *ret)
{
	struct resolve_job job = { .host = host, .family = family, .port = port };
	struct worker_reply reply;
	struct addr_list list = { 0 };
	int r;

	_Static_assert(sizeof(struct addr_list) <= WORKER_REPLY_MAX, "reply too small");

	if (addr_parse_numeric(host, port, &list.addrs[0]) == 0) {
		if (family == AF_INET6 && list.addrs[0].ss_family != AF_INET6)
			return -EAFNOSUPPORT;
		list.n = 1;
		*ret = list;
		return 0;
	}
	r = netns_worker_run(spec, netns_fd, WORKER_ETC_OVERLAY, resolve_in_child, &job, deadline_ms,
			     &reply);
	if (r < 0)
		return r;
	worker_reply_close(&reply);
	if (reply.len != sizeof(list))
		return -EBADMSG;
	memcpy(&list, reply.data, sizeof(list));
	if (list.n == 0 || list.n > RESOLVE_ADDRS_MAX)
		return -EBADMSG;
	*ret = list;
	return 0;
}

int addr_source_for(int netns_fd, const struct sockaddr_storage *dst, struct sockaddr_storage *ret)
{
	_cleanup_close_ int fd = -EBADF;
	struct sockaddr_storage local = { 0 };
	socklen_t len = sizeof(local);
	int r;

	r = netns_socket(netns_fd, dst->ss_family, SOCK_DGRAM, 0, &fd);
	if (r < 0)
		return r;
	/* A UDP connect only consults the routing table. */
	if (connect(fd, (const struct sockaddr *)dst, addr_len(dst)) < 0)
		return negative_errno();
	if (getsockname(fd, (struct sockaddr *)&local, &len) < 0)
		return negative_errno();
	*ret = local;
	return 0;
}
