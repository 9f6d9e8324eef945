/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/clientid.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/macro.h"
#include "common/parse.h"
#include "common/worker.h"

#define IDENTIFIER_PATH "/sys/fs/nfs/net/nfs_client/identifier"

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND(v0, v1, v2, v3)                                                  \
	do {                                                                      \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);          \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                             \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                             \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);          \
	} while (0)

/* SipHash-2-4: the machine id is the key, so the identifier does not reveal it. */
static uint64_t siphash24(const uint8_t key[16], const uint8_t *in, size_t len)
{
	uint64_t k0, k1, m, b = (uint64_t)len << 56;
	uint64_t v0, v1, v2, v3;
	size_t i;

	memcpy(&k0, key, 8);
	memcpy(&k1, key + 8, 8);
	v0 = k0 ^ 0x736f6d6570736575ULL;
	v1 = k1 ^ 0x646f72616e646f6dULL;
	v2 = k0 ^ 0x6c7967656e657261ULL;
	v3 = k1 ^ 0x7465646279746573ULL;
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, in + i, 8);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < 4; r++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* machine-id(5): 32 lower-case hex digits, optionally followed by a newline. */
static int machine_id_bytes(const char *s, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		int hi = hex_digit_value(s[2 * i]), lo = hi < 0 ? -1 : hex_digit_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return s[32] == '\0' || s[32] == '\n' ? 0 : -EINVAL;
}

int clientid_derive(const char *machine_id, const char *netns_key, char *buf, size_t size)
{
	uint8_t key[16];
	uint64_t h1, h2;
	_cleanup_free_ char *msg = NULL;
	int n;

	if (machine_id_bytes(machine_id, key) < 0 || size < 6 + 32 + 1)
		return -EINVAL;
	n = asprintf(&msg, "nsnfs-clientid:%s", netns_key);
	if (n < 0)
		return -ENOMEM;
	h1 = siphash24(key, (const uint8_t *)msg, (size_t)n);
	key[0] ^= 0x5a; /* second half with a different key */
	h2 = siphash24(key, (const uint8_t *)msg, (size_t)n);
	snprintf(buf, size, "nsnfs-%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
	return 0;
}

bool clientid_is_unset(const char *value)
{
	return !*value || strcmp(value, "(null)") == 0 || strcmp(value, "(null)\n") == 0 ||
	       strcmp(value, "\n") == 0;
}

static int read_small_file_at(int dirfd, const char *path, bool in_root, char *buf, size_t size)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
				.resolve = in_root ? RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS : 0 };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	ssize_t n;

	if (fd < 0)
		return negative_errno();
	n = read(fd, buf, size - 1);
	if (n < 0)
		return negative_errno();
	buf[n] = '\0';
	return 0;
}

int clientid_for_netns(const struct netns_spec *spec, uint64_t cookie, char *buf, size_t size)
{
	char host_id[64], ctr_id[64], key[PATH_MAX + 32];

	if (read_small_file_at(AT_FDCWD, "/etc/machine-id", false, host_id, sizeof(host_id)) < 0)
		return -ENOENT;
	switch (spec->kind) {
	case NETNS_SPEC_NAME:
		snprintf(key, sizeof(key), "name:%s", spec->name);
		break;
	case NETNS_SPEC_PATH:
		snprintf(key, sizeof(key), "path:%s", spec->path);
		break;
	case NETNS_SPEC_PID: {
		char root[64];
		_cleanup_close_ int rootfd = -EBADF;

		snprintf(root, sizeof(root), "/proc/%d/root", (int)spec->pid);
		rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		/* A container with its own machine id keeps its identity across
		 * restarts; the host's id is the key, so the same image on two hosts
		 * does not present one client to a shared server. */
		if (rootfd >= 0 &&
		    read_small_file_at(rootfd, "etc/machine-id", true, ctr_id, sizeof(ctr_id)) == 0 &&
		    strlen(ctr_id) >= 32 && strncmp(ctr_id, host_id, 32) != 0) {
			ctr_id[32] = '\0';
			snprintf(key, sizeof(key), "container:%s", ctr_id);
			break;
		}
		snprintf(key, sizeof(key), "cookie:%llu", (unsigned long long)cookie);
		break;
	}
	default:
		/* No stable name: the cookie is stable for the netns's lifetime, which is
		 * as long as any lease of it can live. */
		snprintf(key, sizeof(key), "cookie:%llu", (unsigned long long)cookie);
		break;
	}
	return clientid_derive(host_id, key, buf, size);
}

struct ensure_job {
	const char *wanted;
};

static int ensure_in_child(void *userdata, struct worker_reply *reply)
{
	const struct ensure_job *job = userdata;
	char cur[128];
	int r, fd;
	bool set = false;

	r = read_small_file_at(AT_FDCWD, IDENTIFIER_PATH, false, cur, sizeof(cur));
	if (r < 0)
		return r;
	cur[strcspn(cur, "\n")] = '\0';
	if (clientid_is_unset(cur)) {
		fd = open(IDENTIFIER_PATH, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return negative_errno();
		if (write(fd, job->wanted, strlen(job->wanted)) < 0) {
			r = negative_errno();
			close(fd);
			return r;
		}
		close(fd);
		snprintf(cur, sizeof(cur), "%s", job->wanted);
		set = true;
	}
	reply->data[0] = set;
	memcpy(reply->data + 1, cur, strlen(cur) + 1);
	reply->len = 1 + strlen(cur) + 1;
	return 0;
}

int clientid_ensure(const struct netns_spec *spec, int netns_fd, const char *wanted,
		    uint64_t deadline_ms, char *ret_value, size_t size, bool *ret_set)
{
	struct ensure_job job = { .wanted = wanted };
	struct worker_reply reply;
	int r;

	if (strlen(wanted) > CLIENTID_MAX)
		return -EINVAL;
	r = netns_worker_run(spec, netns_fd, WORKER_FRESH_SYSFS, ensure_in_child, &job, deadline_ms,
			     &reply);
	if (r < 0)
		return r;
	worker_reply_close(&reply);
	if (reply.len < 2 || reply.data[reply.len - 1] != '\0')
		return -EBADMSG;
	snprintf(ret_value, size, "%s", (const char *)reply.data + 1);
	*ret_set = reply.data[0];
	return 0;
}
