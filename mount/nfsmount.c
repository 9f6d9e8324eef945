/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mount/nfsmount.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/clientid.h"
#include "common/kfeatures.h"
#include "common/log.h"
#include "common/macro.h"
#include "common/modload.h"
#include "common/worker.h"

#define RETRY_FG_MINUTES 2     /* nfs-utils defaults */
#define RETRY_BG_MINUTES 10000
#define RETRY_BACKOFF_MAX_S 30 /* nfs-utils caps the sleep between attempts too */

int nfsmount_init(struct nfsmount *m, const char *source, const char *options, bool sloppy,
		  const char *netns_arg)
{
	struct mount_options_error oerr = { 0 };
	const char *reason = NULL;
	const char *netns;
	int r;

	*m = (struct nfsmount){ .netns_fd = -EBADF, .create_utsns_fd = -EBADF, .source = source,
				.minor_version = -1 };
	r = mount_options_parse(options, sloppy, &m->opts, &oerr);
	if (r == -EPROTONOSUPPORT) {
		log_error("%s: %s", oerr.option, oerr.reason);
		return EX_FAIL;
	}
	if (r < 0) {
		log_error("an incorrect mount option was specified: %s%s%s", oerr.option,
			  oerr.reason ? ": " : "", oerr.reason ? oerr.reason : "");
		return EX_FAIL;
	}
	if (nfs_spec_parse(source, &m->spec, &reason) < 0) {
		log_error("%s: %s", reason, source);
		return EX_USAGE;
	}
	netns = netns_arg ? netns_arg : m->opts.netns;
	r = netns_spec_parse(netns, &m->netns);
	if (r < 0) {
		log_error("invalid network namespace '%s': %s", netns,
			  r == -EINVAL ? "expected a name, an absolute path or a PID" : strerror(-r));
		return EX_USAGE;
	}
	r = netns_spec_open(&m->netns, &m->netns_fd);
	if (r < 0) {
		netns_spec_describe(&m->netns, m->netns_desc, sizeof(m->netns_desc));
		if (r == -EINVAL)
			log_error("%s is not a network namespace", m->netns_desc);
		else if (r == -ENOENT && m->netns.kind == NETNS_SPEC_PID)
			log_error("no process %d: cannot use its network namespace", (int)m->netns.pid);
		else
			log_error("cannot open network namespace %s: %s", m->netns_desc, strerror(-r));
		return EX_USAGE;
	}
	r = netns_cookie(m->netns_fd, &m->cookie);
	if (r < 0) {
		log_error("cannot enter network namespace: %s", strerror(-r));
		return EX_SYSERR;
	}
	{
		uint64_t own = 0;

		m->netns_is_callers = netns_cookie(-1, &own) == 0 && own == m->cookie;
	}
	netns_spec_describe(&m->netns, m->netns_desc, sizeof(m->netns_desc));
	log_verbose("network namespace %s (cookie %llu)%s", m->netns_desc,
		    (unsigned long long)m->cookie, m->netns_is_callers ? ", the caller's" : "");
	return EX_OK;
}

void nfsmount_done(struct nfsmount *m)
{
	closep(&m->netns_fd);
	mount_options_free(&m->opts);
}

const char *nfsmount_netns_suffix(const struct nfsmount *m, char *buf, size_t size)
{
	if (m->netns_is_callers)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, " (netns %s)", m->netns_desc);
	return buf;
}

uint64_t nfsmount_probe_timeout_ms(const struct mount_options *opts)
{
	return opts->timeo_ds ? (uint64_t)opts->timeo_ds * 100 : PROBE_TIMEOUT_MS_DEFAULT;
}

static bool probe_error_is_transient(int r)
{
	return r == -ECONNREFUSED || r == -ETIMEDOUT || r == -EHOSTUNREACH || r == -ENETUNREACH ||
	       r == -ECONNRESET || r == -EAGAIN || r == -EPIPE;
}

