/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mount/registry.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/addr.h"
#include "common/log.h"
#include "nscache/nscache.h"

/*
 * What the server name resolved to in the netns, for `nscache show`.  glibc
 * does not expose DNS TTLs, so the entry gets a nominal one; it also goes
 * when the last mount of the server in the netns does.
 */
#define RESOLVER_TTL_S 300

static void record_resolver(struct nscache *c, const struct nfsmount *m)
{
	struct nscache_addr addrs[RESOLVE_ADDRS_MAX];
	struct sockaddr_storage numeric;
	size_t n = 0;

	if (addr_parse_numeric(m->spec.host, 0, &numeric) == 0)
		return; /* no name, nothing was resolved */
	for (size_t i = 0; i < m->resolved.n && n < RESOLVE_ADDRS_MAX; i++)
		if (nscache_addr_from_sockaddr((const struct sockaddr *)&m->resolved.addrs[i],
					       &addrs[n]) == 0)
			n++;
	if (n > 0 && nscache_resolver_put(c, m->cookie, m->spec.host, addrs, n, 0, RESOLVER_TTL_S) < 0)
		log_verbose("nscache: resolver entry for %s not recorded", m->spec.host);
}

void registry_record_mount(const struct nfsmount *m, int mount_fd, const char *mount_point,
			   uint64_t mnt_ns)
{
	struct nscache *c = NULL;
	struct nscache_mount_info info = { 0 };
	struct nscache_acquire_result res;
	struct stat st;
	int r;

	info.cookie = m->cookie;
	info.netns_ino = fstat(m->netns_fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
	info.source_kind = (enum nscache_source)m->netns.kind;
	info.source = m->netns.kind == NETNS_SPEC_NAME	 ? m->netns.name
		      : m->netns.kind == NETNS_SPEC_PATH ? m->netns.path
							 : NULL;
	info.source_pid = m->netns.kind == NETNS_SPEC_PID ? m->netns.pid : 0;
	info.client_id = m->identifier[0] ? m->identifier : NULL;
	info.client_id_set = m->identifier_set;
	info.server = (const struct sockaddr *)&m->server;
	info.server_name = m->spec.host;
	info.minor_versions = m->probe.minor_accepted;
	info.minor_version = m->minor_version;
	info.mount_point = mount_point;
	info.mnt_ns = mnt_ns;
	info.spec = m->source;

	r = nscache_mount_identify(mount_fd, "", &info.mount_id, &info.dev);
	if (r >= 0)
		r = nscache_open(NULL, 0, &c);
	if (r >= 0)
		r = nscache_mount_acquire(c, &info, &res);
	if (r >= 0)
		record_resolver(c, m);
	nscache_close(c);
	if (r < 0) {
		log_verbose("nscache: not recorded: %s", strerror(-r));
		return;
	}
	log_verbose("nscache: recorded mount %llu; %u mount(s) of this server in netns %s",
		    (unsigned long long)info.mount_id, res.server_refs, m->netns_desc);
}

void registry_prepare_umount(int dirfd, const char *path, struct registry_umount *ret)
{
	*ret = (struct registry_umount){ 0 };
	if (nscache_mount_identify(dirfd, path, &ret->mount_id, &ret->dev) < 0)
		return;
	if (nscache_self_mnt_ns(&ret->mnt_ns) < 0)
		ret->mnt_ns = 0;
	ret->known = 1;
}

void registry_release_mount(const struct registry_umount *u, const char *mount_point)
{
	struct nscache *c = NULL;
	struct nscache_mount_ref ref = { .mount_id = u->mount_id, .dev = u->dev };
	struct nscache_release_result res;
	int r;

	(void)mount_point;
	if (!u->known)
		return;
	r = nscache_open(NULL, 0, &c);
	if (r >= 0)
		r = nscache_mount_release(c, &ref, &res);
	nscache_close(c);
	if (r == -ENOENT) {
		log_verbose("nscache: mount was not recorded");
		return;
	}
	if (r < 0) {
		log_verbose("nscache: release failed: %s", strerror(-r));
		return;
	}
	log_verbose("nscache: released mount %llu; server record %s, netns records %s",
		    (unsigned long long)u->mount_id, res.server_dropped ? "dropped" : "kept",
		    res.netns_dropped ? "dropped" : "kept");
}
