/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for nscache's pure parts: record and key codecs (round trips,
 * every truncation, versions, bounds), name canonicalisation, addresses, and
 * the parsers of mountinfo and nfsfs/{servers,volumes}.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "nscache/nscache-internal.h"
#include "nscache/nscache.h"

static struct nscache_addr v4(const char *s, uint16_t port)
{
	struct nscache_addr a = { .family = AF_INET, .port = port };

	assert_int_equal(inet_pton(AF_INET, s, a.addr), 1);
	return a;
}

static struct nscache_addr v6(const char *s, uint16_t port, uint32_t scope)
{
	struct nscache_addr a = { .family = AF_INET6, .port = port, .scope_id = scope };

	assert_int_equal(inet_pton(AF_INET6, s, a.addr), 1);
	return a;
}

/* ---- records ------------------------------------------------------------------------------ */

static void fill_netns(struct nscache_netns *n)
{
	memset(n, 0, sizeof(*n));
	n->cookie = 4097;
	n->ino = 4026532288ull;
	n->source_kind = NSCACHE_SOURCE_NAME;
	strcpy(n->source, "ctr1");
	n->pid = 0;
	n->nsid = 3;
	n->nsid_owner = 1;
	strcpy(n->client_id, "nsnfs-0123456789abcdef0123456789abcdef");
	n->client_id_set = true;
	n->created_ns = 1700000000123456789ull;
	n->refcount = 2;
}

static void test_netns_roundtrip(void **state)
{
	struct nscache_netns n, d;
	uint8_t key[NSC_NETNS_KEY_SIZE], buf[NSC_VALUE_MAX], again[NSC_VALUE_MAX];
	size_t len, len2;

	fill_netns(&n);
	nsc_netns_key(n.cookie, key);
	assert_int_equal(nsc_netns_encode(&n, buf, sizeof(buf), &len), 0);
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), 0);
	assert_memory_equal(&n, &d, sizeof(n));
	assert_int_equal(nsc_netns_encode(&d, again, sizeof(again), &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);

	/* PID source, no nsid, longest path */
	n.source_kind = NSCACHE_SOURCE_PATH;
	memset(n.source, 'p', NSCACHE_PATH_MAX);
	n.source[0] = '/';
	n.source[NSCACHE_PATH_MAX] = '\0';
	n.nsid = -1;
	assert_int_equal(nsc_netns_encode(&n, buf, sizeof(buf), &len), 0);
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), 0);
	assert_memory_equal(&n, &d, sizeof(n));
	/* too small a buffer */
	assert_int_equal(nsc_netns_encode(&n, buf, 100, &len), -ENOBUFS);
}

static void test_netns_rejects(void **state)
{
	struct nscache_netns n, d;
	uint8_t key[NSC_NETNS_KEY_SIZE], buf[NSC_VALUE_MAX + 8];
	size_t len;

	fill_netns(&n);
	nsc_netns_key(n.cookie, key);
	assert_int_equal(nsc_netns_encode(&n, buf, sizeof(buf), &len), 0);
	/* every truncation */
	for (size_t l = 0; l < len; l++)
		assert_int_not_equal(nsc_netns_decode(key, sizeof(key), buf, l, &d), 0);
	/* trailing bytes: rejected from version 1, accepted from a newer one */
	buf[len] = 0xaa;
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len + 1, &d), -EBADMSG);
	buf[1] = 2;
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len + 1, &d), 0);
	assert_int_equal(d.refcount, 2);
	buf[1] = 0;
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), -EPROTONOSUPPORT);
	buf[1] = 1;
	/* wrong kind */
	buf[0] = NSC_KIND_MOUNT;
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
	buf[0] = NSC_KIND_NETNS;
	/* bad source kind (offset 2 + 8) */
	buf[10] = 9;
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
	buf[10] = NSCACHE_SOURCE_NAME;
	/* a NUL inside the source string (len at 11..12, bytes from 13) */
	buf[14] = '\0';
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
	buf[14] = 't';
	/* string length beyond the bound */
	buf[11] = 0xff;
	buf[12] = 0xff;
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
	buf[11] = 4;
	buf[12] = 0;
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), 0);
	/* keys */
	assert_int_equal(nsc_netns_decode(key, 7, buf, len, &d), -EBADMSG);
	memset(key, 0, sizeof(key));
	assert_int_equal(nsc_netns_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
	/* encoder bounds */
	n.client_id[0] = 'x';
	memset(n.client_id, 'c', sizeof(n.client_id));
	assert_int_equal(nsc_netns_encode(&n, buf, sizeof(buf), &len), -EINVAL);
	fill_netns(&n);
	n.cookie = 0;
	assert_int_equal(nsc_netns_encode(&n, buf, sizeof(buf), &len), -EINVAL);
}

