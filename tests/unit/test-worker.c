/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for common/worker.c: the forked netns worker (reply data and fd
 * passing, errors, deadlines, reaping, the reply bound) and its namespace
 * set-up (netns, /etc overlays by name and by PID, a fresh sysfs).  Tests
 * that create namespaces or mounts need root and are skipped without it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
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

#include "common/macro.h"
#include "common/netns.h"
#include "common/worker.h"
#include "tests/unit/unit-helpers.h"

/* ---- helpers ----------------------------------------------------------------- */

static uint64_t deadline_in(uint64_t ms)
{
	return monotonic_ms() + ms;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

/* Every worker child has been waited for. */
static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* The only child left is the parked one, still running. */
static void assert_no_children_but_parked(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), 0);
}

static void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

/* A child parked until stop_child(), set up by its start function. */
struct parked {
	pid_t pid;
	int ns_fd;
};

static struct parked parked = { .ns_fd = -1 };

enum park_mode {
	PARK_NETNS,      /* a fresh netns */
	PARK_HOSTS_BIND, /* a private mount ns with a file bound over /etc/hosts */
	PARK_CHROOT,     /* chrooted into a directory */
};

struct park_job {
	enum park_mode mode;
	const char *arg;
};

static int park_setup(const void *userdata)
{
	const struct park_job *job = userdata;

	switch (job->mode) {
	case PARK_NETNS:
		return unshare(CLONE_NEWNET);
	case PARK_HOSTS_BIND:
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			return -1;
		return mount(job->arg, "/etc/hosts", NULL, MS_BIND, NULL);
	case PARK_CHROOT:
		if (chroot(job->arg) < 0)
			return -1;
		return chdir("/");
	}
	return -1;
}

static void park_child(enum park_mode mode, const char *arg)
{
	const struct park_job job = { .mode = mode, .arg = arg };
	char path[64];

	require_root();
	parked.pid = park_child_start(park_setup, &job);
	if (parked.pid < 0) {
		parked.pid = 0;
		skip();
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)parked.pid);
	parked.ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(parked.ns_fd >= 0);
}

static int teardown_parked(void **state)
{
	if (parked.pid > 0) {
		kill(parked.pid, SIGKILL);
		waitpid(parked.pid, NULL, 0);
	}
	parked.pid = 0;
	if (parked.ns_fd >= 0)
		close(parked.ns_fd);
	parked.ns_fd = -1;
	return 0;
}

/* A temporary directory (and a named netns) removed by the teardown. */
static char tmpdir[64];
static bool tmpdir_mounted;
static char named[64];
static char named_etc[128];
static bool etc_netns_created;

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nsnfs-test-worker-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
}

static void rm_rf(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", path);
}

static int teardown_all(void **state)
{
	char cmd[192];

	teardown_parked(state);
	if (tmpdir_mounted && umount2(tmpdir, MNT_DETACH) < 0)
		fprintf(stderr, "# could not unmount %s\n", tmpdir);
	tmpdir_mounted = false;
	if (tmpdir[0])
		rm_rf(tmpdir);
	tmpdir[0] = '\0';
	if (named_etc[0]) {
		rm_rf(named_etc);
		if (etc_netns_created)
			rmdir("/etc/netns");
	}
	named_etc[0] = '\0';
	etc_netns_created = false;
	if (named[0]) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", named);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not delete netns %s\n", named);
	}
	named[0] = '\0';
	return 0;
}

/* ---- jobs (run in the child) -------------------------------------------------------- */

static int job_data_and_fd(void *userdata, struct worker_reply *reply)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if (write(p[1], "through the pipe", 16) != 16)
		return -EIO;
	close(p[1]);
	memcpy(reply->data, "payload", 7);
	reply->len = 7;
	reply->fds[0] = p[0];
	reply->n_fds = 1;
	return 0;
}

static int job_max_fds(void *userdata, struct worker_reply *reply)
{
	for (int i = 0; i < WORKER_FDS_MAX; i++) {
		int p[2];
		char c = (char)('a' + i);

		if (pipe2(p, O_CLOEXEC) < 0 || write(p[1], &c, 1) != 1)
			return -EIO;
		close(p[1]);
		reply->fds[i] = p[0];
	}
	reply->n_fds = WORKER_FDS_MAX;
	reply->len = WORKER_REPLY_MAX;
	memset(reply->data, 0xab, WORKER_REPLY_MAX);
	return 0;
}

