/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource ownership helpers shared by every nsnfs module (systemd style). */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
	/* Also used for early closes: a second call must not hit a reused number. */
	*fd = -EBADF;
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand an fd/pointer to a new owner; the cleanup of the old one is a no-op. */
#define TAKE_FD(fd)                    \
	({                             \
		int _fd_ = (fd);       \
		(fd) = -EBADF;         \
		_fd_;                  \
	})
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _p_ = (p);     \
		(p) = NULL;                  \
		_p_;                         \
	})

/* A negative errno from a syscall that returned -1. */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}
