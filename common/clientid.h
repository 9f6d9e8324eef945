/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-netns NFSv4 client identifier (/sys/fs/nfs/net/nfs_client/identifier).
 * The kernel reads it when each nfs_client is created, so it must be set
 * before the first mount in a netns; an empty one makes every netns with the
 * same hostname present the same client to the server.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/netns.h"

#define CLIENTID_MAX 63 /* the kernel uses at most this many bytes */

/*
 * Stable identifier for a netns: "nsnfs-" + 32 hex digits of a keyed hash of
 * the machine id and a netns key (its name, path or, for a PID, the
 * container's machine id when it has its own).  Pure; 0 or -EINVAL.
 */
int clientid_derive(const char *machine_id, const char *netns_key, char *buf, size_t size);

/*
 * In the netns (through a worker with a fresh sysfs): read the identifier;
 * if it is unset ("(null)" or empty), write `wanted`.  *ret_value gets the
 * identifier in force afterwards, *ret_set whether we wrote it.
 * 0, -ENOENT (the kernel has no NFS client sysfs: module not loaded) or -errno.
 */
int clientid_ensure(const struct netns_spec *spec, int netns_fd, const char *wanted,
		    uint64_t deadline_ms, char *ret_value, size_t size, bool *ret_set);

/* The identifier key for a spec: reads machine ids as described above. */
int clientid_for_netns(const struct netns_spec *spec, uint64_t cookie, char *buf, size_t size);

/* True if a value read from sysfs means "unset". */
bool clientid_is_unset(const char *value);
