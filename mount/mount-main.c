/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount.nfs4 / mount.nfs / umount.nfs4 / umount.nfs: the mount(8) helpers.
 * One binary; the name it was called by picks the job, as in nfs-utils.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/log.h"
#include "common/macro.h"
#include "common/parse.h"
#include "common/worker.h"
#include "mount/nfsmount.h"
#include "mount/registry.h"
#include "mount/utab.h"
#include "nscache/nscache.h"

static void usage_mount(FILE *out)
{
	fprintf(out,
		"usage: %s remotetarget dir [-fnrvVhs] [-o nfsoptions] [-t type] [-N mntns]\n"
		"options:\n"
		"\t-f\t\tfake mount, do not actually mount\n"
		"\t-n\t\tdo not update utab (/run/mount/utab)\n"
		"\t-r\t\tmount read-only (same as -o ro)\n"
		"\t-s\t\ttolerate sloppy mount options rather than fail\n"
		"\t-v\t\tverbose\n"
		"\t-V\t\tprint version\n"
		"\t-h\t\tprint this help\n"
		"\t-N mntns\tmount into this mount namespace (PID or path)\n"
		"\tnfsoptions\tnfs(5) NFSv4 options, plus netns=NAME|PATH|PID\n",
		log_prog());
}

static void usage_umount(FILE *out)
{
	fprintf(out,
		"usage: %s dir [-fvnrlh]\n"
		"options:\n"
		"\t-f\tforce unmount\n"
		"\t-v\tverbose\n"
		"\t-n\tdo not update utab (/run/mount/utab)\n"
		"\t-r\tremount read-only if unmounting fails\n"
		"\t-l\tlazy unmount\n"
		"\t-h\tprint this help\n",
		log_prog());
}

/* -N: a PID (its mount namespace) or a path to a mount namespace file. */
static int enter_mount_ns(const char *spec)
{
	_cleanup_close_ int fd = -EBADF;
	char path[64];

	if (str_is_digits(spec)) {
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", spec);
		spec = path;
	}
	fd = open(spec, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0) {
		log_error("cannot enter mount namespace %s: %s", spec, strerror(errno));
		return -errno;
	}
	return 0;
}

/* "major:minor" of the superblock under dir is in this netns's nfsfs/volumes. */
static int volume_in_child(void *userdata, struct worker_reply *reply)
{
	const char *dev = userdata;
	char line[512];
	FILE *f = fopen("/proc/thread-self/net/nfsfs/volumes", "re");
	bool found = false;

	if (!f)
		return negative_errno();
	while (fgets(line, sizeof(line), f)) {
		char nv[16], server[64], port[16], d[32];

		if (sscanf(line, "%15s %63s %15s %31s", nv, server, port, d) == 4 && strcmp(d, dev) == 0)
			found = true;
	}
	fclose(f);
	reply->data[0] = found;
	reply->len = 1;
	return 0;
}

static int do_remount(struct nfsmount *m, const char *dir, const char *options, bool nomtab)
{
	struct statfs sfs;
	struct stat st;
	struct worker_reply reply;
	char dev[32], ns[PATH_MAX + 16];
	_cleanup_free_ char *data = NULL;
	int r;

	if (statfs(dir, &sfs) < 0 || stat(dir, &st) < 0) {
		log_error("%s: %s", dir, strerror(errno));
		return EX_USAGE;
	}
	if (sfs.f_type != NFS_SUPER_MAGIC) {
		log_error("%s is not an NFS mount", dir);
		return EX_USAGE;
	}
	/* The superblock's transport must live in the target netns (the caller's by
	 * default): the kernel would silently rebind a remount to the mount's own. */
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	r = netns_worker_run(&m->netns, m->netns_fd, 0, volume_in_child, dev,
			     rpcclnt_deadline_after(5000), &reply);
	if (r < 0) {
		log_error("cannot read NFS volumes of netns %s: %s", m->netns_desc, strerror(-r));
		return EX_SYSERR;
	}
	if (!reply.data[0]) {
		log_error("remount of %s refused: its NFS transport lives in another network namespace "
			  "than %s%s; remount it from there (-o netns=...)",
			  dir, m->netns_is_callers ? "the caller's" : "",
			  m->netns_is_callers ? "" : nfsmount_netns_suffix(m, ns, sizeof(ns)));
		return EX_FAIL;
	}
	r = mount_options_kernel_string(&m->opts, &data);
	if (r < 0)
		return EX_SYSERR;
	if (mount(m->source, dir, "nfs4", MS_REMOUNT | m->opts.ms_flags, data) < 0) {
		log_error("remount of %s failed: %s", dir, strerror(errno));
		return EX_FAIL;
	}
	log_verbose("remounted %s (%s)", dir, m->opts.read_only ? "ro" : "rw");
	if (!nomtab) {
		r = utab_remount(m->source, dir, options);
		if (r < 0)
			log_verbose("cannot update utab: %s", strerror(-r));
	}
	return EX_OK;
}

