/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsmount: probe an NFSv4 server from a network namespace, or mount an export
 * into a container (its netns for the transport, its mount ns for the mount).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/macro.h"
#include "common/parse.h"
#include "mount/nfsmount.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsmount --probe [--netns SPEC] [--json] [-o opts] SERVER:/PATH\n"
		"       nsmount [--netns SPEC] [--mount-ns SPEC | --target PID] [-o opts] SERVER:/PATH DIR\n"
		"       nsmount -u [--mount-ns SPEC | --target PID] DIR\n"
		"SPEC: NAME (/run/netns/NAME), an absolute path to a namespace file, or a PID.\n"
		"--target PID: that process's network and mount namespaces and its root.\n"
		"Options: -v verbose, --json machine-readable, -o nfs(5) options.\n");
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

/* Open a namespace file named by PID or path and check its type. */
static int open_ns(const char *spec, const char *kind, int nstype, int *ret_fd)
{
	_cleanup_close_ int fd = -EBADF;
	char path[64];

	if (str_is_digits(spec)) {
		snprintf(path, sizeof(path), "/proc/%s/ns/%s", spec, kind);
		spec = path;
	} else if (spec[0] != '/') {
		log_error("%s namespace must be a PID or an absolute path: %s", kind, spec);
		return -EINVAL;
	}
	fd = open(spec, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_error("cannot open %s namespace %s: %s", kind, spec, strerror(errno));
		return -errno;
	}
	if (ioctl(fd, NS_GET_NSTYPE) != nstype) {
		log_error("%s is not a %s namespace", spec, kind);
		return -EINVAL;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/*
 * Resolve dir inside root (the container's root) without leaving it: symlinks
 * and ".." stay confined, magic links are refused.
 */
static int open_target_dir(int root_fd, const char *dir, int *ret_fd)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root_fd, dir, &how, sizeof(how));

	if (fd < 0)
		return negative_errno();
	*ret_fd = fd;
	return 0;
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
	_cleanup_close_ int mnt_fd = -EBADF, mntns_fd = -EBADF, root_fd = -EBADF, dir_fd = -EBADF;
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
	if (target && (mountns || (netns && !probe))) {
		log_error("--target PID already names the network and mount namespaces");
		return EX_USAGE;
	}
	if (target && !str_is_digits(target)) {
		log_error("--target needs a PID: %s", target);
		return EX_USAGE;
	}
	if (geteuid() != 0) {
		log_error("needs root (CAP_SYS_ADMIN in the initial user namespace): the kernel "
			  "refuses NFS mounts from user namespaces");
		return EX_USAGE;
	}
	if (probe) {
		if (optind != argc - 1) {
			usage(stderr);
			return EX_USAGE;
		}
		r = nfsmount_init(&m, argv[optind], options, false, netns ? netns : target);
		if (r == EX_OK)
			r = do_probe(&m, json);
		nfsmount_done(&m);
		return r;
	}

	if (unmount) {
		if (optind != argc - 1) {
			usage(stderr);
			return EX_USAGE;
		}
	} else if (optind != argc - 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (target)
		mountns = target;
	if (mountns && open_ns(mountns, "mnt", CLONE_NEWNS, &mntns_fd) < 0)
		return EX_USAGE;
	if (mntns_fd >= 0) {
		char root[64];

		/* The container's root, taken before we switch mount namespace. */
		snprintf(root, sizeof(root), "/proc/%s/root", str_is_digits(mountns) ? mountns : "self");
		root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root_fd < 0) {
			log_error("cannot open the root of %s: %s", mountns, strerror(errno));
			return EX_USAGE;
		}
	}

	if (unmount) {
		const char *dir = argv[optind];
		struct statfs sfs;
		char path[64];

		if (mntns_fd >= 0 && setns(mntns_fd, CLONE_NEWNS) < 0) {
			log_error("cannot enter mount namespace %s: %s", mountns, strerror(errno));
			return EX_SYSERR;
		}
		r = open_target_dir(root_fd >= 0 ? root_fd : AT_FDCWD, dir, &dir_fd);
		if (r < 0) {
			log_error("%s: %s", dir, strerror(-r));
			return EX_USAGE;
		}
		if (fstatfs(dir_fd, &sfs) < 0 || sfs.f_type != NFS_SUPER_MAGIC) {
			log_error("%s: not an NFS filesystem", dir);
			return EX_USAGE;
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", dir_fd);
		if (umount2(path, 0) < 0) {
			log_error("%s: %s", dir, errno == EBUSY ? "device is busy" : strerror(errno));
			return errno == EBUSY ? EX_FILEIO : EX_FAIL;
		}
		return EX_OK;
	}

	r = nfsmount_init(&m, argv[optind], options, false, netns ? netns : target);
	if (r == EX_OK)
		r = nfsmount_probe(&m, false) == 0 ? EX_OK : EX_FAIL;
	if (r == EX_OK)
		r = nfsmount_create(&m, &mnt_fd);
	if (r == EX_OK) {
		const char *dir = argv[optind + 1];

		if (mntns_fd >= 0 && setns(mntns_fd, CLONE_NEWNS) < 0) {
			log_error("cannot enter mount namespace %s: %s", mountns, strerror(errno));
			r = EX_SYSERR;
		} else if ((r = open_target_dir(root_fd >= 0 ? root_fd : AT_FDCWD, dir, &dir_fd)) < 0) {
			log_error("mount point %s: %s", dir, strerror(-r));
			r = EX_FAIL;
		} else if (move_mount(mnt_fd, "", dir_fd, "",
				      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
			log_error("cannot attach %s on %s: %s", m.source, dir, strerror(errno));
			r = EX_FAIL;
		} else {
			r = EX_OK;
			if (json)
				printf("{\"mounted\":true,\"source\":\"%s\",\"dir\":\"%s\",\"netns_cookie\":%llu}\n",
				       m.source, dir, (unsigned long long)m.cookie);
			log_verbose("mounted %s on %s", m.source, dir);
		}
	}
	nfsmount_done(&m);
	return r;
}
