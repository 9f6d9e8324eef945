/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for common/netns.c: netns specs, opening and verifying netns
 * files, cookies and sockets created in another netns.  Tests that create a
 * network namespace need root and are skipped without it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/macro.h"
#include "tests/unit/unit-helpers.h"
#include "common/netns.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* ---- helpers ----------------------------------------------------------------- */

/* A child parked in a fresh netns until stop_netns_child(). */
struct netns_child {
	pid_t pid;
	int ns_fd; /* its netns, opened by us */
};

static void start_netns_child(struct netns_child *c)
{
	char path[64];

	require_root();
	c->pid = park_child_start(park_in_new_netns, NULL);
	if (c->pid < 0) {
		c->pid = 0;
		skip(); /* no CLONE_NEWNET here */
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->pid);
	c->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(c->ns_fd >= 0);
}

static struct netns_child child = { .ns_fd = -1 };

static void stop_netns_child(struct netns_child *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	if (c->ns_fd >= 0)
		close(c->ns_fd);
	c->ns_fd = -1;
}

static int teardown_child(void **state)
{
	stop_netns_child(&child);
	return 0;
}

/* A named netns made with ip(8); teardown_named deletes it even after a failure. */
static char named[64];

static bool add_named_netns(void)
{
	char cmd[128];

	if (geteuid() != 0)
		return false;
	snprintf(named, sizeof(named), "nsnfs-u-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "ip netns add %s 2>/dev/null", named);
	return system(cmd) == 0;
}

static void del_named_netns(void)
{
	char cmd[128];

	if (!named[0])
		return;
	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", named);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not delete netns %s\n", named);
	named[0] = '\0';
}

static int teardown_named(void **state)
{
	del_named_netns();
	return 0;
}

static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(path, &b), 0);
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static bool same_fd_file(int fd1, int fd2)
{
	struct stat a, b;

	assert_int_equal(fstat(fd1, &a), 0);
	assert_int_equal(fstat(fd2, &b), 0);
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static uint64_t socket_netns_cookie(int fd)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len), 0);
	return cookie;
}

static uint64_t own_cookie(void)
{
	uint64_t c = 0;

	assert_int_equal(netns_cookie(-1, &c), 0);
	return c;
}

static bool is_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	assert_true(flags >= 0);
	return flags & FD_CLOEXEC;
}

/* Parse that must fail; *ret stays untouched. */
static void parse_fails(const char *s, int want)
{
	struct netns_spec spec, sentinel;
	int r;

	memset(&spec, 0x5a, sizeof(spec));
	memcpy(&sentinel, &spec, sizeof(spec));
	r = netns_spec_parse(s, &spec);
	if (r != want)
		fail_msg("netns_spec_parse(\"%s\") = %d, want %d", s, r, want);
	assert_memory_equal(&spec, &sentinel, sizeof(spec));
}

static int open_spec(const char *s, int *fd)
{
	struct netns_spec spec;

	assert_int_equal(netns_spec_parse(s, &spec), 0);
	*fd = -1;
	return netns_spec_open(&spec, fd);
}

/* ---- parsing ----------------------------------------------------------------- */

static void test_parse_caller(void **state)
{
	struct netns_spec spec;

	memset(&spec, 0x5a, sizeof(spec));
	assert_int_equal(netns_spec_parse(NULL, &spec), 0);
	assert_int_equal(spec.kind, NETNS_SPEC_CALLER);
	memset(&spec, 0x5a, sizeof(spec));
	assert_int_equal(netns_spec_parse("", &spec), 0);
	assert_int_equal(spec.kind, NETNS_SPEC_CALLER);
}

static void test_parse_name(void **state)
{
	static const char *const names[] = { "ctr1", "a", "a.b", "..a", "a..", "-x", "1a", "a1",
					      "with space", "ctr_1-2.3", "+1", "-1", "\xc3\xa9t\xc3\xa9" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct netns_spec spec;
		char path[PATH_MAX];

		assert_int_equal(netns_spec_parse(names[i], &spec), 0);
		assert_int_equal(spec.kind, NETNS_SPEC_NAME);
		assert_string_equal(spec.name, names[i]);
		snprintf(path, sizeof(path), "/run/netns/%s", names[i]);
		assert_string_equal(spec.path, path);
	}
}

