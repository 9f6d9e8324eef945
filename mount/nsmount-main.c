/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsmount: probe an NFSv4 server from a network namespace, or mount an export
 * into a container (its netns for the transport, its mount ns for the mount).
 *
 * Mounting runs the pipeline mount.nfs4 uses (mount/nfsmount.c: resolve and
 * probe in the netns, client identifier, fsopen in the netns, fsconfig,
 * FSCONFIG_CMD_CREATE, fsmount) and then attaches the detached mount in a
 * forked, single-threaded worker: setns(CLONE_NEWNS) into the container's
 * mount namespace, resolve DIR once with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) from the container's root fd, move_mount() fd to fd.
 * No path is walked twice and no symlink in the container can lead outside
 * its root.  A target named by PID is pinned with a pidfd; if it exits before
 * the mount is attached (or while it is), nothing stays mounted.
 *
 * Test hook (documented in tests/vm/t-nsmount-target-exits.sh): with
 * NSMOUNT_TEST_STALL_BEFORE_ATTACH_MS=N in the environment, nsmount says so on
 * stderr and sleeps N ms (at most 30 s) between creating the mount and
 * attaching it, so a test can kill the target at that point.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/macro.h"
#include "common/parse.h"
#include "common/worker.h"
#include "mount/nfsmount.h"
#include "mount/registry.h"
#include "nscache/nscache.h"

#define PID_MAX_LIMIT 4194304
#define CAP_SYS_ADMIN_BIT 21
#define PROC_USER_INIT_INO 0xEFFFFFFDU /* include/linux/proc_ns.h */
#define NS_WORKER_TIMEOUT_MS 30000 /* resolving DIR and move_mount: local work */
#define TEST_STALL_MAX_MS 30000
#define TEST_STALL_ENV "NSMOUNT_TEST_STALL_BEFORE_ATTACH_MS"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsmount --probe [--netns SPEC] [--json] [-v] [-o opts] SERVER:/PATH\n"
		"       nsmount [--netns SPEC] [--mount-ns MNTSPEC] [--json] [-v] [-o opts] SERVER:/PATH DIR\n"
		"       nsmount --target PID [--json] [-v] [-o opts] SERVER:/PATH DIR\n"
		"       nsmount -u [--mount-ns MNTSPEC | --target PID] [--json] [-v] DIR\n"
		"SPEC: NAME (/run/netns/NAME), an absolute path to a namespace file, or a PID.\n"
		"MNTSPEC: a PID (its mount namespace and its root) or an absolute path to a\n"
		"  mount namespace file (DIR is then resolved from that namespace's root).\n"
		"--target PID: that process's network, mount and UTS namespaces and its root.\n"
		"DIR is resolved inside the target's root: symlinks and \"..\" cannot leave it.\n"
		"Options: -v verbose, --json machine-readable, -o nfs(5) options.\n"
		"Needs CAP_SYS_ADMIN in the initial user namespace (root on the host).\n");
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int do_probe(struct nfsmount *m, bool json)
{
	uint64_t start = rpcclnt_now_us();
	int r = nfsmount_probe(m, json);
	const struct rpcclnt_probe_result *p = &m->probe;
	char addr[64] = "", err[NFS_SPEC_PATH_MAX + 128];
	bool ok = r == 0;
	/* With vers= given, list only what was asked (the path check may use 4.0). */
	uint32_t accepted = m->opts.minor_version >= 0
				    ? p->minor_accepted & (1u << m->opts.minor_version)
				    : p->minor_accepted;

	if (m->tried.ss_family)
		addr_to_string(&m->tried, addr, sizeof(addr));
	if (p->error.kind != RPCCLNT_ERROR_NONE)
		rpcclnt_error_format(&p->error, err, sizeof(err));
	else if (r == -ENOTDIR)
		snprintf(err, sizeof(err), "%s is not a directory", m->spec.path);
	else if (r == -ENOENT && !*addr)
		snprintf(err, sizeof(err), "cannot resolve %s: Name or service not known", m->spec.host);
	else if (r == -EAGAIN)
		snprintf(err, sizeof(err), "cannot resolve %s: Temporary failure in name resolution",
			 m->spec.host);
	else
		snprintf(err, sizeof(err), "%s", r ? strerror(-r) : "");
	if (json) {
		printf("{\"server\":");
		json_string(m->spec.host);
		printf(",\"path\":");
		json_string(m->spec.path);
		printf(",\"address\":");
		json_string(addr);
		printf(",\"netns\":");
		json_string(m->netns_desc);
		printf(",\"netns_cookie\":%llu,\"mountable\":%s,\"minor_versions\":[",
		       (unsigned long long)m->cookie, ok ? "true" : "false");
		for (int i = 0, n = 0; i <= RPCCLNT_MINOR_MAX; i++)
			if (accepted & (1u << i))
				printf("%s%d", n++ ? "," : "", i);
		printf("],\"highest_minor\":%d,\"path_status\":", p->highest_minor);
		json_string(rpcclnt_path_status_string(p->path_status));
		printf(",\"error\":");
		json_string(ok ? "" : err);
		printf(",\"errno\":%d,\"timing_us\":{\"connect\":%llu,\"null\":%llu,\"compound\":%llu,"
		       "\"probe\":%llu,\"total\":%llu}}\n",
		       -r, (unsigned long long)p->timing.connect_us, (unsigned long long)p->timing.null_us,
		       (unsigned long long)p->timing.compound_us, (unsigned long long)p->timing.total_us,
		       (unsigned long long)(rpcclnt_now_us() - start));
	} else {
		printf("server:         %s:%s\n", m->spec.host, m->spec.path);
		printf("address:        %s\n", *addr ? addr : "-");
		printf("netns:          %s (cookie %llu)\n", m->netns_desc, (unsigned long long)m->cookie);
		printf("minor versions:");
		for (int i = 0; i <= RPCCLNT_MINOR_MAX; i++)
			if (accepted & (1u << i))
				printf(" 4.%d", i);
		printf("%s\n", accepted ? "" : " none");
		printf("export path:    %s\n", rpcclnt_path_status_string(p->path_status));
		printf("timings:        connect %.2f ms, null %.2f ms, compounds %.2f ms, total %.2f ms\n",
		       p->timing.connect_us / 1000.0, p->timing.null_us / 1000.0,
		       p->timing.compound_us / 1000.0, (rpcclnt_now_us() - start) / 1000.0);
		printf("result:         %s\n", ok ? "mountable" : err);
	}
	return ok ? EX_OK : EX_FAIL;
}

