/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for common/clientid.c: the derived NFSv4 client identifier
 * (format, stability, keying), machine-id validation, "unset" detection,
 * per-spec keys and, where the NFS client sysfs is absent, clientid_ensure's
 * -ENOENT.  Tests that create processes in another root need root.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clientid.h"
#include "common/macro.h"
#include "common/netns.h"
#include "common/worker.h"
#include "tests/unit/unit-helpers.h"

#define MID_A "3d1219c7c4c5404aaa1f6d2a48adfda4"
#define MID_B "0123456789abcdef0123456789abcdef"

/* ---- an independent SipHash-2-4 (reference: Aumasson & Bernstein) ------------- */

static uint64_t ref_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t ref_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void ref_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ref_rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = ref_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = ref_rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ref_rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ref_rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = ref_rotl(v[2], 32);
}

static uint64_t ref_siphash24(const uint8_t key[16], const uint8_t *in, size_t len)
{
	uint64_t k0 = ref_le64(key), k1 = ref_le64(key + 8);
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
			  k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL };
	uint8_t last[8] = { 0 };
	size_t i;
	uint64_t m;

	for (i = 0; i + 8 <= len; i += 8) {
		m = ref_le64(in + i);
		v[3] ^= m;
		ref_round(v);
		ref_round(v);
		v[0] ^= m;
	}
	memcpy(last, in + i, len - i);
	last[7] = (uint8_t)len;
	m = ref_le64(last);
	v[3] ^= m;
	ref_round(v);
	ref_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		ref_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void hex_to_bytes(const char *hex, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		unsigned b;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

/* What clientid_derive should produce, computed independently. */
static void ref_clientid(const char *machine_id, const char *key, char *buf, size_t size)
{
	uint8_t k[16];
	char msg[8192];
	uint64_t h1, h2;
	int n;

	hex_to_bytes(machine_id, k);
	n = snprintf(msg, sizeof(msg), "nsnfs-clientid:%s", key);
	assert_true(n > 0 && (size_t)n < sizeof(msg));
	h1 = ref_siphash24(k, (const uint8_t *)msg, (size_t)n);
	k[0] ^= 0x5a;
	h2 = ref_siphash24(k, (const uint8_t *)msg, (size_t)n);
	snprintf(buf, size, "nsnfs-%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
}

/* ---- helpers ----------------------------------------------------------------- */

static void derive(const char *mid, const char *key, char *buf, size_t size)
{
	int r = clientid_derive(mid, key, buf, size);

	if (r != 0)
		fail_msg("clientid_derive(\"%s\", key of %zu bytes) = %d", mid, strlen(key), r);
}

static void assert_format(const char *id)
{
	assert_int_equal(strlen(id), 6 + 32);
	assert_true(strlen(id) <= CLIENTID_MAX);
	assert_memory_equal(id, "nsnfs-", 6);
	for (size_t i = 6; i < strlen(id); i++)
		if (!isxdigit((unsigned char)id[i]) || isupper((unsigned char)id[i]))
			fail_msg("\"%s\": not lower-case hex at %zu", id, i);
}

static void host_machine_id(char *buf, size_t size)
{
	FILE *f = fopen("/etc/machine-id", "re");
	bool ok;

	if (!f) {
		skip();
		return;
	}
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	if (!ok || strlen(buf) != 32)
		skip();
}

/* ---- clientid_derive ------------------------------------------------------------ */

static void test_reference_siphash(void **state)
{
	/* the published SipHash-2-4 vectors for key 00..0f, input 00..(n-1) */
	static const uint64_t vectors[] = {
		0x726fdb47dd0e0e31ULL, /* n = 0 */
		0x74f839c593dc67fdULL, /* n = 1 */
		0xa129ca6149be45e5ULL, /* n = 15 */
	};
	static const size_t lens[] = { 0, 1, 15 };
	uint8_t key[16], in[16];

	for (int i = 0; i < 16; i++)
		key[i] = in[i] = (uint8_t)i;
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		assert_int_equal(ref_siphash24(key, in, lens[i]), vectors[i]);
}

static void test_derive_format_and_value(void **state)
{
	static const char *const keys[] = { "name:ctr1", "path:/run/netns/x", "cookie:4096", "",
					    "container", "name:a-name-of-exactly-eight-bytes!" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char id[64], want[64];

		derive(MID_A, keys[i], id, sizeof(id));
		assert_format(id);
		/* SipHash-2-4 keyed by the machine id, two halves, as documented */
		ref_clientid(MID_A, keys[i], want, sizeof(want));
		assert_string_equal(id, want);
	}
}

static void test_derive_deterministic(void **state)
{
	char a[64], b[64];

	derive(MID_A, "name:ctr1", a, sizeof(a));
	derive(MID_A, "name:ctr1", b, sizeof(b));
	assert_string_equal(a, b);
	/* a machine-id(5) file ends with a newline: same identity */
	derive(MID_A "\n", "name:ctr1", b, sizeof(b));
	assert_string_equal(a, b);
}

static void test_derive_differs(void **state)
{
	char a[64], b[64], c[64], d[64];

	derive(MID_A, "name:ctr1", a, sizeof(a));
	derive(MID_A, "name:ctr2", b, sizeof(b));
	derive(MID_B, "name:ctr1", c, sizeof(c));
	derive(MID_A, "path:ctr1", d, sizeof(d));
	assert_string_not_equal(a, b); /* by key */
	assert_string_not_equal(a, c); /* by machine */
	assert_string_not_equal(a, d); /* by key kind */
	/* the two halves are independent */
	assert_memory_not_equal(a + 6, a + 22, 16);
	/* the identifier does not reveal the machine id */
	assert_null(strstr(a, MID_A));
}

static void test_derive_rejects_bad_machine_id(void **state)
{
	static const char *const bad[] = {
		"",
		"uninitialized\n",
		"3d1219c7c4c5404aaa1f6d2a48adfda",   /* 31 */
		"3d1219c7c4c5404aaa1f6d2a48adfda4a", /* 33 */
		"3d1219c7c4c5404aaa1f6d2a48adfdag",
		"3d1219c7-c4c5-404a-aa1f-6d2a48adfda4",
		" 3d1219c7c4c5404aaa1f6d2a48adfda4",
		"3d1219c7c4c5404aaa1f6d2a48adfda4 ",
		"3d1219c7c4c5404aaa1f6d2a48adfda4\t",
		"0x3d1219c7c4c5404aaa1f6d2a48adfd",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char buf[64] = "untouched";

		if (clientid_derive(bad[i], "name:x", buf, sizeof(buf)) != -EINVAL)
			fail_msg("machine id \"%s\" accepted", bad[i]);
		assert_string_equal(buf, "untouched");
	}
}

static void test_derive_buffer_size(void **state)
{
	char buf[64];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(clientid_derive(MID_A, "k", buf, 38), -EINVAL);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(clientid_derive(MID_A, "k", buf, 39), 0);
	assert_int_equal(strlen(buf), 38);
	assert_int_equal(buf[39], 'X');
}

/*
 * Keys are as long as the specs they come from: "path:" + up to PATH_MAX - 1.
 * All of the key counts: keys differing only in their last byte differ.
 */
static void test_derive_long_key(void **state)
{
	static char key[PATH_MAX + 32];
	static const size_t lens[] = { 400, 600, PATH_MAX + 4 };

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		char a[64], b[64], c[64];

		memcpy(key, "path:/", 6);
		memset(key + 6, 'd', lens[i] - 6);
		key[lens[i]] = '\0';
		derive(MID_A, key, a, sizeof(a));
		assert_format(a);
		derive(MID_A, key, b, sizeof(b));
		assert_string_equal(a, b);
		key[lens[i] - 1] = 'e';
		derive(MID_A, key, c, sizeof(c));
		assert_format(c);
		assert_string_not_equal(a, c);
	}
}

/* ---- clientid_is_unset ------------------------------------------------------------- */

static void test_is_unset(void **state)
{
	static const char *const unset[] = { "", "(null)", "(null)\n", "\n" };
	static const char *const set[] = { "nsnfs-0123", "(null) ", "null", " ", "x\n",
					   "(NULL)", "\n\n" };

	for (size_t i = 0; i < ARRAY_SIZE(unset); i++)
		assert_true(clientid_is_unset(unset[i]));
	for (size_t i = 0; i < ARRAY_SIZE(set); i++)
		if (clientid_is_unset(set[i]))
			fail_msg("\"%s\" taken as unset", set[i]);
}

/* ---- clientid_for_netns -------------------------------------------------------------- */

static void for_spec(const char *s, uint64_t cookie, char *buf, size_t size)
{
	struct netns_spec spec;
	int r;

	assert_int_equal(netns_spec_parse(s, &spec), 0);
	r = clientid_for_netns(&spec, cookie, buf, size);
	if (r != 0)
		fail_msg("clientid_for_netns(\"%.60s\", %zu bytes) = %d", s ? s : "(caller)",
			 s ? strlen(s) : 0, r);
}

static void test_for_netns_keys(void **state)
{
	char mid[64], id[64], want[64], pid[32];

	host_machine_id(mid, sizeof(mid));

	for_spec("ctr1", 1, id, sizeof(id));
	ref_clientid(mid, "name:ctr1", want, sizeof(want));
	assert_string_equal(id, want);
	/* a name does not depend on the cookie: stable across netns re-creation */
	for_spec("ctr1", 2, want, sizeof(want));
	assert_string_equal(id, want);

	for_spec("/run/netns/ctr1", 1, id, sizeof(id));
	ref_clientid(mid, "path:/run/netns/ctr1", want, sizeof(want));
	assert_string_equal(id, want);

	/* no stable name: the cookie */
	for_spec(NULL, 4242, id, sizeof(id));
	ref_clientid(mid, "cookie:4242", want, sizeof(want));
	assert_string_equal(id, want);
	for_spec(NULL, 4243, want, sizeof(want));
	assert_string_not_equal(id, want);

	/* a process sharing our root and machine id: the cookie too */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for_spec(pid, 4242, want, sizeof(want));
	assert_string_equal(id, want);
}

static void test_for_netns_long_path(void **state)
{
	static char path[1024];
	char mid[64], id[64], other[64];

	host_machine_id(mid, sizeof(mid));
	path[0] = '/';
	memset(path + 1, 'p', 700);
	path[701] = '\0';
	for_spec(path, 1, id, sizeof(id));
	assert_format(id);
	path[700] = 'q';
	for_spec(path, 1, other, sizeof(other));
	assert_string_not_equal(id, other);
}

/* A process chrooted into dir, parked until the teardown. */
static pid_t parked;
static char tmpdir[64];

static int park_setup_chroot(const void *dir)
{
	if (chroot(dir) < 0)
		return -1;
	return chdir("/");
}

static void park_chrooted(const char *dir)
{
	if (geteuid() != 0)
		skip();
	parked = park_child_start(park_setup_chroot, dir);
	if (parked < 0) {
		parked = 0;
		skip();
	}
}

static int teardown_parked(void **state)
{
	char cmd[128];

	if (parked > 0) {
		kill(parked, SIGKILL);
		waitpid(parked, NULL, 0);
	}
	parked = 0;
	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", tmpdir);
	}
	tmpdir[0] = '\0';
	return 0;
}