static void report_probe_failure(const struct nfsmount *m, const struct sockaddr_storage *addr,
				 int r)
{
	char a[64], ns[PATH_MAX + 16], detail[256];
	const struct rpcclnt_error *e = &m->probe.error;

	addr_to_string(addr, a, sizeof(a));
	nfsmount_netns_suffix(m, ns, sizeof(ns));
	rpcclnt_error_format(e, detail, sizeof(detail));
	switch (r) {
	case -ECONNREFUSED:
		log_error("connection refused by %s port %u%s while mounting %s", a, addr_port(addr), ns,
			  m->source);
		break;
	case -ETIMEDOUT:
		log_error("no answer from %s port %u%s within %llu ms while mounting %s", a,
			  addr_port(addr), ns, (unsigned long long)nfsmount_probe_timeout_ms(&m->opts),
			  m->source);
		break;
	case -EHOSTUNREACH:
	case -ENETUNREACH:
		log_error("%s is unreachable%s (%s) while mounting %s", a, ns, strerror(-r), m->source);
		break;
	case -ENOENT:
		log_error("mounting %s failed, reason given by server %s%s: No such file or directory",
			  m->source, a, ns);
		break;
	case -EACCES:
	case -EPERM:
		log_error("access denied by server %s%s while mounting %s (%s)", a, ns, m->source, detail);
		break;
	case -EPROTONOSUPPORT: {
		/* detail repeats the short string first; keep only its explanation */
		const char *base = rpcclnt_error_string(e);
		const char *extra = strncmp(detail, base, strlen(base)) == 0 ? detail + strlen(base) : "";

		log_error("requested NFS version or transport protocol is not supported by %s%s%s", a, ns,
			  extra);
		break;
	}
	default:
		log_error("probe of %s%s failed while mounting %s: %s", a, ns, m->source, detail);
		break;
	}
}

static int probe_one(struct nfsmount *m, const struct sockaddr_storage *addr, bool quiet)
{
	struct rpcclnt_probe_options po = {
		.export_path = m->spec.path,
		.auth = m->opts.auth == MOUNT_AUTH_NONE ? RPCCLNT_AUTH_NONE : RPCCLNT_AUTH_SYS,
		.deadline_ms = rpcclnt_deadline_after(nfsmount_probe_timeout_ms(&m->opts)),
		.minor_version = m->opts.minor_version,
	};
	char a[64];
	int fd = -EBADF, r;

	r = netns_socket(m->netns_fd, addr->ss_family, SOCK_STREAM, 0, &fd);
	if (r < 0) {
		log_error("cannot create a socket in netns %s: %s", m->netns_desc, strerror(-r));
		return r;
	}
	r = rpcclnt_probe(fd, (const struct sockaddr *)addr, addr_len(addr), &po, &m->probe);
	addr_to_string(addr, a, sizeof(a));
	log_verbose("probe %s port %u: %s; minor versions accepted 0x%x, path %s, %.1f ms", a,
		    addr_port(addr), r == 0 ? "ok" : strerror(-r), m->probe.minor_accepted,
		    rpcclnt_path_status_string(m->probe.path_status),
		    (double)m->probe.timing.total_us / 1000.0);
	if (r == 0 && m->probe.path_status == RPCCLNT_PATH_NOT_DIR) {
		if (!quiet)
			log_error("mounting %s failed: %s on %s is not a directory", m->source, m->spec.path, a);
		return -ENOTDIR;
	}
	if (r < 0 && !quiet)
		report_probe_failure(m, addr, r);
	return r;
}

