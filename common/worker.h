/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netns worker: a forked child that enters a network namespace (and, for
 * name resolution, a private mount namespace with that netns's resolver files
 * over /etc), does one job and hands a bounded reply plus fds back over a
 * socketpair (SCM_RIGHTS).  Forking keeps setns()/unshare() away from the
 * caller's threads and state.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/netns.h"

#define WORKER_REPLY_MAX 8192
#define WORKER_FDS_MAX 4

struct worker_reply {
	unsigned char data[WORKER_REPLY_MAX];
	size_t len;
	int fds[WORKER_FDS_MAX];
	size_t n_fds;
};

enum worker_flags {
	/* Private mount ns; the files of /etc/netns/NAME (NAME spec) or the process's
	 * /etc/hosts and /etc/resolv.conf (PID spec) bound over /etc. */
	WORKER_ETC_OVERLAY = 1 << 0,
	/* Private mount ns with a sysfs of the target netns on /sys. */
	WORKER_FRESH_SYSFS = 1 << 1,
};

/*
 * The job, run in the child.  Fill reply (len <= WORKER_REPLY_MAX, fds owned by
 * the reply) and return 0 or -errno; the return value reaches the parent.
 */
typedef int (*worker_fn)(void *userdata, struct worker_reply *reply);

/*
 * Run fn in a child inside netns_fd (-1: stay in the current netns).  Waits at
 * most until deadline_ms (CLOCK_MONOTONIC ms); on expiry the child is killed
 * and -ETIMEDOUT returned.  On success *ret holds the reply and owns its fds.
 * Returns fn's result (0 or -errno), or -errno from the machinery.
 */
int netns_worker_run(const struct netns_spec *spec, int netns_fd, unsigned flags, worker_fn fn,
		     void *userdata, uint64_t deadline_ms, struct worker_reply *ret);

void worker_reply_close(struct worker_reply *reply);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t monotonic_ms(void);
