/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for common/options.c: the NFSv4 mount option table. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/macro.h"
#include "common/options.h"

/* ---- helpers ----------------------------------------------------------------- */

static int parse(const char *s, bool sloppy, struct mount_options *o, struct mount_options_error *e)
{
	memset(e, 0, sizeof(*e));
	return mount_options_parse(s, sloppy, o, e);
}

/* Parse that must succeed. */
static void parse_ok(const char *s, bool sloppy, struct mount_options *o)
{
	struct mount_options_error e;
	int r = parse(s, sloppy, o, &e);

	if (r != 0)
		fail_msg("parse(\"%s\", sloppy=%d) = %d (%s: %s)", s, sloppy, r, e.option,
			 e.reason ? e.reason : "?");
}

/*
 * Parse that must fail with want; the error names the offending option
 * (want_option, NULL: not checked) with a reason.  *ret must stay untouched:
 * results are set only on success.
 */
static void parse_fails(const char *s, bool sloppy, int want, const char *want_option)
{
	struct mount_options o, sentinel;
	struct mount_options_error e;
	int r;

	memset(&o, 0xa5, sizeof(o));
	memcpy(&sentinel, &o, sizeof(o));
	r = parse(s, sloppy, &o, &e);
	if (r == 0)
		mount_options_free(&o);
	if (r != want)
		fail_msg("parse(\"%s\", sloppy=%d) = %d, want %d", s, sloppy, r, want);
	assert_non_null(e.reason);
	assert_true(strlen(e.reason) > 0);
	assert_non_null(memchr(e.option, '\0', sizeof(e.option)));
	if (want_option)
		assert_string_equal(e.option, want_option);
	assert_memory_equal(&o, &sentinel, sizeof(o));
}

static char *kernel_string(const struct mount_options *o)
{
	char *s = NULL;

	assert_int_equal(mount_options_kernel_string(o, &s), 0);
	assert_non_null(s);
	return s;
}

/* The kernel string of a successful parse of s. */
static void assert_kernel(const char *s, bool sloppy, const char *want)
{
	struct mount_options o;
	char *k, got[MOUNT_OPTIONS_MAX_LEN + 1];

	parse_ok(s, sloppy, &o);
	k = kernel_string(&o);
	snprintf(got, sizeof(got), "%s", k);
	free(k);
	mount_options_free(&o);
	if (strcmp(got, want) != 0)
		fail_msg("parse(\"%s\"): kernel string \"%s\", want \"%s\"", s, got, want);
}

/* Position of the last comma-separated token equal to tok in list, or -1. */
static int last_token(const char *list, const char *tok)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = NULL;
	int i = 0, last = -1;

	assert_non_null(copy);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save), i++)
		if (strcmp(t, tok) == 0)
			last = i;
	return last;
}

/* ---- empty input, defaults ----------------------------------------------------- */

static void assert_defaults(const struct mount_options *o)
{
	assert_null(o->netns);
	assert_int_equal(o->retry_minutes, -1);
	assert_false(o->background);
	assert_false(o->remount);
	assert_int_equal(o->minor_version, -1);
	assert_int_equal(o->port, 0);
	assert_false(o->ipv6);
	assert_null(o->clientaddr);
	assert_int_equal(o->timeo_ds, 0);
	assert_int_equal(o->retrans, UINT32_MAX);
	assert_int_equal(o->auth, MOUNT_AUTH_SYS);
	assert_false(o->read_only);
	assert_int_equal(o->mount_attr, 0);
	assert_int_equal(o->ms_flags, 0);
	assert_int_equal(o->n_params, 0);
	assert_int_equal(o->n_ignored, 0);
}

static void test_null_and_empty(void **state)
{
	static const char *const inputs[] = { NULL, "", ",", ",,,," };

	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
		struct mount_options o;
		_cleanup_free_ char *k = NULL;

		parse_ok(inputs[i], false, &o);
		assert_defaults(&o);
		assert_false(o.sloppy);
		k = kernel_string(&o);
		assert_string_equal(k, "");
		assert_null(mount_options_get(&o, "hard"));
		mount_options_free(&o);
	}
}

static void test_empty_name_rejected(void **state)
{
	parse_fails("=x", false, -EINVAL, "=x");
	parse_fails("hard,=", false, -EINVAL, "=");
	parse_fails("=", true, -EINVAL, "=");
}

static void test_free_resets(void **state)
{
	struct mount_options o;

	parse_ok("hard,netns=a", false, &o);
	assert_non_null(o.buf);
	mount_options_free(&o);
	assert_null(o.buf);
	assert_null(o.netns);
	assert_int_equal(o.n_params, 0);
	assert_int_equal(o.minor_version, -1);
	mount_options_free(&o); /* twice is harmless */
}

/* ---- kinds: flags, bounded integers, choices, strings -------------------------- */

