/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one NFSv4 mount option table (nfs(5) for NFSv4 plus our netns=).
 * Every option a user can give goes through mount_options_parse(); what
 * reaches the kernel is only what this table lets through, validated.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOUNT_OPTIONS_MAX_LEN 4096 /* whole -o string, like a page of mount data */
#define MOUNT_KERNEL_PARAMS_MAX 64

/* A key (and value, NULL for a flag) for fsconfig(2) or mount(2) data. */
struct kernel_param {
	const char *key;
	const char *value;
};

enum mount_auth {
	MOUNT_AUTH_SYS,
	MOUNT_AUTH_NONE,
	MOUNT_AUTH_GSS, /* krb5*: the kernel does it; the probe uses AUTH_SYS */
};

struct mount_options {
	/* Helper-only: never passed to the kernel. */
	const char *netns;    /* netns=NAME|PATH|PID, NULL: the caller's */
	int retry_minutes;    /* retry=, -1 if not given */
	bool background;      /* bg */
	bool sloppy;          /* sloppy / -s: unknown options are dropped */
	bool remount;         /* remount */
	int minor_version;    /* vers=4.N / minorversion=N, -1: negotiate */
	/* Shared with the probe and the kernel. */
	uint16_t port;        /* port=, 0 if not given (2049) */
	bool ipv6;            /* proto=tcp6 */
	const char *clientaddr; /* clientaddr= if given (validated numeric) */
	uint32_t timeo_ds;    /* timeo= in deciseconds, 0 if not given */
	uint32_t retrans;     /* retrans=, UINT32_MAX if not given */
	enum mount_auth auth; /* first flavor of sec= */
	/* VFS side. */
	bool read_only;
	uint64_t mount_attr;  /* MOUNT_ATTR_* for fsmount(2)/mount_setattr(2) */
	unsigned long ms_flags; /* MS_* for the mount(2) fallback */
	/* Kernel NFS parameters in the order given (vers/addr/clientaddr excluded). */
	struct kernel_param params[MOUNT_KERNEL_PARAMS_MAX];
	size_t n_params;
	/* Options dropped (sloppy unknowns, mount(8) userspace options), for -v. */
	const char *ignored[MOUNT_KERNEL_PARAMS_MAX];
	size_t n_ignored;
	char *buf; /* owns every string above */
};

/* Why a parse failed: the option as given and a static reason. */
struct mount_options_error {
	char option[128];
	const char *reason;
};

/*
 * Parse a comma-separated option string (NULL or "" is fine).  On success fills
 * *ret (release with mount_options_free()).  Returns 0, -EINVAL with *ret_err
 * filled (bad option or value), -E2BIG (string too long or too many options),
 * -EPROTONOSUPPORT (NFSv2/v3 or a non-TCP transport requested) or -ENOMEM.
 */
int mount_options_parse(const char *opts, bool sloppy, struct mount_options *ret,
			struct mount_options_error *ret_err);

void mount_options_free(struct mount_options *opts);

/* Join params as mount(2) data ("k=v,flag,..."); caller frees.  0 or -errno. */
int mount_options_kernel_string(const struct mount_options *opts, char **ret);

/* The value of kernel parameter key, or NULL. */
const char *mount_options_get(const struct mount_options *opts, const char *key);
