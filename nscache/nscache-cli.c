/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nscache: look at and tidy nsnfs's records of NFS mounts and network
 * namespaces; `watch` keeps them in step with the system; `diagnose` finds
 * mounts whose transport lives somewhere unexpected.  Front-end code: it
 * prints the messages and picks the exit codes; libnscache does the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/kfeatures.h"
#include "common/log.h"
#include "common/modload.h"
#include "common/macro.h"
#include "common/netns.h"
#include "common/worker.h"
#include "common/parse.h"
#include "nscache/dnschan.h"
#include "nscache/nscache-internal.h"
#include "nscache/nscache.h"

#define NSEC_PER_SEC UINT64_C(1000000000)

enum {
	EXIT_OK = 0,
	EXIT_FOUND = 1, /* diagnose found something; drop refused; show: not recorded */
	EXIT_USAGE = 2,
	EXIT_ERROR = 3,
};

static struct {
	const char *dir;
	bool json;
	bool pretty;
	int verbose;
} arg = { 0 };

/* ---- small output helpers ------------------------------------------------------------------- */

/* Control characters as mountinfo writes them (\012); for human output. */
static const char *esc(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 5 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%03o", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	return buf;
}

static const char *age(uint64_t then_ns, char *buf, size_t size)
{
	uint64_t now = nscache_realtime_ns(), s;

	if (!then_ns) {
		snprintf(buf, size, "-");
		return buf;
	}
	s = now > then_ns ? (now - then_ns) / NSEC_PER_SEC : 0;
	if (s < 120)
		snprintf(buf, size, "%" PRIu64 "s", s);
	else if (s < 7200)
		snprintf(buf, size, "%" PRIu64 "m", s / 60);
	else if (s < 172800)
		snprintf(buf, size, "%" PRIu64 "h", s / 3600);
	else
		snprintf(buf, size, "%" PRIu64 "d", s / 86400);
	return buf;
}

static const char *devstr(uint64_t dev, char *buf, size_t size)
{
	snprintf(buf, size, "%u:%u", major(dev), minor(dev));
	return buf;
}

static const char *versions(uint32_t mask, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned v = 0; v < 32 && o < size; v++)
		if (mask & (1u << v))
			o += (size_t)snprintf(buf + o, size - o, "%s4.%u", o ? "," : "", v);
	if (!buf[0])
		snprintf(buf, size, "-");
	return buf;
}

/* A table printed with columns as wide as their widest cell. */
#define TABLE_COLS_MAX 10
struct table {
	size_t ncols;
	const char *head[TABLE_COLS_MAX];
	char **cells; /* row-major */
	size_t nrows, cap;
};

static void table_init(struct table *t, size_t ncols, ...)
{
	va_list ap;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	va_start(ap, ncols);
	for (size_t i = 0; i < ncols; i++)
		t->head[i] = va_arg(ap, const char *);
	va_end(ap);
}

/* Cells as strings (copied). */
static void table_row(struct table *t, ...)
{
	va_list ap;

	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		char **nc = realloc(t->cells, ncap * t->ncols * sizeof(char *));

		if (!nc) {
			perror("nscache");
			exit(EXIT_ERROR);
		}
		t->cells = nc;
		t->cap = ncap;
	}
	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		t->cells[t->nrows * t->ncols + i] = strdup(s ? s : "-");
	}
	va_end(ap);
	t->nrows++;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

static void table_print(struct table *t, const char *indent)
{
	size_t w[TABLE_COLS_MAX] = { 0 };

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t l = s ? strlen(s) : 0;

			if (l > w[c])
				w[c] = l;
		}
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		fputs(indent, stdout);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->head[c] : t->cells[(r - 1) * t->ncols + c];

			if (!s)
				s = "?";
			if (c + 1 == t->ncols)
				printf("%s\n", s);
			else
				printf("%-*s  ", (int)w[c], s);
		}
	}
	table_free(t);
}

/* ---- JSON (compact like `ip -j`, or indented with --pretty) ----------------------------------- */

static struct {
	int depth;
	bool need_comma[64];
	bool after_key;
} js;

static void j_sep(void)
{
	if (js.after_key) {
		js.after_key = false;
		return;
	}
	if (js.depth > 0 && js.need_comma[js.depth])
		putchar(',');
	if (arg.pretty && js.depth > 0) {
		putchar('\n');
		for (int i = 0; i < js.depth; i++)
			fputs("  ", stdout);
	}
	js.need_comma[js.depth] = true;
}

static void j_string_raw(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				printf("\\u%04x", ch);
			else
				putchar(ch);
		}
	}
	putchar('"');
}

static void j_open(char ch)
{
	j_sep();
	putchar(ch);
	js.depth++;
	js.need_comma[js.depth] = false;
}

static void j_close(char ch)
{
	bool had = js.need_comma[js.depth];

	js.depth--;
	if (arg.pretty && had) {
		putchar('\n');
		for (int i = 0; i < js.depth; i++)
			fputs("  ", stdout);
	}
	putchar(ch);
	if (js.depth == 0)
		putchar('\n');
}

static void j_key(const char *k)
{
	j_sep();
	j_string_raw(k);
	putchar(':');
	if (arg.pretty)
		putchar(' ');
	js.after_key = true;
}

static void j_str(const char *k, const char *v)
{
	if (k)
		j_key(k);
	j_sep();
	if (v)
		j_string_raw(v);
	else
		fputs("null", stdout);
}

static void j_u64(const char *k, uint64_t v)
{
	if (k)
		j_key(k);
	j_sep();
	printf("%" PRIu64, v);
}

static void j_i64(const char *k, int64_t v)
{
	if (k)
		j_key(k);
	j_sep();
	printf("%" PRId64, v);
}

static void j_bool(const char *k, bool v)
{
	if (k)
		j_key(k);
	j_sep();
	fputs(v ? "true" : "false", stdout);
}

static void j_null(const char *k)
{
	if (k)
		j_key(k);
	j_sep();
	fputs("null", stdout);
}

static void j_obj(const char *k)
{
	if (k)
		j_key(k);
	j_open('{');
}

static void j_arr(const char *k)
{
	if (k)
		j_key(k);
	j_open('[');
}

/* ---- store access ----------------------------------------------------------------------------- */

static int open_store(unsigned flags, struct nscache **ret)
{
	int r = nscache_open(arg.dir, flags, ret);

	if (r < 0)
		log_error("cannot open the store in %s: %s", arg.dir ? arg.dir : "the default directory",
			  strerror(-r));
	return r;
}

/* cookie -> label of the netns records, for the tables. */
struct labels {
	struct {
		uint64_t cookie;
		char label[NSCACHE_PATH_MAX + 16];
	} *v;
	size_t n, cap;
};

static int labels_add(const struct nscache_netns *n, void *userdata)
{
	struct labels *l = userdata;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		void *p = realloc(l->v, ncap * sizeof(*l->v));

		if (!p)
			return -ENOMEM;
		l->v = p;
		l->cap = ncap;
	}
	l->v[l->n].cookie = n->cookie;
	nscache_netns_label(n, l->v[l->n].label, sizeof(l->v[0].label));
	l->n++;
	return 0;
}

static const char *label_of(const struct labels *l, uint64_t cookie, char *buf, size_t size)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].cookie == cookie)
			return l->v[i].label;
	snprintf(buf, size, "cookie %" PRIu64, cookie);
	return buf;
}

/* ---- record output ---------------------------------------------------------------------------- */

static void json_addr(const char *key, const struct nscache_addr *a)
{
	char buf[80];

	j_str(key, nscache_addr_to_string(a, false, buf, sizeof(buf)));
}

static void json_versions(const char *key, uint32_t mask)
{
	j_arr(key);
	for (unsigned v = 0; v < 32; v++)
		if (mask & (1u << v)) {
			char s[8];

			snprintf(s, sizeof(s), "4.%u", v);
			j_str(NULL, s);
		}
	j_close(']');
}

static void json_netns(const struct nscache_netns *n)
{
	j_obj(NULL);
	j_u64("cookie", n->cookie);
	j_str("source_kind", nscache_source_string(n->source_kind));
	if (n->source_kind == NSCACHE_SOURCE_PID)
		j_u64("pid", n->pid);
	else
		j_str("source", n->source_kind == NSCACHE_SOURCE_CALLER ? NULL : n->source);
	if (n->ino)
		j_u64("inode", n->ino);
	else
		j_null("inode");
	if (n->nsid >= 0) {
		j_i64("nsid", n->nsid);
		j_u64("nsid_netns", n->nsid_owner);
	} else {
		j_null("nsid");
	}
	j_str("client_id", n->client_id[0] ? n->client_id : NULL);
	j_bool("client_id_set", n->client_id_set);
	j_u64("created", n->created_ns / NSEC_PER_SEC);
	j_u64("mounts", n->refcount);
	j_close('}');
}