/* ---- privileges ------------------------------------------------------------------ */

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* CAP_SYS_ADMIN in the effective set (from /proc/self/status). */
static bool have_cap_sys_admin(void)
{
	_cleanup_(fclosep) FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long caps;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			return caps & (1ULL << CAP_SYS_ADMIN_BIT);
	return geteuid() == 0;
}

/*
 * In a user namespace other than the initial one?  The kernel gives the
 * initial namespaces fixed nsfs inode numbers (PROC_USER_INIT_INO).
 */
static bool in_child_userns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/user", &st) < 0)
		return false; /* no user namespaces in this kernel, or no /proc: let the kernel say */
	return st.st_ino != PROC_USER_INIT_INO;
}

/* Mounting NFS, joining another mount namespace: the kernel wants init-userns CAP_SYS_ADMIN. */
static bool check_privileges(bool probe)
{
	static const char why[] = "the kernel allows NFS mounts and joining a container's namespaces "
				  "only with CAP_SYS_ADMIN in the initial user namespace (root on the host)";

	if (!have_cap_sys_admin()) {
		log_error("needs CAP_SYS_ADMIN: %s", why);
		return false;
	}
	if (!probe && in_child_userns()) {
		log_error("running in a user namespace: %s", why);
		return false;
	}
	return true;
}

/* ---- the target: mount namespace, root, UTS namespace, pinned PID ---------------- */

struct target {
	char desc[PATH_MAX + 16]; /* "pid 42" or the namespace path, for messages */
	pid_t pid;                /* > 0: named by a PID, pinned by pidfd */
	int pidfd;
	int mntns_fd;             /* -EBADF: the caller's mount namespace */
	int root_fd;              /* the process's root; -EBADF: the namespace's (or caller's) */
	int utsns_fd;             /* --target, when it differs from ours */
};