static void test_parse_name_rejected(void **state)
{
	static const char *const bad[] = {
		".", "..", "a/b", "a/", "ctr\n", "a\nb", "\t", "ctr\x1b[0m", "del\x7f", "\r", " \x01",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		parse_fails(bad[i], -EINVAL);
}

static void test_parse_name_length(void **state)
{
	char s[NAME_MAX + 2];
	struct netns_spec spec;

	memset(s, 'n', NAME_MAX);
	s[NAME_MAX] = '\0';
	assert_int_equal(netns_spec_parse(s, &spec), 0);
	assert_int_equal(spec.kind, NETNS_SPEC_NAME);
	assert_int_equal(strlen(spec.name), NAME_MAX);
	assert_int_equal(strlen(spec.path), strlen("/run/netns/") + NAME_MAX);

	s[NAME_MAX] = 'n';
	s[NAME_MAX + 1] = '\0';
	parse_fails(s, -ENAMETOOLONG);
}

static void test_parse_path(void **state)
{
	static const char *const paths[] = { "/proc/self/ns/net", "/run/netns/ctr1", "/", "/a b",
					     "/proc/42/ns/net", "//x" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		struct netns_spec spec;

		assert_int_equal(netns_spec_parse(paths[i], &spec), 0);
		assert_int_equal(spec.kind, NETNS_SPEC_PATH);
		assert_string_equal(spec.path, paths[i]);
	}
	parse_fails("/proc/1/ns/net\n", -EINVAL);
	parse_fails("/tmp/\x1b", -EINVAL);
}

static void test_parse_path_length(void **state)
{
	static char s[PATH_MAX + 2];
	struct netns_spec spec;

	s[0] = '/';
	memset(s + 1, 'p', PATH_MAX - 2);
	s[PATH_MAX - 1] = '\0'; /* strlen PATH_MAX - 1: fits with its NUL */
	assert_int_equal(netns_spec_parse(s, &spec), 0);
	assert_int_equal(spec.kind, NETNS_SPEC_PATH);
	assert_int_equal(strlen(spec.path), PATH_MAX - 1);

	s[PATH_MAX - 1] = 'p';
	s[PATH_MAX] = '\0';
	parse_fails(s, -ENAMETOOLONG);
}

static void test_parse_pid(void **state)
{
	static const struct {
		const char *s;
		pid_t pid;
	} good[] = { { "1", 1 }, { "42", 42 }, { "007", 7 }, { "4194304", 4194304 } };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct netns_spec spec;

		assert_int_equal(netns_spec_parse(good[i].s, &spec), 0);
		assert_int_equal(spec.kind, NETNS_SPEC_PID);
		assert_int_equal(spec.pid, good[i].pid);
	}
	parse_fails("0", -ERANGE);
	parse_fails("0000", -ERANGE);
	parse_fails("4194305", -ERANGE);
	parse_fails("2147483648", -ERANGE);
	parse_fails("4294967297", -ERANGE); /* would wrap to 1 as a 32-bit pid */
	parse_fails("18446744073709551616", -ERANGE);
	parse_fails("99999999999999999999999999999999", -ERANGE);
}

/* ---- describe ----------------------------------------------------------------- */

