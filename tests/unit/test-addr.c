/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for common/addr.c: "host:/path" specs, numeric addresses, the
 * resolver worker (in the caller's netns and, as root, in a temporary named
 * netns with its own /etc/netns/NAME files) and source-address choice.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/macro.h"
#include "common/netns.h"
#include "common/worker.h"
#include "tests/unit/unit-helpers.h"

/* ---- helpers ----------------------------------------------------------------- */

static void spec_ok(const char *s, const char *host, const char *path, bool bracketed)
{
	struct nfs_spec spec;
	const char *reason = NULL;
	int r = nfs_spec_parse(s, &spec, &reason);

	if (r != 0)
		fail_msg("nfs_spec_parse(\"%s\") = %d (%s)", s, r, reason ? reason : "?");
	assert_string_equal(spec.host, host);
	assert_string_equal(spec.path, path);
	assert_int_equal(spec.bracketed, bracketed);
}

/* Must fail with -EINVAL and a reason; *ret untouched. */
static void spec_fails(const char *s)
{
	struct nfs_spec spec, sentinel;
	const char *reason = NULL;
	int r;

	memset(&spec, 0x3c, sizeof(spec));
	memcpy(&sentinel, &spec, sizeof(spec));
	r = nfs_spec_parse(s, &spec, &reason);
	if (r != -EINVAL)
		fail_msg("nfs_spec_parse(\"%s\") = %d, want -EINVAL", s ? s : "(null)", r);
	assert_non_null(reason);
	assert_true(strlen(reason) > 0);
	assert_memory_equal(&spec, &sentinel, sizeof(spec));
}

static const char *str(const struct sockaddr_storage *a)
{
	static char buf[INET6_ADDRSTRLEN];

	return addr_to_string(a, buf, sizeof(buf));
}

static void assert_addr(const struct sockaddr_storage *a, int family, const char *host,
			uint16_t port)
{
	assert_int_equal(a->ss_family, family);
	assert_string_equal(str(a), host);
	assert_int_equal(addr_port(a), port);
}

static uint64_t deadline_in(uint64_t ms)
{
	return monotonic_ms() + ms;
}

/*
 * A named netns with resolver files of its own in /etc/netns/NAME, made once
 * for the group and removed by the group teardown.
 */
static char ns_name[64], ns_etc[128];
static bool ns_ready, etc_netns_created;

static void ns_files(const char *nsswitch, const char *resolv)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/nsswitch.conf", ns_etc);
	assert_true(write_file(path, nsswitch));
	snprintf(path, sizeof(path), "%s/resolv.conf", ns_etc);
	assert_true(write_file(path, resolv));
}

static int group_setup(void **state)
{
	char cmd[192], path[192];

	if (geteuid() != 0)
		return 0;
	snprintf(ns_name, sizeof(ns_name), "nsnfs-u-addr-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "ip netns add %s 2>/dev/null", ns_name);
	if (system(cmd) != 0) {
		ns_name[0] = '\0';
		return 0;
	}
	if (mkdir("/etc/netns", 0755) == 0)
		etc_netns_created = true;
	snprintf(ns_etc, sizeof(ns_etc), "/etc/netns/%s", ns_name);
	if (mkdir(ns_etc, 0755) < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/hosts", ns_etc);
	if (!write_file(path, "127.0.0.1 localhost\n"
			      "10.9.8.7 srv-a\n"
			      "fd00::7 srv-mix\n"
			      "10.9.8.9 srv-mix\n"
			      "10.9.8.7 srv-dup\n"
			      "10.9.8.7 srv-dup\n"
			      "fd00::8 srv-dup\n"
			      "10.9.8.8 srv-dup\n"
			      "fd00::8 srv-dup\n"
			      "fd00::9 srv-v6only\n"))
		return 0;
	ns_ready = true;
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[192], path[192];
	static const char *const files[] = { "hosts", "nsswitch.conf", "resolv.conf" };

	if (ns_etc[0]) {
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			snprintf(path, sizeof(path), "%s/%s", ns_etc, files[i]);
			unlink(path);
		}
		rmdir(ns_etc);
		if (etc_netns_created)
			rmdir("/etc/netns"); /* only if still empty */
	}
	if (ns_name[0]) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", ns_name);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not delete netns %s\n", ns_name);
	}
	return 0;
}