static int job_eperm_with_fd(void *userdata, struct worker_reply *reply)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	reply->fds[0] = p[0];
	reply->fds[1] = p[1];
	reply->n_fds = 2;
	memcpy(reply->data, "ignored", 7);
	reply->len = 7;
	return -EPERM;
}

static int job_sleep(void *userdata, struct worker_reply *reply)
{
	sleep(30);
	reply->len = 0;
	return 0;
}

static int job_exit(void *userdata, struct worker_reply *reply)
{
	_exit(3);
}

static int job_kill_self(void *userdata, struct worker_reply *reply)
{
	raise(SIGKILL);
	return 0;
}

static int job_empty(void *userdata, struct worker_reply *reply)
{
	reply->len = 0;
	reply->n_fds = 0;
	return 0;
}

static int job_len(void *userdata, struct worker_reply *reply)
{
	reply->len = *(const size_t *)userdata;
	reply->n_fds = 0;
	return 0;
}

static int job_too_many_fds(void *userdata, struct worker_reply *reply)
{
	for (int i = 0; i < WORKER_FDS_MAX; i++)
		reply->fds[i] = STDERR_FILENO;
	reply->n_fds = WORKER_FDS_MAX + 1;
	reply->len = 0;
	return 0;
}

static int job_cookie(void *userdata, struct worker_reply *reply)
{
	uint64_t c;
	int r = netns_cookie(-1, &c);

	if (r < 0)
		return r;
	memcpy(reply->data, &c, sizeof(c));
	reply->len = sizeof(c);
	reply->n_fds = 0;
	return 0;
}

/* Reads the file named by userdata. */
static int job_read(void *userdata, struct worker_reply *reply)
{
	int fd = open(userdata, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, reply->data, WORKER_REPLY_MAX - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	reply->data[n] = '\0';
	reply->len = (size_t)n + 1;
	reply->n_fds = 0;
	return 0;
}

/* Lists /sys/class/net as "name,name,". */
static int job_list_netdevs(void *userdata, struct worker_reply *reply)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	size_t len = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.' || len + n + 2 > WORKER_REPLY_MAX)
			continue;
		memcpy(reply->data + len, e->d_name, n);
		len += n;
		reply->data[len++] = ',';
	}
	closedir(d);
	reply->data[len++] = '\0';
	reply->len = len;
	reply->n_fds = 0;
	return 0;
}

/* Mounts a tmpfs on the directory named by userdata. */
static int job_mount_tmpfs(void *userdata, struct worker_reply *reply)
{
	if (mount("tmpfs", userdata, "tmpfs", 0, "size=64k") < 0)
		return -errno;
	reply->len = 0;
	reply->n_fds = 0;
	return 0;
}

/* ---- reply, fds, errors ------------------------------------------------------------ */

static void test_data_and_fd(void **state)
{
	struct worker_reply reply;
	char buf[32] = "";
	int before = count_fds(), flags;

	memset(&reply, 0, sizeof(reply));
	assert_int_equal(netns_worker_run(NULL, -1, 0, job_data_and_fd, NULL, deadline_in(5000), &reply),
			 0);
	assert_int_equal(reply.len, 7);
	assert_memory_equal(reply.data, "payload", 7);
	assert_int_equal(reply.n_fds, 1);
	assert_true(reply.fds[0] >= 0);
	flags = fcntl(reply.fds[0], F_GETFD);
	assert_true(flags >= 0 && (flags & FD_CLOEXEC));
	/* it is the pipe the child wrote to, and the child is gone */
	assert_int_equal(read(reply.fds[0], buf, sizeof(buf)), 16);
	assert_memory_equal(buf, "through the pipe", 16);
	assert_int_equal(read(reply.fds[0], buf, sizeof(buf)), 0);
	assert_int_equal(count_fds(), before + 1);
	worker_reply_close(&reply);
	assert_int_equal(reply.n_fds, 0);
	assert_int_equal(count_fds(), before);
	assert_no_children();
}