#define TARGET_INIT { .pidfd = -EBADF, .mntns_fd = -EBADF, .root_fd = -EBADF, .utsns_fd = -EBADF }

static void target_done(struct target *t)
{
	closep(&t->pidfd);
	closep(&t->mntns_fd);
	closep(&t->root_fd);
	closep(&t->utsns_fd);
}

/* The pinned process has exited (a zombie counts as exited). */
static bool pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd < 0)
		return false;
	return poll(&p, 1, 0) > 0;
}

/* Still the same, live process?  Logs when not. */
static bool target_alive(const struct target *t, const char *when)
{
	if (t->pid <= 0 || !pidfd_exited(t->pidfd))
		return true;
	log_error("target process %d exited %s; nothing was mounted", (int)t->pid, when);
	return false;
}

static int open_ns_file(const char *path, int nstype, const char *kind, int *ret_fd)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int type;

	if (fd < 0) {
		log_error("cannot open %s namespace %s: %s", kind, path, strerror(errno));
		return negative_errno();
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != nstype) {
		log_error("%s is not a %s namespace", path, kind);
		return -EINVAL;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Open what a mount-ns spec (PID or absolute path) or --target PID names.
 * For a PID: pidfd first, then the namespace files and the root, then check
 * the pidfd again, so every fd belongs to that process (not a reused PID).
 * Returns an exit code.
 */
static int target_open(struct target *t, const char *spec, bool full)
{
	char path[64];
	uint64_t pid;

	if (str_is_digits(spec)) {
		if (parse_uint64(spec, 1, PID_MAX_LIMIT, &pid) < 0) {
			log_error("invalid PID %s", spec);
			return EX_USAGE;
		}
		t->pid = (pid_t)pid;
		snprintf(t->desc, sizeof(t->desc), "pid %d", t->pid);
		t->pidfd = (int)syscall(SYS_pidfd_open, t->pid, 0);
		if (t->pidfd < 0) {
			if (errno == ESRCH)
				log_error("no process %d", t->pid);
			else
				log_error("cannot pin process %d: %s", t->pid, strerror(errno));
			return EX_USAGE;
		}
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", t->pid);
		if (open_ns_file(path, CLONE_NEWNS, "mount", &t->mntns_fd) < 0)
			return EX_USAGE;
		snprintf(path, sizeof(path), "/proc/%d/root", t->pid);
		t->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (t->root_fd < 0) {
			log_error("cannot open the root of process %d: %s", t->pid, strerror(errno));
			return EX_USAGE;
		}
		if (full) {
			snprintf(path, sizeof(path), "/proc/%d/ns/uts", t->pid);
			if (open_ns_file(path, CLONE_NEWUTS, "UTS", &t->utsns_fd) < 0)
				return EX_USAGE;
			if (same_file(t->utsns_fd, "/proc/self/ns/uts"))
				closep(&t->utsns_fd); /* ours: no worker needed */
		}
		return target_alive(t, "while its namespaces were opened") ? EX_OK : EX_FAIL;
	}
	if (spec[0] != '/' || full) {
		log_error("%s must be a PID%s: %s", full ? "--target" : "--mount-ns",
			  full ? "" : " or an absolute path", spec);
		return EX_USAGE;
	}
	snprintf(t->desc, sizeof(t->desc), "%s", spec);
	return open_ns_file(spec, CLONE_NEWNS, "mount", &t->mntns_fd) < 0 ? EX_USAGE : EX_OK;
}

/* ---- work inside the target's mount namespace (forked worker) --------------------- */

enum ns_step {
	STEP_DONE,
	STEP_ENTER,    /* setns into the mount namespace */
	STEP_ROOT,     /* open the namespace's root */
	STEP_RESOLVE,  /* openat2 DIR */
	STEP_EXITED,   /* the pinned target exited */
	STEP_ATTACH,   /* move_mount */
	STEP_NOT_NFS,  /* -u: DIR is not an NFS mount */
	STEP_NOT_ROOT, /* -u: DIR is not a mount point */
	STEP_PARENT,   /* -u: the mount point's directory or name */
	STEP_UMOUNT,   /* umount2 */
};

struct ns_result {
	int32_t step;
	int32_t err; /* errno */
	uint64_t mnt_id;
	uint64_t dev; /* -u: the superblock's device (for nscache) */
};

struct ns_job {
	const struct target *t;
	const char *dir;
	int mnt_fd; /* attach: the detached mount */
	int dir_fd; /* attach: the mount point, resolved by resolve_in_child() */
};

static int ns_reply(struct worker_reply *reply, enum ns_step step, int err, uint64_t mnt_id)
{
	struct ns_result res = { .step = step, .err = err, .mnt_id = mnt_id };

	memcpy(reply->data, &res, sizeof(res));
	reply->len = sizeof(res);
	reply->n_fds = 0;
	return 0;
}

/* Enter the target's mount namespace only (the mount point is already open). */
static int ns_enter(const struct target *t)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (t->mntns_fd >= 0 && setns(t->mntns_fd, CLONE_NEWNS) < 0)
		return negative_errno();
	return 0;
}

