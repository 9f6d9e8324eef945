/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Receive side of ONC RPC record marking (RFC 5531 section 11), bounded.
 *
 * A record is one or more fragments, each behind a 4-byte mark: the top bit
 * says "last fragment", the other 31 bits give the fragment's length.  The
 * reassembler is a pure state machine: the transport asks where the next
 * bytes go and how many it may read at most (never past the current mark or
 * fragment, so nothing of the following record is consumed), reads them from
 * the socket, and reports how many came.  A mark whose fragment would take
 * the record past RPCCLNT_REPLY_MAX is refused as soon as the mark is
 * complete, before a byte of the fragment is read.
 */

#include <string.h>

#include "rpcclnt/rpcclnt-internal.h"

#define LAST_FRAG 0x80000000u

void rpcclnt_rec_reset(struct rpcclnt_rec *r)
{
	r->state = RPCCLNT_REC_MARK;
	r->nmark = 0;
	r->frag_left = 0;
	r->last = false;
	r->len = 0;
	r->announced = 0;
}

uint8_t *rpcclnt_rec_want(struct rpcclnt_rec *r, size_t *ret_len)
{
	switch (r->state) {
	case RPCCLNT_REC_MARK:
		*ret_len = sizeof(r->mark) - r->nmark;
		return r->mark + r->nmark;
	case RPCCLNT_REC_BODY:
		*ret_len = r->frag_left;
		return r->buf + r->len;
	case RPCCLNT_REC_DONE:
	case RPCCLNT_REC_TOO_BIG:
		break;
	}
	*ret_len = 0;
	return NULL;
}

/* A fragment (or the record) ended: the record is complete or a mark follows. */
static enum rpcclnt_rec_state frag_end(struct rpcclnt_rec *r)
{
	r->nmark = 0;
	r->state = r->last ? RPCCLNT_REC_DONE : RPCCLNT_REC_MARK;
	return r->state;
}

enum rpcclnt_rec_state rpcclnt_rec_advance(struct rpcclnt_rec *r, size_t n)
{
	size_t want;

	(void)rpcclnt_rec_want(r, &want);
	if (n == 0 || n > want)
		return r->state; /* nothing (or nonsense) to account */

	if (r->state == RPCCLNT_REC_BODY) {
		r->len += n;
		r->frag_left -= (uint32_t)n;
		return r->frag_left > 0 ? r->state : frag_end(r);
	}

	/* RPCCLNT_REC_MARK */
	r->nmark += (uint32_t)n;
	if (r->nmark < sizeof(r->mark))
		return r->state;
	{
		uint32_t mark = (uint32_t)r->mark[0] << 24 | (uint32_t)r->mark[1] << 16 |
				(uint32_t)r->mark[2] << 8 | r->mark[3];
		uint32_t flen = mark & ~LAST_FRAG;

		r->last = (mark & LAST_FRAG) != 0;
		if (flen > RPCCLNT_REPLY_MAX - r->len) {
			r->announced = (uint64_t)r->len + flen;
			r->state = RPCCLNT_REC_TOO_BIG;
			return r->state;
		}
		r->frag_left = flen;
		if (flen == 0)
			return frag_end(r);
		r->state = RPCCLNT_REC_BODY;
		return r->state;
	}
}

size_t rpcclnt_rec_feed(struct rpcclnt_rec *r, const uint8_t *data, size_t len,
			enum rpcclnt_rec_state *ret_state)
{
	size_t used = 0;

	while (used < len && (r->state == RPCCLNT_REC_MARK || r->state == RPCCLNT_REC_BODY)) {
		size_t want, n;
		uint8_t *p = rpcclnt_rec_want(r, &want);

		n = len - used < want ? len - used : want;
		memcpy(p, data + used, n);
		used += n;
		(void)rpcclnt_rec_advance(r, n);
	}
	*ret_state = r->state;
	return used;
}
