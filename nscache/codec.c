/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Record and key codecs of the nscache store (layout in nscache-internal.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nscache/nscache-internal.h"

/* ---- byte helpers ------------------------------------------------------------------ */

void nsc_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

uint64_t nsc_get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Writer: bounded, remembers overflow instead of failing each call. */
struct wr {
	uint8_t *p;
	size_t len, cap;
	bool overflow;
};

static void w_bytes(struct wr *w, const void *b, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void w_le(struct wr *w, uint64_t v, size_t n)
{
	uint8_t b[8];

	for (size_t i = 0; i < n; i++) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
	w_bytes(w, b, n);
}

static void w_u8(struct wr *w, uint8_t v)
{
	w_le(w, v, 1);
}
static void w_u16(struct wr *w, uint16_t v)
{
	w_le(w, v, 2);
}
static void w_u32(struct wr *w, uint32_t v)
{
	w_le(w, v, 4);
}
static void w_u64(struct wr *w, uint64_t v)
{
	w_le(w, v, 8);
}

static void w_str(struct wr *w, const char *s, size_t len)
{
	w_u16(w, (uint16_t)len);
	w_bytes(w, s, len);
}

static void w_addr(struct wr *w, const struct nscache_addr *a)
{
	w_u16(w, a->family);
	w_u16(w, a->port);
	w_u32(w, a->scope_id);
	w_bytes(w, a->addr, sizeof(a->addr));
}

/* Reader: bounded, sticky failure. */
struct rd {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static uint64_t r_le(struct rd *r, size_t n)
{
	uint64_t v = 0;

	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->off + i] << (8 * i);
	r->off += n;
	return v;
}

static uint8_t r_u8(struct rd *r)
{
	return (uint8_t)r_le(r, 1);
}
static uint16_t r_u16(struct rd *r)
{
	return (uint16_t)r_le(r, 2);
}
static uint32_t r_u32(struct rd *r)
{
	return (uint32_t)r_le(r, 4);
}
static uint64_t r_u64(struct rd *r)
{
	return r_le(r, 8);
}

static void r_bytes(struct rd *r, void *b, size_t n)
{
	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return;
	}
	memcpy(b, r->p + r->off, n);
	r->off += n;
}

/* A string of at most max bytes, no NUL; buf has max + 1 bytes. */
static void r_str(struct rd *r, char *buf, size_t max)
{
	uint16_t n = r_u16(r);

	buf[0] = '\0';
	if (r->bad)
		return;
	if (n > max || n > r->len - r->off || memchr(r->p + r->off, '\0', n)) {
		r->bad = true;
		return;
	}
	memcpy(buf, r->p + r->off, n);
	buf[n] = '\0';
	r->off += n;
}

static void r_addr(struct rd *r, struct nscache_addr *a)
{
	a->family = r_u16(r);
	a->port = r_u16(r);
	a->scope_id = r_u32(r);
	r_bytes(r, a->addr, sizeof(a->addr));
}

/* Header check: kind and version.  Returns the version or a negative errno. */
static int r_header(struct rd *r, uint8_t kind)
{
	uint8_t k = r_u8(r), v = r_u8(r);

	if (r->bad)
		return -EBADMSG;
	if (k != kind)
		return -EBADMSG;
	if (v == 0)
		return -EPROTONOSUPPORT;
	return v;
}

/* After the known fields: trailing bytes only from a newer writer. */
static int r_finish(const struct rd *r, int version)
{
	if (r->bad)
		return -EBADMSG;
	if (r->off != r->len && version <= NSC_VERSION)
		return -EBADMSG;
	return 0;
}

static int w_finish(const struct wr *w, size_t *ret_len)
{
	if (w->overflow)
		return -ENOBUFS;
	*ret_len = w->len;
	return 0;
}

/* ---- validation -------------------------------------------------------------------- */

bool nsc_addr_valid(const struct nscache_addr *a)
{
	static const uint8_t zero[12];

	switch (a->family) {
	case AF_INET:
		return a->scope_id == 0 && memcmp(a->addr + 4, zero, sizeof(zero)) == 0;
	case AF_INET6:
		return true;
	default:
		return false;
	}
}

bool nsc_name_valid(const char *s, size_t len)
{
	if (len == 0 || len > NSCACHE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= 0x20 || ch == 0x7f)
			return false;
	}
	return true;
}