int nfsmount_probe(struct nfsmount *m, bool quiet_errors)
{
	struct addr_list addrs;
	uint16_t port = m->opts.port ? m->opts.port : NFS_PORT;
	uint64_t deadline = rpcclnt_deadline_after(nfsmount_probe_timeout_ms(&m->opts));
	char ns[PATH_MAX + 16];
	int r;

	r = addr_resolve(&m->netns, m->netns_fd, m->spec.host, m->opts.ipv6 ? AF_INET6 : AF_UNSPEC,
			 port, deadline, &addrs);
	if (r < 0) {
		if (!quiet_errors)
			log_error("Failed to resolve server %s%s: %s", m->spec.host,
				  nfsmount_netns_suffix(m, ns, sizeof(ns)),
				  r == -ENOENT ? "Name or service not known"
				  : r == -EAGAIN ? "Temporary failure in name resolution"
						 : strerror(-r));
		return r;
	}
	m->resolved = addrs;
	for (size_t i = 0; i < addrs.n; i++) {
		char a[64];

		log_verbose("%s resolves to %s in netns %s", m->spec.host,
			    addr_to_string(&addrs.addrs[i], a, sizeof(a)), m->netns_desc);
	}
	/* Try each address; report the failure of the last one (mount.nfs does too). */
	for (size_t i = 0; i < addrs.n; i++) {
		bool last = i + 1 == addrs.n;

		m->tried = addrs.addrs[i];
		r = probe_one(m, &addrs.addrs[i], quiet_errors || !last);
		if (r == 0) {
			m->server = addrs.addrs[i];
			m->minor_version = m->opts.minor_version >= 0 ? m->opts.minor_version
								    : m->probe.highest_minor;
			return 0;
		}
		if (!probe_error_is_transient(r) && r != -EPROTONOSUPPORT)
			return r; /* the server answered: other addresses won't change it */
	}
	return r;
}

int nfsmount_probe_with_retry(struct nfsmount *m, bool *ret_backgrounded)
{
	int minutes = m->opts.retry_minutes >= 0 ? m->opts.retry_minutes
			: m->opts.background		? RETRY_BG_MINUTES
							: RETRY_FG_MINUTES;
	uint64_t give_up = rpcclnt_deadline_after((uint64_t)minutes * 60 * 1000);
	unsigned backoff = 1;
	int r;

	*ret_backgrounded = false;
	for (unsigned attempt = 1;; attempt++) {
		bool last_chance = minutes == 0 || rpcclnt_now_ms() >= give_up;

		r = nfsmount_probe(m, !last_chance && attempt > 1);
		if (r == 0)
			return EX_OK;
		if (!probe_error_is_transient(r) || last_chance)
			return r == -ENOMEM ? EX_SYSERR : EX_FAIL;
		if (m->opts.background && !*ret_backgrounded) {
			pid_t pid;

			fprintf(stderr, "%s: backgrounding \"%s\"\n", log_prog(), m->source);
			pid = fork();
			if (pid < 0)
				return EX_SYSERR;
			if (pid > 0)
				_exit(EX_OK);
			*ret_backgrounded = true;
			setsid();
			/* Whoever waits for our stdout (a shell's $(...)) must not wait for
			 * the background mount; stderr keeps telling what we wait for. */
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, STDIN_FILENO);
				dup2(null, STDOUT_FILENO);
				close(null);
			}
		}
		uint64_t left_s = rpcclnt_deadline_remaining(give_up, rpcclnt_now_ms()) / 1000;
		unsigned pause = left_s < backoff ? (unsigned)left_s : backoff;

		log_error("%s: retrying for another %llu s, next attempt in %u s", m->source,
			  (unsigned long long)left_s, pause);
		sleep(pause);
		backoff = backoff * 2 > RETRY_BACKOFF_MAX_S ? RETRY_BACKOFF_MAX_S : backoff * 2;
	}
}