static void test_server_roundtrip(void **state)
{
	struct nscache_server s = { 0 }, d;
	uint8_t key[NSC_SERVER_KEY_SIZE], buf[NSC_VALUE_MAX];
	size_t len;

	s.cookie = 77;
	s.addr = v6("fe80::1", 2049, 3);
	s.n_names = NSCACHE_SERVER_NAMES_MAX;
	for (unsigned i = 0; i < s.n_names; i++)
		snprintf(s.names[i], sizeof(s.names[i]), "files%u.example", i);
	memset(s.names[0], 'n', NSCACHE_NAME_MAX);
	s.names[0][NSCACHE_NAME_MAX] = '\0';
	s.minor_versions = 7;
	s.minor_version = 2;
	s.probe_ns = 5;
	s.created_ns = 6;
	s.refcount = 3;
	nsc_server_key(s.cookie, &s.addr, key);
	assert_int_equal(nsc_server_encode(&s, buf, sizeof(buf), &len), 0);
	assert_int_equal(nsc_server_decode(key, sizeof(key), buf, len, &d), 0);
	assert_memory_equal(&s, &d, sizeof(s));
	for (size_t l = 0; l < len; l++)
		assert_int_not_equal(nsc_server_decode(key, sizeof(key), buf, l, &d), 0);
	/* too many names */
	buf[2] = NSCACHE_SERVER_NAMES_MAX + 1;
	assert_int_equal(nsc_server_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
	/* an IPv4 key with bytes past the address */
	s.addr = v4("10.0.0.1", 2049);
	nsc_server_key(s.cookie, &s.addr, key);
	key[20] = 1;
	assert_int_equal(nsc_server_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
	/* a name with a space is refused on both sides */
	strcpy(s.names[1], "bad name");
	assert_int_equal(nsc_server_encode(&s, buf, sizeof(buf), &len), -EINVAL);
}

static void test_mount_roundtrip(void **state)
{
	struct nscache_mount m = { 0 }, d;
	uint8_t key[NSC_MOUNT_KEY_SIZE], buf[NSC_VALUE_MAX];
	size_t len;

	m.mount_id = 1234;
	m.cookie = 99;
	m.server = v4("10.99.1.1", 2049);
	m.dev = makedev(0, 52);
	m.mnt_ns = 4026531841ull;
	m.minor_version = 1;
	strcpy(m.spec, "10.99.1.1:/");
	strcpy(m.mount_point, "/mnt/with\nnewline and space");
	m.created_ns = 42;
	nsc_mount_key(m.mount_id, key);
	assert_int_equal(nsc_mount_encode(&m, buf, sizeof(buf), &len), 0);
	assert_int_equal(nsc_mount_decode(key, sizeof(key), buf, len, &d), 0);
	assert_memory_equal(&m, &d, sizeof(m));
	for (size_t l = 0; l < len; l++)
		assert_int_not_equal(nsc_mount_decode(key, sizeof(key), buf, l, &d), 0);
	/* both paths at their maximum */
	memset(m.spec, 's', NSCACHE_PATH_MAX);
	m.spec[NSCACHE_PATH_MAX] = '\0';
	memset(m.mount_point, 'm', NSCACHE_PATH_MAX);
	m.mount_point[NSCACHE_PATH_MAX] = '\0';
	assert_int_equal(nsc_mount_encode(&m, buf, sizeof(buf), &len), 0);
	assert_int_equal(nsc_mount_decode(key, sizeof(key), buf, len, &d), 0);
	assert_memory_equal(&m, &d, sizeof(m));
	/* empty mount point, zero id, bad family */
	m.mount_point[0] = '\0';
	assert_int_equal(nsc_mount_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	strcpy(m.mount_point, "/x");
	m.server.family = AF_UNIX;
	assert_int_equal(nsc_mount_encode(&m, buf, sizeof(buf), &len), -EINVAL);
	memset(key, 0, sizeof(key));
	assert_int_equal(nsc_mount_decode(key, sizeof(key), buf, len, &d), -EBADMSG);
}

static void test_resolver_roundtrip(void **state)
{
	struct nscache_resolver r = { 0 }, d;
	uint8_t key[NSC_RESOLVER_KEY_MAX], buf[NSC_VALUE_MAX];
	size_t len;
	int klen;

	r.cookie = 5;
	strcpy(r.name, "files.example");
	r.n_addrs = 2;
	r.addrs[0] = v4("10.0.0.1", 0);
	r.addrs[1] = v6("2001:db8::1", 0, 0);
	r.created_ns = 1;
	r.expires_boot_ns = 2;
	klen = nsc_resolver_key(r.cookie, r.name, key);
	assert_int_equal(klen, 8 + 13);
	assert_int_equal(nsc_resolver_encode(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(nsc_resolver_decode(key, (size_t)klen, buf, len, &d), 0);
	assert_memory_equal(&r, &d, sizeof(r));
	for (size_t l = 0; l < len; l++)
		assert_int_not_equal(nsc_resolver_decode(key, (size_t)klen, buf, l, &d), 0);
	/* negative entry: an error and no addresses */
	r.n_addrs = 0;
	r.error = -ENOENT;
	memset(&r.addrs, 0, sizeof(r.addrs));
	assert_int_equal(nsc_resolver_encode(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(nsc_resolver_decode(key, (size_t)klen, buf, len, &d), 0);
	assert_int_equal(d.error, -ENOENT);
	/* an error with addresses, or neither: refused */
	r.n_addrs = 1;
	assert_int_equal(nsc_resolver_encode(&r, buf, sizeof(buf), &len), -EINVAL);
	r.n_addrs = 0;
	r.error = 0;
	assert_int_equal(nsc_resolver_encode(&r, buf, sizeof(buf), &len), -EINVAL);
	/* keys: canonical names only */
	assert_int_equal(nsc_resolver_key(5, "Files.Example", key), -EINVAL);
	assert_int_equal(nsc_resolver_key(5, "files.example.", key), -EINVAL);
	assert_int_equal(nsc_resolver_key(0, "x", key), -EINVAL);
	klen = nsc_resolver_key(5, "x", key);
	key[8] = 'X';
	assert_int_equal(nsc_resolver_decode(key, (size_t)klen, buf, len, &d), -EBADMSG);
}

static void test_key_order(void **state)
{
	uint8_t a[NSC_SERVER_KEY_SIZE], b[NSC_SERVER_KEY_SIZE];
	struct nscache_addr x = v4("10.0.0.2", 2049), y = v4("10.0.0.1", 2049);
	uint64_t cookie;
	struct nscache_addr back;

	/* cookie first: all of a netns is one key range */
	nsc_server_key(1, &x, a);
	nsc_server_key(256, &y, b);
	assert_true(memcmp(a, b, sizeof(a)) < 0);
	assert_int_equal(nsc_server_key_decode(b, sizeof(b), &cookie, &back), 0);
	assert_int_equal(cookie, 256);
	assert_memory_equal(&back, &y, sizeof(y));
}

static void test_name_canonical(void **state)
{
	char buf[NSCACHE_NAME_MAX + 1], big[NSCACHE_NAME_MAX + 8];

	assert_int_equal(nsc_name_canonical("Files.EXAMPLE.", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "files.example");
	assert_int_equal(nsc_name_canonical(".", buf, sizeof(buf)), 0);
	assert_int_equal(nsc_name_canonical("", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(nsc_name_canonical("a b", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(nsc_name_canonical("a\nb", buf, sizeof(buf)), -EINVAL);
	memset(big, 'a', NSCACHE_NAME_MAX + 1);
	big[NSCACHE_NAME_MAX + 1] = '\0';
	assert_int_equal(nsc_name_canonical(big, buf, sizeof(buf)), -EINVAL);
	big[NSCACHE_NAME_MAX] = '\0';
	assert_int_equal(nsc_name_canonical(big, buf, sizeof(buf)), 0);
}

static void test_addr(void **state)
{
	struct nscache_addr a, b;
	char buf[80];
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(2050), .sin6_scope_id = 2 };

	assert_int_equal(nscache_addr_parse("10.0.0.1", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.port, 0);
	assert_string_equal(nscache_addr_to_string(&a, false, buf, sizeof(buf)), "10.0.0.1");
	assert_int_equal(nscache_addr_parse("10.0.0.1:2049", &b), 0);
	assert_int_equal(b.port, 2049);
	assert_true(nscache_addr_equal(&a, &b)); /* port 0 matches any */
	assert_string_equal(nscache_addr_to_string(&b, true, buf, sizeof(buf)), "10.0.0.1:2049");
	assert_int_equal(nscache_addr_parse("fe80::1%2", &a), 0);
	assert_int_equal(a.scope_id, 2);
	assert_string_equal(nscache_addr_to_string(&a, false, buf, sizeof(buf)), "fe80::1%2");
	assert_int_equal(nscache_addr_parse("[fe80::1%2]:2050", &b), 0);
	assert_string_equal(nscache_addr_to_string(&b, true, buf, sizeof(buf)), "[fe80::1%2]:2050");
	inet_pton(AF_INET6, "fe80::1", &sin6.sin6_addr);
	assert_int_equal(nscache_addr_from_sockaddr((struct sockaddr *)&sin6, &a), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(nscache_addr_parse("::1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	for (const char *const *s = (const char *const[]){ "", "host", "10.0.0.1:", "10.0.0.1:0",
							    "10.0.0.1:65536", "[::1", "[::1]x",
							    "10.0.0.1%1", "::1%x", NULL };
	     *s; s++)
		assert_int_equal(nscache_addr_parse(*s, &a), -EINVAL);
}

/* ---- procfs parsers ------------------------------------------------------------------------ */

static int parse_mi(const char *line, struct nsc_mountinfo *ret, char *storage, size_t size)
{
	snprintf(storage, size, "%s", line);
	return nsc_mountinfo_parse_line(storage, strlen(storage), ret);
}

static void test_mountinfo(void **state)
{
	struct nsc_mountinfo m;
	char s[1024];

	assert_int_equal(parse_mi("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root "
				  "rw,errors=continue\n", &m, s, sizeof(s)), 0);
	assert_int_equal(m.mount_id, 36);
	assert_int_equal(m.parent_id, 35);
	assert_int_equal(m.dev, makedev(98, 0));
	assert_string_equal(m.root, "/mnt1");
	assert_string_equal(m.mount_point, "/mnt2");
	assert_string_equal(m.fstype, "ext3");
	assert_string_equal(m.source, "/dev/root");
	assert_string_equal(m.super_opts, "rw,errors=continue");
	assert_int_equal(m.nsfs_ino, 0);

	assert_int_equal(parse_mi("512 29 0:52 / /tmp/nsnfs/mnt/with\\040space rw,relatime shared:300 "
				  "- nfs4 10.99.1.1:/ rw,vers=4.2,addr=10.99.1.1,clientaddr=10.99.1.2",
				  &m, s, sizeof(s)), 0);
	assert_string_equal(m.mount_point, "/tmp/nsnfs/mnt/with space");
	assert_string_equal(m.fstype, "nfs4");
	assert_int_equal(m.dev, makedev(0, 52));
	{
		char v[64];

		assert_true(nsc_option_get(m.super_opts, "addr", v, sizeof(v)));
		assert_string_equal(v, "10.99.1.1");
		assert_true(nsc_option_get(m.super_opts, "vers", v, sizeof(v)));
		assert_string_equal(v, "4.2");
		assert_false(nsc_option_get(m.super_opts, "port", v, sizeof(v)));
		assert_false(nsc_option_get(m.super_opts, "add", v, sizeof(v)));
	}
	assert_int_equal(parse_mi("43 42 0:4 net:[4026532245] /run/netns/cli1 rw shared:2 - nsfs nsfs rw",
				  &m, s, sizeof(s)), 0);
	assert_int_equal(m.nsfs_ino, 4026532245ull);
	/* no optional fields, no super options */
	assert_int_equal(parse_mi("1 0 0:1 / / rw - rootfs rootfs", &m, s, sizeof(s)), 0);
	assert_string_equal(m.super_opts, "");

	for (const char *const *bad = (const char *const[]){
		     "", "36 35 98:0 /a /b rw", "x 35 98:0 /a /b rw - ext3 /dev/root rw",
		     "0 35 98:0 /a /b rw - ext3 /dev/root rw", "36 35 98-0 /a /b rw - ext3 /dev/root rw",
		     "36 35 98:x /a /b rw - ext3 /dev/root rw", "36 35 98:0 /a /b rw - ext3",
		     "36 35 99999999:0 /a /b rw - ext3 s o", "36 35 98:0 /a /b - ext3 s o",
		     "36 35 98:0 /a\\000 /b rw - ext3 s o", NULL };
	     *bad; bad++)
		assert_int_equal(parse_mi(*bad, &m, s, sizeof(s)), -EINVAL);
}

static void test_mountinfo_text(void **state)
{
	char text[] = "22 27 0:21 / /proc rw - proc proc rw\n"
		      "garbage line\n"
		      "43 42 0:4 net:[4026532245] /run/netns/cli1 rw shared:2 - nsfs nsfs rw\n"
		      "512 29 0:52 / /mnt rw - nfs4 10.99.1.1:/ rw,addr=10.99.1.1";
	struct nsc_mountinfo_list l;

	assert_int_equal(nsc_mountinfo_parse_text(text, strlen(text), &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].mount_point, "/proc");
	assert_int_equal(l.v[1].nsfs_ino, 4026532245ull);
	assert_string_equal(l.v[2].source, "10.99.1.1:/");
	nsc_mountinfo_list_free(&l);
}

static void test_nfsfs(void **state)
{
	struct nsc_nfsfs_server s;
	struct nsc_nfsfs_volume v;
	struct nscache_addr want = v4("10.99.1.1", 2049);
	const char *header = "NV SERVER   PORT USE HOSTNAME\n";
	const char *vheader = "NV SERVER   PORT DEV          FSID                              FSC\n";

	assert_int_equal(nsc_nfsfs_parse_server(header, strlen(header), &s), -ENODATA);
	assert_int_equal(nsc_nfsfs_parse_server("v4 0a630101  801   1 10.99.1.1\n", 31, &s), 0);
	assert_int_equal(s.nfs_version, 4);
	assert_memory_equal(&s.addr, &want, sizeof(want));
	assert_int_equal(s.use, 1);
	assert_string_equal(s.hostname, "10.99.1.1");
	{
		const char *l6 = "v4 fe800000000000000000000000000001  801   2 fe80::1";
		struct nscache_addr w6 = v6("fe80::1", 2049, 0);

		assert_int_equal(nsc_nfsfs_parse_server(l6, strlen(l6), &s), 0);
		assert_memory_equal(&s.addr, &w6, sizeof(w6));
	}
	assert_int_equal(nsc_nfsfs_parse_volume(vheader, strlen(vheader), &v), -ENODATA);
	{
		const char *l = "v4 0a630101  801 0:52         d6f33ec2b6bd4e17:a31b6ac2a3a6fcbe  no\n";

		assert_int_equal(nsc_nfsfs_parse_volume(l, strlen(l), &v), 0);
		assert_int_equal(v.dev, makedev(0, 52));
		assert_memory_equal(&v.addr, &want, sizeof(want));
		assert_false(v.fscache);
		assert_string_equal(v.fsid, "d6f33ec2b6bd4e17:a31b6ac2a3a6fcbe");
	}
	for (const char *const *bad = (const char *const[]){
		     "", "v4", "v4 0a63010  801   1 h", "4 0a630101  801   1 h", "v4 0a630101 10000 1 h",
		     "v4 0a630101  801 -1 h", "v4 0a630101  801   1 h extra", "vx 0a630101 801 1 h", NULL };
	     *bad; bad++)
		assert_int_equal(nsc_nfsfs_parse_server(*bad, strlen(*bad), &s), -EINVAL);
	for (const char *const *bad = (const char *const[]){
		     "v4 0a630101  801 0:52 1:2 maybe", "v4 0a630101  801 052 1:2 no",
		     "v4 0a630101  801 0:52 1:2", "v4 zz630101  801 0:52 1:2 no", NULL };
	     *bad; bad++)
		assert_int_equal(nsc_nfsfs_parse_volume(*bad, strlen(*bad), &v), -EINVAL);
}

static void test_nfsfs_text(void **state)
{
	const char *servers = "NV SERVER   PORT USE HOSTNAME\nv4 0a630101  801   1 10.99.1.1\n"
			      "v4 0a630201  801   1 10.99.2.1\n";
	const char *volumes = "NV SERVER   PORT DEV          FSID                              FSC\n"
			      "v4 0a630101  801 0:52         1:0                               no\n";
	struct nsc_nfsfs f;

	assert_int_equal(nsc_nfsfs_parse_text(servers, strlen(servers), volumes, strlen(volumes), &f), 0);
	assert_int_equal(f.n_servers, 2);
	assert_int_equal(f.n_volumes, 1);
	nsc_nfsfs_free(&f);
	assert_int_equal(nsc_nfsfs_parse_text(NULL, 0, NULL, 0, &f), 0);
	assert_int_equal(f.n_servers + f.n_volumes, 0);
	nsc_nfsfs_free(&f);
}

/* Finding (b): a server line with no volume of its version and address. */
static void test_nfsfs_idle_server(void **state)
{
	const char *servers = "NV SERVER   PORT USE HOSTNAME\n"
			      "v4 0a630101  801   2 10.99.1.1\n"  /* has a volume */
			      "v4 0a630201  801   1 10.99.2.1\n"  /* none: idle */
			      "v4 0a630301  802   1 10.99.3.1\n"; /* volume on another port: idle */
	const char *volumes = "NV SERVER   PORT DEV          FSID                              FSC\n"
			      "v4 0a630101  801 0:52         1:0                               no\n"
			      "v4 0a630301  801 0:53         1:0                               no\n";
	struct nsc_nfsfs f;

	assert_int_equal(nsc_nfsfs_parse_text(servers, strlen(servers), volumes, strlen(volumes), &f), 0);
	assert_int_equal(f.n_servers, 3);
	assert_false(nsc_nfsfs_server_idle(&f, 0));
	assert_true(nsc_nfsfs_server_idle(&f, 1));
	assert_true(nsc_nfsfs_server_idle(&f, 2));
	assert_true(nsc_nfsfs_has_dev(&f, makedev(0, 52)));
	assert_false(nsc_nfsfs_has_dev(&f, makedev(0, 54)));
	nsc_nfsfs_free(&f);
}

static void test_unescape(void **state)
{
	char buf[16];

	assert_int_equal(nsc_unescape("a\\040b\\011c\\134", 15, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a b\tc\\");
	/* not an escape: kept */
	assert_int_equal(nsc_unescape("a\\9", 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a\\9");
	assert_int_equal(nsc_unescape("\\000", 4, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(nsc_unescape("0123456789abcdef", 16, buf, sizeof(buf)), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netns_roundtrip),
		cmocka_unit_test(test_netns_rejects),
		cmocka_unit_test(test_server_roundtrip),
		cmocka_unit_test(test_mount_roundtrip),
		cmocka_unit_test(test_resolver_roundtrip),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_name_canonical),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_mountinfo_text),
		cmocka_unit_test(test_nfsfs),
		cmocka_unit_test(test_nfsfs_text),
		cmocka_unit_test(test_nfsfs_idle_server),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