int nsc_name_canonical(const char *name, char *buf, size_t size)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > NSCACHE_NAME_MAX || len >= size)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch < 0x21 || ch > 0x7e)
			return -EINVAL;
		buf[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	buf[len] = '\0';
	return 0;
}

static bool name_is_canonical(const char *s, size_t len)
{
	if (len == 0 || len > NSCACHE_NAME_MAX)
		return false;
	if (len > 1 && s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x21 || ch > 0x7e || (ch >= 'A' && ch <= 'Z'))
			return false;
	}
	return true;
}

/* ---- keys -------------------------------------------------------------------------- */

void nsc_netns_key(uint64_t cookie, uint8_t key[NSC_NETNS_KEY_SIZE])
{
	nsc_put_be64(key, cookie);
}

int nsc_netns_key_decode(const void *key, size_t len, uint64_t *ret_cookie)
{
	uint64_t cookie;

	if (len != NSC_NETNS_KEY_SIZE)
		return -EBADMSG;
	cookie = nsc_get_be64(key);
	if (cookie == 0)
		return -EBADMSG;
	*ret_cookie = cookie;
	return 0;
}

void nsc_server_key(uint64_t cookie, const struct nscache_addr *a, uint8_t key[NSC_SERVER_KEY_SIZE])
{
	nsc_put_be64(key, cookie);
	put_be16(key + 8, a->family);
	memcpy(key + 10, a->addr, 16);
	put_be16(key + 26, a->port);
	put_be32(key + 28, a->scope_id);
}

int nsc_server_key_decode(const void *key, size_t len, uint64_t *ret_cookie,
			  struct nscache_addr *ret_addr)
{
	const uint8_t *k = key;
	struct nscache_addr a = { 0 };
	uint64_t cookie;

	if (len != NSC_SERVER_KEY_SIZE)
		return -EBADMSG;
	cookie = nsc_get_be64(k);
	a.family = get_be16(k + 8);
	memcpy(a.addr, k + 10, 16);
	a.port = get_be16(k + 26);
	a.scope_id = get_be32(k + 28);
	if (cookie == 0 || !nsc_addr_valid(&a))
		return -EBADMSG;
	*ret_cookie = cookie;
	*ret_addr = a;
	return 0;
}

void nsc_mount_key(uint64_t mount_id, uint8_t key[NSC_MOUNT_KEY_SIZE])
{
	nsc_put_be64(key, mount_id);
}

int nsc_mount_key_decode(const void *key, size_t len, uint64_t *ret_mount_id)
{
	uint64_t id;

	if (len != NSC_MOUNT_KEY_SIZE)
		return -EBADMSG;
	id = nsc_get_be64(key);
	if (id == 0)
		return -EBADMSG;
	*ret_mount_id = id;
	return 0;
}

int nsc_resolver_key(uint64_t cookie, const char *name, uint8_t key[NSC_RESOLVER_KEY_MAX])
{
	size_t len = strlen(name);

	if (cookie == 0 || !name_is_canonical(name, len))
		return -EINVAL;
	nsc_put_be64(key, cookie);
	memcpy(key + 8, name, len);
	return (int)(8 + len);
}

int nsc_resolver_key_decode(const void *key, size_t len, uint64_t *ret_cookie, char *ret_name,
			    size_t size)
{
	const uint8_t *k = key;
	uint64_t cookie;

	if (len <= 8 || len > NSC_RESOLVER_KEY_MAX || len - 8 >= size)
		return -EBADMSG;
	cookie = nsc_get_be64(k);
	if (cookie == 0 || !name_is_canonical((const char *)k + 8, len - 8))
		return -EBADMSG;
	memcpy(ret_name, k + 8, len - 8);
	ret_name[len - 8] = '\0';
	*ret_cookie = cookie;
	return 0;
}

/* ---- netns ------------------------------------------------------------------------- */

enum { NETNS_F_CLIENT_ID_SET = 1 << 0 };

