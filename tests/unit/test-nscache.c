/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the nscache store: acquire/release refcount transitions,
 * lookups, resolver TTLs, drop, gc against the live system, the boot-id
 * wipe, 64 processes acquiring and releasing at once with no lost update,
 * and (root only) the watcher dropping a netns on RTM_DELNSID.  Each test
 * uses its own store directory under /tmp.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/netns.h"
#include "tests/unit/unit-helpers.h"
#include "nscache/nscache-internal.h"
#include "nscache/nscache.h"

struct fixture {
	char dir[64];
	struct nscache *c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nscache-test.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (nscache_open(f->dir, NSCACHE_OPEN_NOSYNC, &f->c) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];

	nscache_close(f->c);
	for (const char *const *n = (const char *const[]){ "data.mdb", "lock.mdb", "watch.lock", NULL };
	     *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, *n);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A mount of server 10.0.0.SERVER:2049 in netns COOKIE with mount id ID. */
struct info_buf {
	struct nscache_mount_info info;
	struct sockaddr_in sin;
	char mp[64];
	char name[32];
};

static struct nscache_mount_info *mkinfo(struct info_buf *b, uint64_t cookie, unsigned server,
					 uint64_t id)
{
	memset(b, 0, sizeof(*b));
	b->sin.sin_family = AF_INET;
	b->sin.sin_port = htons(2049);
	b->sin.sin_addr.s_addr = htonl(0x0a000000u | server);
	snprintf(b->mp, sizeof(b->mp), "/mnt/m%llu", (unsigned long long)id);
	snprintf(b->name, sizeof(b->name), "server%u.example", server);
	b->info.cookie = cookie;
	b->info.source_kind = NSCACHE_SOURCE_NAME;
	b->info.source = "ctr1";
	b->info.server = (const struct sockaddr *)&b->sin;
	b->info.server_name = b->name;
	b->info.minor_versions = 7;
	b->info.minor_version = 2;
	b->info.mount_id = id;
	b->info.dev = makedev(0, (unsigned)id);
	b->info.mount_point = b->mp;
	b->info.mnt_ns = 4026531841ull;
	b->info.spec = "server:/data";
	return &b->info;
}

static struct nscache_addr srv(unsigned server)
{
	struct nscache_addr a = { .family = AF_INET, .port = 2049 };
	uint32_t ip = htonl(0x0a000000u | server);