static void require_ns(struct netns_spec *spec, int *fd)
{
	if (!ns_ready)
		skip();
	assert_int_equal(netns_spec_parse(ns_name, spec), 0);
	assert_int_equal(netns_spec_open(spec, fd), 0);
}

static void ip_in_ns(const char *args)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip -n %s %s", ns_name, args);
	assert_int_equal(system(cmd), 0);
}

/* ---- nfs_spec_parse --------------------------------------------------------------- */

static void test_spec_valid(void **state)
{
	spec_ok("h:/p", "h", "/p", false);
	spec_ok("h:", "h", "/", false);
	spec_ok("h:/", "h", "/", false);
	spec_ok("server.example.com:/export/home", "server.example.com", "/export/home", false);
	spec_ok("10.0.0.1:/x", "10.0.0.1", "/x", false);
	spec_ok("h:/p:q", "h", "/p:q", false); /* colons in the path are the path's */
	spec_ok("h:/a b/c,d", "h", "/a b/c,d", false);
	spec_ok("h_1-x:/p", "h_1-x", "/p", false);
	spec_ok("[::1]:/x", "::1", "/x", true);
	spec_ok("[::1]:", "::1", "/", true);
	spec_ok("[fd00::2]:/export/a:b", "fd00::2", "/export/a:b", true);
	spec_ok("[fe80::1%eth0]:/x", "fe80::1%eth0", "/x", true);
	spec_ok("[::ffff:10.0.0.1]:/x", "::ffff:10.0.0.1", "/x", true);
}

