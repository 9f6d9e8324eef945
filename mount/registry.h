/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount.nfs4 / umount.nfs4 / nsmount ↔ nscache.  The store is bookkeeping:
 * a failure to record is reported with -v and never fails a mount or umount.
 */
#pragma once

#include <stdint.h>

#include "mount/nfsmount.h"

/* Record the attached mount (mount_fd: the fsmount() fd, still open). */
void registry_record_mount(const struct nfsmount *m, int mount_fd, const char *mount_point,
			   uint64_t mnt_ns);

/* What umount needs to find the record again, taken before umount2(). */
struct registry_umount {
	uint64_t mount_id;
	uint64_t dev;
	uint64_t mnt_ns;
	int known;
};

void registry_prepare_umount(int dirfd, const char *path, struct registry_umount *ret);

/* After a successful umount2(): drop the record (and what only it needed). */
void registry_release_mount(const struct registry_umount *u, const char *mount_point);
