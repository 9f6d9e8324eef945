/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsers of the kernel's text: /proc/PID/mountinfo and
 * /proc/PID/net/nfsfs/{servers,volumes} (format in shared/KERNEL.md).  Pure
 * and bounded: they see only the bytes they are given (fuzzed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "common/macro.h"
#include "nscache/nscache-internal.h"

#define FIELDS_MAX 64

/* Split [s, s+len) on spaces into at most max fields (pointer + length). */
static size_t split(const char *s, size_t len, const char **f, size_t *flen, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len) {
		size_t start;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		if (n == max)
			return max + 1; /* too many */
		f[n] = s + start;
		flen[n] = i - start;
		n++;
	}
	return n;
}

/* Unsigned decimal of exactly [s, s+len), no sign, at most 20 digits. */
static int parse_dec(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0 || len > 16)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -EINVAL;
		v = (v << 4) | (uint64_t)h;
	}
	if (v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* "major:minor" (decimal) -> makedev. */
static int parse_devnum(const char *s, size_t len, uint64_t *ret)
{
	const char *colon = memchr(s, ':', len);
	uint64_t maj, min;

	if (!colon)
		return -EINVAL;
	if (parse_dec(s, (size_t)(colon - s), 0xfffff, &maj) < 0 ||
	    parse_dec(colon + 1, len - (size_t)(colon - s) - 1, 0xfffff, &min) < 0)
		return -EINVAL;
	*ret = makedev((unsigned)maj, (unsigned)min);
	return 0;
}

int nsc_unescape(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch == '\0')
			return -EINVAL;
		if (ch == '\\' && len - i >= 4 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			ch = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
			if (ch == '\0')
				return -EINVAL;
			i += 3;
		}
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		buf[o++] = ch;
	}
	buf[o] = '\0';
	return 0;
}