static void test_max_data_and_fds(void **state)
{
	static struct worker_reply reply;
	int before = count_fds();

	assert_int_equal(netns_worker_run(NULL, -1, 0, job_max_fds, NULL, deadline_in(5000), &reply), 0);
	assert_int_equal(reply.len, WORKER_REPLY_MAX);
	for (size_t i = 0; i < WORKER_REPLY_MAX; i++)
		assert_int_equal(reply.data[i], 0xab);
	assert_int_equal(reply.n_fds, WORKER_FDS_MAX);
	for (int i = 0; i < WORKER_FDS_MAX; i++) {
		char c = 0;

		assert_int_equal(read(reply.fds[i], &c, 1), 1);
		assert_int_equal(c, 'a' + i);
	}
	worker_reply_close(&reply);
	assert_int_equal(count_fds(), before);
	assert_no_children();
}

static void test_empty_reply(void **state)
{
	struct worker_reply reply;

	memset(&reply, 0x5a, sizeof(reply));
	assert_int_equal(netns_worker_run(NULL, -1, 0, job_empty, NULL, deadline_in(5000), &reply), 0);
	assert_int_equal(reply.len, 0);
	assert_int_equal(reply.n_fds, 0);
	assert_no_children();
}

static void test_error_passes_no_fds(void **state)
{
	struct worker_reply reply;
	int before = count_fds();

	memset(&reply, 0, sizeof(reply));
	assert_int_equal(
		netns_worker_run(NULL, -1, 0, job_eperm_with_fd, NULL, deadline_in(5000), &reply),
		-EPERM);
	assert_int_equal(count_fds(), before);
	assert_no_children();
}

static void test_child_dies_without_answer(void **state)
{
	struct worker_reply reply;
	int before = count_fds();

	assert_int_equal(netns_worker_run(NULL, -1, 0, job_exit, NULL, deadline_in(5000), &reply),
			 -ECHILD);
	assert_int_equal(netns_worker_run(NULL, -1, 0, job_kill_self, NULL, deadline_in(5000), &reply),
			 -ECHILD);
	assert_int_equal(count_fds(), before);
	assert_no_children();
}

static void test_deadline(void **state)
{
	struct worker_reply reply;
	int before = count_fds();
	uint64_t start = monotonic_ms(), took;

	assert_int_equal(netns_worker_run(NULL, -1, 0, job_sleep, NULL, start + 100, &reply),
			 -ETIMEDOUT);
	took = monotonic_ms() - start;
	assert_true(took >= 100);
	if (took > 300)
		fail_msg("deadline of 100 ms returned after %llu ms", (unsigned long long)took);
	/* killed and reaped, nothing left open */
	assert_no_children();
	assert_int_equal(count_fds(), before);

	/* a deadline already past: immediately */
	start = monotonic_ms();
	assert_int_equal(netns_worker_run(NULL, -1, 0, job_sleep, NULL, 0, &reply), -ETIMEDOUT);
	took = monotonic_ms() - start;
	if (took > 200)
		fail_msg("expired deadline returned after %llu ms", (unsigned long long)took);
	assert_no_children();
}

/*
 * A job that breaks the reply contract (len > WORKER_REPLY_MAX) must not get
 * a reply through, nor read past its buffer.  The length travels as 32 bits:
 * 4 GiB + 16 must not turn into a 16-byte success.
 */
static void test_reply_too_large(void **state)
{
	static const size_t lens[] = {
		WORKER_REPLY_MAX + 1,
		(size_t)UINT32_MAX + 1 + 16,
	};
	int before = count_fds();

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		struct worker_reply reply;
		size_t len = lens[i];
		int r;

		memset(&reply, 0, sizeof(reply));
		r = netns_worker_run(NULL, -1, 0, job_len, &len, deadline_in(5000), &reply);
		if (r >= 0)
			fail_msg("reply of %zu bytes accepted (%d, len %zu)", len, r, reply.len);
		assert_int_equal(count_fds(), before);
		assert_no_children();
	}
}

static void test_too_many_fds(void **state)
{
	struct worker_reply reply;
	int before = count_fds(), r;

	memset(&reply, 0, sizeof(reply));
	r = netns_worker_run(NULL, -1, 0, job_too_many_fds, NULL, deadline_in(5000), &reply);
	if (r >= 0)
		fail_msg("reply with %d fds accepted (%d)", WORKER_FDS_MAX + 1, r);
	assert_int_equal(count_fds(), before);
	assert_no_children();
}

/* ---- namespaces ------------------------------------------------------------------- */