	memcpy(a.addr, &ip, 4);
	return a;
}

static int count_cb(const void *rec, void *userdata)
{
	(*(unsigned *)userdata)++;
	return 0;
}

static unsigned count(struct nscache *c, enum nsc_db db, uint64_t cookie)
{
	unsigned n = 0;
	int r;

	switch (db) {
	case NSC_DB_NETNS:
		r = nscache_foreach_netns(c, (nscache_netns_fn)(void *)count_cb, &n);
		break;
	case NSC_DB_SERVER:
		r = nscache_foreach_server(c, cookie, (nscache_server_fn)(void *)count_cb, &n);
		break;
	case NSC_DB_MOUNT:
		r = nscache_foreach_mount(c, cookie, (nscache_mount_fn)(void *)count_cb, &n);
		break;
	default:
		r = nscache_foreach_resolver(c, cookie, (nscache_resolver_fn)(void *)count_cb, &n);
		break;
	}
	assert_int_equal(r, 0);
	return n;
}

/* ---- open ------------------------------------------------------------------------------------ */

static void test_open_readonly_missing(void **state)
{
	struct nscache *c;
	struct nscache_netns n;

	assert_int_equal(nscache_open("/tmp/nscache-test-does-not-exist", NSCACHE_OPEN_READONLY, &c), 0);
	assert_int_equal(nscache_netns_get(c, 1, &n), -ENOENT);
	assert_int_equal(count(c, NSC_DB_MOUNT, 0), 0);
	assert_int_equal(nscache_gc(c, 0, NULL, NULL, NULL), -EROFS);
	nscache_close(c);
	assert_int_equal(access("/tmp/nscache-test-does-not-exist", F_OK), -1);
	assert_int_equal(nscache_open(NULL, 0xff, &c), -EINVAL);
}

static void test_open_env(void **state)
{
	struct fixture *f = *state;
	struct nscache *c;

	setenv(NSCACHE_DIR_ENV, f->dir, 1);
	assert_int_equal(nscache_open(NULL, NSCACHE_OPEN_READONLY, &c), 0);
	assert_string_equal(nscache_dir(c), f->dir);
	nscache_close(c);
	unsetenv(NSCACHE_DIR_ENV);
}

/* ---- acquire / release ------------------------------------------------------------------------ */

static void test_acquire_release_transitions(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_acquire_result a;
	struct nscache_release_result *rel = malloc(sizeof(*rel));
	struct nscache_netns n;
	struct nscache_server s;
	struct nscache_mount m;
	struct nscache_addr s1 = srv(1);

	assert_non_null(rel);
	/* first mount in the netns */
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 1, 101), &a), 0);
	assert_true(a.netns_new && a.server_new && !a.existed && !a.replaced);
	assert_int_equal(a.server_refs, 1);
	assert_int_equal(a.netns_refs, 1);
	/* second mount of the same server */
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 1, 102), &a), 0);
	assert_false(a.netns_new || a.server_new);
	assert_int_equal(a.server_refs, 2);
	assert_int_equal(a.netns_refs, 2);
	/* another server in the same netns, and the same server in another netns */
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 2, 103), &a), 0);
	assert_true(a.server_new && !a.netns_new);
	assert_int_equal(a.netns_refs, 3);
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 11, 1, 104), &a), 0);
	assert_true(a.server_new && a.netns_new);

	assert_int_equal(nscache_netns_get(f->c, 10, &n), 0);
	assert_int_equal(n.refcount, 3);
	assert_string_equal(n.source, "ctr1");
	assert_int_equal(n.nsid, -1);
	assert_int_equal(nscache_server_get(f->c, 10, &s1, &s), 0);
	assert_int_equal(s.refcount, 2);
	assert_int_equal(s.n_names, 1);
	assert_string_equal(s.names[0], "server1.example");
	assert_int_equal(s.minor_versions, 7);
	assert_int_equal(nscache_mount_get(f->c, 102, &m), 0);
	assert_string_equal(m.mount_point, "/mnt/m102");
	assert_int_equal(m.cookie, 10);
	assert_int_equal(m.dev, makedev(0, 102));
	assert_int_equal(count(f->c, NSC_DB_SERVER, 10), 2);
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 10), 3);
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 0), 4);

	/* resolver entries: server1's name, needed by a live mount until its last release */
	assert_int_equal(nscache_resolver_put(f->c, 10, "Server1.Example.", &s1, 1, 0, 600), 0);
	assert_int_equal(nscache_resolver_put(f->c, 10, "unrelated.example", NULL, 0, -ENOENT, 5), 0);

	/* 3 -> 2: the server stays */
	assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ .mount_id = 101 }, rel), 0);
	assert_false(rel->server_dropped || rel->netns_dropped);
	assert_int_equal(rel->server_refs, 1);
	assert_int_equal(rel->netns_refs, 2);
	assert_int_equal(rel->mount.mount_id, 101);
	assert_int_equal(rel->server.refcount, 2); /* as it was */
	/* server1's last mount in netns 10: its record and its name's resolver entry go */
	assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ .mount_id = 102 }, rel), 0);
	assert_true(rel->server_dropped);
	assert_false(rel->netns_dropped);
	assert_int_equal(rel->resolver_dropped, 1);
	assert_int_equal(rel->server_refs, 0);
	assert_string_equal(rel->server.names[0], "server1.example");
	assert_int_equal(nscache_server_get(f->c, 10, &s1, &s), -ENOENT);
	assert_int_equal(nscache_server_get(f->c, 11, &s1, &s), 0); /* other netns untouched */
	assert_int_equal(count(f->c, NSC_DB_RESOLVER, 10), 1);
	/* the netns's last mount: everything of netns 10 goes */
	assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ .mount_id = 103 }, rel), 0);
	assert_true(rel->server_dropped && rel->netns_dropped);
	assert_int_equal(nscache_netns_get(f->c, 10, &n), -ENOENT);
	assert_int_equal(count(f->c, NSC_DB_RESOLVER, 10), 0);
	assert_int_equal(count(f->c, NSC_DB_SERVER, 10), 0);
	/* again: nothing recorded */
	assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ .mount_id = 103 }, rel),
			 -ENOENT);
	assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ .mount_id = 104 }, NULL), 0);
	assert_int_equal(count(f->c, NSC_DB_NETNS, 0), 0);
	assert_int_equal(count(f->c, NSC_DB_SERVER, 0), 0);
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 0), 0);
	free(rel);
}