static void test_spec_invalid(void **state)
{
	static const char *const bad[] = {
		NULL, "", "h", "/p", "h/p",
		"h:p",           /* relative path */
		"[::1]:x",       /* relative path */
		"::1:/x",        /* IPv6 without brackets */
		"fe80::1:/x", "1:2:/x", "h:x:/p",
		"[h]:/x",        /* brackets are for IPv6 */
		"[10.0.0.1]:/x",
		"[::1]/x", "[::1]", "[::1", "[::1]x:/p", "[]:/x", "[::1]]:/x",
		":/x", ":",      /* no host */
		"h h:/x", "h@x:/p", "h/x:/p", "a]:/p", "a[b:/p",
		"h:/p\n", "h\t:/p", "h:/p\r", "[::1]:/x\x7f", "h:/\x1b[2J", "\n:/x",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		spec_fails(bad[i]);
}

/* What is inside brackets must be as clean as an unbracketed host. */
static void test_spec_bracketed_junk_rejected(void **state)
{
	static const char *const bad[] = { "[[::1]:/x", "[::1 ]:/x", "[::1/64]:/x", "[a@b:c]:/x",
					   "[::1[]:/x" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		spec_fails(bad[i]);
}

static void test_spec_lengths(void **state)
{
	static char s[NFS_SPEC_HOST_MAX + NFS_SPEC_PATH_MAX + 16];
	struct nfs_spec spec;
	const char *reason;
	size_t n;

	/* host: 255 fits, 256 does not */
	memset(s, 'h', NFS_SPEC_HOST_MAX);
	strcpy(s + NFS_SPEC_HOST_MAX, ":/p");
	assert_int_equal(nfs_spec_parse(s, &spec, &reason), 0);
	assert_int_equal(strlen(spec.host), NFS_SPEC_HOST_MAX);
	memset(s, 'h', NFS_SPEC_HOST_MAX + 1);
	strcpy(s + NFS_SPEC_HOST_MAX + 1, ":/p");
	spec_fails(s);

	/* bracketed: same limit */
	s[0] = '[';
	memset(s + 1, ':', NFS_SPEC_HOST_MAX);
	strcpy(s + 1 + NFS_SPEC_HOST_MAX, "]:/p");
	assert_int_equal(nfs_spec_parse(s, &spec, &reason), 0);
	assert_int_equal(strlen(spec.host), NFS_SPEC_HOST_MAX);
	memset(s + 1, ':', NFS_SPEC_HOST_MAX + 1);
	strcpy(s + 2 + NFS_SPEC_HOST_MAX, "]:/p");
	spec_fails(s);

	/* path: 1024 fits, 1025 does not */
	strcpy(s, "h:");
	n = strlen(s);
	memset(s + n, '/', NFS_SPEC_PATH_MAX);
	s[n + NFS_SPEC_PATH_MAX] = '\0';
	assert_int_equal(nfs_spec_parse(s, &spec, &reason), 0);
	assert_int_equal(strlen(spec.path), NFS_SPEC_PATH_MAX);
	s[n + NFS_SPEC_PATH_MAX] = 'p';
	s[n + NFS_SPEC_PATH_MAX + 1] = '\0';
	spec_fails(s);
}

/* ---- numeric addresses -------------------------------------------------------------- */

static void test_parse_numeric(void **state)
{
	struct sockaddr_storage a, sentinel;
	static const char *const bad[] = { "localhost", "", "1.2.3", "256.0.0.1", "1.2.3.4.5",
					   "fe80::1%eth0", "[::1]", " 1.2.3.4", "1.2.3.4 ",
					   "1.2.3.4:2049", "::1::2", "0x7f.1", "127.1" };

	assert_int_equal(addr_parse_numeric("127.0.0.1", 2049, &a), 0);
	assert_addr(&a, AF_INET, "127.0.0.1", 2049);
	assert_int_equal(addr_len(&a), sizeof(struct sockaddr_in));

	assert_int_equal(addr_parse_numeric("::1", 0, &a), 0);
	assert_addr(&a, AF_INET6, "::1", 0);
	assert_int_equal(addr_len(&a), sizeof(struct sockaddr_in6));

	assert_int_equal(addr_parse_numeric("fd00::2", 65535, &a), 0);
	assert_addr(&a, AF_INET6, "fd00::2", 65535);
	assert_int_equal(addr_parse_numeric("::ffff:10.0.0.1", 1, &a), 0);
	assert_addr(&a, AF_INET6, "::ffff:10.0.0.1", 1);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&a, 0x77, sizeof(a));
		memcpy(&sentinel, &a, sizeof(a));
		if (addr_parse_numeric(bad[i], 2049, &a) != -EINVAL)
			fail_msg("addr_parse_numeric(\"%s\") accepted", bad[i]);
		assert_memory_equal(&a, &sentinel, sizeof(a));
	}
}

static void test_addr_to_string(void **state)
{
	struct sockaddr_storage a = { 0 };
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a;
	char small[4];

	in6->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", &in6->sin6_addr), 1);
	in6->sin6_scope_id = 2;
	in6->sin6_port = htons(2049);
	assert_string_equal(str(&a), "fe80::1"); /* no scope, no port */
	assert_int_equal(addr_port(&a), 2049);

	/* too small a buffer: a marker, never a cut address */
	assert_int_equal(addr_parse_numeric("127.0.0.1", 0, &a), 0);
	assert_string_equal(addr_to_string(&a, small, sizeof(small)), "?");

	a.ss_family = AF_UNIX;
	assert_string_equal(str(&a), "?");
}

/* ---- resolution ----------------------------------------------------------------------- */