static void json_server(const struct nscache_server *s)
{
	j_obj(NULL);
	j_u64("netns", s->cookie);
	json_addr("address", &s->addr);
	j_u64("port", s->addr.port);
	j_arr("names");
	for (unsigned i = 0; i < s->n_names; i++)
		j_str(NULL, s->names[i]);
	j_close(']');
	json_versions("minor_versions", s->minor_versions);
	if (s->minor_version >= 0)
		j_i64("minor_version", s->minor_version);
	else
		j_null("minor_version");
	if (s->probe_ns)
		j_u64("probed", s->probe_ns / NSEC_PER_SEC);
	else
		j_null("probed");
	j_u64("created", s->created_ns / NSEC_PER_SEC);
	j_u64("mounts", s->refcount);
	j_close('}');
}

static void json_mount(const struct nscache_mount *m)
{
	char dev[32];

	j_obj(NULL);
	j_u64("mount_id", m->mount_id);
	j_str("dev", devstr(m->dev, dev, sizeof(dev)));
	j_u64("netns", m->cookie);
	json_addr("server", &m->server);
	j_u64("port", m->server.port);
	if (m->minor_version >= 0)
		j_i64("minor_version", m->minor_version);
	else
		j_null("minor_version");
	j_str("spec", m->spec[0] ? m->spec : NULL);
	j_str("mount_point", m->mount_point);
	j_u64("mount_ns", m->mnt_ns);
	j_u64("created", m->created_ns / NSEC_PER_SEC);
	j_close('}');
}

static void json_resolver(const struct nscache_resolver *r)
{
	uint64_t now = nscache_boottime_ns();

	j_obj(NULL);
	j_u64("netns", r->cookie);
	j_str("name", r->name);
	j_str("error", r->error ? strerror(-r->error) : NULL);
	j_arr("addresses");
	for (unsigned i = 0; i < r->n_addrs; i++)
		json_addr(NULL, &r->addrs[i]);
	j_close(']');
	j_i64("expires_in", r->expires_boot_ns > now ? (int64_t)((r->expires_boot_ns - now) / NSEC_PER_SEC) : 0);
	j_u64("created", r->created_ns / NSEC_PER_SEC);
	j_close('}');
}

/* Collected rows for the human tables. */
struct listing {
	struct labels labels;
	struct table netns, servers, mounts, resolver;
	bool json;
	unsigned count;
};

static int list_netns(const struct nscache_netns *n, void *userdata)
{
	struct listing *l = userdata;
	char cookie[24], nsid[24], refs[16], cid[NSCACHE_CLIENTID_MAX + 16], ag[16], lab[NSCACHE_PATH_MAX + 16],
		e[NSCACHE_PATH_MAX * 4 + 1];

	l->count++;
	if (l->json) {
		json_netns(n);
		return 0;
	}
	nscache_netns_label(n, lab, sizeof(lab));
	snprintf(cookie, sizeof(cookie), "%" PRIu64, n->cookie);
	if (n->nsid >= 0)
		snprintf(nsid, sizeof(nsid), "%d", n->nsid);
	else
		snprintf(nsid, sizeof(nsid), "-");
	snprintf(refs, sizeof(refs), "%u", n->refcount);
	snprintf(cid, sizeof(cid), "%s%s", n->client_id[0] ? n->client_id : "-",
		 n->client_id_set ? " (set)" : "");
	table_row(&l->netns, esc(lab, e, sizeof(e)), cookie, nsid, refs, cid, age(n->created_ns, ag, sizeof(ag)));
	return 0;
}

static int list_server(const struct nscache_server *s, void *userdata)
{
	struct listing *l = userdata;
	char a[80], names[NSCACHE_SERVER_NAMES_MAX * (NSCACHE_NAME_MAX + 1) + 8] = "", v[64], refs[16],
		ag[16], tmp[64];
	size_t o = 0;

	l->count++;
	if (l->json) {
		json_server(s);
		return 0;
	}
	for (unsigned i = 0; i < s->n_names; i++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? "," : "", s->names[i]);
	snprintf(refs, sizeof(refs), "%u", s->refcount);
	versions(s->minor_versions, v, sizeof(v));
	table_row(&l->servers, nscache_addr_to_string(&s->addr, true, a, sizeof(a)),
		  label_of(&l->labels, s->cookie, tmp, sizeof(tmp)), names[0] ? names : "-", v, refs,
		  age(s->probe_ns, ag, sizeof(ag)));
	return 0;
}

static int list_mount(const struct nscache_mount *m, void *userdata)
{
	struct listing *l = userdata;
	char id[24], dev[32], a[80], vers[16], mntns[24], tmp[64], e[NSCACHE_PATH_MAX * 4 + 1];

	l->count++;
	if (l->json) {
		json_mount(m);
		return 0;
	}
	snprintf(id, sizeof(id), "%" PRIu64, m->mount_id);
	if (m->minor_version >= 0)
		snprintf(vers, sizeof(vers), "4.%d", m->minor_version);
	else
		snprintf(vers, sizeof(vers), "-");
	snprintf(mntns, sizeof(mntns), "%" PRIu64, m->mnt_ns);
	table_row(&l->mounts, id, devstr(m->dev, dev, sizeof(dev)),
		  label_of(&l->labels, m->cookie, tmp, sizeof(tmp)),
		  nscache_addr_to_string(&m->server, true, a, sizeof(a)), vers, mntns,
		  esc(m->mount_point, e, sizeof(e)));
	return 0;
}

static int list_resolver(const struct nscache_resolver *r, void *userdata)
{
	struct listing *l = userdata;
	char answer[NSCACHE_RESOLVER_ADDRS_MAX * 64] = "", exp[32], tmp[64];
	uint64_t now = nscache_boottime_ns();
	size_t o = 0;

	l->count++;
	if (l->json) {
		json_resolver(r);
		return 0;
	}
	if (r->error)
		snprintf(answer, sizeof(answer), "negative: %s", strerror(-r->error));
	for (unsigned i = 0; i < r->n_addrs; i++) {
		char a[80];

		o += (size_t)snprintf(answer + o, sizeof(answer) - o, "%s%s", i ? "," : "",
				      nscache_addr_to_string(&r->addrs[i], false, a, sizeof(a)));
	}
	if (r->expires_boot_ns > now)
		snprintf(exp, sizeof(exp), "%" PRIu64 "s", (r->expires_boot_ns - now) / NSEC_PER_SEC);
	else
		snprintf(exp, sizeof(exp), "expired");
	table_row(&l->resolver, label_of(&l->labels, r->cookie, tmp, sizeof(tmp)), r->name, answer, exp);
	return 0;
}

static void listing_init(struct listing *l)
{
	memset(l, 0, sizeof(*l));
	l->json = arg.json;
	table_init(&l->netns, 6, "NETNS", "COOKIE", "NSID", "MOUNTS", "CLIENT ID", "AGE");
	table_init(&l->servers, 6, "SERVER", "NETNS", "NAMES", "VERSIONS", "MOUNTS", "PROBED");
	table_init(&l->mounts, 7, "MOUNT", "DEV", "NETNS", "SERVER", "VERS", "MNTNS", "MOUNT POINT");
	table_init(&l->resolver, 4, "NETNS", "NAME", "ANSWER", "EXPIRES");
}

static void listing_print(struct listing *l, const char *indent, bool titles)
{
	struct table *t[] = { &l->netns, &l->servers, &l->mounts, &l->resolver };
	bool first = true;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (t[i]->nrows == 0) {
			table_free(t[i]);
			continue;
		}
		(void)titles;
		if (!first)
			putchar('\n');
		first = false;
		table_print(t[i], indent);
	}
	free(l->labels.v);
}

/* ---- list ----------------------------------------------------------------------------------- */

static int cmd_list(struct nscache *c)
{
	struct listing l;
	int r;

	listing_init(&l);
	r = nscache_foreach_netns(c, labels_add, &l.labels);
	if (r < 0)
		goto fail;
	if (l.json) {
		j_obj(NULL);
		j_arr("netns");
	}
	r = nscache_foreach_netns(c, list_netns, &l);
	if (r < 0)
		goto fail;
	if (l.json) {
		j_close(']');
		j_arr("servers");
	}
	r = nscache_foreach_server(c, 0, list_server, &l);
	if (r < 0)
		goto fail;
	if (l.json) {
		j_close(']');
		j_arr("mounts");
	}
	r = nscache_foreach_mount(c, 0, list_mount, &l);
	if (r < 0)
		goto fail;
	if (l.json) {
		j_close(']');
		j_arr("resolver");
	}
	r = nscache_foreach_resolver(c, 0, list_resolver, &l);
	if (r < 0)
		goto fail;
	if (l.json) {
		j_close(']');
		j_close('}');
		free(l.labels.v);
		return EXIT_OK;
	}
	if (l.count == 0)
		printf("no records in %s\n", nscache_dir(c));
	listing_print(&l, "", true);
	return EXIT_OK;
fail:
	log_error("reading the store: %s", strerror(-r));
	free(l.labels.v);
	return EXIT_ERROR;
}

/* ---- netns specs -> cookies ------------------------------------------------------------------- */

struct by_source {
	enum nscache_source kind;
	const char *source;
	pid_t pid;
	uint64_t cookies[64];
	size_t n;
};