static void container_root(const char *machine_id_content, const char *symlink_to)
{
	char path[128];
	FILE *f;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nsnfs-test-clientid-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/etc", tmpdir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/machine-id", tmpdir);
	if (symlink_to) {
		assert_int_equal(symlink(symlink_to, path), 0);
		return;
	}
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(machine_id_content, f);
	assert_int_equal(fclose(f), 0);
}

static void test_for_netns_container_machine_id(void **state)
{
	char mid[64], id[64], want[64], pid[32];

	host_machine_id(mid, sizeof(mid));
	container_root(MID_B "\n", NULL);
	park_chrooted(tmpdir);
	snprintf(pid, sizeof(pid), "%d", (int)parked);
	for_spec(pid, 77, id, sizeof(id));
	/* its own machine id names it (keyed by the host's), independent of the cookie */
	assert_int_equal(clientid_derive(mid, "container:" MID_B, want, sizeof(want)), 0);
	assert_string_equal(id, want);
	for_spec(pid, 78, want, sizeof(want));
	assert_string_equal(id, want);
}

static void check_container_falls_back(const char *content, const char *link)
{
	char mid[64], id[64], want[64], pid[32];

	host_machine_id(mid, sizeof(mid));
	container_root(content, link);
	park_chrooted(tmpdir);
	snprintf(pid, sizeof(pid), "%d", (int)parked);
	for_spec(pid, 99, id, sizeof(id));
	ref_clientid(mid, "cookie:99", want, sizeof(want));
	assert_string_equal(id, want);
}

