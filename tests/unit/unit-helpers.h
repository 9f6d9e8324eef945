/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the unit tests (include after <cmocka.h>; static: each
 * test-*.c is a program of its own).  Parked children: a forked child that
 * sets itself up (a fresh netns, a private mount ns, a chroot...) and then
 * waits in pause() until the test kills it.
 */
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Tests that change namespaces or mounts are skipped without root. */
static inline void require_root(void)
{
	if (geteuid() != 0)
		skip();
}

static inline bool write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return false;
	fputs(content, f);
	return fclose(f) == 0;
}

/* The child's own setup; 0 or -1.  Runs in the child only. */
typedef int (*park_setup_fn)(const void *arg);

/* The pid of a child that ran setup (NULL: none) and waits, or -1 (it failed; reaped). */
static inline pid_t park_child_start(park_setup_fn setup, const void *arg)
{
	int p[2];
	char b;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if ((setup && setup(arg) < 0) || write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &b, 1) != 1) {
		close(p[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(p[0]);
	return pid;
}

static inline int park_in_new_netns(const void *arg)
{
	(void)arg;
	return unshare(CLONE_NEWNET);
}
