/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for mount/utab.c: utab entries through libmount (LIBMOUNT_UTAB → a temp file). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/macro.h"
#include "mount/utab.h"

static char utab_dir[] = "/tmp/nsnfs-utab.XXXXXX";
static char utab_path[sizeof(utab_dir) + 8];

static int setup(void **state)
{
	if (!mkdtemp(utab_dir))
		return -1;
	snprintf(utab_path, sizeof(utab_path), "%s/utab", utab_dir);
	return setenv("LIBMOUNT_UTAB", utab_path, 1);
}

static int teardown(void **state)
{
	char lock[sizeof(utab_path) + 8];

	snprintf(lock, sizeof(lock), "%s.lock", utab_path);
	unlink(utab_path);
	unlink(lock);
	return rmdir(utab_dir);
}

static int empty_utab(void **state)
{
	return unlink(utab_path) < 0 && errno != ENOENT ? -1 : 0;
}

/* The whole file, "" if it does not exist. */
static char *slurp(void)
{
	static char buf[4096];
	FILE *f = fopen(utab_path, "re");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void test_add_keeps_userspace_options_and_attrs(void **state)
{
	bool written = false;

	assert_int_equal(utab_add("srv:/export", "/mnt/a", "vers=4.2,_netdev,hard,x-app=db",
				  "netns=ctr1,addr=10.0.0.2", &written), 0);
	assert_true(written);
	/* libmount keeps the userspace part only; the kernel options never land here. */
	assert_string_equal(slurp(), "SRC=srv:/export TARGET=/mnt/a ROOT=/ "
				     "ATTRS=netns=ctr1,addr=10.0.0.2 OPTS=_netdev,x-app=db\n");
}

static void test_add_nothing_to_keep(void **state)
{
	bool written = true;

	assert_int_equal(utab_add("srv:/", "/mnt/a", "vers=4.1,ro,hard", NULL, &written), 0);
	assert_false(written);
	assert_int_equal(utab_add("srv:/", "/mnt/a", NULL, "", &written), 0);
	assert_false(written);
	assert_string_equal(slurp(), "");
}

static void test_add_attrs_only(void **state)
{
	bool written = false;

	assert_int_equal(utab_add("srv:/", "/mnt/a", "vers=4.1", "addr=fd00::2", &written), 0);
	assert_true(written);
	assert_string_equal(slurp(), "SRC=srv:/ TARGET=/mnt/a ROOT=/ ATTRS=addr=fd00::2 \n"); /* libmount leaves the blank */
}

static void test_target_is_escaped(void **state)
{
	assert_int_equal(utab_add("srv:/", "/mnt/a b\tc", "_netdev", NULL, NULL), 0);
	assert_string_equal(slurp(), "SRC=srv:/ TARGET=/mnt/a\\040b\\011c ROOT=/ OPTS=_netdev\n");
	assert_int_equal(utab_remove("/mnt/a b\tc"), 0);
	assert_string_equal(slurp(), "");
}

static void test_remove_only_that_target(void **state)
{
	assert_int_equal(utab_add("s1:/", "/mnt/a", "_netdev", "netns=a", NULL), 0);
	assert_int_equal(utab_add("s2:/", "/mnt/b", "x-b=1", "netns=b", NULL), 0);
	assert_int_equal(utab_remove("/mnt/a"), 0);
	assert_string_equal(slurp(), "SRC=s2:/ TARGET=/mnt/b ROOT=/ ATTRS=netns=b OPTS=x-b=1\n");
	/* Not there (umount -n earlier, or a mount without userspace state): fine. */
	assert_int_equal(utab_remove("/mnt/a"), 0);
	assert_int_equal(utab_remove("/mnt/none"), 0);
	assert_string_equal(slurp(), "SRC=s2:/ TARGET=/mnt/b ROOT=/ ATTRS=netns=b OPTS=x-b=1\n");
}

static void test_stacked_mounts_remove_newest(void **state)
{
	assert_int_equal(utab_add("s1:/", "/mnt/a", "x-first", NULL, NULL), 0);
	assert_int_equal(utab_add("s2:/", "/mnt/a", "x-second", NULL, NULL), 0);
	assert_int_equal(utab_remove("/mnt/a"), 0);
	assert_string_equal(slurp(), "SRC=s1:/ TARGET=/mnt/a ROOT=/ OPTS=x-first\n");
}

static void test_remount_without_userspace_options_keeps_entry(void **state)
{
	assert_int_equal(utab_add("s:/", "/mnt/a", "_netdev", "netns=a", NULL), 0);
	assert_int_equal(utab_remount("s:/", "/mnt/a", "remount,ro"), 0);
	assert_string_equal(slurp(), "SRC=s:/ TARGET=/mnt/a ROOT=/ ATTRS=netns=a OPTS=_netdev\n");
}

static void test_bad_arguments(void **state)
{
	assert_int_equal(utab_add(NULL, "/mnt/a", "_netdev", NULL, NULL), -EINVAL);
	assert_int_equal(utab_add("s:/", NULL, "_netdev", NULL, NULL), -EINVAL);
	assert_int_equal(utab_remount("s:/", NULL, "x-a"), -EINVAL);
	assert_int_equal(utab_remove(NULL), -EINVAL);
	assert_string_equal(slurp(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_keeps_userspace_options_and_attrs, empty_utab),
		cmocka_unit_test_setup(test_add_nothing_to_keep, empty_utab),
		cmocka_unit_test_setup(test_add_attrs_only, empty_utab),
		cmocka_unit_test_setup(test_target_is_escaped, empty_utab),
		cmocka_unit_test_setup(test_remove_only_that_target, empty_utab),
		cmocka_unit_test_setup(test_stacked_mounts_remove_newest, empty_utab),
		cmocka_unit_test_setup(test_remount_without_userspace_options_keeps_entry, empty_utab),
		cmocka_unit_test_setup(test_bad_arguments, empty_utab),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