static void test_runs_in_netns(void **state)
{
	struct worker_reply reply;
	uint64_t mine = 0, theirs = 0, got = 0;

	assert_int_equal(netns_cookie(-1, &mine), 0);
	/* -1: the caller's netns */
	assert_int_equal(netns_worker_run(NULL, -1, 0, job_cookie, NULL, deadline_in(5000), &reply), 0);
	assert_int_equal(reply.len, sizeof(got));
	memcpy(&got, reply.data, sizeof(got));
	assert_int_equal(got, mine);

	park_child(PARK_NETNS, NULL);
	assert_int_equal(netns_cookie(parked.ns_fd, &theirs), 0);
	assert_true(theirs != mine);
	assert_int_equal(
		netns_worker_run(NULL, parked.ns_fd, 0, job_cookie, NULL, deadline_in(5000), &reply), 0);
	memcpy(&got, reply.data, sizeof(got));
	assert_int_equal(got, theirs);
	/* the caller never moved */
	assert_int_equal(netns_cookie(-1, &got), 0);
	assert_int_equal(got, mine);
	assert_no_children_but_parked();
}

static void test_bad_netns_fd(void **state)
{
	struct worker_reply reply;
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(netns_worker_run(NULL, fd, 0, job_cookie, NULL, deadline_in(5000), &reply),
			 -EINVAL);
	close(fd);
	assert_no_children();
}

static void test_fresh_sysfs(void **state)
{
	static struct worker_reply reply;
	char mine[WORKER_REPLY_MAX];

	park_child(PARK_NETNS, NULL);
	assert_int_equal(netns_worker_run(NULL, -1, 0, job_list_netdevs, NULL, deadline_in(5000),
					  &reply),
			 0);
	memcpy(mine, reply.data, reply.len);
	assert_non_null(strstr(mine, "lo,"));

	/* a fresh netns has lo only, and its own sysfs shows exactly that */
	assert_int_equal(netns_worker_run(NULL, parked.ns_fd, WORKER_FRESH_SYSFS, job_list_netdevs,
					  NULL, deadline_in(5000), &reply),
			 0);
	assert_string_equal((const char *)reply.data, "lo,");

	/* our /sys is untouched */
	assert_int_equal(netns_worker_run(NULL, -1, 0, job_list_netdevs, NULL, deadline_in(5000),
					  &reply),
			 0);
	assert_string_equal((const char *)reply.data, mine);
}

