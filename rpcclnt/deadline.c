/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Absolute CLOCK_MONOTONIC deadlines in milliseconds, saturating arithmetic. */

#include <limits.h>
#include <time.h>

#include "rpcclnt/rpcclnt.h"

uint64_t rpcclnt_now_us(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t rpcclnt_now_ms(void)
{
	return rpcclnt_now_us() / 1000u;
}

uint64_t rpcclnt_deadline_add(uint64_t base_ms, uint64_t delta_ms)
{
	if (base_ms == RPCCLNT_DEADLINE_NONE || delta_ms >= RPCCLNT_DEADLINE_NONE - base_ms)
		return RPCCLNT_DEADLINE_NONE;
	return base_ms + delta_ms;
}

uint64_t rpcclnt_deadline_after(uint64_t timeout_ms)
{
	return rpcclnt_deadline_add(rpcclnt_now_ms(), timeout_ms);
}

uint64_t rpcclnt_deadline_remaining(uint64_t deadline_ms, uint64_t now_ms)
{
	if (deadline_ms == RPCCLNT_DEADLINE_NONE)
		return UINT64_MAX;
	return deadline_ms > now_ms ? deadline_ms - now_ms : 0;
}

int rpcclnt_deadline_poll_timeout(uint64_t deadline_ms, uint64_t now_ms)
{
	uint64_t left;

	if (deadline_ms == RPCCLNT_DEADLINE_NONE)
		return -1;
	left = rpcclnt_deadline_remaining(deadline_ms, now_ms);
	return left > (uint64_t)INT_MAX ? INT_MAX : (int)left;
}

uint64_t rpcclnt_deadline_min(uint64_t a_ms, uint64_t b_ms)
{
	return a_ms < b_ms ? a_ms : b_ms;
}