static void test_describe(void **state)
{
	static const struct {
		const char *spec, *want;
	} cases[] = {
		{ NULL, "caller's" },
		{ "ctr1", "ctr1" },
		{ "/proc/42/ns/net", "/proc/42/ns/net" },
		{ "42", "pid 42" },
		{ "4194304", "pid 4194304" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netns_spec spec;
		char buf[64];

		assert_int_equal(netns_spec_parse(cases[i].spec, &spec), 0);
		assert_ptr_equal(netns_spec_describe(&spec, buf, sizeof(buf)), buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_describe_truncates(void **state)
{
	struct netns_spec spec;
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(netns_spec_parse("a-long-namespace-name", &spec), 0);
	netns_spec_describe(&spec, buf, 5);
	assert_string_equal(buf, "a-lo");
	assert_int_equal(buf[5], 'X'); /* nothing written past size */

	assert_int_equal(netns_spec_parse("4194304", &spec), 0);
	netns_spec_describe(&spec, buf, sizeof(buf));
	assert_string_equal(buf, "pid 419");
}

/* ---- open and verify ------------------------------------------------------------ */

static void test_open_caller(void **state)
{
	struct netns_spec spec;
	int fd = -1;

	assert_int_equal(netns_spec_parse(NULL, &spec), 0);
	assert_int_equal(netns_spec_open(&spec, &fd), 0);
	assert_true(fd >= 0);
	assert_true(is_cloexec(fd));
	assert_true(same_file(fd, "/proc/self/ns/net"));
	assert_int_equal(netns_fd_verify(fd), 0);
	close(fd);
}

static void test_open_path_proc_self(void **state)
{
	int fd;

	assert_int_equal(open_spec("/proc/self/ns/net", &fd), 0);
	assert_true(is_cloexec(fd));
	assert_true(same_file(fd, "/proc/self/ns/net"));
	close(fd);

	/* a thread's netns file is the same namespace */
	assert_int_equal(open_spec("/proc/thread-self/ns/net", &fd), 0);
	assert_true(same_file(fd, "/proc/self/ns/net"));
	close(fd);
}

static void test_open_not_a_netns(void **state)
{
	char file[] = "/tmp/nsnfs-test-netns-XXXXXX";
	char fifo[64];
	int tmp, fd = -1;

	/* another namespace type */
	assert_int_equal(open_spec("/proc/self/ns/mnt", &fd), -EINVAL);
	assert_int_equal(open_spec("/proc/self/ns/uts", &fd), -EINVAL);
	assert_int_equal(open_spec("/proc/self/ns/user", &fd), -EINVAL);
	/* not a namespace at all */
	tmp = mkstemp(file);
	assert_true(tmp >= 0);
	close(tmp);
	assert_int_equal(open_spec(file, &fd), -EINVAL);
	unlink(file);
	assert_int_equal(open_spec("/", &fd), -EINVAL);
	assert_int_equal(open_spec("/dev/null", &fd), -EINVAL);
	/* a FIFO must not block the open */
	snprintf(fifo, sizeof(fifo), "/tmp/nsnfs-test-fifo-%d", (int)getpid());
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(open_spec(fifo, &fd), -EINVAL);
	unlink(fifo);
	assert_int_equal(fd, -1); /* nothing handed out */
}

static void test_open_missing(void **state)
{
	char name[64];
	int fd = -1;

	assert_int_equal(open_spec("/nonexistent/nsnfs/netns", &fd), -ENOENT);
	snprintf(name, sizeof(name), "nsnfs-u-missing-%d", (int)getpid());
	assert_int_equal(open_spec(name, &fd), -ENOENT);
	assert_int_equal(fd, -1);
}

static void test_open_pid_self(void **state)
{
	char s[32];
	int fd;

	snprintf(s, sizeof(s), "%d", (int)getpid());
	assert_int_equal(open_spec(s, &fd), 0);
	assert_true(is_cloexec(fd));
	assert_true(same_file(fd, "/proc/self/ns/net"));
	assert_int_equal(netns_fd_verify(fd), 0);
	close(fd);
}

static void test_open_pid_dead(void **state)
{
	char s[32];
	int fd = -1;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	snprintf(s, sizeof(s), "%d", (int)pid);
	assert_int_equal(open_spec(s, &fd), -ENOENT);
	assert_int_equal(fd, -1);
}

static void test_open_pid_zombie(void **state)
{
	char s[32];
	int fd = -1, r;
	siginfo_t si;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	/* wait until it is a zombie, without reaping it */
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	snprintf(s, sizeof(s), "%d", (int)pid);
	r = open_spec(s, &fd);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	if (r != -ENOENT && r != -ESRCH)
		fail_msg("zombie pid: %d, want -ENOENT or -ESRCH", r);
	assert_int_equal(fd, -1);
}

static void test_open_pid_other_netns(void **state)
{
	struct netns_child *c = &child;
	char s[32];
	int fd;

	start_netns_child(c);
	snprintf(s, sizeof(s), "%d", (int)c->pid);
	assert_int_equal(open_spec(s, &fd), 0);
	assert_true(same_fd_file(fd, c->ns_fd));
	assert_false(same_file(fd, "/proc/self/ns/net"));
	close(fd);
}

static void test_fd_verify(void **state)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(netns_fd_verify(fd), 0);
	close(fd);
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(netns_fd_verify(fd), -EINVAL);
	close(fd);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(netns_fd_verify(fd), -EINVAL);
	close(fd);
	assert_int_equal(netns_fd_verify(-1), -EBADF);
}

/* ---- cookies and sockets ---------------------------------------------------------- */

static void test_cookie_stable(void **state)
{
	uint64_t a = 0, b = 0, c = 0;
	int fd;

	assert_int_equal(netns_cookie(-1, &a), 0);
	assert_int_equal(netns_cookie(-1, &b), 0);
	assert_true(a != 0);
	assert_int_equal(a, b);

	assert_int_equal(open_spec(NULL, &fd), 0);
	assert_int_equal(netns_cookie(fd, &c), 0);
	assert_int_equal(c, a);
	close(fd);
}

static void test_cookie_other_netns(void **state)
{
	struct netns_child *c = &child;
	uint64_t mine = own_cookie(), theirs = 0, again = 0;

	start_netns_child(c);
	assert_int_equal(netns_cookie(c->ns_fd, &theirs), 0);
	assert_true(theirs != 0);
	assert_true(theirs != mine);
	/* we are back home afterwards */
	assert_int_equal(own_cookie(), mine);
	/* the fd keeps the netns (and its cookie) after the process is gone */
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
	assert_int_equal(netns_cookie(c->ns_fd, &again), 0);
	assert_int_equal(again, theirs);
}

static void test_named_netns(void **state)
{
	char name[64], path[128];
	int fd = -1, fd2 = -1;
	uint64_t cookie = 0, cookie2 = 0;

	if (!add_named_netns())
		skip();
	snprintf(name, sizeof(name), "%s", named);
	snprintf(path, sizeof(path), "/run/netns/%s", name);

	assert_int_equal(open_spec(name, &fd), 0);
	assert_true(is_cloexec(fd));
	assert_true(same_file(fd, path));
	assert_false(same_file(fd, "/proc/self/ns/net"));
	assert_int_equal(netns_cookie(fd, &cookie), 0);
	assert_true(cookie != own_cookie());

	/* the same netns by path */
	assert_int_equal(open_spec(path, &fd2), 0);
	assert_int_equal(netns_cookie(fd2, &cookie2), 0);
	assert_int_equal(cookie2, cookie);

	close(fd);
	close(fd2);
	del_named_netns();
	/* gone: a NAME spec no longer opens */
	assert_int_equal(open_spec(name, &fd), -ENOENT);
}

static void test_socket_current(void **state)
{
	int fd = -1;

	assert_int_equal(netns_socket(-1, AF_UNIX, SOCK_DGRAM, 0, &fd), 0);
	assert_true(fd >= 0);
	assert_true(is_cloexec(fd));
	assert_int_equal(socket_netns_cookie(fd), own_cookie());
	close(fd);

	assert_int_equal(netns_socket(-1, 12345, SOCK_DGRAM, 0, &fd), -EAFNOSUPPORT);
}

static void test_socket_in_other_netns(void **state)
{
	struct netns_child *c = &child;
	uint64_t mine = own_cookie(), theirs = 0;
	int fd = -1, before, after;

	start_netns_child(c);
	before = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(before >= 0);
	assert_int_equal(netns_cookie(c->ns_fd, &theirs), 0);
	assert_int_equal(netns_socket(c->ns_fd, AF_INET, SOCK_STREAM, 0, &fd), 0);
	assert_true(is_cloexec(fd));
	assert_int_equal(socket_netns_cookie(fd), theirs);
	/* the thread came back */
	after = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(after >= 0);
	assert_true(same_fd_file(before, after));
	assert_int_equal(own_cookie(), mine);
	close(after);
	close(fd);

	/* a failing socket() inside still comes back, with the error */
	fd = -1;
	assert_int_equal(netns_socket(c->ns_fd, 12345, SOCK_DGRAM, 0, &fd), -EAFNOSUPPORT);
	assert_int_equal(fd, -1);
	after = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(after >= 0);
	assert_true(same_fd_file(before, after));
	close(after);
	close(before);
}

static void test_socket_not_a_netns_fd(void **state)
{
	uint64_t mine = own_cookie();
	int fd = -1, bad = open("/dev/null", O_RDONLY | O_CLOEXEC), mnt;

	assert_true(bad >= 0);
	assert_true(netns_socket(bad, AF_UNIX, SOCK_DGRAM, 0, &fd) < 0);
	assert_int_equal(fd, -1);
	close(bad);

	mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	assert_true(mnt >= 0);
	assert_int_equal(netns_socket(mnt, AF_UNIX, SOCK_DGRAM, 0, &fd), -EINVAL);
	assert_int_equal(fd, -1);
	close(mnt);
	assert_int_equal(own_cookie(), mine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_caller),
		cmocka_unit_test(test_parse_name),
		cmocka_unit_test(test_parse_name_rejected),
		cmocka_unit_test(test_parse_name_length),
		cmocka_unit_test(test_parse_path),
		cmocka_unit_test(test_parse_path_length),
		cmocka_unit_test(test_parse_pid),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_truncates),
		cmocka_unit_test(test_open_caller),
		cmocka_unit_test(test_open_path_proc_self),
		cmocka_unit_test(test_open_not_a_netns),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_open_pid_self),
		cmocka_unit_test(test_open_pid_dead),
		cmocka_unit_test(test_open_pid_zombie),
		cmocka_unit_test_teardown(test_open_pid_other_netns, teardown_child),
		cmocka_unit_test(test_fd_verify),
		cmocka_unit_test(test_cookie_stable),
		cmocka_unit_test_teardown(test_cookie_other_netns, teardown_child),
		cmocka_unit_test_teardown(test_named_netns, teardown_named),
		cmocka_unit_test(test_socket_current),
		cmocka_unit_test_teardown(test_socket_in_other_netns, teardown_child),
		cmocka_unit_test(test_socket_not_a_netns_fd),
	};

	return cmocka_run_group_tests_name("netns", tests, NULL, NULL);
}