/* In the target netns: the fs context (and so the kernel transport) is bound here. */
static int fsopen_in_child(void *userdata, struct worker_reply *reply)
{
	int fd = fsopen("nfs4", FSOPEN_CLOEXEC);

	if (fd < 0 && errno == ENODEV && module_load_alias("fs-nfs4") == 0)
		fd = fsopen("nfs4", FSOPEN_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	reply->fds[0] = fd;
	reply->n_fds = 1;
	reply->len = 0;
	return 0;
}

/* The kernel's own explanation, if the fs context logged one. */
static void report_fs_context_log(int fs_fd)
{
	char buf[512];
	ssize_t n;

	while ((n = read(fs_fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		log_error("kernel: %s", buf);
	}
}

static int fsconfig_string(int fs_fd, const char *key, const char *value)
{
	int r = value ? fsconfig(fs_fd, FSCONFIG_SET_STRING, key, value, 0)
		      : fsconfig(fs_fd, FSCONFIG_SET_FLAG, key, NULL, 0);

	if (r < 0) {
		r = negative_errno();
		log_verbose("fsconfig %s%s%s: %s", key, value ? "=" : "", value ? value : "", strerror(-r));
		return r;
	}
	log_verbose("fsconfig %s%s%s", key, value ? "=" : "", value ? value : "");
	return 0;
}

static int ensure_identifier(struct nfsmount *m)
{
	char wanted[80];
	int r;

	r = clientid_for_netns(&m->netns, m->cookie, wanted, sizeof(wanted));
	if (r < 0) {
		log_verbose("no machine id to derive a client identifier from; leaving it as it is");
		return 0;
	}
	r = clientid_ensure(&m->netns, m->netns_fd, wanted, rpcclnt_deadline_after(5000),
			    m->identifier, sizeof(m->identifier), &m->identifier_set);
	if (r == -ENOENT) {
		/* NFS client not loaded yet: load it, then the sysfs file exists. */
		(void)module_load_alias("fs-nfs4");
		r = clientid_ensure(&m->netns, m->netns_fd, wanted, rpcclnt_deadline_after(5000),
				    m->identifier, sizeof(m->identifier), &m->identifier_set);
	}
	if (r < 0) {
		log_error("cannot set the NFSv4 client identifier of netns %s: %s", m->netns_desc,
			  strerror(-r));
		return r;
	}
	log_verbose("client identifier of netns %s: %s%s", m->netns_desc, m->identifier,
		    m->identifier_set ? " (set now)" : " (already set, kept)");
	return 0;
}

struct create_job {
	int fs_fd;
	int utsns_fd;
};

/* In the caller's netns but the given UTS namespace: the kernel client takes its nodename here. */
static int create_in_child(void *userdata, struct worker_reply *reply)
{
	const struct create_job *job = userdata;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	reply->len = 0;
	if (setns(job->utsns_fd, CLONE_NEWUTS) < 0)
		return negative_errno();
	if (fsconfig(job->fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return negative_errno();
	return 0;
}

/* FSCONFIG_CMD_CREATE, in m->create_utsns_fd's UTS namespace if one is set.  0 or -errno. */
static int fs_context_create(const struct nfsmount *m, int fs_fd)
{
	struct create_job job = { .fs_fd = fs_fd, .utsns_fd = m->create_utsns_fd };
	struct worker_reply reply;
	int r;

	if (m->create_utsns_fd < 0)
		return fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ? negative_errno() : 0;
	/* Unbounded like the direct call: the kernel's timeo/retrans bound it. */
	r = netns_worker_run(NULL, -1, 0, create_in_child, &job, UINT64_MAX, &reply);
	if (r >= 0)
		worker_reply_close(&reply);
	return r;
}

/*
 * What our kernel-patches/ series adds, when the running kernel has it: the
 * per-netns shutdown knob and the module parameters (say so with -v).
 */
static void report_kernel_features(void)
{
	struct kfeature_state features[KFEATURE_MAX];

	if (!log_verbose_level())
		return;
	kfeatures_read(features, NULL);
	for (size_t i = 0; i < KFEATURE_MAX; i++)
		log_verbose("kernel: %s %s%s%s", features[i].name,
			    features[i].present ? "present" : "absent",
			    features[i].value[0] ? " = " : "", features[i].value);
}

static const char *const sb_flag_names[] = { "sync", "dirsync", "lazytime" };
static const unsigned long sb_flag_bits[] = { MS_SYNCHRONOUS, MS_DIRSYNC, MS_LAZYTIME };

int nfsmount_create(struct nfsmount *m, int *ret_mount_fd)
{
	_cleanup_close_ int fs_fd = -EBADF;
	struct worker_reply reply;
	char addr[64], vers[16], ns[PATH_MAX + 16];
	int r, mnt_fd;

	r = ensure_identifier(m);
	if (r < 0)
		return EX_SYSERR;
	report_kernel_features();

	if (m->opts.clientaddr) {
		snprintf(m->clientaddr, sizeof(m->clientaddr), "%s", m->opts.clientaddr);
	} else {
		struct sockaddr_storage local;

		r = addr_source_for(m->netns_fd, &m->server, &local);
		if (r < 0) {
			log_error("no route to %s in netns %s: %s", addr_to_string(&m->server, addr, sizeof(addr)),
				  m->netns_desc, strerror(-r));
			return EX_FAIL;
		}
		addr_to_string(&local, m->clientaddr, sizeof(m->clientaddr));
	}

	r = netns_worker_run(&m->netns, m->netns_fd, 0, fsopen_in_child, NULL,
			     rpcclnt_deadline_after(10000), &reply);
	if (r < 0 || reply.n_fds != 1) {
		if (r >= 0)
			worker_reply_close(&reply);
		log_error("cannot create an NFSv4 filesystem context in netns %s: %s", m->netns_desc,
			  r == -ENODEV ? "the kernel has no nfs4 filesystem" : strerror(-r));
		return EX_SYSERR;
	}
	fs_fd = reply.fds[0];

	snprintf(vers, sizeof(vers), "4.%d", m->minor_version < 0 ? 0 : m->minor_version);
	addr_to_string(&m->server, addr, sizeof(addr));
	r = fsconfig_string(fs_fd, "source", m->source);
	if (r >= 0)
		r = fsconfig_string(fs_fd, "vers", vers);
	if (r >= 0)
		r = fsconfig_string(fs_fd, "addr", addr);
	if (r >= 0)
		r = fsconfig_string(fs_fd, "clientaddr", m->clientaddr);
	for (size_t i = 0; r >= 0 && i < m->opts.n_params; i++) {
		if (strcmp(m->opts.params[i].key, "clientaddr") == 0)
			continue;
		r = fsconfig_string(fs_fd, m->opts.params[i].key, m->opts.params[i].value);
	}
	if (r >= 0 && m->opts.read_only)
		r = fsconfig_string(fs_fd, "ro", NULL);
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(sb_flag_names); i++)
		if (m->opts.ms_flags & sb_flag_bits[i])
			r = fsconfig_string(fs_fd, sb_flag_names[i], NULL);
	if (r < 0) {
		report_fs_context_log(fs_fd);
		log_error("an incorrect mount option was specified");
		return EX_FAIL;
	}
	r = fs_context_create(m, fs_fd);
	if (r < 0) {
		report_fs_context_log(fs_fd);
		nfsmount_netns_suffix(m, ns, sizeof(ns));
		if (r == -EACCES || r == -EPERM)
			log_error("access denied by server %s%s while mounting %s", addr, ns, m->source);
		else if (r == -ENOENT)
			log_error("mounting %s failed, reason given by server %s%s: No such file or directory",
				  m->source, addr, ns);
		else
			log_error("mounting %s from %s%s failed: %s", m->source, addr, ns, strerror(-r));
		return EX_FAIL;
	}
	mnt_fd = fsmount(fs_fd, FSMOUNT_CLOEXEC, (unsigned)m->opts.mount_attr);
	if (mnt_fd < 0) {
		r = negative_errno();
		log_error("fsmount of %s failed: %s", m->source, strerror(-r));
		return EX_FAIL;
	}
	log_verbose("created NFSv4.%d mount of %s from %s, clientaddr %s, in netns %s",
		    m->minor_version < 0 ? 0 : m->minor_version, m->source, addr, m->clientaddr,
		    m->netns_desc);
	*ret_mount_fd = mnt_fd;
	return EX_OK;
}
