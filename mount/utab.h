/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount(8)'s table of userspace mount state (/run/mount/utab), kept through
 * libmount as nfs-utils' mount.nfs does: the userspace options of a mount
 * (_netdev, x-*, comment=, ...) as OPTS and the helper's own options as ATTRS.
 * LIBMOUNT_UTAB overrides the path (tests).  Returns 0 or -errno.
 */
#pragma once

#include <stdbool.h>

/*
 * After a mount (or a fake one, -f): options is the option string as given
 * (libmount keeps its userspace part), attrs ours ("netns=ctr1,addr=..."; NULL
 * or "" for none).  Nothing is written when there is neither; *ret_written
 * (may be NULL) says whether an entry was written.
 */
int utab_add(const char *source, const char *target, const char *options, const char *attrs,
	     bool *ret_written);

/* After a remount: replace the userspace options of target's entry. */
int utab_remount(const char *source, const char *target, const char *options);

/* After an umount: drop target's newest entry (none is fine). */
int utab_remove(const char *target);