int nsc_netns_encode(const struct nscache_netns *n, uint8_t *buf, size_t size, size_t *ret_len)
{
	struct wr w = { .p = buf, .cap = size };
	size_t slen = strnlen(n->source, sizeof(n->source));
	size_t clen = strnlen(n->client_id, sizeof(n->client_id));

	if (n->cookie == 0 || (unsigned)n->source_kind > NSCACHE_SOURCE_PID ||
	    slen > NSCACHE_PATH_MAX || clen > NSCACHE_CLIENTID_MAX || n->nsid < -1)
		return -EINVAL;
	w_u8(&w, NSC_KIND_NETNS);
	w_u8(&w, NSC_VERSION);
	w_u64(&w, n->ino);
	w_u8(&w, (uint8_t)n->source_kind);
	w_str(&w, n->source, slen);
	w_u32(&w, n->pid);
	w_u64(&w, n->pid_start);
	w_u32(&w, (uint32_t)n->nsid);
	w_u64(&w, n->nsid_owner);
	w_str(&w, n->client_id, clen);
	w_u8(&w, n->client_id_set ? NETNS_F_CLIENT_ID_SET : 0);
	w_u64(&w, n->created_ns);
	w_u32(&w, n->refcount);
	return w_finish(&w, ret_len);
}

int nsc_netns_decode(const void *key, size_t klen, const void *val, size_t vlen,
		     struct nscache_netns *ret)
{
	struct rd r = { .p = val, .len = vlen };
	uint8_t kind, flags;
	int version, k;

	memset(ret, 0, sizeof(*ret));
	k = nsc_netns_key_decode(key, klen, &ret->cookie);
	if (k < 0)
		return k;
	version = r_header(&r, NSC_KIND_NETNS);
	if (version < 0)
		return version;
	ret->ino = r_u64(&r);
	kind = r_u8(&r);
	r_str(&r, ret->source, NSCACHE_PATH_MAX);
	ret->pid = r_u32(&r);
	ret->pid_start = r_u64(&r);
	ret->nsid = (int32_t)r_u32(&r);
	ret->nsid_owner = r_u64(&r);
	r_str(&r, ret->client_id, NSCACHE_CLIENTID_MAX);
	flags = r_u8(&r);
	ret->created_ns = r_u64(&r);
	ret->refcount = r_u32(&r);
	if (r.bad || kind > NSCACHE_SOURCE_PID || (flags & ~NETNS_F_CLIENT_ID_SET) || ret->nsid < -1)
		return -EBADMSG;
	ret->source_kind = (enum nscache_source)kind;
	ret->client_id_set = flags & NETNS_F_CLIENT_ID_SET;
	return r_finish(&r, version);
}

/* ---- server ------------------------------------------------------------------------ */

int nsc_server_encode(const struct nscache_server *s, uint8_t *buf, size_t size, size_t *ret_len)
{
	struct wr w = { .p = buf, .cap = size };

	if (s->n_names > NSCACHE_SERVER_NAMES_MAX || s->minor_version < -1)
		return -EINVAL;
	w_u8(&w, NSC_KIND_SERVER);
	w_u8(&w, NSC_VERSION);
	w_u8(&w, (uint8_t)s->n_names);
	for (unsigned i = 0; i < s->n_names; i++) {
		size_t len = strnlen(s->names[i], sizeof(s->names[i]));

		if (!nsc_name_valid(s->names[i], len))
			return -EINVAL;
		w_str(&w, s->names[i], len);
	}
	w_u32(&w, s->minor_versions);
	w_u32(&w, (uint32_t)s->minor_version);
	w_u64(&w, s->probe_ns);
	w_u64(&w, s->created_ns);
	w_u32(&w, s->refcount);
	return w_finish(&w, ret_len);
}

int nsc_server_decode(const void *key, size_t klen, const void *val, size_t vlen,
		      struct nscache_server *ret)
{
	struct rd r = { .p = val, .len = vlen };
	int version, k;

	memset(ret, 0, sizeof(*ret));
	k = nsc_server_key_decode(key, klen, &ret->cookie, &ret->addr);
	if (k < 0)
		return k;
	version = r_header(&r, NSC_KIND_SERVER);
	if (version < 0)
		return version;
	ret->n_names = r_u8(&r);
	if (ret->n_names > NSCACHE_SERVER_NAMES_MAX)
		return -EBADMSG;
	for (unsigned i = 0; i < ret->n_names; i++) {
		r_str(&r, ret->names[i], NSCACHE_NAME_MAX);
		if (!r.bad && !nsc_name_valid(ret->names[i], strlen(ret->names[i])))
			return -EBADMSG;
	}
	ret->minor_versions = r_u32(&r);
	ret->minor_version = (int32_t)r_u32(&r);
	ret->probe_ns = r_u64(&r);
	ret->created_ns = r_u64(&r);
	ret->refcount = r_u32(&r);
	if (r.bad || ret->minor_version < -1)
		return -EBADMSG;
	return r_finish(&r, version);
}