/* utab keeps the userspace options (libmount picks them) and ours as ATTRS. */
static void record_utab(const struct nfsmount *m, const char *dir, const char *options)
{
	_cleanup_free_ char *abs = realpath(dir, NULL);
	char addr[INET6_ADDRSTRLEN] = "", attrs[PATH_MAX + 128];
	bool written;
	int r;

	if (m->server.ss_family != AF_UNSPEC)
		addr_to_string(&m->server, addr, sizeof(addr));
	snprintf(attrs, sizeof(attrs), "%s%s%s%s%s", m->opts.netns ? "netns=" : "",
		 m->opts.netns ? m->opts.netns : "", m->opts.netns && *addr ? "," : "",
		 *addr ? "addr=" : "", addr);
	r = utab_add(m->source, abs ? abs : dir, options, attrs, &written);
	if (r < 0)
		log_verbose("cannot update utab: %s", strerror(-r));
	else if (written)
		log_verbose("utab: %s %s", abs ? abs : dir, attrs);
}

static int do_mount(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	const char *source, *dir, *options = NULL, *type = NULL, *mntns = NULL;
	_cleanup_free_ char *all_options = NULL;
	bool fake = false, sloppy = false, read_only = false, bg = false, nomtab = false;
	struct nfsmount m;
	_cleanup_close_ int mnt_fd = -EBADF;
	int c, r;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage_mount(stdout);
		return EX_OK;
	}
	if (argc >= 2 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
		printf("%s (nsnfs) " NSNFS_VERSION "\n", log_prog());
		return EX_OK;
	}
	if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		usage_mount(stderr);
		return EX_USAGE;
	}
	source = argv[1];
	dir = argv[2];
	argv[2] = argv[0]; /* getopt over the rest, as nfs-utils does */
	optind = 1;
	while ((c = getopt_long(argc - 2, argv + 2, "rvVfno:hst:N:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			read_only = true;
			break;
		case 'v':
			log_set_verbose(log_verbose_level() + 1);
			break;
		case 'V':
			printf("%s (nsnfs) " NSNFS_VERSION "\n", log_prog());
			return EX_OK;
		case 'f':
			fake = true;
			break;
		case 'n':
			nomtab = true;
			break;
		case 's':
			sloppy = true;
			break;
		case 'o':
			options = optarg;
			break;
		case 't':
			type = optarg;
			break;
		case 'N':
			mntns = optarg;
			break;
		case 'h':
			usage_mount(stdout);
			return EX_OK;
		default:
			usage_mount(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc - 2) {
		usage_mount(stderr);
		return EX_USAGE;
	}
	if (type && strcmp(type, "nfs4") != 0 && strcmp(type, "nfs") != 0) {
		log_error("unsupported filesystem type %s (only nfs4)", type);
		return EX_USAGE;
	}
	if (read_only && asprintf(&all_options, "%s%sro", options ? options : "", options ? "," : "") > 0)
		options = all_options;

	r = nfsmount_init(&m, source, options, sloppy, NULL);
	if (r != EX_OK) {
		nfsmount_done(&m);
		return r;
	}
	if (m.opts.remount) {
		if (mntns && enter_mount_ns(mntns) < 0)
			r = EX_SYSERR;
		else
			r = do_remount(&m, dir, options, nomtab);
		nfsmount_done(&m);
		return r;
	}
	for (size_t i = 0; i < m.opts.n_ignored; i++)
		log_verbose("ignoring option %s", m.opts.ignored[i]);

	r = nfsmount_probe_with_retry(&m, &bg);
	if (r == EX_OK && !fake)
		r = nfsmount_create(&m, &mnt_fd);
	if (r == EX_OK && !fake) {
		/* Attach in the caller's (or -N) mount namespace, after everything else. */
		if (mntns && enter_mount_ns(mntns) < 0) {
			r = EX_SYSERR;
		} else if (move_mount(mnt_fd, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			int e = errno;

			if (e == ENOENT || e == ENOTDIR)
				log_error("mount point %s does not exist", dir);
			else if (e == EBUSY)
				log_error("%s is busy or already mounted", dir);
			else
				log_error("cannot attach %s on %s: %s", source, dir, strerror(e));
			r = EX_FAIL;
		} else {
			_cleanup_free_ char *abs = realpath(dir, NULL);
			uint64_t mnt_ns = 0;

			log_verbose("mounted %s on %s", source, dir);
			(void)nscache_self_mnt_ns(&mnt_ns);
			registry_record_mount(&m, mnt_fd, abs ? abs : dir, mnt_ns);
		}
	}
	/* Like mount.nfs, a fake mount (-f) records its entry too: that is what -f is for. */
	if (r == EX_OK && !nomtab)
		record_utab(&m, dir, options);
	nfsmount_done(&m);
	return r;
}

static int do_umount(int argc, char **argv)
{
	const char *dir;
	int flags = 0, c;
	bool remount_ro = false, nomtab = false;
	_cleanup_free_ char *abs = NULL;
	struct statfs sfs;
	struct registry_umount reg;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && strcmp(argv[1], "-h") == 0) {
			usage_umount(stdout);
			return EX_OK;
		}
		usage_umount(stderr);
		return EX_USAGE;
	}
	dir = argv[1];
	argv[1] = argv[0];
	optind = 1;
	while ((c = getopt(argc - 1, argv + 1, "fvnrlht:")) != -1) {
		switch (c) {
		case 'f':
			flags |= MNT_FORCE;
			break;
		case 'v':
			log_set_verbose(log_verbose_level() + 1);
			break;
		case 'n':
			nomtab = true;
			break;
		case 't':
			break;
		case 'r':
			remount_ro = true;
			break;
		case 'l':
			flags |= MNT_DETACH;
			break;
		case 'h':
			usage_umount(stdout);
			return EX_OK;
		default:
			usage_umount(stderr);
			return EX_USAGE;
		}
	}
	if (statfs(dir, &sfs) < 0) {
		log_error("%s: %s", dir, strerror(errno));
		return EX_USAGE;
	}
	if (sfs.f_type != NFS_SUPER_MAGIC) {
		log_error("%s: not an NFS filesystem", dir);
		return EX_USAGE;
	}
	registry_prepare_umount(AT_FDCWD, dir, &reg);
	abs = realpath(dir, NULL);
	if (umount2(dir, flags | UMOUNT_NOFOLLOW) < 0) {
		int e = errno;

		if (remount_ro && mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0) {
			log_error("%s: %s; remounted read-only", dir, strerror(e));
			return EX_SOME;
		}
		if (e == EBUSY)
			log_error("%s: device is busy", dir);
		else
			log_error("%s: %s", dir, strerror(e));
		return e == EBUSY ? EX_FILEIO : EX_FAIL;
	}
	log_verbose("%s: unmounted", dir);
	registry_release_mount(&reg, dir);
	if (!nomtab) {
		int r = utab_remove(abs ? abs : dir);

		if (r < 0)
			log_verbose("cannot update utab: %s", strerror(-r));
	}
	return EX_OK;
}

int main(int argc, char **argv)
{
	const char *name;

	log_init(argv[0]);
	name = log_prog();
	if (strncmp(name, "umount.", 7) == 0)
		return do_umount(argc, argv);
	return do_mount(argc, argv);
}