static void test_mounts_do_not_propagate(void **state)
{
	struct worker_reply reply;
	char dir[96];
	struct stat before, after;

	require_root();
	make_tmpdir();
	/* a shared mount, so a mount under it would propagate without MS_SLAVE */
	assert_int_equal(mount(tmpdir, tmpdir, NULL, MS_BIND, NULL), 0);
	tmpdir_mounted = true;
	assert_int_equal(mount(NULL, tmpdir, NULL, MS_SHARED, NULL), 0);
	snprintf(dir, sizeof(dir), "%s/mnt", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(stat(dir, &before), 0);
	assert_int_equal(netns_worker_run(NULL, -1, WORKER_ETC_OVERLAY, job_mount_tmpfs, dir,
					  deadline_in(5000), &reply),
			 0);
	assert_int_equal(stat(dir, &after), 0);
	assert_int_equal(after.st_dev, before.st_dev);
	assert_int_equal(after.st_ino, before.st_ino);
}

static void test_etc_overlay_by_name(void **state)
{
	static struct worker_reply reply;
	static char host_hosts[WORKER_REPLY_MAX];
	char cmd[160], path[192];
	struct netns_spec spec;
	int fd = -1;

	require_root();
	snprintf(named, sizeof(named), "nsnfs-u-wrk-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "ip netns add %s 2>/dev/null", named);
	if (system(cmd) != 0) {
		named[0] = '\0';
		skip();
		return;
	}
	if (mkdir("/etc/netns", 0755) == 0)
		etc_netns_created = true;
	snprintf(named_etc, sizeof(named_etc), "/etc/netns/%s", named);
	assert_int_equal(mkdir(named_etc, 0755), 0);
	snprintf(path, sizeof(path), "%s/hosts", named_etc);
	assert_true(write_file(path, "10.1.2.3 only-in-the-netns\n"));
	/* a file /etc lacks is skipped, not created */
	snprintf(path, sizeof(path), "%s/nsnfs-no-such-etc-file", named_etc);
	assert_true(write_file(path, "x\n"));

	read_file("/etc/hosts", host_hosts, sizeof(host_hosts));
	assert_int_equal(netns_spec_parse(named, &spec), 0);
	assert_int_equal(netns_spec_open(&spec, &fd), 0);
	assert_int_equal(netns_worker_run(&spec, fd, WORKER_ETC_OVERLAY, job_read, "/etc/hosts",
					  deadline_in(5000), &reply),
			 0);
	assert_string_equal((const char *)reply.data, "10.1.2.3 only-in-the-netns\n");
	assert_int_equal(netns_worker_run(&spec, fd, WORKER_ETC_OVERLAY, job_read,
					  "/etc/nsnfs-no-such-etc-file", deadline_in(5000), &reply),
			 -ENOENT);
	/* without the flag, no overlay */
	assert_int_equal(netns_worker_run(&spec, fd, 0, job_read, "/etc/hosts", deadline_in(5000),
					  &reply),
			 0);
	assert_string_equal((const char *)reply.data, host_hosts);
	close(fd);
	/* ours is untouched */
	{
		char now[WORKER_REPLY_MAX];

		read_file("/etc/hosts", now, sizeof(now));
		assert_string_equal(now, host_hosts);
	}
	assert_int_equal(access("/etc/nsnfs-no-such-etc-file", F_OK), -1);
}

static void test_etc_overlay_by_pid(void **state)
{
	static struct worker_reply reply;
	char file[96], pid[32];
	struct netns_spec spec;

	require_root();
	make_tmpdir();
	snprintf(file, sizeof(file), "%s/hosts", tmpdir);
	assert_true(write_file(file, "10.4.5.6 the-containers-hosts\n"));
	park_child(PARK_HOSTS_BIND, file);
	snprintf(pid, sizeof(pid), "%d", (int)parked.pid);
	assert_int_equal(netns_spec_parse(pid, &spec), 0);
	assert_int_equal(netns_worker_run(&spec, -1, WORKER_ETC_OVERLAY, job_read, "/etc/hosts",
					  deadline_in(5000), &reply),
			 0);
	assert_string_equal((const char *)reply.data, "10.4.5.6 the-containers-hosts\n");
}

/* A container's /etc/hosts symlink resolves inside the container's root. */
static void test_etc_overlay_by_pid_symlink_stays_inside(void **state)
{
	static struct worker_reply reply;
	static char host_passwd[WORKER_REPLY_MAX];
	char path[128], pid[32];
	struct netns_spec spec;

	require_root();
	make_tmpdir();
	snprintf(path, sizeof(path), "%s/etc", tmpdir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/passwd", tmpdir);
	assert_true(write_file(path, "inside the container\n"));
	snprintf(path, sizeof(path), "%s/etc/hosts", tmpdir);
	assert_int_equal(symlink("/../../../../etc/passwd", path), 0);
	/* resolv.conf is absent there: the host's stays */
	park_child(PARK_CHROOT, tmpdir);
	snprintf(pid, sizeof(pid), "%d", (int)parked.pid);
	assert_int_equal(netns_spec_parse(pid, &spec), 0);
	read_file("/etc/passwd", host_passwd, sizeof(host_passwd));

	assert_int_equal(netns_worker_run(&spec, -1, WORKER_ETC_OVERLAY, job_read, "/etc/hosts",
					  deadline_in(5000), &reply),
			 0);
	assert_string_equal((const char *)reply.data, "inside the container\n");
	assert_string_not_equal((const char *)reply.data, host_passwd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_and_fd),
		cmocka_unit_test(test_max_data_and_fds),
		cmocka_unit_test(test_empty_reply),
		cmocka_unit_test(test_error_passes_no_fds),
		cmocka_unit_test(test_child_dies_without_answer),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_reply_too_large),
		cmocka_unit_test(test_too_many_fds),
		cmocka_unit_test_teardown(test_runs_in_netns, teardown_all),
		cmocka_unit_test(test_bad_netns_fd),
		cmocka_unit_test_teardown(test_fresh_sysfs, teardown_all),
		cmocka_unit_test_teardown(test_mounts_do_not_propagate, teardown_all),
		cmocka_unit_test_teardown(test_etc_overlay_by_name, teardown_all),
		cmocka_unit_test_teardown(test_etc_overlay_by_pid, teardown_all),
		cmocka_unit_test_teardown(test_etc_overlay_by_pid_symlink_stays_inside, teardown_all),
	};

	return cmocka_run_group_tests_name("worker", tests, NULL, NULL);
}