static void test_resolve_numeric(void **state)
{
	struct netns_spec spec = { .kind = NETNS_SPEC_CALLER };
	struct addr_list l;

	memset(&l, 0, sizeof(l));
	assert_int_equal(addr_resolve(&spec, -1, "127.0.0.1", AF_UNSPEC, 2049, deadline_in(5000), &l),
			 0);
	assert_int_equal(l.n, 1);
	assert_addr(&l.addrs[0], AF_INET, "127.0.0.1", 2049);

	assert_int_equal(addr_resolve(&spec, -1, "fd00::2", AF_INET6, 20049, deadline_in(5000), &l), 0);
	assert_int_equal(l.n, 1);
	assert_addr(&l.addrs[0], AF_INET6, "fd00::2", 20049);

	/* proto=tcp6 with an IPv4 address */
	assert_int_equal(addr_resolve(&spec, -1, "10.0.0.1", AF_INET6, 2049, deadline_in(5000), &l),
			 -EAFNOSUPPORT);

	/* numeric needs no worker: works even with an expired deadline */
	assert_int_equal(addr_resolve(&spec, -1, "10.0.0.1", AF_UNSPEC, 2049, 0, &l), 0);
	assert_addr(&l.addrs[0], AF_INET, "10.0.0.1", 2049);
}

static void check_localhost(const struct addr_list *l)
{
	assert_true(l->n >= 1 && l->n <= RESOLVE_ADDRS_MAX);
	/* IPv4 first */
	assert_addr(&l->addrs[0], AF_INET, "127.0.0.1", 2049);
	for (size_t i = 0; i < l->n; i++)
		assert_int_equal(addr_port(&l->addrs[i]), 2049);
}

static void test_resolve_localhost_caller(void **state)
{
	struct netns_spec spec;
	struct addr_list l;
	int fd = -1;

	assert_int_equal(netns_spec_parse(NULL, &spec), 0);
	assert_int_equal(netns_spec_open(&spec, &fd), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(addr_resolve(&spec, fd, "localhost", AF_UNSPEC, 2049, deadline_in(10000), &l),
			 0);
	check_localhost(&l);

	/* -1: stay in the current netns */
	memset(&l, 0, sizeof(l));
	assert_int_equal(addr_resolve(&spec, -1, "localhost", AF_UNSPEC, 2049, deadline_in(10000), &l),
			 0);
	check_localhost(&l);
	close(fd);
}

static void resolve_ns(const char *host, int family, uint16_t port, struct addr_list *l, int want)
{
	struct netns_spec spec;
	int fd = -1, r;

	require_ns(&spec, &fd);
	memset(l, 0, sizeof(*l));
	r = addr_resolve(&spec, fd, host, family, port, deadline_in(10000), l);
	close(fd);
	if (r != want)
		fail_msg("addr_resolve(%s in %s) = %d, want %d", host, ns_name, r, want);
}

static void test_resolve_in_named_netns(void **state)
{
	struct addr_list l;

	if (!ns_ready)
		skip();
	ns_files("hosts: files\n", "");

	/* the netns's own /etc/netns/NAME/hosts */
	resolve_ns("srv-a", AF_UNSPEC, 2049, &l, 0);
	assert_int_equal(l.n, 1);
	assert_addr(&l.addrs[0], AF_INET, "10.9.8.7", 2049);

	/* IPv4 first even when the file lists IPv6 first */
	resolve_ns("srv-mix", AF_UNSPEC, 2049, &l, 0);
	assert_int_equal(l.n, 2);
	assert_addr(&l.addrs[0], AF_INET, "10.9.8.9", 2049);
	assert_addr(&l.addrs[1], AF_INET6, "fd00::7", 2049);

	/* proto=tcp6: IPv6 only */
	resolve_ns("srv-mix", AF_INET6, 2049, &l, 0);
	assert_int_equal(l.n, 1);
	assert_addr(&l.addrs[0], AF_INET6, "fd00::7", 2049);
	resolve_ns("srv-v6only", AF_UNSPEC, 2049, &l, 0);
	assert_int_equal(l.n, 1);
	assert_addr(&l.addrs[0], AF_INET6, "fd00::9", 2049);

	/* unknown names, and names without an address of the family */
	resolve_ns("nsnfs-no-such-host", AF_UNSPEC, 2049, &l, -ENOENT);
	resolve_ns("srv-a", AF_INET6, 2049, &l, -ENOENT);
}

static void check_no_duplicates(const struct addr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t j = i + 1; j < l->n; j++)
			if (addr_len(&l->addrs[i]) == addr_len(&l->addrs[j]) &&
			    memcmp(&l->addrs[i], &l->addrs[j], addr_len(&l->addrs[i])) == 0)
				fail_msg("address %s port %u listed twice (entries %zu and %zu)",
					 str(&l->addrs[i]), addr_port(&l->addrs[i]), i, j);
}