static void test_acquire_idempotent_and_reused_id(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_acquire_result a;
	struct nscache_server s;
	struct nscache_addr s1 = srv(1), s2 = srv(2);

	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 1, 5), &a), 0);
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 1, 5), &a), 0);
	assert_true(a.existed);
	assert_int_equal(a.server_refs, 1);
	/* the same id, another superblock and server: the old mount went unreported */
	mkinfo(&b, 10, 2, 5);
	b.info.dev = makedev(0, 999);
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, &a), 0);
	assert_true(a.replaced && !a.existed);
	assert_int_equal(a.server_refs, 1);
	assert_int_equal(a.netns_refs, 1);
	assert_int_equal(nscache_server_get(f->c, 10, &s1, &s), -ENOENT);
	assert_int_equal(nscache_server_get(f->c, 10, &s2, &s), 0);
}

static void test_acquire_invalid(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;

	mkinfo(&b, 0, 1, 1);
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), -EINVAL);
	mkinfo(&b, 1, 1, 0);
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), -EINVAL);
	mkinfo(&b, 1, 1, 1);
	b.info.mount_point = "";
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), -EINVAL);
	mkinfo(&b, 1, 1, 1);
	b.info.source_kind = NSCACHE_SOURCE_PATH;
	b.info.source = "relative";
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), -EINVAL);
	mkinfo(&b, 1, 1, 1);
	b.info.server_name = "bad name";
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), -EINVAL);
	mkinfo(&b, 1, 1, 1);
	b.sin.sin_family = AF_UNIX;
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), -EAFNOSUPPORT);
	assert_int_equal(count(f->c, NSC_DB_NETNS, 0), 0);
}

static void test_release_by_dev(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_mount m;
	struct nscache_release_result *rel = malloc(sizeof(*rel));

	assert_non_null(rel);
	/* two mounts of one superblock (bind mounts recorded twice) */
	mkinfo(&b, 10, 1, 7);
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), 0);
	mkinfo(&b, 10, 1, 8);
	b.info.dev = makedev(0, 7);
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), 0);
	assert_int_equal(nscache_mount_find(f->c, &(struct nscache_mount_ref){ .dev = makedev(0, 7) }, &m),
			 -ENOTUNIQ);
	assert_int_equal(nscache_mount_find(f->c,
					    &(struct nscache_mount_ref){ .dev = makedev(0, 7),
									 .mount_point = "/mnt/m8" },
					    &m),
			 0);
	assert_int_equal(m.mount_id, 8);
	/* id with the wrong dev: not that mount */
	assert_int_equal(nscache_mount_release(f->c,
					       &(struct nscache_mount_ref){ .mount_id = 7,
									    .dev = makedev(0, 8) },
					       rel),
			 -ENOENT);
	assert_int_equal(nscache_mount_release(f->c,
					       &(struct nscache_mount_ref){ .dev = makedev(0, 7),
									    .mount_point = "/mnt/m7",
									    .mnt_ns = 4026531841ull },
					       rel),
			 0);
	assert_int_equal(rel->mount.mount_id, 7);
	/* by mount point alone */
	assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ .mount_point = "/mnt/m8" },
					       rel),
			 0);
	assert_true(rel->netns_dropped);
	assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ 0 }, rel), -EINVAL);
	free(rel);
}