/* ---- mount ------------------------------------------------------------------------- */

int nsc_mount_encode(const struct nscache_mount *m, uint8_t *buf, size_t size, size_t *ret_len)
{
	struct wr w = { .p = buf, .cap = size };
	size_t splen = strnlen(m->spec, sizeof(m->spec));
	size_t mplen = strnlen(m->mount_point, sizeof(m->mount_point));

	if (m->mount_id == 0 || m->cookie == 0 || !nsc_addr_valid(&m->server) ||
	    splen > NSCACHE_PATH_MAX || mplen == 0 || mplen > NSCACHE_PATH_MAX ||
	    m->minor_version < -1)
		return -EINVAL;
	w_u8(&w, NSC_KIND_MOUNT);
	w_u8(&w, NSC_VERSION);
	w_u64(&w, m->cookie);
	w_addr(&w, &m->server);
	w_u64(&w, m->dev);
	w_u64(&w, m->mnt_ns);
	w_u32(&w, (uint32_t)m->minor_version);
	w_str(&w, m->spec, splen);
	w_str(&w, m->mount_point, mplen);
	w_u64(&w, m->created_ns);
	return w_finish(&w, ret_len);
}

int nsc_mount_decode(const void *key, size_t klen, const void *val, size_t vlen,
		     struct nscache_mount *ret)
{
	struct rd r = { .p = val, .len = vlen };
	int version, k;

	memset(ret, 0, sizeof(*ret));
	k = nsc_mount_key_decode(key, klen, &ret->mount_id);
	if (k < 0)
		return k;
	version = r_header(&r, NSC_KIND_MOUNT);
	if (version < 0)
		return version;
	ret->cookie = r_u64(&r);
	r_addr(&r, &ret->server);
	ret->dev = r_u64(&r);
	ret->mnt_ns = r_u64(&r);
	ret->minor_version = (int32_t)r_u32(&r);
	r_str(&r, ret->spec, NSCACHE_PATH_MAX);
	r_str(&r, ret->mount_point, NSCACHE_PATH_MAX);
	ret->created_ns = r_u64(&r);
	if (r.bad || ret->cookie == 0 || !nsc_addr_valid(&ret->server) || ret->minor_version < -1 ||
	    ret->mount_point[0] == '\0')
		return -EBADMSG;
	return r_finish(&r, version);
}

/* ---- resolver ---------------------------------------------------------------------- */

int nsc_resolver_encode(const struct nscache_resolver *res, uint8_t *buf, size_t size,
			size_t *ret_len)
{
	struct wr w = { .p = buf, .cap = size };

	if (res->n_addrs > NSCACHE_RESOLVER_ADDRS_MAX || res->error > 0 ||
	    (res->error < 0) != (res->n_addrs == 0))
		return -EINVAL;
	w_u8(&w, NSC_KIND_RESOLVER);
	w_u8(&w, NSC_VERSION);
	w_u32(&w, (uint32_t)res->error);
	w_u8(&w, (uint8_t)res->n_addrs);
	for (unsigned i = 0; i < res->n_addrs; i++) {
		if (!nsc_addr_valid(&res->addrs[i]))
			return -EINVAL;
		w_addr(&w, &res->addrs[i]);
	}
	w_u64(&w, res->created_ns);
	w_u64(&w, res->expires_boot_ns);
	return w_finish(&w, ret_len);
}

int nsc_resolver_decode(const void *key, size_t klen, const void *val, size_t vlen,
			struct nscache_resolver *ret)
{
	struct rd r = { .p = val, .len = vlen };
	int version, k;

	memset(ret, 0, sizeof(*ret));
	k = nsc_resolver_key_decode(key, klen, &ret->cookie, ret->name, sizeof(ret->name));
	if (k < 0)
		return k;
	version = r_header(&r, NSC_KIND_RESOLVER);
	if (version < 0)
		return version;
	ret->error = (int32_t)r_u32(&r);
	ret->n_addrs = r_u8(&r);
	if (r.bad || ret->n_addrs > NSCACHE_RESOLVER_ADDRS_MAX || ret->error > 0 ||
	    (ret->error < 0) != (ret->n_addrs == 0))
		return -EBADMSG;
	for (unsigned i = 0; i < ret->n_addrs; i++) {
		r_addr(&r, &ret->addrs[i]);
		if (!r.bad && !nsc_addr_valid(&ret->addrs[i]))
			return -EBADMSG;
	}
	ret->created_ns = r_u64(&r);
	ret->expires_boot_ns = r_u64(&r);
	return r_finish(&r, version);
}