/*
 * In the worker: enter the target's mount namespace (a forked child is single
 * threaded, as setns(CLONE_NEWNS) requires) and open DIR.  Inside a container
 * DIR is resolved from its root with RESOLVE_IN_ROOT: symlinks (absolute ones
 * too) and ".." stay below that root; magic links (/proc/PID/root, ...) are
 * refused.  In the caller's own namespace DIR is taken like mount(8) does,
 * relative to the working directory.
 */
static int ns_enter_and_open(const struct ns_job *job, int *ret_dir_fd, enum ns_step *ret_step)
{
	const struct target *t = job->t;
	_cleanup_close_ int own_root = -EBADF;
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_MAGICLINKS,
	};
	int root = AT_FDCWD, fd, r;

	r = ns_enter(t);
	if (r < 0) {
		*ret_step = STEP_ENTER;
		return r;
	}
	if (t->mntns_fd >= 0) {
		root = t->root_fd;
		if (root < 0) {
			/* setns() put us at the namespace's root. */
			own_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (own_root < 0) {
				*ret_step = STEP_ROOT;
				return negative_errno();
			}
			root = own_root;
		}
		how.resolve |= RESOLVE_IN_ROOT;
	}
	fd = (int)syscall(SYS_openat2, root, job->dir, &how, sizeof(how));
	if (fd < 0) {
		*ret_step = STEP_RESOLVE;
		return negative_errno();
	}
	*ret_dir_fd = fd;
	return 0;
}