static int match_source(const struct nscache_netns *n, void *userdata)
{
	struct by_source *b = userdata;

	if (n->source_kind != b->kind || b->n == ARRAY_SIZE(b->cookies))
		return 0;
	if ((b->kind == NSCACHE_SOURCE_PID && n->pid == (uint32_t)b->pid) ||
	    (b->kind != NSCACHE_SOURCE_PID && strcmp(n->source, b->source) == 0))
		b->cookies[b->n++] = n->cookie;
	return 0;
}

/*
 * A --netns SPEC: the cookie of the live netns it opens; if it opens nothing
 * (deleted), the records first made under that same spec.  Fills up to max
 * cookies; returns how many, or -errno (message printed).
 */
static int spec_cookies(struct nscache *c, const char *s, uint64_t *cookies, size_t max)
{
	struct netns_spec spec;
	_cleanup_close_ int fd = -EBADF;
	struct by_source b = { 0 };
	uint64_t cookie;
	int r;

	r = netns_spec_parse(s, &spec);
	if (r < 0) {
		log_error("invalid netns spec '%s': %s", s, strerror(-r));
		return r;
	}
	r = netns_spec_open(&spec, &fd);
	if (r >= 0) {
		r = netns_cookie(fd, &cookie);
		if (r < 0) {
			log_error("netns %s: cannot read its cookie: %s", s, strerror(-r));
			return r;
		}
		cookies[0] = cookie;
		return 1;
	}
	if (spec.kind == NETNS_SPEC_CALLER) {
		log_error("netns %s: %s", s, strerror(-r));
		return r;
	}
	b.kind = (enum nscache_source)spec.kind;
	b.source = spec.kind == NETNS_SPEC_NAME ? spec.name : spec.path;
	b.pid = spec.pid;
	if (nscache_foreach_netns(c, match_source, &b) < 0 || b.n == 0) {
		log_error("netns %s: %s, and no record names it", s, strerror(-r));
		return -ENOENT;
	}
	for (size_t i = 0; i < b.n && i < max; i++)
		cookies[i] = b.cookies[i];
	return (int)(b.n < max ? b.n : max);
}

static int parse_cookie(const char *s, uint64_t *ret)
{
	if (parse_uint64(s, 1, UINT64_MAX, ret) < 0) {
		log_error("invalid cookie '%s'", s);
		return -EINVAL;
	}
	return 0;
}

/* ---- show ----------------------------------------------------------------------------------- */

/*
 * The kernel-patches/ features of the running kernel: presence is global; the
 * shutdown knob's value is per netns (ours here), so only presence is shown.
 */
static void show_kernel_features(void)
{
	struct kfeature_state f[KFEATURE_MAX];

	kfeatures_read(f, NULL);
	f[KFEATURE_NETNS_SHUTDOWN].value[0] = '\0';
	if (arg.json) {
		j_obj("kernel");
		for (size_t i = 0; i < KFEATURE_MAX; i++) {
			if (!f[i].value[0])
				j_bool(f[i].key, f[i].present);
			else
				j_str(f[i].key, f[i].value);
		}
		j_close('}');
		return;
	}
	printf("kernel    ");
	for (size_t i = 0; i < KFEATURE_MAX; i++)
		printf("%s %s%s%s", i ? "," : "", f[i].name,
		       !f[i].present ? " absent" : f[i].value[0] ? " = " : " present", f[i].value);
	putchar('\n');
}

static void show_netns_block(struct nscache *c, const struct nscache_netns *n)
{
	struct listing l;
	char lab[NSCACHE_PATH_MAX + 16], ag[16], e[NSCACHE_PATH_MAX * 4 + 1];
	time_t t = (time_t)(n->created_ns / NSEC_PER_SEC);
	struct tm tm;
	char when[64];

	listing_init(&l);
	(void)labels_add(n, &l.labels);
	if (l.json) {
		j_obj(NULL);
		j_key("netns");
		json_netns(n);
		j_arr("servers");
		(void)nscache_foreach_server(c, n->cookie, list_server, &l);
		j_close(']');
		j_arr("mounts");
		(void)nscache_foreach_mount(c, n->cookie, list_mount, &l);
		j_close(']');
		j_arr("resolver");
		(void)nscache_foreach_resolver(c, n->cookie, list_resolver, &l);
		j_close(']');
		show_kernel_features();
		j_close('}');
		free(l.labels.v);
		return;
	}
	nscache_netns_label(n, lab, sizeof(lab));
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("netns      %s (%s)\n", esc(lab, e, sizeof(e)), nscache_source_string(n->source_kind));
	printf("cookie     %" PRIu64 "\n", n->cookie);
	if (n->ino)
		printf("inode      %" PRIu64 "\n", n->ino);
	if (n->nsid >= 0)
		printf("nsid       %d (in the netns with cookie %" PRIu64 ")\n", n->nsid, n->nsid_owner);
	else
		printf("nsid       none\n");
	printf("client id  %s%s\n", n->client_id[0] ? n->client_id : "unknown",
	       n->client_id_set ? " (set by nsnfs)" : "");
	printf("created    %s (%s ago)\n", when, age(n->created_ns, ag, sizeof(ag)));
	printf("mounts     %u\n", n->refcount);
	show_kernel_features();
	(void)nscache_foreach_server(c, n->cookie, list_server, &l);
	(void)nscache_foreach_mount(c, n->cookie, list_mount, &l);
	(void)nscache_foreach_resolver(c, n->cookie, list_resolver, &l);
	table_free(&l.netns);
	if (l.servers.nrows + l.mounts.nrows + l.resolver.nrows)
		putchar('\n');
	listing_print(&l, "  ", false);
}

struct server_match {
	struct nscache_addr a;
	struct listing *l;
};

static int show_server_match(const struct nscache_server *s, void *userdata)
{
	struct server_match *x = userdata;

	return nscache_addr_equal(&s->addr, &x->a) ? list_server(s, x->l) : 0;
}