static int busy_cb(const struct nscache_netns *n, void *userdata)
{
	struct nscache *c = userdata;
	struct nscache_netns other;

	assert_int_equal(nscache_netns_get(c, n->cookie, &other), -EBUSY);
	assert_int_equal(nscache_mount_release(c, &(struct nscache_mount_ref){ .mount_id = 1 }, NULL), -EBUSY);
	return 7;
}

static void test_foreach_busy_and_stop(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;

	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 1, 1), NULL), 0);
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 11, 1, 2), NULL), 0);
	assert_int_equal(nscache_foreach_netns(f->c, busy_cb, f->c), 7);
	/* usable again afterwards */
	assert_int_equal(count(f->c, NSC_DB_NETNS, 0), 2);
}

/* ---- resolver TTLs --------------------------------------------------------------------------------- */

static void test_resolver_ttl(void **state)
{
	struct fixture *f = *state;
	struct nscache_resolver r;
	struct nscache_addr a[2] = { srv(1), srv(2) };
	struct nscache_gc_result g;
	uint64_t now = nscache_boottime_ns();

	assert_int_equal(nscache_resolver_put(f->c, 10, "files.example", a, 2, 0, 1), 0);
	assert_int_equal(nscache_resolver_get(f->c, 10, "FILES.example.", &r), 0);
	assert_int_equal(r.n_addrs, 2);
	assert_int_equal(r.addrs[0].port, 0);
	assert_int_equal(r.error, 0);
	/* negative entries are short-lived whatever the caller asks for */
	assert_int_equal(nscache_resolver_put(f->c, 10, "missing.example", NULL, 0, -ENOENT, 3600), 0);
	assert_int_equal(nscache_resolver_get(f->c, 10, "missing.example", &r), 0);
	assert_int_equal(r.error, -ENOENT);
	assert_true(r.expires_boot_ns <= now + (NSCACHE_NEGATIVE_TTL_MAX + 1) * 1000000000ull);
	/* positive ones are capped too */
	assert_int_equal(nscache_resolver_put(f->c, 10, "long.example", a, 1, 0, UINT32_MAX), 0);
	assert_int_equal(nscache_resolver_get(f->c, 10, "long.example", &r), 0);
	assert_true(r.expires_boot_ns <= now + (NSCACHE_TTL_MAX + 1) * 1000000000ull);
	/* other netns: separate */
	assert_int_equal(nscache_resolver_get(f->c, 11, "files.example", &r), -ENOENT);
	/* expiry: invisible at once, removed by gc */
	usleep(1100 * 1000);
	assert_int_equal(nscache_resolver_get(f->c, 10, "files.example", &r), -ENOENT);
	assert_int_equal(count(f->c, NSC_DB_RESOLVER, 10), 3);
	assert_int_equal(nscache_gc(f->c, NSCACHE_GC_KEEP_NETNS, NULL, NULL, &g), 0);
	assert_int_equal(g.resolver, 1);
	assert_int_equal(count(f->c, NSC_DB_RESOLVER, 10), 2);
	/* ttl 0 removes */
	assert_int_equal(nscache_resolver_put(f->c, 10, "long.example", a, 1, 0, 0), 0);
	assert_int_equal(nscache_resolver_get(f->c, 10, "long.example", &r), -ENOENT);
	/* bad input */
	assert_int_equal(nscache_resolver_put(f->c, 10, "x", a, 1, -ENOENT, 5), -EINVAL);
	assert_int_equal(nscache_resolver_put(f->c, 10, "x", NULL, 0, 0, 5), -EINVAL);
	assert_int_equal(nscache_resolver_put(f->c, 10, "bad name", a, 1, 0, 5), -EINVAL);
	assert_int_equal(nscache_resolver_put(f->c, 0, "x", a, 1, 0, 5), -EINVAL);
}

/* ---- drop ---------------------------------------------------------------------------------------- */

