/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/macro.h"
#include "mount/utab.h"

static void update_freep(struct libmnt_update **u)
{
	mnt_free_update(*u);
}

static void fs_unrefp(struct libmnt_fs **fs)
{
	mnt_unref_fs(*fs);
}

/* mnt_update_set_fs() returns 1 when there is nothing to keep: not an error. */
static int update(unsigned long flags, const char *target, struct libmnt_fs *fs, bool *ret_written)
{
	_cleanup_(update_freep) struct libmnt_update *u = mnt_new_update();
	int r;

	if (ret_written)
		*ret_written = false;
	if (!u)
		return -ENOMEM;
	r = mnt_update_set_fs(u, flags, target, fs);
	if (r == 1)
		return 0;
	if (r < 0)
		return r;
	/* NULL lock: libmount takes utab's own lock (utab.lock) for the rewrite. */
	r = mnt_update_table(u, NULL);
	if (r < 0)
		return r;
	if (ret_written)
		*ret_written = true;
	return 0;
}

static int new_fs(const char *source, const char *target, const char *options, const char *attrs,
		  struct libmnt_fs **ret)
{
	struct libmnt_fs *fs = mnt_new_fs();

	if (!fs)
		return -ENOMEM;
	if (mnt_fs_set_source(fs, source) < 0 || mnt_fs_set_target(fs, target) < 0 ||
	    mnt_fs_set_fstype(fs, "nfs4") < 0 ||
	    (options && *options && mnt_fs_set_options(fs, options) < 0) ||
	    (attrs && *attrs && mnt_fs_set_attributes(fs, attrs) < 0)) {
		mnt_unref_fs(fs);
		return -ENOMEM;
	}
	*ret = fs;
	return 0;
}

int utab_add(const char *source, const char *target, const char *options, const char *attrs,
	     bool *ret_written)
{
	_cleanup_(fs_unrefp) struct libmnt_fs *fs = NULL;
	int r;

	if (ret_written)
		*ret_written = false;
	if (!source || !target)
		return -EINVAL;
	r = new_fs(source, target, options, attrs, &fs);
	if (r < 0)
		return r;
	return update(0, NULL, fs, ret_written);
}

static void table_unrefp(struct libmnt_table **tb)
{
	mnt_unref_table(*tb);
}

int utab_remount(const char *source, const char *target, const char *options)
{
	_cleanup_(table_unrefp) struct libmnt_table *tb = mnt_new_table();
	_cleanup_free_ char *user = NULL, *attrs = NULL;
	struct libmnt_fs *old;
	int r;

	if (!source || !target)
		return -EINVAL;
	if (!tb)
		return -ENOMEM;
	r = mnt_split_optstr(options ? options : "", &user, NULL, NULL, 0, 0);
	if (r < 0)
		return r;
	if (!user)
		return 0; /* as mount(8): a remount without userspace options keeps the old ones */
	/* utab is only readable merged into mountinfo: the kernel's entry, our ATTRS. */
	(void)mnt_table_parse_mtab(tb, NULL);
	old = mnt_table_find_target(tb, target, MNT_ITER_BACKWARD);
	if (old && mnt_fs_get_attributes(old)) {
		attrs = strdup(mnt_fs_get_attributes(old));
		if (!attrs)
			return -ENOMEM;
	}
	/* libmount's own remount update drops ATTRS: replace the entry instead. */
	if (old) {
		r = utab_remove(target);
		if (r < 0)
			return r;
	}
	return utab_add(source, target, user, attrs, NULL);
}

int utab_remove(const char *target)
{
	if (!target)
		return -EINVAL;
	return update(0, target, NULL, NULL);
}
