/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/macro.h"
#include "common/parse.h"
#include "common/worker.h"
#include "nscache/dnschan.h"

/* Decode a qword as the kernel's qword_get() does; -EINVAL if it is not one. */
static int qword_decode(const char *q, size_t qlen, char *out, size_t size, size_t *ret_len)
{
	size_t n = 0, i = 0;

	if (qlen >= 2 && q[0] == '\\' && q[1] == 'x') {
		if (qlen == 2 || (qlen - 2) % 2)
			return -EINVAL;
		for (i = 2; i < qlen; i += 2) {
			int hi = hex_digit_value(q[i]), lo = hex_digit_value(q[i + 1]);

			if (hi < 0 || lo < 0 || n + 1 >= size)
				return -EINVAL;
			out[n++] = (char)(hi << 4 | lo);
		}
	} else {
		while (i < qlen) {
			char c = q[i++];

			if (c == '\\') {
				if (qlen - i < 3 || q[i] < '0' || q[i] > '3' || q[i + 1] < '0' ||
				    q[i + 1] > '7' || q[i + 2] < '0' || q[i + 2] > '7')
					return -EINVAL;
				c = (char)((q[i] - '0') << 6 | (q[i + 1] - '0') << 3 | (q[i + 2] - '0'));
				i += 3;
			}
			if (n + 1 >= size)
				return -EINVAL;
			out[n++] = c;
		}
	}
	out[n] = '\0';
	*ret_len = n;
	return 0;
}

static bool is_hostname(const char *s, size_t len)
{
	if (len == 0 || len > DNSCHAN_NAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

int dnschan_parse_request(const char *buf, size_t len, char ret_qword[DNSCHAN_QWORD_MAX],
			  char ret_name[DNSCHAN_NAME_MAX + 1])
{
	char decoded[DNSCHAN_QWORD_MAX];
	size_t qlen, dlen;

	if (!buf || len < 2 || buf[len - 1] != '\n')
		return -EBADMSG;
	qlen = len - 1;
	if (qlen >= DNSCHAN_QWORD_MAX)
		return -EBADMSG;
	/* One token: qword_add() escapes blanks and '\\' and passes other bytes as they are. */
	if (qlen == 0 || memchr(buf, ' ', qlen) || memchr(buf, '\t', qlen) ||
	    memchr(buf, '\n', qlen) || memchr(buf, '\0', qlen))
		return -EBADMSG;
	memcpy(ret_qword, buf, qlen);
	ret_qword[qlen] = '\0';
	ret_name[0] = '\0';
	if (qword_decode(buf, qlen, decoded, sizeof(decoded), &dlen) < 0)
		return -EINVAL;
	if (!is_hostname(decoded, dlen) || memchr(decoded, '\0', dlen))
		return -EINVAL;
	memcpy(ret_name, decoded, dlen + 1);
	return 0;
}

int dnschan_format_answer(const char *qword, const struct sockaddr_storage *addr, unsigned ttl,
			  char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "-";
	int n;

	if (!qword || !*qword || strlen(qword) >= DNSCHAN_QWORD_MAX || ttl == 0)
		return -EINVAL;
	if (addr && addr->ss_family == AF_INET) {
		if (!inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, a, sizeof(a)))
			return -EINVAL;
	} else if (addr && addr->ss_family == AF_INET6) {
		if (!inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, a, sizeof(a)))
			return -EINVAL;
	} else if (addr) {
		return -EAFNOSUPPORT;
	}
	n = snprintf(buf, size, "%s %s %u\n", a, qword, ttl);
	if (n < 0 || (size_t)n >= size)
		return -ENOBUFS;
	return n;
}

/* ---- serving ---------------------------------------------------------------------------- */

#define CHANNEL_MOUNT "/tmp" /* in the worker's private mount namespace only */
#define NEGATIVE_TTL 5

static int open_in_child(void *userdata, struct worker_reply *reply)
{
	int fd;

	reply->len = 0;
	if (mount("rpc_pipefs", CHANNEL_MOUNT, "rpc_pipefs", 0, NULL) < 0)
		return negative_errno();
	fd = open(CHANNEL_MOUNT "/cache/dns_resolve/channel", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -EPROTONOSUPPORT : negative_errno();
	reply->fds[0] = fd;
	reply->n_fds = 1;
	return 0;
}

int dnschan_open(const struct netns_spec *spec, int netns_fd, uint64_t deadline_ms, int *ret_fd)
{
	struct worker_reply reply;
	int r;

	/* WORKER_FRESH_SYSFS: the private mount namespace is what we need here. */
	r = netns_worker_run(spec, netns_fd, WORKER_FRESH_SYSFS, open_in_child, NULL, deadline_ms,
			     &reply);
	if (r < 0)
		return r;
	if (reply.n_fds != 1) {
		worker_reply_close(&reply);
		return -EBADMSG;
	}
	*ret_fd = reply.fds[0];
	return 0;
}

int dnschan_answer_one(int chan_fd, const struct netns_spec *spec, int netns_fd, unsigned ttl,
		       uint64_t resolve_timeout_ms, struct dnschan_answer *ret)
{
	char buf[DNSCHAN_QWORD_MAX + 8], out[DNSCHAN_QWORD_MAX + 96];
	struct addr_list list;
	ssize_t n;
	int r, len;

	memset(ret, 0, sizeof(*ret));
	n = read(chan_fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EAGAIN ? -EAGAIN : negative_errno();
	if (n == 0)
		return -EAGAIN;
	r = dnschan_parse_request(buf, (size_t)n, ret->qword, ret->name);
	if (r == -EBADMSG)
		return r;
	if (r == 0) {
		r = addr_resolve(spec, netns_fd, ret->name, AF_UNSPEC, 0,
				 monotonic_ms() + resolve_timeout_ms, &list);
		if (r == 0 && list.n > 0) {
			ret->addr = list.addrs[0];
			ret->found = true;
		} else {
			ret->resolve_error = r < 0 ? r : -ENOENT;
		}
	} else {
		ret->resolve_error = -EINVAL;
	}
	ret->ttl = ret->found ? ttl : NEGATIVE_TTL;
	len = dnschan_format_answer(ret->qword, ret->found ? &ret->addr : NULL, ret->ttl, out,
				    sizeof(out));
	if (len < 0)
		return len;
	n = write(chan_fd, out, (size_t)len);
	if (n < 0)
		return negative_errno();
	return n == len ? 0 : -EIO;
}