static int copy_field(const char *s, size_t len, char *buf, size_t size)
{
	if (len >= size || memchr(s, '\0', len))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int nsc_mountinfo_parse_line(char *line, size_t len, struct nsc_mountinfo *ret)
{
	const char *f[FIELDS_MAX];
	size_t fl[FIELDS_MAX], n, sep = 0;
	struct nsc_mountinfo m = { 0 };
	char *p[FIELDS_MAX];
	uint64_t v;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (memchr(line, '\n', len) || memchr(line, '\0', len))
		return -EINVAL;
	n = split(line, len, f, fl, FIELDS_MAX);
	if (n > FIELDS_MAX || n < 9)
		return -EINVAL;
	/* The optional fields end at a lone "-", at index >= 6. */
	for (size_t i = 6; i < n; i++) {
		if (fl[i] == 1 && f[i][0] == '-') {
			sep = i;
			break;
		}
	}
	if (sep == 0 || n - sep < 3)
		return -EINVAL;
	if (parse_dec(f[0], fl[0], UINT64_MAX, &m.mount_id) < 0 || m.mount_id == 0)
		return -EINVAL;
	if (parse_dec(f[1], fl[1], UINT64_MAX, &m.parent_id) < 0)
		return -EINVAL;
	if (parse_devnum(f[2], fl[2], &m.dev) < 0)
		return -EINVAL;
	/* From here on the line is cut into fields and unescaped in place. */
	for (size_t i = 0; i < n; i++) {
		p[i] = line + (f[i] - line);
		p[i][fl[i]] = '\0';
	}
	if (nsc_unescape(p[3], fl[3], p[3], fl[3] + 1) < 0 ||
	    nsc_unescape(p[4], fl[4], p[4], fl[4] + 1) < 0 ||
	    nsc_unescape(p[sep + 1], fl[sep + 1], p[sep + 1], fl[sep + 1] + 1) < 0 ||
	    nsc_unescape(p[sep + 2], fl[sep + 2], p[sep + 2], fl[sep + 2] + 1) < 0)
		return -EINVAL;
	m.root = p[3];
	m.mount_point = p[4];
	m.fstype = p[sep + 1];
	m.source = p[sep + 2];
	/* Super options are never missing in practice; tolerate it. */
	m.super_opts = n - sep >= 4 ? p[sep + 3] : "";
	if (strcmp(m.fstype, "nsfs") == 0 && strncmp(m.root, "net:[", 5) == 0) {
		size_t rl = strlen(m.root);

		if (rl > 6 && m.root[rl - 1] == ']' && parse_dec(m.root + 5, rl - 6, UINT64_MAX, &v) == 0)
			m.nsfs_ino = v;
	}
	*ret = m;
	return 0;
}

bool nsc_option_get(const char *opts, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = opts;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t vlen = len - klen - 1;

			if (vlen >= size)
				return false;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* "0a630101" (IPv4, host order) or 32 hex digits (IPv6, network order). */
static int parse_hex_addr(const char *s, size_t len, struct nscache_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len == 8) {
		uint64_t v;

		if (parse_hex(s, len, UINT32_MAX, &v) < 0)
			return -EINVAL;
		a->family = AF_INET;
		a->addr[0] = (uint8_t)(v >> 24);
		a->addr[1] = (uint8_t)(v >> 16);
		a->addr[2] = (uint8_t)(v >> 8);
		a->addr[3] = (uint8_t)v;
		return 0;
	}
	if (len == 32) {
		for (size_t i = 0; i < 16; i++) {
			int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

			if (hi < 0 || lo < 0)
				return -EINVAL;
			a->addr[i] = (uint8_t)((hi << 4) | lo);
		}
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static int parse_nv(const char *s, size_t len, unsigned *ret)
{
	uint64_t v;

	if (len < 2 || s[0] != 'v' || parse_dec(s + 1, len - 1, 9, &v) < 0)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

static bool is_header(const char *line, size_t len)
{
	return len >= 3 && memcmp(line, "NV ", 3) == 0;
}

/* One nfsfs line (newline optional) into exactly want fields; -ENODATA: the header. */
static int nfsfs_fields(const char *line, size_t len, const char *f[8], size_t fl[8], size_t want)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (memchr(line, '\0', len) || memchr(line, '\n', len))
		return -EINVAL;
	if (is_header(line, len))
		return -ENODATA;
	return split(line, len, f, fl, want) == want ? 0 : -EINVAL;
}

int nsc_nfsfs_parse_server(const char *line, size_t len, struct nsc_nfsfs_server *ret)
{
	const char *f[8];
	size_t fl[8];
	uint64_t port, use;
	int r;
	struct nsc_nfsfs_server s = { 0 };

	r = nfsfs_fields(line, len, f, fl, 5);
	if (r < 0)
		return r;
	if (parse_nv(f[0], fl[0], &s.nfs_version) < 0 || parse_hex_addr(f[1], fl[1], &s.addr) < 0 ||
	    parse_hex(f[2], fl[2], 0xffff, &port) < 0 || parse_dec(f[3], fl[3], INT32_MAX, &use) < 0 ||
	    copy_field(f[4], fl[4], s.hostname, sizeof(s.hostname)) < 0)
		return -EINVAL;
	s.addr.port = (uint16_t)port;
	s.use = (int)use;
	*ret = s;
	return 0;
}

int nsc_nfsfs_parse_volume(const char *line, size_t len, struct nsc_nfsfs_volume *ret)
{
	const char *f[8];
	size_t fl[8];
	uint64_t port;
	struct nsc_nfsfs_volume v = { 0 };
	int r;

	r = nfsfs_fields(line, len, f, fl, 6);
	if (r < 0)
		return r;
	if (parse_nv(f[0], fl[0], &v.nfs_version) < 0 || parse_hex_addr(f[1], fl[1], &v.addr) < 0 ||
	    parse_hex(f[2], fl[2], 0xffff, &port) < 0 || parse_devnum(f[3], fl[3], &v.dev) < 0 ||
	    copy_field(f[4], fl[4], v.fsid, sizeof(v.fsid)) < 0)
		return -EINVAL;
	if (fl[5] == 3 && memcmp(f[5], "yes", 3) == 0)
		v.fscache = true;
	else if (!(fl[5] == 2 && memcmp(f[5], "no", 2) == 0))
		return -EINVAL;
	v.addr.port = (uint16_t)port;
	*ret = v;
	return 0;
}

/* ---- whole texts --------------------------------------------------------------------- */

#define LIST_MAX 1000000 /* entries: bounds memory on absurd input */

int nsc_grow(void **v, size_t n, size_t *cap, size_t elem)
{
	void *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*v, ncap * elem);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

/* Parsed lists are bounded: absurd input must not take all memory. */
static int grow(void **v, size_t n, size_t *cap, size_t elem)
{
	return n >= LIST_MAX ? -E2BIG : nsc_grow(v, n, cap, elem);
}

int nsc_mountinfo_parse_text(char *text, size_t len, struct nsc_mountinfo_list *ret)
{
	struct nsc_mountinfo_list l = { 0 };
	size_t cap = 0, off = 0;

	while (off < len) {
		char *nl = memchr(text + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - text - off) : len - off;
		int r = grow((void **)&l.v, l.n, &cap, sizeof(*l.v));

		if (r < 0) {
			nsc_mountinfo_list_free(&l);
			return r;
		}
		/* Each line ends in a byte we may overwrite: its newline or text[len]. */
		if (nsc_mountinfo_parse_line(text + off, ll, &l.v[l.n]) == 0)
			l.n++;
		off += ll + 1;
	}
	*ret = l;
	return 0;
}

void nsc_mountinfo_list_free(struct nsc_mountinfo_list *l)
{
	free(l->v);
	free(l->text);
	l->v = NULL;
	l->text = NULL;
	l->n = 0;
}

int nsc_nfsfs_parse_text(const char *servers, size_t slen, const char *volumes, size_t vlen,
			 struct nsc_nfsfs *ret)
{
	struct nsc_nfsfs f = { 0 };
	size_t scap = 0, vcap = 0, off;
	int r;

	for (off = 0; servers && off < slen;) {
		const char *nl = memchr(servers + off, '\n', slen - off);
		size_t ll = nl ? (size_t)(nl - servers - off) : slen - off;

		r = grow((void **)&f.servers, f.n_servers, &scap, sizeof(*f.servers));
		if (r < 0)
			goto fail;
		if (nsc_nfsfs_parse_server(servers + off, ll, &f.servers[f.n_servers]) == 0)
			f.n_servers++;
		off += ll + 1;
	}
	for (off = 0; volumes && off < vlen;) {
		const char *nl = memchr(volumes + off, '\n', vlen - off);
		size_t ll = nl ? (size_t)(nl - volumes - off) : vlen - off;

		r = grow((void **)&f.volumes, f.n_volumes, &vcap, sizeof(*f.volumes));
		if (r < 0)
			goto fail;
		if (nsc_nfsfs_parse_volume(volumes + off, ll, &f.volumes[f.n_volumes]) == 0)
			f.n_volumes++;
		off += ll + 1;
	}
	*ret = f;
	return 0;
fail:
	nsc_nfsfs_free(&f);
	return r;
}

bool nsc_nfsfs_server_idle(const struct nsc_nfsfs *f, size_t i)
{
	const struct nsc_nfsfs_server *s = &f->servers[i];

	for (size_t v = 0; v < f->n_volumes; v++)
		if (f->volumes[v].nfs_version == s->nfs_version &&
		    nscache_addr_equal(&f->volumes[v].addr, &s->addr))
			return false;
	return true;
}

bool nsc_nfsfs_has_dev(const struct nsc_nfsfs *f, uint64_t dev)
{
	for (size_t v = 0; v < f->n_volumes; v++)
		if (f->volumes[v].dev == dev)
			return true;
	return false;
}

void nsc_nfsfs_free(struct nsc_nfsfs *f)
{
	free(f->servers);
	free(f->volumes);
	f->servers = NULL;
	f->volumes = NULL;
	f->n_servers = f->n_volumes = 0;
}