static void test_drop(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_drop_result d;
	struct nscache_addr s1 = srv(1), any = srv(1);
	struct nscache_netns n;

	any.port = 0;
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 1, 1), NULL), 0);
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 2, 2), NULL), 0);
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 11, 1, 3), NULL), 0);
	assert_int_equal(nscache_resolver_put(f->c, 10, "server1.example", &s1, 1, 0, 60), 0);

	assert_int_equal(nscache_netns_drop(f->c, 10, 0, &d), -EBUSY);
	assert_int_equal(nscache_server_drop(f->c, 0, &any, 0, &d), -EBUSY);
	assert_int_equal(nscache_netns_drop(f->c, 12, 0, &d), -ENOENT);
	assert_int_equal(nscache_server_drop(f->c, 0, &(struct nscache_addr){ .family = AF_INET6 }, 0, &d),
			 -ENOENT);
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 0), 3);

	/* server 10.0.0.1 everywhere, forced: its mounts' records go, the netns counts follow */
	assert_int_equal(nscache_server_drop(f->c, 0, &any, NSCACHE_DROP_FORCE, &d), 0);
	assert_int_equal(d.servers, 2);
	assert_int_equal(d.mounts, 2);
	assert_int_equal(d.resolver, 1);
	assert_int_equal(d.netns, 1); /* netns 11 had nothing else */
	assert_int_equal(nscache_netns_get(f->c, 10, &n), 0);
	assert_int_equal(n.refcount, 1);
	assert_int_equal(nscache_netns_get(f->c, 11, &n), -ENOENT);

	assert_int_equal(nscache_netns_drop(f->c, 10, NSCACHE_DROP_FORCE, &d), 0);
	assert_int_equal(d.netns, 1);
	assert_int_equal(d.servers, 1);
	assert_int_equal(d.mounts, 1);
	assert_int_equal(count(f->c, NSC_DB_NETNS, 0) + count(f->c, NSC_DB_SERVER, 0) +
				 count(f->c, NSC_DB_MOUNT, 0) + count(f->c, NSC_DB_RESOLVER, 0),
			 0);
	/* a netns with only resolver entries can be dropped without force */
	assert_int_equal(nscache_resolver_put(f->c, 12, "x.example", &s1, 1, 0, 60), 0);
	assert_int_equal(nscache_netns_drop(f->c, 12, 0, &d), 0);
	assert_int_equal(d.resolver, 1);
}

/* ---- gc ------------------------------------------------------------------------------------------- */

static void test_gc_mounts(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_gc_result g;
	uint64_t root_id, root_dev, own_ns, cookie;
	struct nscache_mount m;

	assert_int_equal(nscache_self_mnt_ns(&own_ns), 0);
	assert_int_equal(nscache_mount_identify(AT_FDCWD, "/", &root_id, &root_dev), 0);
	assert_int_equal(netns_cookie(-1, &cookie), 0);

	/* a live mount (our root) and a dead one, both in our mount namespace */
	mkinfo(&b, cookie, 1, root_id);
	b.info.dev = root_dev;
	b.info.mnt_ns = 0; /* the caller's */
	b.info.source_kind = NSCACHE_SOURCE_CALLER;
	b.info.source = NULL;
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), 0);
	mkinfo(&b, cookie, 1, 0x7ffffff0);
	b.info.mnt_ns = 0;
	b.info.source_kind = NSCACHE_SOURCE_CALLER;
	b.info.source = NULL;
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), 0);
	/* a mount in a mount namespace no process is in */
	mkinfo(&b, cookie, 2, 0x7ffffff1);
	b.info.mnt_ns = 1;
	b.info.source_kind = NSCACHE_SOURCE_CALLER;
	b.info.source = NULL;
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), 0);
	/* a netns that does not exist */
	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 0xdead0001ull, 3, 0x7ffffff2), NULL), 0);
	assert_int_equal(nscache_mount_get(f->c, root_id, &m), 0);
	assert_int_equal(m.mnt_ns, own_ns);

	assert_int_equal(nscache_gc(f->c, 0, NULL, NULL, &g), 0);
	assert_int_equal(g.mounts, 3);
	assert_int_equal(nscache_mount_get(f->c, root_id, &m), 0);
	assert_int_equal(nscache_mount_get(f->c, 0x7ffffff0, &m), -ENOENT);
	assert_int_equal(nscache_mount_get(f->c, 0x7ffffff1, &m), -ENOENT);
	assert_int_equal(nscache_mount_get(f->c, 0x7ffffff2, &m), -ENOENT);
	assert_int_equal(count(f->c, NSC_DB_NETNS, 0), 1);
	assert_int_equal(count(f->c, NSC_DB_SERVER, 0), 1);
	/* nothing more to do the second time */
	assert_int_equal(nscache_gc(f->c, 0, NULL, NULL, &g), 0);
	assert_int_equal(g.mounts + g.netns + g.servers + g.refcounts + g.corrupt, 0);
}