/* ---- public address helpers ------------------------------------------------------------ */

int nscache_addr_from_sockaddr(const struct sockaddr *sa, struct nscache_addr *ret)
{
	struct nscache_addr a = { 0 };

	if (!sa)
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		a.family = AF_INET;
		a.port = ntohs(in->sin_port);
		memcpy(a.addr, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		a.family = AF_INET6;
		a.port = ntohs(in6->sin6_port);
		a.scope_id = in6->sin6_scope_id;
		memcpy(a.addr, &in6->sin6_addr, 16);
	} else {
		return -EAFNOSUPPORT;
	}
	*ret = a;
	return 0;
}

int nscache_addr_parse(const char *s, struct nscache_addr *ret)
{
	struct nscache_addr a = { 0 };
	char host[INET6_ADDRSTRLEN + 16];
	const char *port = NULL, *end;
	char *pct;
	size_t len;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return -EINVAL;
		len = (size_t)(end - s - 1);
		if (len >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, len);
		host[len] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return -EINVAL;
	} else {
		const char *colon = strchr(s, ':');

		len = strlen(s);
		/* One colon: IPv4 with a port; more: a bare IPv6 address. */
		if (colon && !strchr(colon + 1, ':')) {
			len = (size_t)(colon - s);
			port = colon + 1;
		}
		if (len >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, len);
		host[len] = '\0';
	}
	if (port) {
		unsigned long p = 0;

		if (!*port || strlen(port) > 5)
			return -EINVAL;
		for (const char *q = port; *q; q++) {
			if (*q < '0' || *q > '9')
				return -EINVAL;
			p = p * 10 + (unsigned long)(*q - '0');
		}
		if (p == 0 || p > 65535)
			return -EINVAL;
		a.port = (uint16_t)p;
	}
	pct = strchr(host, '%');
	if (pct) {
		unsigned long scope = 0;

		*pct = '\0';
		if (!pct[1] || strlen(pct + 1) > 10)
			return -EINVAL;
		for (const char *q = pct + 1; *q; q++) {
			if (*q < '0' || *q > '9')
				return -EINVAL;
			scope = scope * 10 + (unsigned long)(*q - '0');
		}
		if (scope > UINT32_MAX)
			return -EINVAL;
		a.scope_id = (uint32_t)scope;
	}
	if (inet_pton(AF_INET, host, a.addr) == 1) {
		if (pct)
			return -EINVAL;
		a.family = AF_INET;
	} else if (inet_pton(AF_INET6, host, a.addr) == 1) {
		a.family = AF_INET6;
	} else {
		return -EINVAL;
	}
	*ret = a;
	return 0;
}

const char *nscache_addr_to_string(const struct nscache_addr *a, bool with_port, char *buf,
				   size_t size)
{
	char host[INET6_ADDRSTRLEN + 16];

	if (a->family == AF_INET) {
		inet_ntop(AF_INET, a->addr, host, sizeof(host));
		if (with_port)
			snprintf(buf, size, "%s:%u", host, a->port);
		else
			snprintf(buf, size, "%s", host);
	} else if (a->family == AF_INET6) {
		size_t n;

		inet_ntop(AF_INET6, a->addr, host, sizeof(host));
		if (a->scope_id) {
			n = strlen(host);
			snprintf(host + n, sizeof(host) - n, "%%%u", a->scope_id);
		}
		if (with_port)
			snprintf(buf, size, "[%s]:%u", host, a->port);
		else
			snprintf(buf, size, "%s", host);
	} else {
		snprintf(buf, size, "-");
	}
	return buf;
}

bool nscache_addr_equal(const struct nscache_addr *a, const struct nscache_addr *b)
{
	if (a->family != b->family || a->scope_id != b->scope_id ||
	    memcmp(a->addr, b->addr, sizeof(a->addr)) != 0)
		return false;
	return a->port == 0 || b->port == 0 || a->port == b->port;
}