static int cmd_show(struct nscache *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' }, { "cookie", required_argument, NULL, 'c' },
		{ "mount", required_argument, NULL, 'm' }, { "server", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },	   { "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },	   {},
	};
	const char *netns = NULL, *mount = NULL, *server = NULL;
	uint64_t cookies[64];
	int n_cookies = 0, ch, r;

	while ((ch = getopt_long(argc, argv, "n:c:m:s:jph", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			netns = optarg;
			break;
		case 'c':
			if (parse_cookie(optarg, &cookies[0]) < 0)
				return EXIT_USAGE;
			n_cookies = 1;
			break;
		case 'm':
			mount = optarg;
			break;
		case 's':
			server = optarg;
			break;
		case 'j':
			arg.json = true;
			break;
		case 'p':
			arg.pretty = arg.json = true;
			break;
		case 'h':
			printf("usage: nscache show NETNS | --netns SPEC | --cookie N | --mount DIR | --server ADDR\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc && !netns)
		netns = argv[optind++];
	if (optind != argc || (!!netns + !!n_cookies + !!mount + !!server) != 1) {
		log_error("show: give exactly one of NETNS, --cookie, --mount, --server");
		return EXIT_USAGE;
	}

	if (mount) {
		struct nscache_mount *m = malloc(sizeof(*m));
		struct nscache_mount_ref ref = { 0 };
		uint64_t id, dev;

		if (!m)
			return EXIT_ERROR;
		r = nscache_mount_identify(AT_FDCWD, mount, &id, &dev);
		if (r == 0) {
			ref.mount_id = id;
			ref.dev = dev;
			r = nscache_mount_find(c, &ref, m);
		}
		if (r == -ENOENT || r == -EINVAL) {
			/* Not (or no longer) mounted: look it up by its mount point. */
			memset(&ref, 0, sizeof(ref));
			ref.mount_point = mount;
			(void)nscache_self_mnt_ns(&ref.mnt_ns);
			r = nscache_mount_find(c, &ref, m);
		}
		if (r < 0) {
			log_error("%s: %s", mount, r == -ENOENT ? "no mount recorded there" : strerror(-r));
			free(m);
			return r == -ENOENT ? EXIT_FOUND : EXIT_ERROR;
		}
		if (arg.json) {
			json_mount(m);
		} else {
			struct listing l;

			listing_init(&l);
			(void)nscache_foreach_netns(c, labels_add, &l.labels);
			list_mount(m, &l);
			listing_print(&l, "", false);
		}
		free(m);
		return EXIT_OK;
	}
	if (server) {
		struct nscache_addr a;
		struct listing l;
		struct server_match ctx;

		if (nscache_addr_parse(server, &a) < 0) {
			log_error("invalid server address '%s'", server);
			return EXIT_USAGE;
		}
		listing_init(&l);
		(void)nscache_foreach_netns(c, labels_add, &l.labels);
		ctx.a = a;
		ctx.l = &l;
		if (l.json)
			j_arr(NULL);
		r = nscache_foreach_server(c, 0, show_server_match, &ctx);
		if (l.json) {
			j_close(']');
			free(l.labels.v);
		} else {
			if (l.count == 0)
				log_error("no server %s recorded", server);
			listing_print(&l, "", false);
		}
		return r < 0 ? EXIT_ERROR : l.count ? EXIT_OK : EXIT_FOUND;
	}
	if (netns) {
		n_cookies = spec_cookies(c, netns, cookies, ARRAY_SIZE(cookies));
		if (n_cookies < 0)
			return n_cookies == -EINVAL ? EXIT_USAGE : EXIT_FOUND;
	}
	for (int i = 0; i < n_cookies; i++) {
		struct nscache_netns *n = malloc(sizeof(*n));

		if (!n)
			return EXIT_ERROR;
		r = nscache_netns_get(c, cookies[i], n);
		if (r < 0) {
			if (r == -ENOENT)
				log_error("netns %s (cookie %" PRIu64 "): nothing recorded",
					  netns ? netns : "", cookies[i]);
			else
				log_error("reading netns cookie %" PRIu64 ": %s", cookies[i], strerror(-r));
			free(n);
			return r == -ENOENT ? EXIT_FOUND : EXIT_ERROR;
		}
		if (i > 0 && !arg.json)
			putchar('\n');
		show_netns_block(c, n);
		free(n);
	}
	return EXIT_OK;
}

/* ---- drop ------------------------------------------------------------------------------------- */

static void print_drop(const char *what, const struct nscache_drop_result *d)
{
	if (arg.json) {
		j_obj(NULL);
		j_str("dropped", what);
		j_u64("netns", d->netns);
		j_u64("servers", d->servers);
		j_u64("mounts", d->mounts);
		j_u64("resolver", d->resolver);
		j_close('}');
		return;
	}
	printf("dropped %s: %u netns, %u server, %u mount, %u resolver records\n", what, d->netns,
	       d->servers, d->mounts, d->resolver);
}

static int cmd_drop(struct nscache *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' }, { "cookie", required_argument, NULL, 'c' },
		{ "server", required_argument, NULL, 's' }, { "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },	    { "help", no_argument, NULL, 'h' },
		{},
	};
	const char *netns = NULL, *server = NULL;
	uint64_t cookies[64];
	int n_cookies = 0, ch, r, rc = EXIT_OK;
	unsigned flags = 0;

	while ((ch = getopt_long(argc, argv, "n:c:s:fjh", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			netns = optarg;
			break;
		case 'c':
			if (parse_cookie(optarg, &cookies[0]) < 0)
				return EXIT_USAGE;
			n_cookies = 1;
			break;
		case 's':
			server = optarg;
			break;
		case 'f':
			flags |= NSCACHE_DROP_FORCE;
			break;
		case 'j':
			arg.json = true;
			break;
		case 'h':
			printf("usage: nscache drop --netns SPEC | --cookie N | --server ADDR[:PORT] "
			       "[--netns SPEC] [--force]\n"
			       "Drops records only; never unmounts.  Refuses while mounts are recorded "
			       "live unless --force.\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (!netns && !n_cookies && !server) || (netns && n_cookies)) {
		log_error("drop: give --netns SPEC, --cookie N or --server ADDR");
		return EXIT_USAGE;
	}
	if (netns) {
		n_cookies = spec_cookies(c, netns, cookies, ARRAY_SIZE(cookies));
		if (n_cookies < 0)
			return n_cookies == -EINVAL ? EXIT_USAGE : EXIT_FOUND;
	}
	if (server) {
		struct nscache_addr a;
		struct nscache_drop_result d = { 0 };
		char what[128];

		if (nscache_addr_parse(server, &a) < 0) {
			log_error("invalid server address '%s' (ADDR, ADDR:PORT or [V6]:PORT)", server);
			return EXIT_USAGE;
		}
		for (int i = 0; i < (n_cookies ? n_cookies : 1); i++) {
			r = nscache_server_drop(c, n_cookies ? cookies[i] : 0, &a, flags, &d);
			if (r == -EBUSY) {
				log_error("server %s has live mounts recorded; not dropping (--force drops "
					  "the records anyway; nothing is unmounted)", server);
				return EXIT_FOUND;
			}
			if (r == -ENOENT) {
				log_error("no server %s recorded%s%s", server, netns ? " in netns " : "",
					  netns ? netns : "");
				return EXIT_FOUND;
			}
			if (r < 0) {
				log_error("dropping server %s: %s", server, strerror(-r));
				return EXIT_ERROR;
			}
			snprintf(what, sizeof(what), "server %s", server);
			print_drop(what, &d);
		}
		return EXIT_OK;
	}
	for (int i = 0; i < n_cookies; i++) {
		struct nscache_drop_result d = { 0 };
		struct nscache_netns n;
		char what[NSCACHE_PATH_MAX + 64], label[NSCACHE_PATH_MAX + 32];
		bool recorded = nscache_netns_get(c, cookies[i], &n) == 0;

		if (recorded)
			nscache_netns_label(&n, label, sizeof(label));
		else
			snprintf(label, sizeof(label), "%s", netns ? netns : "");
		snprintf(what, sizeof(what), "netns %s%s(cookie %" PRIu64 ")", label, label[0] ? " " : "",
			 cookies[i]);
		if (recorded && n.refcount && !(flags & NSCACHE_DROP_FORCE)) {
			log_error("%s has %u live mount%s recorded; not dropping (--force drops the "
				  "records anyway; nothing is unmounted)",
				  what, n.refcount, n.refcount == 1 ? "" : "s");
			return EXIT_FOUND;
		}
		r = nscache_netns_drop(c, cookies[i], flags, &d);
		if (r == -EBUSY) {
			log_error("%s has live mounts recorded; not dropping (--force drops the records "
				  "anyway; nothing is unmounted)", what);
			return EXIT_FOUND;
		}
		if (r == -ENOENT) {
			log_error("%s: nothing recorded", what);
			rc = EXIT_FOUND;
			continue;
		}
		if (r < 0) {
			log_error("dropping %s: %s", what, strerror(-r));
			return EXIT_ERROR;
		}
		print_drop(what, &d);
	}
	return rc;
}

/* ---- gc / watch events ------------------------------------------------------------------------- */

static void print_event(const struct nscache_event *ev, void *userdata)
{
	bool stamp = userdata != NULL;
	char e[NSCACHE_PATH_MAX * 4 + 1], ts[32] = "";

	if (ev->kind == NSCACHE_EVENT_WATCHING && !arg.verbose && !arg.json)
		return;
	if (stamp) {
		struct timespec now;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &now);
		localtime_r(&now.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%03ld ", now.tv_nsec / 1000000);
	}
	if (arg.json) {
		j_obj(NULL);
		j_str("event", nscache_event_kind_string(ev->kind));
		if (stamp)
			j_u64("time_ms", nscache_realtime_ns() / 1000000);
		if (ev->cookie)
			j_u64("netns", ev->cookie);
		if (ev->mount_id)
			j_u64("mount_id", ev->mount_id);
		if (ev->nsid >= 0)
			j_i64("nsid", ev->nsid);
		if (ev->error)
			j_str("error", strerror(-ev->error));
		j_str("what", ev->what);
		if (ev->detail[0])
			j_str("detail", ev->detail);
		j_close('}');
		fflush(stdout);
		return;
	}
	printf("%s%-16s", ts, nscache_event_kind_string(ev->kind));
	if (ev->cookie)
		printf(" netns=%" PRIu64, ev->cookie);
	if (ev->mount_id)
		printf(" mount=%" PRIu64, ev->mount_id);
	if (ev->nsid >= 0)
		printf(" nsid=%d", ev->nsid);
	if (ev->detail[0])
		printf(" %s", esc(ev->detail, e, sizeof(e)));
	printf(": %s", ev->what);
	if (ev->error)
		printf(": %s", strerror(-ev->error));
	putchar('\n');
	fflush(stdout);
}

static int cmd_gc(struct nscache *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep-netns", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct nscache_gc_result res = { 0 };
	unsigned flags = 0;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "kjh", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			flags |= NSCACHE_GC_KEEP_NETNS;
			break;
		case 'j':
			arg.json = true;
			break;
		case 'h':
			printf("usage: nscache gc [--keep-netns]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return EXIT_USAGE;
	if (arg.json) {
		j_obj(NULL);
		j_arr("events");
	}
	r = nscache_gc(c, flags, print_event, NULL, &res);
	if (arg.json) {
		j_close(']');
		if (r >= 0) {
			j_u64("mounts", res.mounts);
			j_u64("netns", res.netns);
			j_u64("servers", res.servers);
			j_u64("resolver", res.resolver);
			j_u64("refcounts", res.refcounts);
			j_u64("corrupt", res.corrupt);
		} else {
			j_str("error", strerror(-r));
		}
		j_close('}');
	}
	if (r < 0) {
		log_error("gc: %s", strerror(-r));
		return EXIT_ERROR;
	}
	if (!arg.json)
		printf("gc: dropped %u mount%s, %u netns, %u server records; %u resolver entries expired, "
		       "%u refcounts fixed, %u corrupt records removed\n",
		       res.mounts, res.mounts == 1 ? "" : "s", res.netns, res.servers, res.resolver,
		       res.refcounts, res.corrupt);
	return EXIT_OK;
}

static int cmd_watch(struct nscache *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct nscache_watch_options wo = { .stop_fd = -1, .on_event = print_event, .userdata = (void *)1 };
	_cleanup_close_ int sfd = -EBADF;
	uint64_t secs;
	sigset_t mask;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "i:jvh", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (parse_uint64(optarg, 1, 86400, &secs) < 0) {
				log_error("invalid --interval '%s' (1..86400 seconds)", optarg);
				return EXIT_USAGE;
			}
			wo.interval_s = (unsigned)secs;
			break;
		case 'j':
			arg.json = true;
			break;
		case 'v':
			arg.verbose++;
			break;
		case 'h':
			printf("usage: nscache watch [--interval SECS] [--json] [-v]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return EXIT_USAGE;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		log_error("signalfd: %s", strerror(errno));
		return EXIT_ERROR;
	}
	wo.stop_fd = sfd;
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = nscache_watch(c, &wo);
	if (r == -EALREADY) {
		log_error("another watcher is running on %s", nscache_dir(c));
		return EXIT_FOUND;
	}
	if (r < 0) {
		log_error("watch: %s", strerror(-r));
		return EXIT_ERROR;
	}
	if (arg.verbose)
		printf("nscache: watcher stopped\n");
	return EXIT_OK;
}

/* ---- diagnose ---------------------------------------------------------------------------------- */

/* ---- dns-channel ------------------------------------------------------------------------------ */

/* The one NETNS operand left after the options: parsed, described and opened. */
static int netns_operand(int argc, char **argv, const char *usage, struct netns_spec *spec,
			 char *desc, size_t desc_size, int *ret_fd)
{
	int r;

	if (optind != argc - 1) {
		log_error("usage: nscache %s", usage);
		return EXIT_USAGE;
	}
	r = netns_spec_parse(argv[optind], spec);
	if (r < 0) {
		log_error("invalid netns '%s': %s", argv[optind], strerror(-r));
		return EXIT_USAGE;
	}
	netns_spec_describe(spec, desc, desc_size);
	r = netns_spec_open(spec, ret_fd);
	if (r < 0) {
		log_error("cannot open netns %s: %s", desc, strerror(-r));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/*
 * The open channel pins its netns (the watcher holds no netns for that
 * reason), so stop when the netns is otherwise gone: its /run/netns name
 * removed, or its process exited.  -1 when there is nothing to watch.
 */
static int dns_channel_end_fd(const struct netns_spec *spec)
{
	int fd;

	if (spec->kind == NETNS_SPEC_PID)
		return (int)syscall(SYS_pidfd_open, spec->pid, 0);
	if (spec->kind != NETNS_SPEC_NAME)
		return -1;
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd >= 0 && inotify_add_watch(fd, "/run/netns", IN_DELETE | IN_MOVED_FROM) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Did the end fd fire for our netns (a pidfd always means it; inotify: our name)? */
static bool dns_channel_ended(const struct netns_spec *spec, int end_fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	if (spec->kind == NETNS_SPEC_PID)
		return true;
	while ((n = read(end_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len && strcmp(ev->name, spec->name) == 0)
				return true;
			p += sizeof(*ev) + ev->len;
		}
	}
	return false;
}

/*
 * Answer the kernel's legacy NFS DNS channel of one netns (referrals and
 * migration resolve names there) with that netns's own resolver, until
 * SIGTERM/SIGINT or the netns's name or process goes.  kernel-patches/ 0007
 * makes a non-init netns use it.
 */
static int cmd_dns_channel(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ttl", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct netns_spec spec;
	_cleanup_close_ int fd = -EBADF, chan = -EBADF, sfd = -EBADF, end_fd = -EBADF;
	char desc[NSCACHE_PATH_MAX + 16];
	uint64_t ttl = 300;
	sigset_t mask;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (parse_uint64(optarg, 1, 86400, &ttl) < 0) {
				log_error("invalid --ttl '%s' (1..86400 seconds)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: nscache dns-channel [--ttl SECS] NETNS\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	r = netns_operand(argc, argv, "dns-channel [--ttl SECS] NETNS", &spec, desc, sizeof(desc), &fd);
	if (r != EXIT_OK)
		return r;
	(void)module_load_alias("fs-nfs4"); /* the channel exists once the NFSv4 client is loaded */
	r = dnschan_open(&spec, fd, monotonic_ms() + 10000, &chan);
	if (r == -EPROTONOSUPPORT) {
		log_error("netns %s has no NFS DNS channel: this kernel resolves NFS names through its "
			  "keyring (CONFIG_NFS_USE_KERNEL_DNS), not the legacy resolver",
			  desc);
		return EXIT_ERROR;
	}
	if (r == -ENODEV) {
		log_error("netns %s has no NFS DNS channel: the kernel has no rpc_pipefs (sunrpc is "
			  "not loaded)",
			  desc);
		return EXIT_ERROR;
	}
	if (r < 0) {
		log_error("cannot open the NFS DNS channel of netns %s: %s", desc, strerror(-r));
		return EXIT_ERROR;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 || (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		log_error("signalfd: %s", strerror(errno));
		return EXIT_ERROR;
	}
	end_fd = dns_channel_end_fd(&spec);
	printf("answering the NFS DNS channel of netns %s (ttl %" PRIu64 " s)\n", desc, ttl);
	fflush(stdout);
	for (;;) {
		struct pollfd p[3] = { { .fd = chan, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN },
				       { .fd = end_fd, .events = POLLIN } };
		struct dnschan_answer a;
		char addr[INET6_ADDRSTRLEN];

		if (poll(p, end_fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			return EXIT_ERROR;
		}
		if (p[1].revents)
			return EXIT_OK;
		if (end_fd >= 0 && p[2].revents && dns_channel_ended(&spec, end_fd)) {
			printf("netns %s is gone: stopping\n", desc);
			return EXIT_OK;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		r = dnschan_answer_one(chan, &spec, fd, (unsigned)ttl, 5000, &a);
		if (r == -EAGAIN)
			continue;
		if (r == -EBADMSG) {
			log_error("netns %s: skipped a malformed request", desc);
			continue;
		}
		if (r < 0) {
			log_error("netns %s: answering failed: %s", desc, strerror(-r));
			continue;
		}
		if (a.found)
			printf("%s -> %s (ttl %u s)\n", a.name, addr_to_string(&a.addr, addr, sizeof(addr)),
			       a.ttl);
		else
			printf("%s: no address (%s)\n", a.name[0] ? a.name : a.qword,
			       a.resolve_error == -EINVAL ? "not a hostname" : strerror(-a.resolve_error));
		fflush(stdout);
	}
}

/* ---- shutdown -------------------------------------------------------------------------------- */

/*
 * Write the per-netns shutdown knob of kernel-patches/ 0004: every NFS RPC of
 * that netns fails with EIO at once, so hung processes return, its mounts can
 * be unmounted and the netns freed.  The caller's own netns needs --force.
 */
static int cmd_shutdown(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct netns_spec spec;
	_cleanup_close_ int fd = -EBADF;
	uint64_t cookie, own;
	bool force = false;
	char desc[NSCACHE_PATH_MAX + 16];
	int ch, r;

	while ((ch = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			force = true;
			break;
		case 'h':
			printf("usage: nscache shutdown [--force] NETNS\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	r = netns_operand(argc, argv, "shutdown [--force] NETNS", &spec, desc, sizeof(desc), &fd);
	if (r != EXIT_OK)
		return r;
	if (netns_cookie(fd, &cookie) < 0 || netns_cookie(-1, &own) < 0) {
		log_error("cannot identify netns %s", desc);
		return EXIT_ERROR;
	}
	if (cookie == own && !force) {
		log_error("netns %s is this process's own: shutting down its NFS clients fails every NFS "
			  "mount it has; give --force to do that",
			  desc);
		return EXIT_FOUND;
	}
	r = kfeature_netns_shutdown(&spec, fd, monotonic_ms() + 10000);
	if (r == -EOPNOTSUPP) {
		log_error("this kernel has no per-netns NFS shutdown "
			  "(/sys/fs/nfs/net/nfs_client/shutdown, kernel-patches/ 0004)");
		return EXIT_ERROR;
	}
	if (r == -ENOENT) {
		printf("netns %s: the kernel's NFS client is not loaded: nothing to shut down\n", desc);
		return EXIT_OK;
	}
	if (r < 0) {
		log_error("cannot shut down the NFS clients of netns %s: %s", desc, strerror(-r));
		return EXIT_ERROR;
	}
	printf("netns %s: NFS clients shut down; their RPCs fail with EIO, their mounts can be "
	       "unmounted\n",
	       desc);
	return EXIT_OK;
}

static int cmd_diagnose(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct nscache *c = NULL;
	struct nscache_diagnosis *d = NULL;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "jpvh", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			arg.json = true;
			break;
		case 'p':
			arg.pretty = arg.json = true;
			break;
		case 'v':
			arg.verbose++;
			break;
		case 'h':
			printf("usage: nscache diagnose [--json] [-v]\n"
			       "exit status: 0 nothing found, 1 findings, 3 error\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return EXIT_USAGE;
	r = nscache_open(arg.dir, NSCACHE_OPEN_READONLY, &c);
	if (r < 0) {
		log_error("cannot read the store (%s); diagnosing without it", strerror(-r));
		c = NULL;
	}
	r = nscache_diagnose(c, &d);
	nscache_close(c);
	if (r < 0) {
		log_error("diagnose: %s", strerror(-r));
		return EXIT_ERROR;
	}
	if (arg.json) {
		j_obj(NULL);
		j_arr("netns");
		for (size_t i = 0; i < d->n_netns; i++) {
			const struct nscache_diag_netns *n = &d->netns[i];

			j_obj(NULL);
			j_str("label", n->label);
			j_u64("inode", n->ino);
			if (n->cookie)
				j_u64("cookie", n->cookie);
			else
				j_null("cookie");
			if (n->pid)
				j_i64("pid", n->pid);
			else
				j_null("pid");
			j_u64("processes", n->n_procs);
			j_u64("nfs_servers", n->n_servers);
			j_u64("nfs_volumes", n->n_volumes);
			j_bool("recorded", n->recorded);
			if (n->error)
				j_str("error", strerror(-n->error));
			j_close('}');
		}
		j_close(']');
		j_arr("mounts");
		for (size_t i = 0; i < d->n_mounts; i++) {
			const struct nscache_diag_mount *m = &d->mounts[i];
			char dev[32];

			j_obj(NULL);
			j_u64("mount_id", m->mount_id);
			j_str("dev", devstr(m->dev, dev, sizeof(dev)));
			j_u64("mount_ns", m->mnt_ns);
			j_i64("mount_ns_pid", m->mnt_ns_pid);
			j_str("mount_point", m->mount_point);
			j_str("source", m->source);
			j_str("fstype", m->fstype);
			j_str("netns", m->netns >= 0 ? d->netns[m->netns].label : NULL);
			j_bool("recorded", m->recorded);
			j_close('}');
		}
		j_close(']');
		j_arr("findings");
		for (size_t i = 0; i < d->n_findings; i++) {
			const struct nscache_finding *f = &d->findings[i];
			char dev[32];

			j_obj(NULL);
			j_str("kind", nscache_finding_kind_string(f->kind));
			if (f->record)
				j_str("record", f->record);
			if (f->mount_id) {
				j_u64("mount_id", f->mount_id);
				j_str("dev", devstr(f->dev, dev, sizeof(dev)));
				j_u64("mount_ns", f->mnt_ns);
				j_str("mount_point", f->mount_point);
				j_str("source", f->source[0] ? f->source : NULL);
			}
			if (f->cookie)
				j_u64("cookie", f->cookie);
			if (f->netns[0])
				j_str("netns", f->netns);
			if (f->users[0])
				j_str("users", f->users);
			if (f->server.family)
				json_addr("server", &f->server);
			j_str("message", f->message);
			j_close('}');
		}
		j_close(']');
		j_u64("mount_namespaces", d->n_mnt_ns);
		j_u64("unreadable", d->n_unreadable);
		j_close('}');
	} else {
		char e[2048];

		if (arg.verbose) {
			struct table t;

			table_init(&t, 7, "NETNS", "INODE", "COOKIE", "PROCS", "SERVERS", "VOLUMES", "RECORDED");
			for (size_t i = 0; i < d->n_netns; i++) {
				const struct nscache_diag_netns *n = &d->netns[i];
				char ino[24], cookie[24], procs[16], sv[16], vol[16];

				snprintf(ino, sizeof(ino), "%" PRIu64, n->ino);
				snprintf(cookie, sizeof(cookie), "%" PRIu64, n->cookie);
				snprintf(procs, sizeof(procs), "%u", n->n_procs);
				snprintf(sv, sizeof(sv), "%u", n->n_servers);
				snprintf(vol, sizeof(vol), "%u", n->n_volumes);
				table_row(&t, esc(n->label, e, sizeof(e)), ino, n->cookie ? cookie : "-", procs,
					  n->error ? strerror(-n->error) : sv, vol, n->recorded ? "yes" : "no");
			}
			table_print(&t, "");
			putchar('\n');
			table_init(&t, 6, "MOUNT", "DEV", "MNTNS", "NETNS", "RECORDED", "MOUNT POINT");
			for (size_t i = 0; i < d->n_mounts; i++) {
				const struct nscache_diag_mount *m = &d->mounts[i];
				char id[24], dev[32], mntns[24];

				snprintf(id, sizeof(id), "%" PRIu64, m->mount_id);
				snprintf(mntns, sizeof(mntns), "%" PRIu64, m->mnt_ns);
				table_row(&t, id, devstr(m->dev, dev, sizeof(dev)), mntns,
					  m->netns >= 0 ? d->netns[m->netns].label : "(none)",
					  m->recorded ? "yes" : "no", esc(m->mount_point, e, sizeof(e)));
			}
			if (t.nrows) {
				table_print(&t, "");
			} else {
				table_free(&t);
				printf("(no NFS mounts)\n");
			}
			putchar('\n');
		}
		printf("diagnose: %zu netns, %u mount namespaces, %zu NFS mounts; %zu finding%s%s\n",
		       d->n_netns, d->n_mnt_ns, d->n_mounts, d->n_findings, d->n_findings == 1 ? "" : "s",
		       d->n_unreadable ? " (some namespaces could not be read)" : "");
		for (size_t i = 0; i < d->n_findings; i++)
			printf("%-13s %s\n", nscache_finding_kind_string(d->findings[i].kind),
			       esc(d->findings[i].message, e, sizeof(e)));
	}
	r = d->n_findings ? EXIT_FOUND : EXIT_OK;
	nscache_diagnosis_free(d);
	return r;
}

/* ---- register / release (hidden: tests, and until mount.nfs4 records itself) ------------------- */

static int sockaddr_from(const struct nscache_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(a->port);
		memcpy(&in->sin_addr, a->addr, 4);
		return 0;
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(a->port);
		in6->sin6_scope_id = a->scope_id;
		memcpy(&in6->sin6_addr, a->addr, 16);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static int cmd_register(struct nscache *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "server-name", required_argument, NULL, 's' },
		{ "client-id", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{},
	};
	const char *netns = NULL, *server_name = NULL, *client_id = NULL, *dir;
	struct netns_spec spec;
	_cleanup_close_ int fd = -EBADF;
	struct nscache_mount_info info = { .minor_version = -1 };
	struct nscache_acquire_result res;
	struct nsc_mountinfo_list mi = { 0 };
	const struct nsc_mountinfo *e = NULL;
	struct nscache_addr a;
	struct sockaddr_storage ss;
	struct statfs sfs;
	struct stat st;
	char buf[128], host[NSCACHE_NAME_MAX + 1] = "";
	int ch, r, rc = EXIT_ERROR;

	while ((ch = getopt_long(argc, argv, "n:s:i:j", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			netns = optarg;
			break;
		case 's':
			server_name = optarg;
			break;
		case 'i':
			client_id = optarg;
			break;
		case 'j':
			arg.json = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		log_error("usage: nscache register [--netns SPEC] [--server-name NAME] DIR");
		return EXIT_USAGE;
	}
	dir = argv[optind];
	if (statfs(dir, &sfs) < 0 || sfs.f_type != NFS_SUPER_MAGIC) {
		log_error("%s: not an NFS mount", dir);
		return EXIT_FOUND;
	}
	r = nscache_mount_identify(AT_FDCWD, dir, &info.mount_id, &info.dev);
	if (r < 0) {
		log_error("%s: %s", dir, strerror(-r));
		return EXIT_ERROR;
	}
	r = nsc_mountinfo_read("/proc/self/mountinfo", &mi);
	if (r < 0) {
		log_error("reading mountinfo: %s", strerror(-r));
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < mi.n; i++)
		if (mi.v[i].mount_id == info.mount_id)
			e = &mi.v[i];
	if (!e || !nsc_option_get(e->super_opts, "addr", buf, sizeof(buf)) ||
	    nscache_addr_parse(buf, &a) < 0) {
		log_error("%s: no server address in its mount options", dir);
		goto out;
	}
	a.port = 2049;
	if (nsc_option_get(e->super_opts, "port", buf, sizeof(buf))) {
		uint64_t p;

		if (parse_uint64(buf, 1, 65535, &p) == 0)
			a.port = (uint16_t)p;
	}
	if (nsc_option_get(e->super_opts, "vers", buf, sizeof(buf)) && strncmp(buf, "4.", 2) == 0)
		info.minor_version = atoi(buf + 2);
	else if (nsc_option_get(e->super_opts, "vers", buf, sizeof(buf)) && strcmp(buf, "4") == 0)
		info.minor_version = 0;
	if (!server_name) {
		/* The host part of "host:/path" / "[v6]:/path". */
		const char *src = e->source, *sep = strstr(src, ":/");
		size_t len = sep ? (size_t)(sep - src) : 0;

		if (len && src[0] == '[' && src[len - 1] == ']') {
			src++;
			len -= 2;
		}
		if (len && len < sizeof(host)) {
			memcpy(host, src, len);
			host[len] = '\0';
			server_name = host;
		}
	}
	sockaddr_from(&a, &ss);

	r = netns_spec_parse(netns, &spec);
	if (r < 0) {
		log_error("invalid netns spec '%s': %s", netns, strerror(-r));
		rc = EXIT_USAGE;
		goto out;
	}
	r = netns_spec_open(&spec, &fd);
	if (r >= 0)
		r = netns_cookie(fd, &info.cookie);
	if (r < 0 || fstat(fd, &st) < 0) {
		log_error("netns %s: %s", netns ? netns : "(caller's)", strerror(r < 0 ? -r : errno));
		goto out;
	}
	info.netns_ino = st.st_ino;
	info.source_kind = (enum nscache_source)spec.kind;
	info.source = spec.kind == NETNS_SPEC_NAME ? spec.name : spec.kind == NETNS_SPEC_PATH ? spec.path : NULL;
	info.source_pid = spec.pid;
	info.client_id = client_id;
	info.server = (const struct sockaddr *)&ss;
	info.server_name = server_name;
	if (info.minor_version >= 0)
		info.minor_versions = 1u << info.minor_version;
	info.mount_point = e->mount_point;
	info.spec = e->source;
	r = nscache_mount_acquire(c, &info, &res);
	if (r < 0) {
		log_error("recording %s: %s", dir, strerror(-r));
		goto out;
	}
	if (arg.json) {
		j_obj(NULL);
		j_u64("mount_id", info.mount_id);
		j_u64("netns", info.cookie);
		j_u64("server_refs", res.server_refs);
		j_u64("netns_refs", res.netns_refs);
		j_bool("existed", res.existed);
		j_bool("replaced", res.replaced);
		j_close('}');
	} else {
		printf("recorded mount %" PRIu64 " (%s) in netns %s: %u mount%s of %s, %u in the netns%s\n",
		       info.mount_id, e->mount_point, netns ? netns : "(caller's)", res.server_refs,
		       res.server_refs == 1 ? "" : "s", nscache_addr_to_string(&a, true, buf, sizeof(buf)),
		       res.netns_refs, res.existed ? " (already recorded)" : "");
	}
	rc = EXIT_OK;
out:
	nsc_mountinfo_list_free(&mi);
	return rc;
}

static int cmd_release(struct nscache *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "umount", no_argument, NULL, 'u' },
		{ "mount-id", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{},
	};
	struct nscache_mount_ref ref = { 0 };
	struct nscache_release_result *res;
	struct statfs sfs;
	bool do_umount = false;
	const char *dir = NULL;
	char a[80];
	int ch, r;

	while ((ch = getopt_long(argc, argv, "um:j", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			do_umount = true;
			break;
		case 'm':
			if (parse_uint64(optarg, 1, UINT64_MAX, &ref.mount_id) < 0)
				return EXIT_USAGE;
			break;
		case 'j':
			arg.json = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind != argc || (!dir && !ref.mount_id) || (do_umount && !dir)) {
		log_error("usage: nscache release [--umount] DIR | --mount-id N");
		return EXIT_USAGE;
	}
	if (dir && !ref.mount_id) {
		if (statfs(dir, &sfs) == 0 && sfs.f_type == NFS_SUPER_MAGIC &&
		    nscache_mount_identify(AT_FDCWD, dir, &ref.mount_id, &ref.dev) == 0) {
			/* Still mounted: identify it as umount.nfs4 will. */
		} else {
			ref.mount_point = dir;
			(void)nscache_self_mnt_ns(&ref.mnt_ns);
		}
	}
	if (do_umount && umount2(dir, UMOUNT_NOFOLLOW) < 0) {
		log_error("%s: %s", dir, strerror(errno));
		return errno == EBUSY ? EXIT_FOUND : EXIT_ERROR;
	}
	res = calloc(1, sizeof(*res));
	if (!res)
		return EXIT_ERROR;
	r = nscache_mount_release(c, &ref, res);
	if (r < 0) {
		log_error("%s: %s", dir ? dir : "mount", r == -ENOENT ? "no record" : strerror(-r));
		free(res);
		return r == -ENOENT ? EXIT_FOUND : EXIT_ERROR;
	}
	nscache_addr_to_string(&res->mount.server, true, a, sizeof(a));
	if (arg.json) {
		j_obj(NULL);
		j_u64("mount_id", res->mount.mount_id);
		j_u64("netns", res->mount.cookie);
		j_str("server", a);
		j_u64("server_refs", res->server_refs);
		j_u64("netns_refs", res->netns_refs);
		j_bool("server_dropped", res->server_dropped);
		j_bool("netns_dropped", res->netns_dropped);
		j_u64("resolver_dropped", res->resolver_dropped);
		j_close('}');
	} else {
		printf("released mount %" PRIu64 " (%s): server %s %s, netns %s\n", res->mount.mount_id,
		       res->mount.mount_point, a,
		       res->server_dropped ? "dropped" : "still used",
		       res->netns_dropped ? "dropped" : "still used");
	}
	free(res);
	return EXIT_OK;
}

/* ---- bench (hidden; tests/bench/nscache runs it) ------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct bench_row {
	const char *name;
	size_t ops;
	double ops_s, p50_us, p99_us, max_us;
};

static void bench_stats(struct bench_row *row, uint64_t *lat, size_t n, uint64_t total_ns)
{
	qsort(lat, n, sizeof(*lat), cmp_u64);
	row->ops = n;
	row->ops_s = total_ns ? (double)n * 1e9 / (double)total_ns : 0;
	row->p50_us = (double)lat[n / 2] / 1000.0;
	row->p99_us = (double)lat[n * 99 / 100 < n ? n * 99 / 100 : n - 1] / 1000.0;
	row->max_us = (double)lat[n - 1] / 1000.0;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void bench_info(struct nscache_mount_info *info, struct sockaddr_in *sin, char *mp, size_t mpsize,
		       uint64_t i, uint64_t id, uint64_t n_netns, uint64_t n_servers)
{
	uint64_t server = i % n_servers;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(2049);
	sin->sin_addr.s_addr = htonl(0x0a000000u | (uint32_t)(server + 1));
	snprintf(mp, mpsize, "/srv/bench/mnt/%" PRIu64, id);
	memset(info, 0, sizeof(*info));
	info->cookie = 1000 + server % n_netns;
	info->source_kind = NSCACHE_SOURCE_NAME;
	info->source = "bench";
	info->server = (const struct sockaddr *)sin;
	info->server_name = "files.example";
	info->minor_versions = 7;
	info->minor_version = 2;
	info->mount_id = id;
	info->dev = makedev(0, (unsigned)(id & 0xfffff));
	info->mount_point = mp;
	info->mnt_ns = 4026531841ull;
	info->spec = "files.example:/data";
}

static int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ops", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{},
	};
	uint64_t n = 0, ops = 20000, seed = 0x9e3779b97f4a7c15ull, n_netns, n_servers;
	char tmpl[] = "/tmp/nscache-bench.XXXXXX", mp[128], cmd[256];
	const char *dir;
	struct nscache *c = NULL;
	struct bench_row rows[6];
	size_t n_rows = 0;
	uint64_t *lat = NULL, t0, t1;
	struct nscache_mount_info info;
	struct sockaddr_in sin;
	struct nscache_mount *m = NULL;
	int ch, r, rc = EXIT_ERROR;

	while ((ch = getopt_long(argc, argv, "o:j", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (parse_uint64(optarg, 100, 100000000, &ops) < 0)
				return EXIT_USAGE;
			break;
		case 'j':
			arg.json = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || parse_uint64(argv[optind], 1, 10000000, &n) < 0) {
		log_error("usage: nscache bench N [--ops M] [--dir DIR]");
		return EXIT_USAGE;
	}
	dir = arg.dir;
	if (!dir) {
		dir = mkdtemp(tmpl);
		if (!dir) {
			log_error("mkdtemp: %s", strerror(errno));
			return EXIT_ERROR;
		}
	}
	n_servers = n / 10 ? n / 10 : 1;
	n_netns = n / 100 ? n / 100 : 1;
	lat = calloc(ops > n ? ops : n, sizeof(*lat));
	m = malloc(sizeof(*m));
	if (!lat || !m)
		goto out;
	r = nscache_open(dir, NSCACHE_OPEN_NOSYNC, &c);
	if (r < 0) {
		log_error("bench: open %s: %s", dir, strerror(-r));
		goto out;
	}

	/* populate: N mounts over N/10 servers in N/100 netns */
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t a = now_ns();

		bench_info(&info, &sin, mp, sizeof(mp), i, i + 1, n_netns, n_servers);
		r = nscache_mount_acquire(c, &info, NULL);
		if (r < 0) {
			log_error("bench: acquire %" PRIu64 ": %s", i, strerror(-r));
			goto out;
		}
		lat[i] = now_ns() - a;
	}
	t1 = now_ns();
	rows[n_rows].name = "populate (acquire, growing)";
	bench_stats(&rows[n_rows++], lat, n, t1 - t0);

	/* lookup: a random mount by id */
	t0 = now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t a = now_ns(), id = xorshift(&seed) % n + 1;

		r = nscache_mount_get(c, id, m);
		if (r < 0) {
			log_error("bench: lookup %" PRIu64 ": %s", id, strerror(-r));
			goto out;
		}
		lat[i] = now_ns() - a;
	}
	t1 = now_ns();
	rows[n_rows].name = "lookup mount by id";
	bench_stats(&rows[n_rows++], lat, ops, t1 - t0);

	/* lookup: a random server */
	t0 = now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		struct nscache_server s;
		struct nscache_addr addr;
		uint64_t a = now_ns(), k = xorshift(&seed) % n_servers;

		bench_info(&info, &sin, mp, sizeof(mp), k, 1, n_netns, n_servers);
		nscache_addr_from_sockaddr((const struct sockaddr *)&sin, &addr);
		r = nscache_server_get(c, info.cookie, &addr, &s);
		if (r < 0) {
			log_error("bench: server lookup: %s", strerror(-r));
			goto out;
		}
		lat[i] = now_ns() - a;
	}
	t1 = now_ns();
	rows[n_rows].name = "lookup server";
	bench_stats(&rows[n_rows++], lat, ops, t1 - t0);

	/* acquire + release of a fresh mount on an existing server (refcount +1 / -1) */
	{
		uint64_t *rel = calloc(ops, sizeof(*rel));
		uint64_t ta = 0, tr = 0;

		if (!rel)
			goto out;
		for (uint64_t i = 0; i < ops; i++) {
			uint64_t k = xorshift(&seed) % n, id = n + 1 + i, a, b;
			struct nscache_mount_ref ref = { .mount_id = id };

			bench_info(&info, &sin, mp, sizeof(mp), k, id, n_netns, n_servers);
			a = now_ns();
			r = nscache_mount_acquire(c, &info, NULL);
			b = now_ns();
			if (r < 0) {
				log_error("bench: acquire: %s", strerror(-r));
				free(rel);
				goto out;
			}
			lat[i] = b - a;
			ta += b - a;
			a = now_ns();
			r = nscache_mount_release(c, &ref, NULL);
			b = now_ns();
			if (r < 0) {
				log_error("bench: release: %s", strerror(-r));
				free(rel);
				goto out;
			}
			rel[i] = b - a;
			tr += b - a;
		}
		rows[n_rows].name = "acquire (one write txn)";
		bench_stats(&rows[n_rows++], lat, ops, ta);
		rows[n_rows].name = "release (one write txn)";
		bench_stats(&rows[n_rows++], rel, ops, tr);
		free(rel);
	}

	/* open + close: what every helper run pays once */
	{
		size_t k = ops / 20 < 1000 ? ops / 20 : 1000;

		t0 = now_ns();
		for (size_t i = 0; i < k; i++) {
			struct nscache *o;
			uint64_t a = now_ns();

			r = nscache_open(dir, NSCACHE_OPEN_NOSYNC, &o);
			if (r < 0) {
				log_error("bench: open: %s", strerror(-r));
				goto out;
			}
			nscache_close(o);
			lat[i] = now_ns() - a;
		}
		t1 = now_ns();
		rows[n_rows].name = "open + close the store";
		bench_stats(&rows[n_rows++], lat, k, t1 - t0);
	}

	if (arg.json) {
		j_obj(NULL);
		j_u64("records", n);
		j_u64("servers", n_servers);
		j_u64("netns", n_netns);
		j_arr("results");
		for (size_t i = 0; i < n_rows; i++) {
			j_obj(NULL);
			j_str("op", rows[i].name);
			j_u64("ops", rows[i].ops);
			j_u64("ops_per_s", (uint64_t)rows[i].ops_s);
			j_u64("p50_ns", (uint64_t)(rows[i].p50_us * 1000));
			j_u64("p99_ns", (uint64_t)(rows[i].p99_us * 1000));
			j_u64("max_ns", (uint64_t)(rows[i].max_us * 1000));
			j_close('}');
		}
		j_close(']');
		j_close('}');
	} else {
		struct stat st;
		char data[512];

		snprintf(data, sizeof(data), "%s/data.mdb", dir);
		printf("# %" PRIu64 " mounts, %" PRIu64 " servers, %" PRIu64 " netns; store %s (%lld KiB)\n",
		       n, n_servers, n_netns, dir, stat(data, &st) == 0 ? (long long)st.st_size / 1024 : -1LL);
		printf("%-30s %9s %12s %10s %10s %10s\n", "operation", "ops", "ops/s", "p50 us", "p99 us",
		       "max us");
		for (size_t i = 0; i < n_rows; i++)
			printf("%-30s %9zu %12.0f %10.1f %10.1f %10.1f\n", rows[i].name, rows[i].ops,
			       rows[i].ops_s, rows[i].p50_us, rows[i].p99_us, rows[i].max_us);
	}
	rc = EXIT_OK;
out:
	nscache_close(c);
	free(lat);
	free(m);
	if (!arg.dir) {
		snprintf(cmd, sizeof(cmd), "%s/data.mdb", dir);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/lock.mdb", dir);
		unlink(cmd);
		rmdir(dir);
	}
	return rc;
}

/* ---- main ------------------------------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nscache [--dir DIR] [--json] COMMAND [ARGS]\n"
		"\n"
		"nsnfs's records of NFS mounts and the network namespaces they use.\n"
		"\n"
		"commands:\n"
		"  list                      every record: netns, servers, mounts, resolver entries\n"
		"  show NETNS                one netns's records (NETNS: NAME, /PATH or PID)\n"
		"  show --cookie N | --mount DIR | --server ADDR\n"
		"  drop --netns SPEC | --cookie N | --server ADDR[:PORT] [--force]\n"
		"                            forget records; refuses while mounts are live unless\n"
		"                            --force (records only: nothing is ever unmounted)\n"
		"  gc                        reconcile the records with the mounts and netns that exist\n"
		"  watch [--interval SECS]   keep the records in step with netns and mount events\n"
		"  diagnose [-v]             find NFS mounts whose transport lives in an unexpected or\n"
		"                            deleted netns, idle servers and stale records\n"
		"  shutdown [--force] NETNS  fail every NFS RPC of NETNS with EIO so its mounts can be\n"
		"                            unmounted and it can be freed (kernel-patches/ 0004)\n"
		"  dns-channel [--ttl S] NETNS  answer the kernel's legacy NFS DNS channel of NETNS\n"
		"                            (referrals) with NETNS's resolver (kernel-patches/ 0007)\n"
		"\n"
		"options:\n"
		"  --dir DIR       the store (default $" NSCACHE_DIR_ENV " or " NSCACHE_DIR_DEFAULT ")\n"
		"  -j, --json      JSON output (compact, like ip -j); -p, --pretty indents it\n"
		"  -v, --verbose   more detail\n"
		"  -h, --help      this text;  -V, --version\n"
		"\n"
		"exit status: 0 ok (diagnose: nothing found); 1 diagnose found something, drop refused,\n"
		"or nothing recorded, shutdown of the caller's netns without --force; 2 usage; 3 error\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },  { "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },	  { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },	  { "version", no_argument, NULL, 'V' },
		{},
	};
	struct nscache *c = NULL;
	const char *cmd;
	unsigned flags;
	int ch, r;

	log_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "+d:jpvhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			arg.dir = optarg;
			break;
		case 'j':
			arg.json = true;
			break;
		case 'p':
			arg.pretty = arg.json = true;
			break;
		case 'v':
			arg.verbose++;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("nscache (nsnfs) " NSNFS_VERSION "\n");
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0; /* a full re-initialisation of getopt for the command's own options */

	if (strcmp(cmd, "diagnose") == 0)
		return cmd_diagnose(argc, argv);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(argc, argv);
	if (strcmp(cmd, "shutdown") == 0)
		return cmd_shutdown(argc, argv);
	if (strcmp(cmd, "dns-channel") == 0)
		return cmd_dns_channel(argc, argv);
	if (strcmp(cmd, "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}

	if (strcmp(cmd, "list") == 0 || strcmp(cmd, "show") == 0)
		flags = NSCACHE_OPEN_READONLY;
	else if (strcmp(cmd, "drop") == 0 || strcmp(cmd, "gc") == 0 || strcmp(cmd, "watch") == 0 ||
		 strcmp(cmd, "register") == 0 || strcmp(cmd, "release") == 0)
		flags = 0;
	else {
		log_error("unknown command '%s'", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "list") == 0) {
		static const struct option lo[] = {
			{ "json", no_argument, NULL, 'j' },
			{ "pretty", no_argument, NULL, 'p' },
			{},
		};

		while ((ch = getopt_long(argc, argv, "jp", lo, NULL)) != -1) {
			if (ch == 'j')
				arg.json = true;
			else if (ch == 'p')
				arg.pretty = arg.json = true;
			else
				return EXIT_USAGE;
		}
		if (optind != argc)
			return EXIT_USAGE;
	}
	if (open_store(flags, &c) < 0)
		return EXIT_ERROR;
	if (strcmp(cmd, "list") == 0)
		r = cmd_list(c);
	else if (strcmp(cmd, "show") == 0)
		r = cmd_show(c, argc, argv);
	else if (strcmp(cmd, "drop") == 0)
		r = cmd_drop(c, argc, argv);
	else if (strcmp(cmd, "gc") == 0)
		r = cmd_gc(c, argc, argv);
	else if (strcmp(cmd, "watch") == 0)
		r = cmd_watch(c, argc, argv);
	else if (strcmp(cmd, "register") == 0)
		r = cmd_register(c, argc, argv);
	else
		r = cmd_release(c, argc, argv);
	nscache_close(c);
	return r;
}