static int put_raw(struct nscache *c, MDB_txn *txn, void *arg)
{
	const uint8_t *what = arg;
	uint8_t key[NSC_MOUNT_KEY_SIZE];
	MDB_val k = { .mv_size = sizeof(key), .mv_data = key };
	MDB_val v = { .mv_size = 5, .mv_data = (void *)"junk!" };

	if (*what == 'm') {
		nsc_mount_key(0x55, key);
		return nsc_errno(mdb_put(txn, c->dbi[NSC_DB_MOUNT], &k, &v, 0));
	}
	/* 'r': a netns refcount that disagrees with the mount records */
	{
		struct nscache_netns n;
		uint8_t nk[NSC_NETNS_KEY_SIZE], buf[NSC_VALUE_MAX];
		MDB_val nv;
		size_t len;
		int rc;

		nsc_netns_key(10, nk);
		k.mv_size = sizeof(nk);
		k.mv_data = nk;
		rc = mdb_get(txn, c->dbi[NSC_DB_NETNS], &k, &nv);
		if (rc)
			return nsc_errno(rc);
		assert_int_equal(nsc_netns_decode(nk, sizeof(nk), nv.mv_data, nv.mv_size, &n), 0);
		n.refcount = 42;
		assert_int_equal(nsc_netns_encode(&n, buf, sizeof(buf), &len), 0);
		nv.mv_size = len;
		nv.mv_data = buf;
		return nsc_errno(mdb_put(txn, c->dbi[NSC_DB_NETNS], &k, &nv, 0));
	}
}

static void test_gc_repairs(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_gc_result g;
	struct nscache_netns n;
	uint8_t m = 'm', r = 'r';
	uint64_t root_id, root_dev;

	assert_int_equal(nscache_mount_identify(AT_FDCWD, "/", &root_id, &root_dev), 0);
	mkinfo(&b, 10, 1, root_id);
	b.info.dev = root_dev;
	b.info.mnt_ns = 0;
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), 0);
	assert_int_equal(nsc_write(f->c, put_raw, &m), 0);
	assert_int_equal(nsc_write(f->c, put_raw, &r), 0);
	/* the corrupt record is skipped by readers */
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 0), 1);
	assert_int_equal(nscache_gc(f->c, NSCACHE_GC_KEEP_NETNS, NULL, NULL, &g), 0);
	assert_int_equal(g.corrupt, 1);
	assert_int_equal(g.refcounts, 1);
	assert_int_equal(nscache_netns_get(f->c, 10, &n), 0);
	assert_int_equal(n.refcount, 1);
}

static int put_boot_id(struct nscache *c, MDB_txn *txn, void *arg)
{
	MDB_val k = { .mv_size = 7, .mv_data = (void *)"boot_id" };
	MDB_val v = { .mv_size = 5, .mv_data = (void *)"other" };

	return nsc_errno(mdb_put(txn, c->dbi[NSC_DB_META], &k, &v, 0));
}

static void test_boot_id_wipe(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_netns n;

	assert_int_equal(nscache_mount_acquire(f->c, mkinfo(&b, 10, 1, 1), NULL), 0);
	nscache_close(f->c);
	assert_int_equal(nscache_open(f->dir, NSCACHE_OPEN_NOSYNC, &f->c), 0);
	assert_int_equal(nscache_netns_get(f->c, 10, &n), 0); /* same boot: kept */
	assert_int_equal(nsc_write(f->c, put_boot_id, NULL), 0);
	nscache_close(f->c);
	assert_int_equal(nscache_open(f->dir, NSCACHE_OPEN_NOSYNC, &f->c), 0);
	assert_int_equal(nscache_netns_get(f->c, 10, &n), -ENOENT);
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 0), 0);
}

