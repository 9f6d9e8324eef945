/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the kernel-patches/ series adds, as the running kernel has it:
 * feature-detected through sysfs, never assumed from a version.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/netns.h"

enum kfeature {
	KFEATURE_NETNS_SHUTDOWN,           /* /sys/fs/nfs/net/nfs_client/shutdown (0004) */
	KFEATURE_REFUSE_CROSS_NETNS,       /* nfs.refuse_cross_netns_reconfigure (0001) */
	KFEATURE_GOODBYE_TIMEOUT,          /* nfsv4.goodbye_timeout (0005) */
	KFEATURE_MAX,
};

struct kfeature_state {
	const char *name;  /* for messages: "nfs.refuse_cross_netns_reconfigure" */
	const char *key;   /* for JSON: "refuse_cross_netns_reconfigure" */
	const char *path;
	bool present;
	char value[32];    /* first line of the file, "" if unreadable (write-only) */
};

/*
 * Fill ret[KFEATURE_MAX] from the caller's sysfs.  A feature of a module that is
 * not loaded reads absent; *ret_nfs_loaded (may be NULL) says whether the NFS
 * client's sysfs exists at all.
 */
void kfeatures_read(struct kfeature_state ret[KFEATURE_MAX], bool *ret_nfs_loaded);

/*
 * Write 1 to the shutdown attribute of netns_fd's NFS clients (in a worker with
 * that netns's sysfs): every RPC of that netns fails with EIO, renewal stops.
 * 0, -EOPNOTSUPP (this kernel has no such attribute), -ENOENT (no NFS client
 * sysfs: module not loaded, so nothing to shut down) or -errno.
 */
int kfeature_netns_shutdown(const struct netns_spec *spec, int netns_fd, uint64_t deadline_ms);
