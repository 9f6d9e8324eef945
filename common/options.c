/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/macro.h"
#include "common/parse.h"

enum opt_kind {
	OPT_FLAG,   /* no value */
	OPT_UINT,   /* decimal in [min, max] */
	OPT_CHOICE, /* one of choices[] */
	OPT_STRING, /* free text, checked by the handler */
};

/* Where a parsed option goes. */
enum opt_dest {
	TO_KERNEL, /* fsconfig key as given */
	TO_HELPER, /* consumed here (handler) */
	TO_BOTH,   /* handler records it, and it is passed to the kernel */
	TO_NONE,   /* mount(8) userspace options: accepted, dropped */
};

enum opt_id {
	ID_NONE,
	ID_NETNS,
	ID_RETRY,
	ID_BG,
	ID_FG,
	ID_SLOPPY,
	ID_REMOUNT,
	ID_VERS,
	ID_MINORVERSION,
	ID_PORT,
	ID_PROTO,
	ID_TCP,
	ID_UDP,
	ID_RDMA,
	ID_CLIENTADDR,
	ID_TIMEO,
	ID_RETRANS,
	ID_SEC,
	ID_REFUSED,
	ID_VFS,
};

struct option_def {
	const char *name;
	enum opt_kind kind;
	enum opt_dest dest;
	enum opt_id id;
	uint64_t min, max;            /* OPT_UINT */
	const char *const *choices;   /* OPT_CHOICE, NULL-terminated */
	uint64_t attr_set, attr_clear; /* ID_VFS: MOUNT_ATTR_* */
	unsigned long ms_set, ms_clear; /* ID_VFS: MS_* */
};

static const char *const choices_vers[] = { "4", "4.0", "4.1", "4.2", "2", "3", NULL };
static const char *const choices_proto[] = { "tcp", "tcp6", "udp", "udp6", "rdma", "rdma6", NULL };
static const char *const choices_lookupcache[] = { "all", "none", "pos", "positive", NULL };
static const char *const choices_local_lock[] = { "all", "flock", "posix", "none", NULL };

#define FLAG_K(n) { .name = n, .kind = OPT_FLAG, .dest = TO_KERNEL }
#define UINT_K(n, lo, hi) { .name = n, .kind = OPT_UINT, .dest = TO_KERNEL, .min = lo, .max = hi }
#define IGNORED(n, k) { .name = n, .kind = k, .dest = TO_NONE }
#define VFS(n, as, ac, ms, mc)                                                              \
	{ .name = n, .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_VFS, .attr_set = as,    \
	  .attr_clear = ac, .ms_set = ms, .ms_clear = mc }