/* ---- 64 processes at once ------------------------------------------------------------------------- */

#define PROCS 64
#define PER_PROC 40

static void test_concurrent_no_lost_update(void **state)
{
	struct fixture *f = *state;
	pid_t pids[PROCS];
	struct nscache_server s;
	struct nscache_netns n;
	struct nscache_addr s1 = srv(1);
	int pipefd[2];

	/* All children start together. */
	assert_int_equal(pipe(pipefd), 0);
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			struct nscache *c;
			struct info_buf b;
			char go;
			int bad = 0;

			close(pipefd[1]);
			if (read(pipefd[0], &go, 1) < 0)
				_exit(2);
			if (nscache_open(f->dir, NSCACHE_OPEN_NOSYNC, &c) < 0)
				_exit(3);
			/* acquire PER_PROC mounts of one server, release every other one */
			for (int i = 0; i < PER_PROC; i++) {
				uint64_t id = 1000000 + (uint64_t)p * 1000 + (uint64_t)i;

				if (nscache_mount_acquire(c, mkinfo(&b, 10, 1, id), NULL) < 0)
					bad++;
				if (i % 2 == 1 &&
				    nscache_mount_release(c, &(struct nscache_mount_ref){ .mount_id = id - 1 },
							  NULL) < 0)
					bad++;
			}
			nscache_close(c);
			_exit(bad ? 1 : 0);
		}
	}
	close(pipefd[0]);
	close(pipefd[1]); /* EOF: go */
	for (int p = 0; p < PROCS; p++) {
		int status;

		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(nscache_server_get(f->c, 10, &s1, &s), 0);
	assert_int_equal(s.refcount, PROCS * PER_PROC / 2);
	assert_int_equal(nscache_netns_get(f->c, 10, &n), 0);
	assert_int_equal(n.refcount, PROCS * PER_PROC / 2);
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 0), PROCS * PER_PROC / 2);
	/* release the rest: everything goes with the last one */
	for (int p = 0; p < PROCS; p++)
		for (int i = 1; i < PER_PROC; i += 2) {
			uint64_t id = 1000000 + (uint64_t)p * 1000 + (uint64_t)i;

			assert_int_equal(nscache_mount_release(f->c, &(struct nscache_mount_ref){ .mount_id = id },
							       NULL),
					 0);
		}
	assert_int_equal(count(f->c, NSC_DB_NETNS, 0) + count(f->c, NSC_DB_SERVER, 0) +
				 count(f->c, NSC_DB_MOUNT, 0),
			 0);
}

/* ---- the watcher on RTM_DELNSID (root, CLONE_NEWNET) ---------------------------------------------- */

/* The watcher child's events, one kind per line, in a file. */
static void log_event(const struct nscache_event *ev, void *userdata)
{
	FILE *fp = fopen(userdata, "ae");

	if (fp) {
		fprintf(fp, "%s\n", nscache_event_kind_string(ev->kind));
		fclose(fp);
	}
}

static bool file_has_line(const char *path, const char *line)
{
	char buf[128];
	bool found = false;
	FILE *fp = fopen(path, "re");

	if (!fp)
		return false;
	while (!found && fgets(buf, sizeof(buf), fp))
		found = strncmp(buf, line, strlen(line)) == 0 && buf[strlen(line)] == '\n';
	fclose(fp);
	return found;
}

static pid_t netns_child(void)
{
	return park_child_start(park_in_new_netns, NULL);
}