static void test_flags(void **state)
{
	static const char *const flags[] = {
		"hard", "soft", "softerr", "softreval", "nosoftreval", "intr", "nointr", "ac", "noac",
		"cto", "nocto", "acl", "noacl", "lock", "nolock", "rdirplus", "nordirplus", "posix",
		"noposix", "resvport", "noresvport", "sharecache", "nosharecache", "fsc", "nofsc",
		"migration", "nomigration", "trunkdiscovery", "notrunkdiscovery",
	};

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		struct mount_options o;
		char bad[64];

		parse_ok(flags[i], false, &o);
		assert_int_equal(o.n_params, 1);
		assert_string_equal(o.params[0].key, flags[i]);
		assert_null(o.params[0].value);
		/* A flag reads back as "" (present, no value). */
		assert_string_equal(mount_options_get(&o, flags[i]), "");
		mount_options_free(&o);

		snprintf(bad, sizeof(bad), "%s=1", flags[i]);
		/* fsc is also fsc=TAG */
		if (strcmp(flags[i], "fsc") != 0)
			parse_fails(bad, false, -EINVAL, bad);
	}
}

struct uint_case {
	const char *opt;
	int want; /* 0 or -EINVAL */
};

static void test_uint_bounds(void **state)
{
	static const struct uint_case cases[] = {
		{ "rsize=1024", 0 },         { "rsize=1048576", 0 },      { "rsize=1023", -EINVAL },
		{ "rsize=1048577", -EINVAL }, { "wsize=1024", 0 },         { "wsize=1048577", -EINVAL },
		{ "bsize=512", 0 },          { "bsize=511", -EINVAL },    { "namlen=1", 0 },
		{ "namlen=255", 0 },         { "namlen=0", -EINVAL },     { "namlen=256", -EINVAL },
		{ "acregmin=0", 0 },         { "acregmax=3600000", 0 },   { "acdirmin=3600001", -EINVAL },
		{ "acdirmax=0", 0 },         { "actimeo=3600000", 0 },    { "actimeo=3600001", -EINVAL },
		{ "nconnect=1", 0 },         { "nconnect=16", 0 },        { "nconnect=0", -EINVAL },
		{ "nconnect=17", -EINVAL },  { "max_connect=16", 0 },     { "max_connect=17", -EINVAL },
		{ "timeo=1", 0 },            { "timeo=6000", 0 },         { "timeo=0", -EINVAL },
		{ "timeo=6001", -EINVAL },   { "retrans=0", 0 },          { "retrans=100", 0 },
		{ "retrans=101", -EINVAL },  { "port=0", 0 },             { "port=65535", 0 },
		{ "port=65536", -EINVAL },   { "retry=0", 0 },            { "retry=10000", 0 },
		{ "retry=10001", -EINVAL },  { "minorversion=0", 0 },     { "minorversion=2", 0 },
		{ "minorversion=3", -EINVAL },
		/* syntax: no sign, no junk, no whitespace, no hex, no overflow */
		{ "rsize=", -EINVAL },       { "rsize", -EINVAL },        { "rsize=-1", -EINVAL },
		{ "rsize=+4096", -EINVAL },  { "rsize=4096k", -EINVAL },  { "rsize= 4096", -EINVAL },
		{ "rsize=4096 ", -EINVAL },  { "rsize=0x1000", -EINVAL }, { "port=1e3", -EINVAL },
		{ "rsize=99999999999999999999999999", -EINVAL },
		{ "rsize=18446744073709551616", -EINVAL }, /* UINT64_MAX + 1 */
		{ "port=18446744073709551615", -EINVAL },  /* UINT64_MAX */
		{ "rsize=0004096", 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].want == 0) {
			struct mount_options o;

			parse_ok(cases[i].opt, false, &o);
			mount_options_free(&o);
		} else {
			parse_fails(cases[i].opt, false, cases[i].want, cases[i].opt);
		}
	}
}

static void test_uint_values_reach_fields_and_kernel(void **state)
{
	struct mount_options o;

	parse_ok("port=2050,timeo=600,retrans=3,retry=5,rsize=0004096", false, &o);
	assert_int_equal(o.port, 2050);
	assert_int_equal(o.timeo_ds, 600);
	assert_int_equal(o.retrans, 3);
	assert_int_equal(o.retry_minutes, 5);
	/* port, timeo, retrans go to the kernel too; retry is the helper's alone */
	assert_int_equal(o.n_params, 4);
	assert_string_equal(o.params[0].key, "port");
	assert_string_equal(o.params[0].value, "2050");
	assert_string_equal(o.params[1].key, "timeo");
	assert_string_equal(o.params[2].key, "retrans");
	assert_string_equal(o.params[3].key, "rsize");
	assert_string_equal(o.params[3].value, "0004096");
	assert_null(mount_options_get(&o, "retry"));
	mount_options_free(&o);

	parse_ok("retry=0", false, &o);
	assert_int_equal(o.retry_minutes, 0);
	mount_options_free(&o);
	parse_ok("retrans=0", false, &o);
	assert_int_equal(o.retrans, 0);
	mount_options_free(&o);
}