/* Bounds follow fs/nfs/fs_context.c in Linux 6.1 where it has them. */
static const struct option_def option_table[] = {
	/* ours */
	{ .name = "netns", .kind = OPT_STRING, .dest = TO_HELPER, .id = ID_NETNS },
	/* helper semantics from nfs-utils */
	{ .name = "retry", .kind = OPT_UINT, .dest = TO_HELPER, .id = ID_RETRY, .max = 10000 },
	{ .name = "bg", .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_BG },
	{ .name = "fg", .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_FG },
	{ .name = "sloppy", .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_SLOPPY },
	{ .name = "remount", .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_REMOUNT },
	/* version and transport */
	{ .name = "vers", .kind = OPT_CHOICE, .dest = TO_HELPER, .id = ID_VERS, .choices = choices_vers },
	{ .name = "nfsvers", .kind = OPT_CHOICE, .dest = TO_HELPER, .id = ID_VERS, .choices = choices_vers },
	{ .name = "minorversion", .kind = OPT_UINT, .dest = TO_HELPER, .id = ID_MINORVERSION, .max = 2 },
	{ .name = "port", .kind = OPT_UINT, .dest = TO_BOTH, .id = ID_PORT, .max = 65535 },
	{ .name = "proto", .kind = OPT_CHOICE, .dest = TO_BOTH, .id = ID_PROTO, .choices = choices_proto },
	{ .name = "tcp", .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_TCP },
	{ .name = "udp", .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_UDP },
	{ .name = "rdma", .kind = OPT_FLAG, .dest = TO_HELPER, .id = ID_RDMA },
	{ .name = "clientaddr", .kind = OPT_STRING, .dest = TO_BOTH, .id = ID_CLIENTADDR },
	{ .name = "timeo", .kind = OPT_UINT, .dest = TO_BOTH, .id = ID_TIMEO, .min = 1, .max = 6000 },
	{ .name = "retrans", .kind = OPT_UINT, .dest = TO_BOTH, .id = ID_RETRANS, .max = 100 },
	{ .name = "sec", .kind = OPT_STRING, .dest = TO_BOTH, .id = ID_SEC },
	/* set by the helper from the spec and the netns; a user value would bypass it */
	{ .name = "addr", .kind = OPT_STRING, .dest = TO_HELPER, .id = ID_REFUSED },
	{ .name = "source", .kind = OPT_STRING, .dest = TO_HELPER, .id = ID_REFUSED },
	/* kernel NFS flags */
	FLAG_K("hard"), FLAG_K("soft"), FLAG_K("softerr"),
	FLAG_K("softreval"), FLAG_K("nosoftreval"),
	FLAG_K("intr"), FLAG_K("nointr"),
	FLAG_K("ac"), FLAG_K("noac"), FLAG_K("cto"), FLAG_K("nocto"),
	FLAG_K("acl"), FLAG_K("noacl"), FLAG_K("lock"), FLAG_K("nolock"),
	FLAG_K("rdirplus"), FLAG_K("nordirplus"), FLAG_K("posix"), FLAG_K("noposix"),
	FLAG_K("resvport"), FLAG_K("noresvport"),
	FLAG_K("sharecache"), FLAG_K("nosharecache"),
	FLAG_K("fsc"), FLAG_K("nofsc"),
	FLAG_K("migration"), FLAG_K("nomigration"),
	FLAG_K("trunkdiscovery"), FLAG_K("notrunkdiscovery"),
	{ .name = "fsc", .kind = OPT_STRING, .dest = TO_KERNEL },
	{ .name = "lookupcache", .kind = OPT_CHOICE, .dest = TO_KERNEL, .choices = choices_lookupcache },
	{ .name = "local_lock", .kind = OPT_CHOICE, .dest = TO_KERNEL, .choices = choices_local_lock },
	UINT_K("rsize", 1024, 1u << 20), UINT_K("wsize", 1024, 1u << 20),
	UINT_K("bsize", 512, 1u << 20), UINT_K("namlen", 1, 255),
	UINT_K("acregmin", 0, 3600000), UINT_K("acregmax", 0, 3600000),
	UINT_K("acdirmin", 0, 3600000), UINT_K("acdirmax", 0, 3600000),
	UINT_K("actimeo", 0, 3600000),
	UINT_K("nconnect", 1, 16), UINT_K("max_connect", 1, 16),
	/* NFSv2/v3 MOUNT protocol options: meaningless for v4, accepted like nfs-utils */
	IGNORED("mountport", OPT_STRING), IGNORED("mountproto", OPT_STRING),
	IGNORED("mountvers", OPT_STRING), IGNORED("mounthost", OPT_STRING),
	IGNORED("mountaddr", OPT_STRING),
	/* mount(8) userspace options */
	IGNORED("defaults", OPT_FLAG), IGNORED("auto", OPT_FLAG), IGNORED("noauto", OPT_FLAG),
	IGNORED("user", OPT_FLAG), IGNORED("nouser", OPT_FLAG), IGNORED("users", OPT_FLAG),
	IGNORED("owner", OPT_FLAG), IGNORED("group", OPT_FLAG), IGNORED("nofail", OPT_FLAG),
	IGNORED("_netdev", OPT_FLAG), IGNORED("comment", OPT_STRING),
	IGNORED("silent", OPT_FLAG), IGNORED("loud", OPT_FLAG),
	IGNORED("mand", OPT_FLAG), IGNORED("nomand", OPT_FLAG),
	/* generic VFS flags */
	VFS("ro", MOUNT_ATTR_RDONLY, 0, MS_RDONLY, 0),
	VFS("rw", 0, MOUNT_ATTR_RDONLY, 0, MS_RDONLY),
	VFS("nosuid", MOUNT_ATTR_NOSUID, 0, MS_NOSUID, 0),
	VFS("suid", 0, MOUNT_ATTR_NOSUID, 0, MS_NOSUID),
	VFS("nodev", MOUNT_ATTR_NODEV, 0, MS_NODEV, 0),
	VFS("dev", 0, MOUNT_ATTR_NODEV, 0, MS_NODEV),
	VFS("noexec", MOUNT_ATTR_NOEXEC, 0, MS_NOEXEC, 0),
	VFS("exec", 0, MOUNT_ATTR_NOEXEC, 0, MS_NOEXEC),
	VFS("noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, MS_NOATIME, MS_RELATIME | MS_STRICTATIME),
	VFS("atime", 0, MOUNT_ATTR__ATIME, 0, MS_NOATIME),
	VFS("relatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, MS_RELATIME, MS_NOATIME | MS_STRICTATIME),
	VFS("norelatime", 0, MOUNT_ATTR_RELATIME, 0, MS_RELATIME),
	VFS("strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, MS_STRICTATIME, MS_NOATIME | MS_RELATIME),
	VFS("nostrictatime", 0, MOUNT_ATTR_STRICTATIME, 0, MS_STRICTATIME),
	VFS("nodiratime", MOUNT_ATTR_NODIRATIME, 0, MS_NODIRATIME, 0),
	VFS("diratime", 0, MOUNT_ATTR_NODIRATIME, 0, MS_NODIRATIME),
	VFS("nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0, MS_NOSYMFOLLOW, 0),
	VFS("symfollow", 0, MOUNT_ATTR_NOSYMFOLLOW, 0, MS_NOSYMFOLLOW),
	/* superblock flags (fsconfig flags; MS_* for mount(2)) */
	VFS("sync", 0, 0, MS_SYNCHRONOUS, 0), VFS("async", 0, 0, 0, MS_SYNCHRONOUS),
	VFS("dirsync", 0, 0, MS_DIRSYNC, 0),
	VFS("lazytime", 0, 0, MS_LAZYTIME, 0), VFS("nolazytime", 0, 0, 0, MS_LAZYTIME),
};

static const struct option_def *option_lookup(const char *name, bool has_value)
{
	const struct option_def *fallback = NULL;

	/* "fsc" exists as a flag and as fsc=TAG: prefer the entry matching the form. */
	for (size_t i = 0; i < ARRAY_SIZE(option_table); i++) {
		const struct option_def *d = &option_table[i];

		if (strcmp(d->name, name) != 0)
			continue;
		if ((d->kind == OPT_FLAG) == !has_value)
			return d;
		fallback = d;
	}
	return fallback;
}

static int fail(struct mount_options_error *err, const char *opt, const char *reason, int r)
{
	snprintf(err->option, sizeof(err->option), "%s", opt);
	err->reason = reason;
	return r;
}

static bool choice_valid(const char *const *choices, const char *v)
{
	for (; *choices; choices++)
		if (strcmp(*choices, v) == 0)
			return true;
	return false;
}

static bool numeric_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* sec=flavor[:flavor...]; the probe uses the first one. */
static int parse_sec(const char *v, enum mount_auth *ret)
{
	static const char *const flavors[] = { "sys", "none", "krb5", "krb5i", "krb5p", NULL };
	char tmp[64];
	char *save = NULL, *tok;
	bool first = true;

	if (strlen(v) >= sizeof(tmp))
		return -EINVAL;
	strcpy(tmp, v);
	for (tok = strtok_r(tmp, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (!choice_valid(flavors, tok))
			return -EINVAL;
		if (first)
			*ret = strcmp(tok, "sys") == 0	  ? MOUNT_AUTH_SYS
			       : strcmp(tok, "none") == 0 ? MOUNT_AUTH_NONE
							  : MOUNT_AUTH_GSS;
		first = false;
	}
	return first ? -EINVAL : 0;
}

static int add_param(struct mount_options *o, const char *key, const char *value)
{
	/* A repeated option moves to the end: the kernel applies them in order, so
	 * "hard,soft,hard" must still end with hard. */
	for (size_t i = 0; i < o->n_params; i++)
		if (strcmp(o->params[i].key, key) == 0) {
			memmove(&o->params[i], &o->params[i + 1],
				(o->n_params - i - 1) * sizeof(o->params[0]));
			o->n_params--;
			break;
		}
	if (o->n_params >= MOUNT_KERNEL_PARAMS_MAX)
		return -E2BIG;
	o->params[o->n_params++] = (struct kernel_param){ key, value };
	return 0;
}

static int apply_helper(struct mount_options *o, const struct option_def *d, const char *opt,
			const char *v, uint64_t num, struct mount_options_error *err)
{
	switch (d->id) {
	case ID_NETNS:
		if (!*v)
			return fail(err, opt, "netns= needs a name, a path or a PID", -EINVAL);
		o->netns = v;
		return 0;
	case ID_RETRY:
		o->retry_minutes = (int)num;
		return 0;
	case ID_BG:
		o->background = true;
		return 0;
	case ID_FG:
		o->background = false;
		return 0;
	case ID_SLOPPY:
		o->sloppy = true;
		return 0;
	case ID_REMOUNT:
		o->remount = true;
		return 0;
	case ID_VERS:
		if (strcmp(v, "2") == 0 || strcmp(v, "3") == 0)
			return fail(err, opt, "NFSv2/v3 are not handled here; use nfs-utils' mount.nfs",
				    -EPROTONOSUPPORT);
		o->minor_version = strcmp(v, "4") == 0 ? -1 : v[2] - '0';
		return 0;
	case ID_MINORVERSION:
		o->minor_version = (int)num;
		return 0;
	case ID_PORT:
		o->port = (uint16_t)num;
		return 0;
	case ID_PROTO:
		if (strncmp(v, "tcp", 3) != 0)
			return fail(err, opt, "NFSv4 needs proto=tcp or tcp6 (udp and rdma are not supported)",
				    -EPROTONOSUPPORT);
		o->ipv6 = strcmp(v, "tcp6") == 0;
		return 0;
	case ID_TCP:
		return 0;
	case ID_UDP:
	case ID_RDMA:
		return fail(err, opt, "NFSv4 needs proto=tcp or tcp6 (udp and rdma are not supported)",
			    -EPROTONOSUPPORT);
	case ID_CLIENTADDR:
		if (!numeric_address(v))
			return fail(err, opt, "clientaddr= must be a numeric IPv4 or IPv6 address", -EINVAL);
		o->clientaddr = v;
		return 0;
	case ID_TIMEO:
		o->timeo_ds = (uint32_t)num;
		return 0;
	case ID_RETRANS:
		o->retrans = (uint32_t)num;
		return 0;
	case ID_SEC:
		if (parse_sec(v, &o->auth) < 0)
			return fail(err, opt, "sec= takes sys, none, krb5, krb5i or krb5p (':'-separated)",
				    -EINVAL);
		return 0;
	case ID_REFUSED:
		return fail(err, opt, "set by mount.nfs4 itself; give the server in the spec", -EINVAL);
	case ID_VFS:
		o->mount_attr = (o->mount_attr & ~d->attr_clear) | d->attr_set;
		o->ms_flags = (o->ms_flags & ~d->ms_clear) | d->ms_set;
		if (d->attr_set & MOUNT_ATTR_RDONLY)
			o->read_only = true;
		if (d->attr_clear & MOUNT_ATTR_RDONLY)
			o->read_only = false;
		return 0;
	case ID_NONE:
		break;
	}
	return 0;
}

static int parse_one(struct mount_options *o, char *opt, struct mount_options_error *err)
{
	const struct option_def *d;
	char *eq = strchr(opt, '=');
	const char *v = NULL;
	char shown[128];
	uint64_t num = 0;
	int r;

	snprintf(shown, sizeof(shown), "%s", opt);
	if (str_has_control(opt))
		return fail(err, shown, "control characters are not allowed", -EINVAL);
	if (eq) {
		*eq = '\0';
		v = eq + 1;
	}
	if (!*opt)
		return fail(err, shown, "empty option name", -EINVAL);

	/* x-* options belong to userspace tools (systemd, mount(8)). */
	d = strncmp(opt, "x-", 2) == 0 ? &(const struct option_def){ .dest = TO_NONE }
				       : option_lookup(opt, v != NULL);
	if (!d) {
		if (o->sloppy) {
			if (o->n_ignored < ARRAY_SIZE(o->ignored))
				o->ignored[o->n_ignored++] = opt;
			return 0;
		}
		return fail(err, shown, "unknown option", -EINVAL);
	}
	if (d->dest == TO_NONE) {
		if (o->n_ignored < ARRAY_SIZE(o->ignored))
			o->ignored[o->n_ignored++] = opt;
		return 0;
	}

	switch (d->kind) {
	case OPT_FLAG:
		if (v)
			return fail(err, shown, "takes no value", -EINVAL);
		break;
	case OPT_UINT:
		if (!v)
			return fail(err, shown, "needs a value", -EINVAL);
		r = parse_uint64(v, d->min, d->max, &num);
		if (r == -ERANGE)
			return fail(err, shown, "value out of range", -EINVAL);
		if (r < 0)
			return fail(err, shown, "value is not a decimal number", -EINVAL);
		break;
	case OPT_CHOICE:
		if (!v || !choice_valid(d->choices, v))
			return fail(err, shown, "unsupported value", -EINVAL);
		break;
	case OPT_STRING:
		if (!v)
			return fail(err, shown, "needs a value", -EINVAL);
		break;
	}

	if (d->dest != TO_KERNEL) {
		r = apply_helper(o, d, shown, v ? v : "", num, err);
		if (r < 0)
			return r;
	}
	if (d->dest == TO_KERNEL || d->dest == TO_BOTH) {
		r = add_param(o, opt, v);
		if (r < 0)
			return fail(err, shown, "too many options", r);
	}
	return 0;
}

int mount_options_parse(const char *opts, bool sloppy, struct mount_options *ret,
			struct mount_options_error *ret_err)
{
	struct mount_options o = {
		.retry_minutes = -1,
		.minor_version = -1,
		.retrans = UINT32_MAX,
		.sloppy = sloppy,
	};
	char *save = NULL, *tok;
	int r;

	if (!opts)
		opts = "";
	if (strlen(opts) > MOUNT_OPTIONS_MAX_LEN)
		return fail(ret_err, "", "option string too long", -E2BIG);
	o.buf = strdup(opts);
	if (!o.buf)
		return -ENOMEM;

	/* sloppy applies to the whole string wherever it stands, as in nfs-utils. */
	for (const char *p = opts; (p = strstr(p, "sloppy")); p += 6)
		if ((p == opts || p[-1] == ',') && (p[6] == ',' || p[6] == '\0'))
			o.sloppy = true;

	for (tok = strtok_r(o.buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		r = parse_one(&o, tok, ret_err);
		if (r < 0) {
			mount_options_free(&o);
			return r;
		}
	}
	*ret = o;
	return 0;
}

void mount_options_free(struct mount_options *opts)
{
	free(opts->buf);
	*opts = (struct mount_options){ .retry_minutes = -1, .minor_version = -1 };
}

const char *mount_options_get(const struct mount_options *opts, const char *key)
{
	for (size_t i = 0; i < opts->n_params; i++)
		if (strcmp(opts->params[i].key, key) == 0)
			return opts->params[i].value ? opts->params[i].value : "";
	return NULL;
}

int mount_options_kernel_string(const struct mount_options *opts, char **ret)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < opts->n_params; i++) {
		const struct kernel_param *p = &opts->params[i];

		fprintf(f, "%s%s%s%s", i ? "," : "", p->key, p->value ? "=" : "",
			p->value ? p->value : "");
	}
	if (fclose(f) != 0) {
		free(s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}