/* A name listed twice in the hosts file is one address to try, whatever the port. */
static void test_resolve_drops_duplicates(void **state)
{
	static const uint16_t ports[] = { 0, 2049 };
	struct addr_list l;

	if (!ns_ready)
		skip();
	ns_files("hosts: files\n", "");
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		resolve_ns("srv-dup", AF_UNSPEC, ports[i], &l, 0);
		check_no_duplicates(&l);
		assert_int_equal(l.n, 3);
		assert_addr(&l.addrs[0], AF_INET, "10.9.8.7", ports[i]);
		assert_addr(&l.addrs[1], AF_INET, "10.9.8.8", ports[i]);
		assert_addr(&l.addrs[2], AF_INET6, "fd00::8", ports[i]);
	}
}

/* A DNS server that never answers: the deadline, not the resolver's 5 s x N, decides. */
static void test_resolve_deadline(void **state)
{
	struct netns_spec spec;
	struct sockaddr_in dns = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct addr_list l;
	int ns_fd = -1, sock = -1, r;
	uint64_t start, took;

	if (!ns_ready)
		skip();
	ip_in_ns("link set lo up");
	ns_files("hosts: files dns\n", "nameserver 127.0.0.1\noptions timeout:5 attempts:2\n");
	require_ns(&spec, &ns_fd);
	/* a silent server: bound, never read */
	assert_int_equal(netns_socket(ns_fd, AF_INET, SOCK_DGRAM, 0, &sock), 0);
	dns.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(sock, (struct sockaddr *)&dns, sizeof(dns)), 0);

	start = monotonic_ms();
	r = addr_resolve(&spec, ns_fd, "nsnfs-silent.example", AF_UNSPEC, 2049, start + 300, &l);
	took = monotonic_ms() - start;
	assert_int_equal(r, -ETIMEDOUT);
	assert_true(took >= 290);
	if (took > 1000)
		fail_msg("deadline of 300 ms returned after %llu ms", (unsigned long long)took);

	close(sock);
	close(ns_fd);
	ip_in_ns("link set lo down");
	ns_files("hosts: files\n", "");
}

/*
 * A PID spec: a "container" (its own mount ns and netns) whose /etc/hosts
 * is a file of its own.  The name resolves in its netns with its hosts file.
 */
static pid_t ctr_pid;
static char ctr_hosts[64];

static int teardown_container(void **state)
{
	if (ctr_pid > 0) {
		kill(ctr_pid, SIGKILL);
		waitpid(ctr_pid, NULL, 0);
	}
	ctr_pid = 0;
	if (ctr_hosts[0])
		unlink(ctr_hosts);
	ctr_hosts[0] = '\0';
	return 0;
}

static void test_resolve_pid_spec(void **state)
{
	struct netns_spec spec;
	struct addr_list l;
	char pid[32], b;
	int p[2], fd = -1, tmp;

	if (geteuid() != 0) {
		skip();
		return;
	}
	snprintf(ctr_hosts, sizeof(ctr_hosts), "/tmp/nsnfs-test-addr-hosts-XXXXXX");
	tmp = mkstemp(ctr_hosts);
	assert_true(tmp >= 0);
	close(tmp);
	assert_true(write_file(ctr_hosts, "127.0.0.1 localhost\n10.7.7.7 only-in-the-container\n"));
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	ctr_pid = fork();
	assert_true(ctr_pid >= 0);
	if (ctr_pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(ctr_hosts, "/etc/hosts", NULL, MS_BIND, NULL) < 0 || write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &b, 1), 1);
	close(p[0]);

	snprintf(pid, sizeof(pid), "%d", (int)ctr_pid);
	assert_int_equal(netns_spec_parse(pid, &spec), 0);
	assert_int_equal(netns_spec_open(&spec, &fd), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(addr_resolve(&spec, fd, "only-in-the-container", AF_UNSPEC, 2049,
				      deadline_in(10000), &l),
			 0);
	assert_int_equal(l.n, 1);
	assert_addr(&l.addrs[0], AF_INET, "10.7.7.7", 2049);
	close(fd);
}