static void test_choices(void **state)
{
	static const char *const good[] = {
		"lookupcache=all", "lookupcache=none", "lookupcache=pos", "lookupcache=positive",
		"local_lock=all",  "local_lock=flock", "local_lock=posix", "local_lock=none",
		"proto=tcp",       "proto=tcp6",       "vers=4",            "vers=4.0",
		"vers=4.1",        "vers=4.2",         "nfsvers=4.2",
	};
	static const char *const bad[] = {
		"lookupcache=bogus", "lookupcache=", "lookupcache", "lookupcache=ALL",
		"local_lock=",       "local_lock=fcntl", "proto=sctp",   "proto=",
		"proto",             "vers=4.3",        "vers=5",       "vers=4.",
		"vers=41",           "vers=",           "vers",         "nfsvers=4.01",
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct mount_options o;

		parse_ok(good[i], false, &o);
		mount_options_free(&o);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		parse_fails(bad[i], false, -EINVAL, bad[i]);
	assert_kernel("lookupcache=none,local_lock=flock", false, "lookupcache=none,local_lock=flock");
}

static void test_strings(void **state)
{
	struct mount_options o;

	/* fsc is both a flag and fsc=TAG */
	parse_ok("fsc=mytag", false, &o);
	assert_int_equal(o.n_params, 1);
	assert_string_equal(o.params[0].key, "fsc");
	assert_string_equal(o.params[0].value, "mytag");
	mount_options_free(&o);
	parse_ok("fsc", false, &o);
	assert_null(o.params[0].value);
	mount_options_free(&o);

	/* a value may hold '=' and ':' */
	assert_kernel("fsc=a=b:c", false, "fsc=a=b:c");

	/* strings need a value */
	parse_fails("sec", false, -EINVAL, "sec");
	parse_fails("clientaddr", false, -EINVAL, "clientaddr");
	parse_fails("netns", false, -EINVAL, "netns");
}

static void test_unknown_rejected(void **state)
{
	parse_fails("frobnicate", false, -EINVAL, "frobnicate");
	parse_fails("hard,frob=1,soft", false, -EINVAL, "frob=1");
	parse_fails("HARD", false, -EINVAL, "HARD"); /* case matters, like the kernel */
	parse_fails(" hard", false, -EINVAL, " hard");
}

static void test_error_option_truncated(void **state)
{
	char s[400];
	struct mount_options o;
	struct mount_options_error e;

	memset(s, 'q', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(parse(s, false, &o, &e), -EINVAL);
	assert_int_equal(strlen(e.option), sizeof(e.option) - 1);
	assert_memory_equal(e.option, s, sizeof(e.option) - 1);
}

/* ---- order and repeats --------------------------------------------------------- */

static void test_kernel_params_in_order(void **state)
{
	struct mount_options o;

	parse_ok("wsize=8192,hard,netns=x,lookupcache=none,ro,rsize=4096,vers=4.1,noac", false, &o);
	assert_int_equal(o.n_params, 5);
	assert_string_equal(o.params[0].key, "wsize");
	assert_string_equal(o.params[1].key, "hard");
	assert_string_equal(o.params[2].key, "lookupcache");
	assert_string_equal(o.params[3].key, "rsize");
	assert_string_equal(o.params[4].key, "noac");
	mount_options_free(&o);
}

static void test_repeats_last_value_wins(void **state)
{
	struct mount_options o;
	_cleanup_free_ char *k = NULL;

	parse_ok("rsize=4096,hard,rsize=65536,wsize=8192,rsize=32768", false, &o);
	assert_string_equal(mount_options_get(&o, "rsize"), "32768");
	/* each key once */
	assert_int_equal(o.n_params, 3);
	k = kernel_string(&o);
	assert_true(last_token(k, "rsize=32768") >= 0);
	assert_int_equal(last_token(k, "rsize=4096"), -1);
	assert_int_equal(last_token(k, "rsize=65536"), -1);
	/* hard stays before wsize: distinct keys keep their order */
	assert_true(last_token(k, "hard") < last_token(k, "wsize=8192"));
	mount_options_free(&o);

	/* helper fields: last wins too */
	parse_ok("netns=a,port=1,netns=b,port=2,timeo=5,timeo=7,retry=1,retry=2", false, &o);
	assert_string_equal(o.netns, "b");
	assert_int_equal(o.port, 2);
	assert_string_equal(mount_options_get(&o, "port"), "2");
	assert_int_equal(o.timeo_ds, 7);
	assert_string_equal(mount_options_get(&o, "timeo"), "7");
	assert_int_equal(o.retry_minutes, 2);
	mount_options_free(&o);

	parse_ok("bg,fg", false, &o);
	assert_false(o.background);
	mount_options_free(&o);
	parse_ok("fg,bg,remount", false, &o);
	assert_true(o.background);
	assert_true(o.remount);
	assert_int_equal(o.n_params, 0);
	mount_options_free(&o);
}

/*
 * The kernel applies options in order: "hard,soft,hard" is a hard mount and
 * "acregmin=5,actimeo=10,acregmin=7" leaves acregmin at 7.  Merging a repeat
 * into the position of its first occurrence reorders it before the options it
 * followed, so the kernel string must end with the user's last word.
 */
static void test_repeats_keep_last_position(void **state)
{
	static const struct {
		const char *opts, *last, *before;
	} cases[] = {
		{ "hard,soft,hard", "hard", "soft" },
		{ "ac,noac,ac", "ac", "noac" },
		{ "lock,nolock,lock", "lock", "nolock" },
		{ "fsc,nofsc,fsc", "fsc", "nofsc" },
		{ "acregmin=5,actimeo=10,acregmin=7", "acregmin=7", "actimeo=10" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mount_options o;
		char *k, got[256];
		bool reordered;

		parse_ok(cases[i].opts, false, &o);
		k = kernel_string(&o);
		reordered = last_token(k, cases[i].last) < last_token(k, cases[i].before);
		snprintf(got, sizeof(got), "%s", k);
		free(k);
		mount_options_free(&o);
		if (reordered)
			fail_msg("\"%s\" became kernel string \"%s\": %s no longer follows %s",
				 cases[i].opts, got, cases[i].last, cases[i].before);
	}
}

/* ---- helper-only options ------------------------------------------------------- */

static void test_netns_never_reaches_kernel(void **state)
{
	struct mount_options o;
	_cleanup_free_ char *k = NULL;

	parse_ok("hard,netns=ctr1,rsize=4096,netns=/proc/1/ns/net", false, &o);
	assert_string_equal(o.netns, "/proc/1/ns/net");
	assert_null(mount_options_get(&o, "netns"));
	k = kernel_string(&o);
	assert_string_equal(k, "hard,rsize=4096");
	mount_options_free(&o);

	parse_ok("netns=42", false, &o);
	assert_string_equal(o.netns, "42");
	assert_int_equal(o.n_params, 0);
	mount_options_free(&o);

	parse_fails("netns=", false, -EINVAL, "netns=");
	parse_fails("netns=", true, -EINVAL, "netns=");
}

static void test_versions(void **state)
{
	static const struct {
		const char *opts;
		int minor;
	} cases[] = {
		{ "vers=4", -1 },        { "vers=4.0", 0 },          { "vers=4.1", 1 },
		{ "vers=4.2", 2 },       { "nfsvers=4.1", 1 },       { "minorversion=0", 0 },
		{ "minorversion=2", 2 }, { "vers=4.1,minorversion=2", 2 },
		{ "minorversion=2,vers=4.1", 1 }, { "vers=4.2,vers=4", -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mount_options o;

		int minor;
		size_t n_params;

		parse_ok(cases[i].opts, false, &o);
		minor = o.minor_version;
		n_params = o.n_params;
		mount_options_free(&o);
		if (minor != cases[i].minor)
			fail_msg("\"%s\": minor_version %d, want %d", cases[i].opts, minor,
				 cases[i].minor);
		/* the front end sets vers itself */
		assert_int_equal(n_params, 0);
	}
}

static void test_v2_v3_udp_rdma_unsupported(void **state)
{
	static const char *const refused[] = {
		"vers=3", "vers=2", "nfsvers=3", "proto=udp", "proto=udp6",
		"proto=rdma", "proto=rdma6", "udp", "rdma",
	};

	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		char s[64];

		parse_fails(refused[i], false, -EPROTONOSUPPORT, refused[i]);
		/* sloppy does not make a known option acceptable */
		parse_fails(refused[i], true, -EPROTONOSUPPORT, refused[i]);
		snprintf(s, sizeof(s), "hard,%s,soft", refused[i]);
		parse_fails(s, false, -EPROTONOSUPPORT, refused[i]);
	}
}

static void test_tcp_transport(void **state)
{
	struct mount_options o;

	parse_ok("proto=tcp", false, &o);
	assert_false(o.ipv6);
	assert_string_equal(mount_options_get(&o, "proto"), "tcp");
	mount_options_free(&o);

	parse_ok("proto=tcp6", false, &o);
	assert_true(o.ipv6);
	assert_string_equal(mount_options_get(&o, "proto"), "tcp6");
	mount_options_free(&o);

	parse_ok("proto=tcp6,proto=tcp", false, &o);
	assert_false(o.ipv6);
	mount_options_free(&o);

	parse_ok("tcp", false, &o);
	assert_int_equal(o.n_params, 0);
	mount_options_free(&o);
	parse_fails("tcp=1", false, -EINVAL, "tcp=1");
}

static void test_addr_and_source_refused(void **state)
{
	static const char *const refused[] = { "addr=1.2.3.4", "source=10.0.0.1:/x", "addr=::1",
					       "source=" };

	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		char s[64];

		parse_fails(refused[i], false, -EINVAL, refused[i]);
		parse_fails(refused[i], true, -EINVAL, refused[i]);
		snprintf(s, sizeof(s), "sloppy,hard,%s", refused[i]);
		parse_fails(s, false, -EINVAL, refused[i]);
	}
	parse_fails("addr", false, -EINVAL, "addr");
}

static void test_clientaddr(void **state)
{
	static const char *const good[] = { "10.0.0.1", "192.0.2.255", "::1", "fd00::2",
					    "fe80::1", "::ffff:10.1.2.3", "0.0.0.0" };
	static const char *const bad[] = { "foo", "10.0.0.256", "", "1.2.3", "1.2.3.4/24",
					   "fe80::1%eth0", "[::1]", "::1::2", "10.0.0.1 ", "localhost" };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct mount_options o;
		char s[64];

		snprintf(s, sizeof(s), "clientaddr=%s", good[i]);
		parse_ok(s, false, &o);
		assert_string_equal(o.clientaddr, good[i]);
		assert_string_equal(mount_options_get(&o, "clientaddr"), good[i]);
		mount_options_free(&o);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char s[64];

		snprintf(s, sizeof(s), "clientaddr=%s", bad[i]);
		parse_fails(s, false, -EINVAL, s);
		parse_fails(s, true, -EINVAL, s);
	}
}

static void test_sec(void **state)
{
	static const struct {
		const char *opts;
		enum mount_auth auth;
	} good[] = {
		{ "sec=sys", MOUNT_AUTH_SYS },         { "sec=none", MOUNT_AUTH_NONE },
		{ "sec=krb5", MOUNT_AUTH_GSS },        { "sec=krb5i", MOUNT_AUTH_GSS },
		{ "sec=krb5p", MOUNT_AUTH_GSS },       { "sec=krb5i:sys", MOUNT_AUTH_GSS },
		{ "sec=sys:krb5p", MOUNT_AUTH_SYS },   { "sec=none:sys:krb5", MOUNT_AUTH_NONE },
		{ "sec=krb5,sec=sys", MOUNT_AUTH_SYS }, { "sec=sys,sec=none", MOUNT_AUTH_NONE },
	};
	static const char *const bad[] = {
		"sec=",      "sec=:",         "sec=bogus",     "sec=sys:bogus", "sec=SYS",
		"sec=lkey",  "sec=spkm3",     "sec=sys;none",  "sec=krb5 ",
		"sec=sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys:sys",
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct mount_options o;

		enum mount_auth auth;
		bool only_sec;

		parse_ok(good[i].opts, false, &o);
		auth = o.auth;
		only_sec = o.n_params == 1 && strcmp(o.params[0].key, "sec") == 0;
		mount_options_free(&o);
		if (auth != good[i].auth)
			fail_msg("\"%s\": auth %d, want %d", good[i].opts, auth, good[i].auth);
		assert_true(only_sec);
	}
	/* the kernel gets the list as given */
	assert_kernel("sec=krb5i:sys", false, "sec=krb5i:sys");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		parse_fails(bad[i], false, -EINVAL, bad[i]);
}

/* ---- sloppy, userspace options -------------------------------------------------- */

static void test_sloppy_argument_drops_unknowns(void **state)
{
	struct mount_options o;

	parse_ok("frobnicate,hard,bar=1,x", true, &o);
	assert_true(o.sloppy);
	assert_int_equal(o.n_params, 1);
	assert_string_equal(o.params[0].key, "hard");
	assert_int_equal(o.n_ignored, 3);
	assert_string_equal(o.ignored[0], "frobnicate");
	assert_string_equal(o.ignored[1], "bar");
	assert_string_equal(o.ignored[2], "x");
	mount_options_free(&o);
}

static void test_sloppy_option_anywhere(void **state)
{
	static const char *const with_sloppy[] = {
		"sloppy,frob,hard", "frob,hard,sloppy", "frob,sloppy,hard", "sloppy",
		"frob=1,sloppy", ",sloppy,,frob",
	};

	for (size_t i = 0; i < ARRAY_SIZE(with_sloppy); i++) {
		struct mount_options o;

		parse_ok(with_sloppy[i], false, &o);
		assert_true(o.sloppy);
		assert_null(mount_options_get(&o, "sloppy"));
		for (size_t j = 0; j < o.n_params; j++)
			assert_string_equal(o.params[j].key, "hard");
		if (strstr(with_sloppy[i], "frob")) {
			assert_int_equal(o.n_ignored, 1);
			assert_string_equal(o.ignored[0], "frob");
		}
		mount_options_free(&o);
	}
	/* only a whole "sloppy" option counts */
	parse_fails("nosloppy,frob", false, -EINVAL, "nosloppy");
	parse_fails("comment=sloppy,frob", false, -EINVAL, "frob");
	parse_fails("frob,x-sloppy", false, -EINVAL, "frob");
	parse_fails("sloppyx,frob", false, -EINVAL, "sloppyx");
	parse_fails("sloppy=1,frob", false, -EINVAL, "sloppy=1");
}

static void test_sloppy_still_validates_known(void **state)
{
	parse_fails("sloppy,rsize=1", false, -EINVAL, "rsize=1");
	parse_fails("rsize=abc", true, -EINVAL, "rsize=abc");
	parse_fails("hard=1", true, -EINVAL, "hard=1");
	parse_fails("sloppy,clientaddr=junk", false, -EINVAL, "clientaddr=junk");
	parse_fails("sloppy,vers=3", false, -EPROTONOSUPPORT, "vers=3");
}

static void test_userspace_options_ignored(void **state)
{
	static const char *const names[] = {
		"defaults", "auto", "noauto", "user", "nouser", "users", "owner", "group",
		"nofail", "_netdev", "comment", "silent", "loud", "mand", "nomand",
		"x-systemd.automount", "x-systemd.requires", "x-mount.mkdir", "x-",
		"mountport", "mountproto", "mountvers", "mounthost", "mountaddr",
	};
	const char *s = "defaults,auto,noauto,user,nouser,users,owner,group,nofail,_netdev,"
			"comment=systemd.automount,silent,loud,mand,nomand,x-systemd.automount,"
			"x-systemd.requires=foo.service,x-mount.mkdir=0700,x-,mountport=635,"
			"mountproto=tcp,mountvers=3,mounthost=h,mountaddr=10.0.0.1";
	struct mount_options o;

	/* not sloppy: these are known and dropped on purpose */
	parse_ok(s, false, &o);
	assert_false(o.sloppy);
	assert_int_equal(o.n_params, 0);
	assert_int_equal(o.n_ignored, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_string_equal(o.ignored[i], names[i]);
	assert_int_equal(o.mount_attr, 0);
	assert_int_equal(o.ms_flags, 0);
	mount_options_free(&o);

	/* they stay out of the kernel string among real options */
	assert_kernel("hard,defaults,_netdev,x-systemd.device-timeout=5,rsize=4096,nofail", false,
		      "hard,rsize=4096");
}

static void test_many_ignored_bounded(void **state)
{
	char s[MOUNT_OPTIONS_MAX_LEN + 1] = "";
	struct mount_options o;

	for (int i = 0; i < 100; i++) {
		char one[16];

		snprintf(one, sizeof(one), "%su%d", i ? "," : "", i);
		strcat(s, one);
	}
	parse_ok(s, true, &o);
	/* the list for -v is bounded; parsing still succeeds */
	assert_int_equal(o.n_ignored, ARRAY_SIZE(o.ignored));
	assert_string_equal(o.ignored[0], "u0");
	assert_int_equal(o.n_params, 0);
	mount_options_free(&o);
}

/* ---- hostile input --------------------------------------------------------------- */

static void test_control_characters_rejected(void **state)
{
	static const char *const bad[] = {
		"netns=a\naddr=1.2.3.4",
		"hard\n",
		"\nhard",
		"netns=ctr1\n",
		"fsc=a\tb",
		"comment=\x1b[31mred",
		"x-foo=\x7f",
		"sec=sys\r",
		"frob\x01",
		"clientaddr=10.0.0.1\n,hard",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		parse_fails(bad[i], false, -EINVAL, NULL);
		parse_fails(bad[i], true, -EINVAL, NULL);
	}
	/* the error names the option it rejects, not a later one */
	parse_fails("hard,netns=a\naddr=1.2.3.4,soft", false, -EINVAL, "netns=a\naddr=1.2.3.4");
}

static void test_too_long(void **state)
{
	char s[MOUNT_OPTIONS_MAX_LEN + 2];
	struct mount_options o;
	size_t prefix = strlen("comment=");

	/* exactly the limit is fine */
	memcpy(s, "comment=", prefix);
	memset(s + prefix, 'a', MOUNT_OPTIONS_MAX_LEN - prefix);
	s[MOUNT_OPTIONS_MAX_LEN] = '\0';
	parse_ok(s, false, &o);
	assert_int_equal(o.n_ignored, 1);
	mount_options_free(&o);

	/* one more byte is not */
	s[MOUNT_OPTIONS_MAX_LEN] = 'a';
	s[MOUNT_OPTIONS_MAX_LEN + 1] = '\0';
	parse_fails(s, false, -E2BIG, NULL);
	parse_fails(s, true, -E2BIG, NULL);

	/* commas count */
	memset(s, ',', MOUNT_OPTIONS_MAX_LEN + 1);
	parse_fails(s, false, -E2BIG, NULL);
}

static void test_many_params(void **state)
{
	/* Every kernel key of the table at once: all kept, in order. */
	static const char *const keys[] = {
		"hard", "soft", "softerr", "softreval", "nosoftreval", "intr", "nointr", "ac",
		"noac", "cto", "nocto", "acl", "noacl", "lock", "nolock", "rdirplus",
		"nordirplus", "posix", "noposix", "resvport", "noresvport", "sharecache",
		"nosharecache", "fsc", "nofsc", "migration", "nomigration", "trunkdiscovery",
		"notrunkdiscovery", "lookupcache=all", "local_lock=none", "rsize=4096",
		"wsize=4096", "bsize=4096", "namlen=255", "acregmin=1", "acregmax=2",
		"acdirmin=3", "acdirmax=4", "actimeo=5", "nconnect=2", "max_connect=2",
		"port=2049", "proto=tcp", "clientaddr=10.0.0.1", "timeo=600", "retrans=2",
		"sec=sys",
	};
	char s[MOUNT_OPTIONS_MAX_LEN + 1] = "";
	struct mount_options o;
	_cleanup_free_ char *k = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (i)
			strcat(s, ",");
		strcat(s, keys[i]);
	}
	assert_true(ARRAY_SIZE(keys) <= MOUNT_KERNEL_PARAMS_MAX);
	parse_ok(s, false, &o);
	assert_int_equal(o.n_params, ARRAY_SIZE(keys));
	k = kernel_string(&o);
	assert_string_equal(k, s);
	mount_options_free(&o);

	/* Hundreds of repeats collapse into one parameter each. */
	s[0] = '\0';
	for (int i = 0; strlen(s) + 32 < MOUNT_OPTIONS_MAX_LEN; i++)
		strcat(s, i % 2 ? "rsize=8192," : "hard,");
	parse_ok(s, false, &o);
	assert_int_equal(o.n_params, 2);
	mount_options_free(&o);
}

/* ---- VFS flags ------------------------------------------------------------------- */

static void test_vfs_flags(void **state)
{
	static const struct {
		const char *opts;
		bool ro;
		uint64_t attr;
		unsigned long ms;
	} cases[] = {
		{ "ro", true, MOUNT_ATTR_RDONLY, MS_RDONLY },
		{ "rw", false, 0, 0 },
		{ "ro,rw", false, 0, 0 },
		{ "rw,ro", true, MOUNT_ATTR_RDONLY, MS_RDONLY },
		{ "nosuid,nodev,noexec", false, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
		  MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "nosuid,suid,nodev,dev,noexec,exec", false, 0, 0 },
		{ "noatime", false, MOUNT_ATTR_NOATIME, MS_NOATIME },
		{ "noatime,relatime", false, MOUNT_ATTR_RELATIME, MS_RELATIME },
		{ "relatime,noatime", false, MOUNT_ATTR_NOATIME, MS_NOATIME },
		{ "strictatime", false, MOUNT_ATTR_STRICTATIME, MS_STRICTATIME },
		{ "strictatime,noatime", false, MOUNT_ATTR_NOATIME, MS_NOATIME },
		{ "noatime,strictatime", false, MOUNT_ATTR_STRICTATIME, MS_STRICTATIME },
		{ "noatime,atime", false, 0, 0 },
		{ "strictatime,nostrictatime", false, 0, 0 },
		{ "nodiratime", false, MOUNT_ATTR_NODIRATIME, MS_NODIRATIME },
		{ "nodiratime,diratime", false, 0, 0 },
		{ "nosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW, MS_NOSYMFOLLOW },
		{ "nosymfollow,symfollow", false, 0, 0 },
		{ "sync", false, 0, MS_SYNCHRONOUS },
		{ "sync,async", false, 0, 0 },
		{ "dirsync", false, 0, MS_DIRSYNC },
		{ "lazytime", false, 0, MS_LAZYTIME },
		{ "lazytime,nolazytime", false, 0, 0 },
		{ "ro,nosuid,nodev,noexec,noatime", true,
		  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
			  MOUNT_ATTR_NOATIME,
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mount_options o, got;

		parse_ok(cases[i].opts, false, &o);
		got = o;
		mount_options_free(&o);
		if (got.read_only != cases[i].ro || got.mount_attr != cases[i].attr ||
		    got.ms_flags != cases[i].ms)
			fail_msg("\"%s\": ro=%d attr=%#llx ms=%#lx, want ro=%d attr=%#llx ms=%#lx",
				 cases[i].opts, got.read_only, (unsigned long long)got.mount_attr,
				 got.ms_flags, cases[i].ro, (unsigned long long)cases[i].attr,
				 cases[i].ms);
		/* VFS flags are not NFS parameters */
		assert_int_equal(got.n_params, 0);
	}
	parse_fails("ro=1", false, -EINVAL, "ro=1");
	parse_fails("noatime=yes", false, -EINVAL, "noatime=yes");
}

/* ---- kernel string ----------------------------------------------------------------- */

static void test_kernel_string_round_trip(void **state)
{
	const char *in = "hard,rsize=65536,netns=ctr1,lookupcache=none,fsc=tag,sec=krb5:sys,"
			 "port=2050,proto=tcp6,clientaddr=fd00::2,vers=4.1,ro,x-foo,nofail,timeo=50,"
			 "retrans=4,nconnect=4,retry=2,bg";
	const char *want = "hard,rsize=65536,lookupcache=none,fsc=tag,sec=krb5:sys,port=2050,"
			   "proto=tcp6,clientaddr=fd00::2,timeo=50,retrans=4,nconnect=4";
	struct mount_options a, b;
	_cleanup_free_ char *ka = NULL, *kb = NULL;

	parse_ok(in, false, &a);
	ka = kernel_string(&a);
	assert_string_equal(ka, want);

	parse_ok(ka, false, &b);
	kb = kernel_string(&b);
	assert_string_equal(kb, ka);
	assert_int_equal(b.n_params, a.n_params);
	for (size_t i = 0; i < a.n_params; i++) {
		assert_string_equal(a.params[i].key, b.params[i].key);
		if (a.params[i].value)
			assert_string_equal(a.params[i].value, b.params[i].value);
		else
			assert_null(b.params[i].value);
	}
	/* the shared fields agree */
	assert_int_equal(b.port, a.port);
	assert_int_equal(b.ipv6, a.ipv6);
	assert_string_equal(b.clientaddr, a.clientaddr);
	assert_int_equal(b.timeo_ds, a.timeo_ds);
	assert_int_equal(b.retrans, a.retrans);
	assert_int_equal(b.auth, a.auth);
	mount_options_free(&a);
	mount_options_free(&b);
}

static void test_get(void **state)
{
	struct mount_options o;

	parse_ok("hard,rsize=4096,fsc=t", false, &o);
	assert_string_equal(mount_options_get(&o, "hard"), "");
	assert_string_equal(mount_options_get(&o, "rsize"), "4096");
	assert_string_equal(mount_options_get(&o, "fsc"), "t");
	assert_null(mount_options_get(&o, "wsize"));
	assert_null(mount_options_get(&o, "rsiz"));
	assert_null(mount_options_get(&o, ""));
	mount_options_free(&o);
}

/* The parse result must not point into the caller's string. */
static void test_result_owns_strings(void **state)
{
	char *s = strdup("netns=ctr1,clientaddr=10.0.0.1,rsize=4096,frob");
	struct mount_options o;

	assert_non_null(s);
	parse_ok(s, true, &o);
	memset(s, 'Z', strlen(s));
	free(s);
	assert_string_equal(o.netns, "ctr1");
	assert_string_equal(o.clientaddr, "10.0.0.1");
	assert_string_equal(mount_options_get(&o, "rsize"), "4096");
	assert_string_equal(o.ignored[0], "frob");
	mount_options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_empty_name_rejected),
		cmocka_unit_test(test_free_resets),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_uint_bounds),
		cmocka_unit_test(test_uint_values_reach_fields_and_kernel),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_unknown_rejected),
		cmocka_unit_test(test_error_option_truncated),
		cmocka_unit_test(test_kernel_params_in_order),
		cmocka_unit_test(test_repeats_last_value_wins),
		cmocka_unit_test(test_repeats_keep_last_position),
		cmocka_unit_test(test_netns_never_reaches_kernel),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_v2_v3_udp_rdma_unsupported),
		cmocka_unit_test(test_tcp_transport),
		cmocka_unit_test(test_addr_and_source_refused),
		cmocka_unit_test(test_clientaddr),
		cmocka_unit_test(test_sec),
		cmocka_unit_test(test_sloppy_argument_drops_unknowns),
		cmocka_unit_test(test_sloppy_option_anywhere),
		cmocka_unit_test(test_sloppy_still_validates_known),
		cmocka_unit_test(test_userspace_options_ignored),
		cmocka_unit_test(test_many_ignored_bounded),
		cmocka_unit_test(test_control_characters_rejected),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_many_params),
		cmocka_unit_test(test_vfs_flags),
		cmocka_unit_test(test_kernel_string_round_trip),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_result_owns_strings),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
