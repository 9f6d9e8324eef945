/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/kfeatures.h"
#include "common/macro.h"
#include "common/worker.h"

#define NFS_CLIENT_SYSFS "/sys/fs/nfs/net/nfs_client"
#define SHUTDOWN_ATTR NFS_CLIENT_SYSFS "/shutdown"

static const struct {
	const char *name, *key, *path;
} features[KFEATURE_MAX] = {
	[KFEATURE_NETNS_SHUTDOWN] = { "per-netns shutdown knob", "netns_shutdown", SHUTDOWN_ATTR },
	[KFEATURE_REFUSE_CROSS_NETNS] = { "nfs.refuse_cross_netns_reconfigure",
					  "refuse_cross_netns_reconfigure",
					  "/sys/module/nfs/parameters/refuse_cross_netns_reconfigure" },
	[KFEATURE_GOODBYE_TIMEOUT] = { "nfsv4.goodbye_timeout", "goodbye_timeout",
				       "/sys/module/nfsv4/parameters/goodbye_timeout" },
};

void kfeatures_read(struct kfeature_state ret[KFEATURE_MAX], bool *ret_nfs_loaded)
{
	for (size_t i = 0; i < KFEATURE_MAX; i++) {
		struct kfeature_state *s = &ret[i];
		FILE *f;

		*s = (struct kfeature_state){
			.name = features[i].name, .key = features[i].key, .path = features[i].path,
		};
		f = fopen(s->path, "re");
		if (f) {
			if (!fgets(s->value, sizeof(s->value), f))
				s->value[0] = '\0';
			s->value[strcspn(s->value, "\n")] = '\0';
			fclose(f);
		}
		s->present = f || access(s->path, F_OK) == 0;
	}
	if (ret_nfs_loaded)
		*ret_nfs_loaded = access(NFS_CLIENT_SYSFS, F_OK) == 0;
}

static int shutdown_in_child(void *userdata, struct worker_reply *reply)
{
	_cleanup_close_ int fd = -EBADF;
	ssize_t n;

	reply->len = 0;
	fd = open(SHUTDOWN_ATTR, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			return negative_errno();
		return access(NFS_CLIENT_SYSFS, F_OK) == 0 ? -EOPNOTSUPP : -ENOENT;
	}
	n = write(fd, "1\n", 2);
	if (n < 0)
		return negative_errno();
	return n == 2 ? 0 : -EIO;
}

int kfeature_netns_shutdown(const struct netns_spec *spec, int netns_fd, uint64_t deadline_ms)
{
	struct worker_reply reply;
	int r;

	r = netns_worker_run(spec, netns_fd, WORKER_FRESH_SYSFS, shutdown_in_child, NULL, deadline_ms,
			     &reply);
	if (r < 0)
		return r;
	worker_reply_close(&reply);
	return 0;
}