static uint64_t fd_mount_id(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

/*
 * Resolve the mount point once, before anything goes over the network, and
 * hand the fd back: a bad DIR fails before the probe, and the attach later
 * uses this very fd (no second walk).
 */
static int resolve_in_child(void *userdata, struct worker_reply *reply)
{
	const struct ns_job *job = userdata;
	enum ns_step step = STEP_DONE;
	int r, fd = -EBADF;

	r = ns_enter_and_open(job, &fd, &step);
	if (r < 0)
		return ns_reply(reply, step, -r, 0);
	ns_reply(reply, STEP_DONE, 0, 0);
	reply->fds[0] = fd;
	reply->n_fds = 1;
	return 0;
}

/* move_mount() from fd to fd: the caller must be in the target's mount namespace. */
static int attach_in_child(void *userdata, struct worker_reply *reply)
{
	const struct ns_job *job = userdata;
	int r;

	r = ns_enter(job->t);
	if (r < 0)
		return ns_reply(reply, STEP_ENTER, -r, 0);
	if (pidfd_exited(job->t->pidfd))
		return ns_reply(reply, STEP_EXITED, ESRCH, 0);
	if (move_mount(job->mnt_fd, "", job->dir_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ns_reply(reply, STEP_ATTACH, errno, 0);
	if (pidfd_exited(job->t->pidfd)) {
		/* It died while we attached: take the mount off again.  Lazily:
		 * our own fd still holds it; the last close frees it. */
		if (fchdir(job->mnt_fd) == 0)
			(void)umount2(".", MNT_DETACH);
		return ns_reply(reply, STEP_EXITED, ESRCH, 0);
	}
	return ns_reply(reply, STEP_DONE, 0, fd_mount_id(job->mnt_fd));
}

/*
 * The name under which the mount with id mnt_id hangs in parent_fd: the
 * last component of the DIR given, else a scan of the directory.
 */
static int find_mount_name(int parent_fd, uint64_t mnt_id, const char *dir, char *name, size_t size)
{
	_cleanup_close_ int list_fd = -EBADF;
	const char *base = strrchr(dir, '/');
	struct statx stx;
	struct dirent *e;
	DIR *d;
	int r = -ENOENT;

	base = base ? base + 1 : dir;
	if (*base && strlen(base) < size && strcmp(base, ".") != 0 && strcmp(base, "..") != 0 &&
	    statx(parent_fd, base, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
		  STATX_MNT_ID, &stx) == 0 && stx.stx_mnt_id == mnt_id) {
		snprintf(name, size, "%s", base);
		return 0;
	}
	list_fd = openat(parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (list_fd < 0)
		return negative_errno();
	d = fdopendir(list_fd);
	if (!d)
		return negative_errno();
	list_fd = -EBADF; /* the DIR owns it now */
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		if (statx(parent_fd, e->d_name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
			  STATX_MNT_ID, &stx) == 0 && stx.stx_mnt_id == mnt_id && strlen(e->d_name) < size) {
			snprintf(name, size, "%s", e->d_name);
			r = 0;
			break;
		}
	}
	closedir(d);
	return r;
}

/*
 * umount2() takes a path and a mount is busy while any fd holds it, so: find
 * the mount through DIR (confined like the attach), check it is an NFS mount
 * root, step to the directory it is mounted on, close the fd and unmount by
 * the one name below that directory, after checking that the name still
 * leads to the same mount.  umount2() only acts in the worker's (the
 * target's) mount namespace, never the host's.
 */
static int umount_in_child(void *userdata, struct worker_reply *reply)
{
	const struct ns_job *job = userdata;
	_cleanup_close_ int dir_fd = -EBADF, parent_fd = -EBADF;
	enum ns_step step = STEP_DONE;
	char name[NAME_MAX + 1];
	struct statfs sfs;
	struct statx stx;
	uint64_t mnt_id, dev;
	int r;

	r = ns_enter_and_open(job, &dir_fd, &step);
	if (r < 0)
		return ns_reply(reply, step, -r, 0);
	if (fstatfs(dir_fd, &sfs) < 0 || sfs.f_type != NFS_SUPER_MAGIC)
		return ns_reply(reply, STEP_NOT_NFS, EINVAL, 0);
	if (statx(dir_fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID) || !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return ns_reply(reply, STEP_NOT_ROOT, EOPNOTSUPP, 0);
	if (!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return ns_reply(reply, STEP_NOT_ROOT, EINVAL, 0);
	mnt_id = stx.stx_mnt_id;
	dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	/* ".." of a mount's root is the directory its mount point is in. */
	parent_fd = openat(dir_fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent_fd < 0)
		return ns_reply(reply, STEP_PARENT, errno, mnt_id);
	r = find_mount_name(parent_fd, mnt_id, job->dir, name, sizeof(name));
	if (r < 0)
		return ns_reply(reply, STEP_PARENT, -r, mnt_id);
	closep(&dir_fd);
	if (fchdir(parent_fd) < 0)
		return ns_reply(reply, STEP_PARENT, errno, mnt_id);
	closep(&parent_fd);
	if (statx(AT_FDCWD, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
		  STATX_MNT_ID, &stx) < 0 || stx.stx_mnt_id != mnt_id)
		return ns_reply(reply, STEP_PARENT, ESTALE, mnt_id);
	if (umount2(name, UMOUNT_NOFOLLOW) < 0)
		return ns_reply(reply, STEP_UMOUNT, errno, mnt_id);
	ns_reply(reply, STEP_DONE, 0, mnt_id);
	((struct ns_result *)reply->data)->dev = dev;
	return 0;
}

/*
 * Run job in a worker until deadline_ms; returns 0 with *ret filled (and
 * *ret_fd, if given and the job sent one), or -errno of the machinery.
 */
static int ns_worker(worker_fn fn, struct ns_job *job, uint64_t deadline_ms, struct ns_result *ret,
		     int *ret_fd)
{
	struct worker_reply reply;
	int r;

	r = netns_worker_run(NULL, -1, 0, fn, job, deadline_ms, &reply);
	if (r < 0)
		return r;
	if (reply.len != sizeof(*ret)) {
		worker_reply_close(&reply);
		return -EBADMSG;
	}
	memcpy(ret, reply.data, sizeof(*ret));
	if (ret_fd && reply.n_fds == 1) {
		*ret_fd = reply.fds[0];
		reply.n_fds = 0;
	}
	worker_reply_close(&reply);
	return 0;
}

static const char *where(const struct target *t, char *buf, size_t size)
{
	if (t->mntns_fd < 0)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, " in mount namespace %s", t->desc);
	return buf;
}

/* Messages for the steps both jobs share; returns the exit code. */
static int report_ns_step(const struct target *t, const struct ns_result *res, const char *dir)
{
	char w[PATH_MAX + 40];

	where(t, w, sizeof(w));
	switch (res->step) {
	case STEP_ENTER:
		log_error("cannot enter mount namespace %s: %s", t->desc, strerror(res->err));
		return EX_SYSERR;
	case STEP_ROOT:
		log_error("cannot open the root of mount namespace %s: %s", t->desc, strerror(res->err));
		return EX_SYSERR;
	case STEP_RESOLVE:
		if (res->err == ELOOP)
			log_error("mount point %s%s: too many symlinks, or a /proc magic link (refused)",
				  dir, w);
		else if (res->err == ENOENT)
			log_error("mount point %s does not exist%s", dir, w);
		else
			log_error("mount point %s%s: %s", dir, w, strerror(res->err));
		return EX_FAIL;
	case STEP_EXITED:
		log_error("target process %d exited while attaching; nothing was mounted", (int)t->pid);
		return EX_FAIL;
	default:
		log_error("%s%s: %s", dir, w, strerror(res->err));
		return EX_FAIL;
	}
}

/* ---- mount and unmount -------------------------------------------------------------- */

static void test_stall_before_attach(void)
{
	const char *s = getenv(TEST_STALL_ENV);
	uint64_t ms;

	if (!s || parse_uint64(s, 0, TEST_STALL_MAX_MS, &ms) < 0 || ms == 0)
		return;
	log_error("test hook: stalling %llu ms before attaching", (unsigned long long)ms);
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void json_result(bool ok, const char *verb, const char *dir, const struct target *t,
			const struct nfsmount *m, uint64_t mnt_id, int code)
{
	printf("{\"%s\":%s,\"dir\":", verb, ok ? "true" : "false");
	json_string(dir);
	printf(",\"mount_ns\":");
	json_string(t->desc[0] ? t->desc : "caller's");
	if (t->pid > 0)
		printf(",\"target_pid\":%d", (int)t->pid);
	if (m) {
		char addr[64] = "";

		if (m->server.ss_family)
			addr_to_string(&m->server, addr, sizeof(addr));
		printf(",\"source\":");
		json_string(m->source);
		printf(",\"address\":");
		json_string(addr);
		printf(",\"netns\":");
		json_string(m->netns_desc);
		printf(",\"netns_cookie\":%llu,\"minor_version\":%d,\"clientaddr\":",
		       (unsigned long long)m->cookie, ok ? m->minor_version : -1);
		json_string(m->clientaddr);
	}
	printf(",\"mount_id\":%llu,\"exit_code\":%d}\n", (unsigned long long)mnt_id, code);
}

/* The target's mount namespace (inode), for nscache records. */
static uint64_t target_mnt_ns(const struct target *t)
{
	struct stat st;
	uint64_t ino = 0;

	if (t->mntns_fd >= 0)
		return fstat(t->mntns_fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
	(void)nscache_self_mnt_ns(&ino);
	return ino;
}

/*
 * Bookkeeping in nscache, as mount.nfs4 does (never fails the mount).  The
 * mount point is recorded as seen in the target's namespace: DIR as given
 * inside a container's root, the absolute path in the caller's namespace.
 */
static void record_mount(const struct nfsmount *m, const struct target *t, int mnt_fd,
			 const char *dir)
{
	_cleanup_free_ char *abs = t->mntns_fd < 0 ? realpath(dir, NULL) : NULL;

	registry_record_mount(m, mnt_fd, abs ? abs : dir, target_mnt_ns(t));
}

static int do_mount(struct nfsmount *m, const struct target *t, const char *dir, bool json)
{
	_cleanup_close_ int mnt_fd = -EBADF, dir_fd = -EBADF;
	struct ns_job job = { .t = t, .dir = dir, .mnt_fd = -EBADF, .dir_fd = -EBADF };
	struct ns_result res = { 0 };
	bool bg = false;
	char w[PATH_MAX + 40];
	int r;

	where(t, w, sizeof(w));
	if (m->opts.background || m->opts.remount) {
		log_error("%s is not supported by nsmount", m->opts.background ? "bg" : "remount");
		return EX_USAGE;
	}
	for (size_t i = 0; i < m->opts.n_ignored; i++)
		log_verbose("ignoring option %s", m->opts.ignored[i]);

	/* The mount point first: one walk, and a bad DIR costs no network traffic. */
	r = ns_worker(resolve_in_child, &job, monotonic_ms() + NS_WORKER_TIMEOUT_MS, &res, &dir_fd);
	if (r < 0) {
		log_error("cannot resolve mount point %s%s: worker: %s", dir, w, strerror(-r));
		return EX_SYSERR;
	}
	if (res.step != STEP_DONE)
		return report_ns_step(t, &res, dir);
	if (dir_fd < 0) {
		log_error("cannot resolve mount point %s%s: no fd from the worker", dir, w);
		return EX_SOFTWARE;
	}
	log_verbose("mount point %s%s resolved", dir, w);

	if (!target_alive(t, "before the probe"))
		return EX_FAIL;
	r = nfsmount_probe_with_retry(m, &bg);
	if (r != EX_OK)
		return r;
	if (!target_alive(t, "during the probe"))
		return EX_FAIL;
	if (t->utsns_fd >= 0) {
		m->create_utsns_fd = t->utsns_fd;
		log_verbose("creating the mount in the UTS namespace of %s (client-ID nodename)", t->desc);
	}
	r = nfsmount_create(m, &mnt_fd);
	if (r != EX_OK)
		return r;
	test_stall_before_attach();
	if (!target_alive(t, "before the mount was attached"))
		return EX_FAIL; /* mnt_fd closes: the detached mount goes away */

	job.mnt_fd = mnt_fd;
	job.dir_fd = dir_fd;
	r = ns_worker(attach_in_child, &job, monotonic_ms() + NS_WORKER_TIMEOUT_MS, &res, NULL);
	if (r < 0) {
		log_error("cannot attach %s on %s%s: worker: %s", m->source, dir, w, strerror(-r));
		return EX_SYSERR;
	}
	if (res.step == STEP_ATTACH) {
		if (res.err == EBUSY)
			log_error("%s%s is busy or already mounted", dir, w);
		else if (res.err == ENOENT)
			log_error("cannot attach %s on %s%s: the mount point was removed meanwhile",
				  m->source, dir, w);
		else if (res.err == EINVAL)
			log_error("cannot attach %s on %s%s: the mount point left the mount namespace "
				  "meanwhile (unmounted?)", m->source, dir, w);
		else
			log_error("cannot attach %s on %s%s: %s", m->source, dir, w, strerror(res.err));
		return EX_FAIL;
	}
	if (res.step != STEP_DONE)
		return report_ns_step(t, &res, dir);
	log_verbose("mounted %s on %s%s (mount id %llu)", m->source, dir, w,
		    (unsigned long long)res.mnt_id);
	record_mount(m, t, mnt_fd, dir);
	if (json)
		json_result(true, "mounted", dir, t, m, res.mnt_id, EX_OK);
	return EX_OK;
}

static int do_umount(const struct target *t, const char *dir, bool json)
{
	struct ns_job job = { .t = t, .dir = dir, .mnt_fd = -EBADF, .dir_fd = -EBADF };
	struct ns_result res = { 0 };
	char w[PATH_MAX + 40];
	int r;

	if (t->pid > 0 && !target_alive(t, "before the unmount"))
		return EX_FAIL;
	/* Not bounded here: the last umount of a superblock runs the NFS client's
	 * teardown (DESTROY_SESSION, ...) in the worker, bounded by the kernel's
	 * timeouts as for umount.nfs4; killing it then would not undo the umount. */
	r = ns_worker(umount_in_child, &job, UINT64_MAX, &res, NULL);
	if (r < 0) {
		log_error("cannot unmount %s%s: worker: %s", dir, where(t, w, sizeof(w)), strerror(-r));
		return EX_SYSERR;
	}
	where(t, w, sizeof(w));
	switch (res.step) {
	case STEP_DONE: {
		struct registry_umount reg = {
			.mount_id = res.mnt_id, .dev = res.dev, .mnt_ns = target_mnt_ns(t), .known = 1
		};

		log_verbose("%s%s: unmounted (mount id %llu)", dir, w, (unsigned long long)res.mnt_id);
		registry_release_mount(&reg, dir);
		if (json)
			json_result(true, "unmounted", dir, t, NULL, res.mnt_id, EX_OK);
		return EX_OK;
	}
	case STEP_NOT_NFS:
		log_error("%s%s: not an NFS filesystem", dir, w);
		return EX_USAGE;
	case STEP_NOT_ROOT:
		log_error("%s%s: not a mount point", dir, w);
		return EX_USAGE;
	case STEP_PARENT:
		log_error("%s%s: cannot find where the mount is attached: %s", dir, w,
			  res.err == ESTALE ? "it moved meanwhile" : strerror(res.err));
		return EX_FAIL;
	case STEP_UMOUNT:
		log_error("%s%s: %s", dir, w, res.err == EBUSY ? "device is busy" : strerror(res.err));
		return res.err == EBUSY ? EX_FILEIO : EX_FAIL;
	case STEP_RESOLVE:
		log_error("%s%s: %s", dir, w, strerror(res.err));
		return EX_USAGE;
	default:
		return report_ns_step(t, &res, dir);
	}
}

int main(int argc, char **argv)
{
	enum { OPT_PROBE = 0x100, OPT_NETNS, OPT_MOUNTNS, OPT_TARGET, OPT_JSON };
	static const struct option longopts[] = {
		{ "probe", no_argument, NULL, OPT_PROBE },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "mount-ns", required_argument, NULL, OPT_MOUNTNS },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "umount", no_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *netns = NULL, *mountns = NULL, *target = NULL, *options = NULL;
	bool probe = false, json = false, unmount = false;
	struct target t = TARGET_INIT;
	struct nfsmount m;
	int c, r;

	log_init("nsmount");
	while ((c = getopt_long(argc, argv, "o:uvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PROBE:
			probe = true;
			break;
		case OPT_NETNS:
			netns = optarg;
			break;
		case OPT_MOUNTNS:
			mountns = optarg;
			break;
		case OPT_TARGET:
			target = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'o':
			options = optarg;
			break;
		case 'u':
			unmount = true;
			break;
		case 'v':
			log_set_verbose(log_verbose_level() + 1);
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (probe && unmount) {
		log_error("--probe and -u do not go together");
		return EX_USAGE;
	}
	if (target && (mountns || (netns && !probe))) {
		log_error("--target PID already names the network and mount namespaces");
		return EX_USAGE;
	}
	if (target && !str_is_digits(target)) {
		log_error("--target needs a PID: %s", target);
		return EX_USAGE;
	}
	if (unmount && (netns || options)) {
		log_error("-u takes no %s: unmounting uses no network", netns ? "--netns" : "-o");
		return EX_USAGE;
	}
	if (optind != argc - (probe || unmount ? 1 : 2)) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!check_privileges(probe))
		return EX_USAGE;
	if (probe) {
		r = nfsmount_init(&m, argv[optind], options, false, netns ? netns : target);
		if (r == EX_OK)
			r = do_probe(&m, json);
		nfsmount_done(&m);
		return r;
	}

	r = EX_OK;
	if (target || mountns)
		r = target_open(&t, target ? target : mountns, target != NULL);
	if (r == EX_OK && unmount) {
		r = do_umount(&t, argv[optind], json);
	} else if (r == EX_OK) {
		r = nfsmount_init(&m, argv[optind], options, false, netns ? netns : target);
		if (r == EX_OK)
			r = do_mount(&m, &t, argv[optind + 1], json);
		nfsmount_done(&m);
	}
	if (r != EX_OK && json)
		json_result(false, unmount ? "unmounted" : "mounted", argv[argc - 1], &t, NULL, 0, r);
	target_done(&t);
	return r;
}