/* An empty machine id (common in images) is no identity: the cookie decides. */
static void test_for_netns_container_empty_machine_id(void **state)
{
	check_container_falls_back("", NULL);
}

/* A symlinked machine id is not followed. */
static void test_for_netns_container_symlinked_machine_id(void **state)
{
	check_container_falls_back(NULL, "/proc/self/root/etc/machine-id");
}

/* ---- clientid_ensure ---------------------------------------------------------------- */

static void test_ensure_rejects_long_identifier(void **state)
{
	char want[CLIENTID_MAX + 2], value[128];
	struct netns_spec spec = { .kind = NETNS_SPEC_CALLER };
	bool set = true;

	memset(want, 'a', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	assert_int_equal(clientid_ensure(&spec, -1, want, monotonic_ms() + 5000, value, sizeof(value),
					 &set),
			 -EINVAL);
	assert_true(set); /* untouched */
}

/* Without the nfs module, the netns has no client sysfs: nothing to set, -ENOENT. */
static void test_ensure_without_nfs_sysfs(void **state)
{
	struct netns_spec spec = { .kind = NETNS_SPEC_CALLER };
	char value[128] = "untouched";
	bool set = true;
	int fd;

	if (geteuid() != 0 || access("/sys/fs/nfs", F_OK) == 0)
		skip(); /* nfs is loaded: ensure would really write */
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(clientid_ensure(&spec, fd, "nsnfs-test", monotonic_ms() + 5000, value,
					 sizeof(value), &set),
			 -ENOENT);
	assert_string_equal(value, "untouched");
	assert_true(set);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_siphash),
		cmocka_unit_test(test_derive_format_and_value),
		cmocka_unit_test(test_derive_deterministic),
		cmocka_unit_test(test_derive_differs),
		cmocka_unit_test(test_derive_rejects_bad_machine_id),
		cmocka_unit_test(test_derive_buffer_size),
		cmocka_unit_test(test_derive_long_key),
		cmocka_unit_test(test_is_unset),
		cmocka_unit_test(test_for_netns_keys),
		cmocka_unit_test(test_for_netns_long_path),
		cmocka_unit_test_teardown(test_for_netns_container_machine_id, teardown_parked),
		cmocka_unit_test_teardown(test_for_netns_container_empty_machine_id, teardown_parked),
		cmocka_unit_test_teardown(test_for_netns_container_symlinked_machine_id,
					  teardown_parked),
		cmocka_unit_test(test_ensure_rejects_long_identifier),
		cmocka_unit_test(test_ensure_without_nfs_sysfs),
	};

	return cmocka_run_group_tests_name("clientid", tests, NULL, NULL);
}