static void test_watch_delnsid(void **state)
{
	struct fixture *f = *state;
	struct info_buf b;
	struct nscache_netns n;
	char path[64], events[96];
	uint64_t cookie, ino;
	pid_t child, watcher;
	int stop[2], status, i;

	if (geteuid() != 0)
		skip();
	child = netns_child();
	if (child < 0)
		skip();
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
	assert_int_equal(nsc_netns_cookie_of_path(path, &cookie, &ino), 0);
	snprintf(events, sizeof(events), "%s/events", f->dir);

	/*
	 * A record for the child's netns under a name that opens nothing, so only
	 * the process walk reaches it and only RTM_DELNSID (no pidfd, no
	 * /run/netns event) can tell the watcher that it died.  The mount is our
	 * root's, so the watcher's mount reconcile keeps it.
	 */
	mkinfo(&b, cookie, 1, 1);
	b.info.source = "nscache-test-no-such-name";
	b.info.netns_ino = ino;
	assert_int_equal(pipe(stop), 0);
	watcher = fork();
	assert_true(watcher >= 0);
	if (watcher == 0) {
		struct nscache *c;
		struct nscache_watch_options o = {
			.stop_fd = stop[0], .interval_s = 3600, .on_event = log_event, .userdata = events,
		};

		close(stop[1]);
		if (nscache_open(f->dir, NSCACHE_OPEN_NOSYNC, &c) < 0)
			_exit(3);
		_exit(nscache_watch(c, &o) == 0 ? 0 : 4);
	}
	close(stop[0]);
	usleep(200 * 1000); /* recorded after the watcher started: noticed through the store */
	b.info.mnt_ns = 0;
	{
		uint64_t id, dev;

		assert_int_equal(nscache_mount_identify(AT_FDCWD, "/", &id, &dev), 0);
		b.info.mount_id = id;
		b.info.dev = dev;
	}
	assert_int_equal(nscache_mount_acquire(f->c, &b.info, NULL), 0);
	/* the watcher sees the store change and assigns an nsid */
	for (i = 0; i < 100; i++) {
		assert_int_equal(nscache_netns_get(f->c, cookie, &n), 0);
		if (n.nsid >= 0)
			break;
		usleep(50 * 1000);
	}
	assert_true(n.nsid >= 0);
	/* the netns dies with its only process: RTM_DELNSID -> records dropped */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	for (i = 0; i < 200; i++) {
		if (nscache_netns_get(f->c, cookie, &n) == -ENOENT)
			break;
		usleep(50 * 1000);
	}
	assert_int_equal(nscache_netns_get(f->c, cookie, &n), -ENOENT);
	assert_int_equal(count(f->c, NSC_DB_MOUNT, 0), 0);
	assert_true(file_has_line(events, "nsid-assigned"));
	assert_true(file_has_line(events, "nsid-deleted"));
	assert_true(file_has_line(events, "netns-gone"));
	unlink(events);
	/* a clean stop */
	assert_int_equal(write(stop[1], "x", 1), 1);
	assert_int_equal(waitpid(watcher, &status, 0), watcher);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(stop[1]);
}

static void test_watch_single_instance(void **state)
{
	struct fixture *f = *state;
	struct nscache_watch_options o = { .stop_fd = -1 };
	pid_t watcher;
	int stop[2], status;

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(stop), 0);
	watcher = fork();
	assert_true(watcher >= 0);
	if (watcher == 0) {
		struct nscache *c;
		struct nscache_watch_options wo = { .stop_fd = stop[0] };

		close(stop[1]);
		if (nscache_open(f->dir, NSCACHE_OPEN_NOSYNC, &c) < 0)
			_exit(3);
		_exit(nscache_watch(c, &wo) == 0 ? 0 : 4);
	}
	close(stop[0]);
	usleep(300 * 1000);
	assert_int_equal(nscache_watch(f->c, &o), -EALREADY);
	assert_int_equal(write(stop[1], "x", 1), 1);
	assert_int_equal(waitpid(watcher, &status, 0), watcher);
	assert_int_equal(WEXITSTATUS(status), 0);
	close(stop[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_readonly_missing),
		cmocka_unit_test_setup_teardown(test_open_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acquire_release_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acquire_idempotent_and_reused_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acquire_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_by_dev, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreach_busy_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolver_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_mounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gc_repairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_id_wipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_no_lost_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_delnsid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_single_instance, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