/* ---- source address --------------------------------------------------------------------- */

static void test_source_for_loopback(void **state)
{
	struct sockaddr_storage dst, src;
	int fd = -1;
	struct netns_spec spec;

	assert_int_equal(addr_parse_numeric("127.0.0.1", 2049, &dst), 0);
	memset(&src, 0, sizeof(src));
	assert_int_equal(addr_source_for(-1, &dst, &src), 0);
	assert_int_equal(src.ss_family, AF_INET);
	assert_string_equal(str(&src), "127.0.0.1");

	/* the same through an fd of the caller's netns */
	assert_int_equal(netns_spec_parse(NULL, &spec), 0);
	assert_int_equal(netns_spec_open(&spec, &fd), 0);
	memset(&src, 0, sizeof(src));
	assert_int_equal(addr_source_for(fd, &dst, &src), 0);
	assert_string_equal(str(&src), "127.0.0.1");

	if (addr_parse_numeric("::1", 2049, &dst) == 0 && addr_source_for(fd, &dst, &src) == 0) {
		assert_int_equal(src.ss_family, AF_INET6);
		assert_string_equal(str(&src), "::1");
	}
	close(fd);
}

/* In a netns whose only interface is lo, down: nothing is reachable. */
static void test_source_for_unreachable(void **state)
{
	struct netns_spec spec;
	struct sockaddr_storage dst, src, sentinel;
	int fd = -1;

	if (!ns_ready)
		skip();
	require_ns(&spec, &fd);
	assert_int_equal(addr_parse_numeric("10.0.0.1", 2049, &dst), 0);
	memset(&src, 0x11, sizeof(src));
	memcpy(&sentinel, &src, sizeof(src));
	assert_int_equal(addr_source_for(fd, &dst, &src), -ENETUNREACH);
	assert_memory_equal(&src, &sentinel, sizeof(src));

	/* lo up: loopback is reachable there, and 10.0.0.1 still is not */
	ip_in_ns("link set lo up");
	assert_int_equal(addr_parse_numeric("127.0.0.1", 2049, &dst), 0);
	assert_int_equal(addr_source_for(fd, &dst, &src), 0);
	assert_string_equal(str(&src), "127.0.0.1");
	assert_int_equal(addr_parse_numeric("10.0.0.1", 2049, &dst), 0);
	assert_int_equal(addr_source_for(fd, &dst, &src), -ENETUNREACH);
	ip_in_ns("link set lo down");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_valid),
		cmocka_unit_test(test_spec_invalid),
		cmocka_unit_test(test_spec_bracketed_junk_rejected),
		cmocka_unit_test(test_spec_lengths),
		cmocka_unit_test(test_parse_numeric),
		cmocka_unit_test(test_addr_to_string),
		cmocka_unit_test(test_resolve_numeric),
		cmocka_unit_test(test_resolve_localhost_caller),
		cmocka_unit_test(test_resolve_in_named_netns),
		cmocka_unit_test(test_resolve_drops_duplicates),
		cmocka_unit_test(test_resolve_deadline),
		cmocka_unit_test_teardown(test_resolve_pid_spec, teardown_container),
		cmocka_unit_test(test_source_for_loopback),
		cmocka_unit_test(test_source_for_unreachable),
	};

	return cmocka_run_group_tests_name("addr", tests, group_setup, group_teardown);
}
