/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Non-blocking TCP connect of a caller-made socket, bounded by a deadline. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include "common/macro.h"
#include "rpcclnt/rpcclnt.h"

/* Wait for the pending connect on fd to finish; returns 0 or -errno. */
static int connect_wait(int fd, uint64_t deadline_ms)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		uint64_t now = rpcclnt_now_ms();
		int timeout, n, soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (rpcclnt_deadline_remaining(deadline_ms, now) == 0)
			return -ETIMEDOUT;
		timeout = rpcclnt_deadline_poll_timeout(deadline_ms, now);
		n = poll(&p, 1, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n == 0)
			continue; /* re-check the clock: poll may wake early */
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			return negative_errno();
		if (soerr != 0)
			return -soerr;
		if (p.revents & (POLLERR | POLLHUP))
			return -ECONNRESET;
		return 0;
	}
}

int rpcclnt_connect(int sock_fd, const struct sockaddr *addr, socklen_t addrlen,
		    uint64_t deadline_ms)
{
	int flags, type = 0, r;
	socklen_t tl = sizeof(type);

	if (sock_fd < 0)
		return -EBADF;
	if (!addr || addrlen < sizeof(sa_family_t))
		return -EINVAL;
	if (getsockopt(sock_fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		return negative_errno();
	if (type != SOCK_STREAM)
		return -EINVAL;

	flags = fcntl(sock_fd, F_GETFL);
	if (flags < 0)
		return negative_errno();
	if (!(flags & O_NONBLOCK) && fcntl(sock_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return negative_errno();

	if (connect(sock_fd, addr, addrlen) == 0)
		r = 0;
	else if (errno == EINPROGRESS || errno == EINTR)
		/* EINTR: the connect goes on asynchronously, wait as for EINPROGRESS */
		r = connect_wait(sock_fd, deadline_ms);
	else
		r = negative_errno();

	if (!(flags & O_NONBLOCK) && fcntl(sock_fd, F_SETFL, flags) < 0 && r == 0)
		r = negative_errno();
	return r;
}
