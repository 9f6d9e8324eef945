/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mount pipeline shared by mount.nfs4 and nsmount (front-end code: it
 * prints messages and returns mount(8) exit codes).
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "common/netns.h"
#include "common/options.h"
#include "rpcclnt/rpcclnt.h"

/* mount(8) helper exit codes */
enum {
	EX_OK = 0,
	EX_USAGE = 1,
	EX_SYSERR = 2,
	EX_SOFTWARE = 4,
	EX_USER = 8,
	EX_FILEIO = 16,
	EX_FAIL = 32,
	EX_SOME = 64,
};

#define NFS_PORT 2049
#define PROBE_TIMEOUT_MS_DEFAULT 5000

struct nfsmount {
	/* input */
	const char *source;         /* as given: server:/path */
	struct nfs_spec spec;
	struct mount_options opts;
	struct netns_spec netns;
	/*
	 * Optional, owned by the caller (-EBADF: none): a UTS namespace for the
	 * FSCONFIG_CMD_CREATE step.  The kernel takes the nodename of the NFSv4
	 * client-ID string from the task that runs it, so nsmount --target runs
	 * it in a worker inside the container's UTS namespace.
	 */
	int create_utsns_fd;
	/* state */
	int netns_fd;
	uint64_t cookie;
	bool netns_is_callers;
	char netns_desc[PATH_MAX];
	/* results */
	struct sockaddr_storage server;  /* the address that worked */
	struct sockaddr_storage tried;   /* the last address probed, for messages */
	struct addr_list resolved;       /* what the name resolved to in the netns */
	int minor_version;
	struct rpcclnt_probe_result probe;
	char clientaddr[64];
	char identifier[80];
	bool identifier_set;
};

/* Parse spec, options and netns (from opts' netns= unless netns_arg). */
int nfsmount_init(struct nfsmount *m, const char *source, const char *options, bool sloppy,
		  const char *netns_arg);
void nfsmount_done(struct nfsmount *m);

/* " (netns NAME)" when the target is not the caller's netns, else "". */
const char *nfsmount_netns_suffix(const struct nfsmount *m, char *buf, size_t size);

/* Resolve, probe every address until one works (one attempt, bounded). */
int nfsmount_probe(struct nfsmount *m, bool quiet_errors);

/* Probe with nfs-utils retry=/bg semantics.  Returns an exit code. */
int nfsmount_probe_with_retry(struct nfsmount *m, bool *ret_backgrounded);

/* Client identifier + fsopen in the netns + fsconfig + fsmount: a detached mount fd. */
int nfsmount_create(struct nfsmount *m, int *ret_mount_fd);

/* Probe time budget from timeo= (deciseconds) or the default. */
uint64_t nfsmount_probe_timeout_ms(const struct mount_options *opts);
