# shellcheck shell=bash
# Helpers for the host test tier: network namespaces joined by veth, an
# nfs-ganesha NFSv4 server inside the server netns, assertions.
#
# Sourced by run-tier (which builds the environment and exports H_RUN, BUILD,
# EXPORT_DIR, GANESHA_DIR) and by every t-*.sh, which gets the same names and
# addresses from the constants below and only uses the environment.
#
# Topology (every interface lives inside our own netns; nothing is added to the
# host's init netns, so no traffic of ours can leave through its default route):
#
#   ${P}srv   lo: 10.98.0.1 (SRV_ADDR, ganesha)  10.98.0.2 (REFUSED_ADDR)
#             10.98.0.4 (FAKE_ADDR, fake-rpc-server.py while a test runs it)
#             forwarding off, so 10.98.0.3 (SILENT_ADDR) is dropped silently
#     to-cli1 10.98.1.1/24 <-veth-> ${P}cli1 to-srv 10.98.1.2/24, 10.98.0.0/24 via 10.98.1.1
#     to-cli2 10.98.2.1/24 <-veth-> ${P}cli2 to-srv 10.98.2.2/24, no route to 10.98.0.0/24
#
# Netns names carry the prefix P (NSNFS_HOST_PREFIX, default nsnfs-h-) so a
# concurrent run with another prefix never collides; veth names only exist
# inside our namespaces, so they are short and fixed.

# shellcheck disable=SC2034 # used by the tests that source this file
H_PREFIX=${NSNFS_HOST_PREFIX:-nsnfs-h-}
SRV_NS=${H_PREFIX}srv
CLI1=${H_PREFIX}cli1
CLI2=${H_PREFIX}cli2
SRV_ADDR=10.98.0.1
REFUSED_ADDR=10.98.0.2
SILENT_ADDR=10.98.0.3
FAKE_ADDR=10.98.0.4 # tests start fake-rpc-server.py here (fake_rpc_start)
SRV_NET=10.98.0.0/24
CLI1_ADDR=10.98.1.2
CLI1_PEER=10.98.1.1
CLI2_ADDR=10.98.2.2
CLI2_PEER=10.98.2.1
NFS_PORT=2049
EXPORT_PSEUDO=/export
GANESHA_TIMEOUT=${GANESHA_TIMEOUT:-20}
H_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Set and exported by run-tier for the tests:
H_RUN=${H_RUN:-}             # private state dir of this run (removed at teardown)
BUILD=${BUILD:-}             # absolute build dir ($BUILD/nsmount, $BUILD/mount.nfs4)
EXPORT_DIR=${EXPORT_DIR:-}   # server-side directory ganesha exports as $EXPORT_PSEUDO
GANESHA_DIR=${GANESHA_DIR:-} # ganesha.conf, ganesha.log, pid of the running server

# Tests need the environment run-tier builds: say how to get it.
h_require_env() {
	if [ -z "$H_RUN" ] || [ ! -d "$H_RUN" ] || [ -z "$EXPORT_DIR" ] || [ -z "$BUILD" ]; then
		h_die "run tests through tests/host/run-tier BUILD_DIR --only $(basename "$0" .sh)"
	fi
}

# ---- logging and assertions ---------------------------------------------------

h_log() { echo "# $*"; }
h_die() {
	echo "ERROR: $*" >&2
	exit 1
}

# Each assertion prints what it expected and what it saw, and exits the test on
# failure (tests run under set -u, not set -e, so failures are explicit).
h_fail() {
	echo "FAIL: $1" >&2
	shift
	local l
	for l in "$@"; do echo "  $l" >&2; done
	exit 1
}

# assert_eq WHAT EXPECTED SEEN
assert_eq() {
	[ "$2" = "$3" ] || h_fail "$1" "expected: '$2'" "seen:     '$3'"
	echo "ok: $1 = '$3'"
}

# assert_ne WHAT UNEXPECTED SEEN
assert_ne() {
	[ "$2" != "$3" ] || h_fail "$1" "expected anything but: '$2'" "seen:                   '$3'"
	echo "ok: $1 != '$2' (seen '$3')"
}

# assert_match WHAT ERE TEXT
assert_match() {
	grep -qE -- "$2" <<<"$3" || h_fail "$1" "expected to match: /$2/" "seen: $(h_clip "$3")"
	echo "ok: $1 matches /$2/"
}

# assert_no_match WHAT ERE TEXT
assert_no_match() {
	! grep -qE -- "$2" <<<"$3" || h_fail "$1" "expected not to match: /$2/" "seen: $(h_clip "$3")"
	echo "ok: $1 does not match /$2/"
}

# assert_rc WHAT EXPECTED_RC CMD... : run CMD, compare its exit status.
# The command's combined output is left in H_OUT for further assertions.
assert_rc() {
	local what=$1 want=$2 rc
	shift 2
	H_OUT=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || h_fail "$what" "command:  $*" "expected exit $want" \
		"seen exit $rc, output: $(h_clip "$H_OUT")"
	echo "ok: $what (exit $rc)"
}

# assert_fails WHAT CMD... : CMD must exit non-zero; output in H_OUT.
assert_fails() {
	local what=$1 rc
	shift
	H_OUT=$("$@" 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] || h_fail "$what" "command:  $*" "expected a non-zero exit" \
		"seen exit 0, output: $(h_clip "$H_OUT")"
	echo "ok: $what (exit $rc)"
}

# assert_between WHAT MIN MAX SEEN : integers, MIN <= SEEN < MAX (e.g. ms).
assert_between() {
	if [ "$4" -lt "$2" ] || [ "$4" -ge "$3" ]; then
		h_fail "$1" "expected: $2 <= x < $3" "seen:     $4"
	fi
	echo "ok: $1 = $4 (in [$2, $3))"
}

# assert_known_bug WHAT ERE TEXT BUG : TEXT *should* match ERE but does not
# yet because of BUG (a short description, reported to its owner).  Prints
# "xfail: ..." and passes while the bug is there; once TEXT matches it fails
# on purpose, so whoever fixed it turns the line into an assert_match.
assert_known_bug() {
	if grep -qE -- "$2" <<<"$3"; then
		h_fail "$1: known bug fixed? ($4)" "now matches /$2/: replace assert_known_bug by assert_match" \
			"seen: $(h_clip "$3")"
	fi
	echo "xfail: $1 does not match /$2/ yet (known bug: $4)"
}

h_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# assert_json WHAT CHECKS [TEXT] : TEXT (default H_OUT) holds exactly one JSON
# object line (other lines, e.g. "nsmount: ..." messages, are ignored);
# CHECKS are Python expressions over it, named j, one per line: all must be
# true.  One python3 run for all of them.
assert_json() {
	local out
	out=$(python3 -c '
import json, sys
checks = [l.strip() for l in sys.argv[1].strip().splitlines() if l.strip()]
objs = [l for l in sys.stdin.read().splitlines() if l.startswith("{")]
if len(objs) != 1:
    print("expected one JSON object line, seen %d" % len(objs))
    sys.exit(1)
try:
    j = json.loads(objs[0])
except ValueError as e:
    print("not JSON (%s): %s" % (e, objs[0]))
    sys.exit(1)
for c in checks:
    try:
        ok = eval(c, {"j": j})
    except Exception as e:
        ok, c = False, "%s  (raised %r)" % (c, e)
    if not ok:
        print("false: %s\nobject: %s" % (c, json.dumps(j)))
        sys.exit(1)
print("%d checks" % len(checks))
' "$2" <<<"${3-$H_OUT}" 2>&1) || h_fail "$1" "$out"
	echo "ok: $1 ($out)"
}

# Last 20 lines, so a failure message stays readable.
h_clip() { tail -n 20 <<<"$1"; }

# h_alive PID: running (a zombie does not count; kill -0 says yes to those).
h_alive() {
	local st
	st=$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

# ---- small network probes (always run inside a netns of ours) -------------------

# in_ns NS CMD... : run CMD in netns NS (with /etc/netns/NS overlaid by ip).
# Bounded by H_CMD_TIMEOUT (default 10 s); --foreground keeps it in the
# test's process group, so run-tier's kill of the group reaches it.
in_ns() {
	local ns=$1
	shift
	timeout --foreground -k 1 "${H_CMD_TIMEOUT:-10}" ip netns exec "$ns" "$@"
}

# tcp_probe NS ADDR PORT SECS: open a TCP connection from NS.  Prints
# "connected", "timeout" or the connect error; returns 0 only if connected.
tcp_probe() {
	local out rc
	# shellcheck disable=SC2016 # $0 $1 are the inner bash's arguments
	out=$(timeout --foreground -k 1 "$4" ip netns exec "$1" bash -c \
		'exec 3<>"/dev/tcp/$0/$1" && echo connected' "$2" "$3" 2>&1)
	rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo timeout
	elif [ $rc -eq 0 ]; then
		echo connected
	else
		# bash prints "connect: Connection refused" then the path; keep the first
		sed -n '1s/.*connect: //p' <<<"$out"
	fi
	[ $rc -eq 0 ]
}

# h_require_bin NAME: fail the test unless $BUILD/NAME was built.
# (Not meant for $(...): h_fail would only leave the subshell.)
h_require_bin() {
	[ -x "$BUILD/$1" ] || h_fail "need $BUILD/$1" "expected: an executable (make all)" \
		"seen: $(ls -ld "$BUILD/$1" 2>&1)"
}

# h_require_cmd CMD PACKAGE: a host command a test needs.
h_require_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		h_fail "need command $1" "expected: package $2 installed (tests/deps.sh)" "seen: not in PATH"
}

# ---- nsmount and the fake RPC server -------------------------------------------

# nsprobe ARGS... : $BUILD/nsmount --probe ARGS, run from the host's netns
# (nsmount makes its sockets in the netns given by --netns; every test passes
# one of ours).  Bounded by H_PROBE_BOUND (15 s): a hang ends as exit 124, a
# failure, instead of eating the test's whole budget.
nsprobe() {
	timeout --foreground -k 2 "${H_PROBE_BOUND:-15}" "$BUILD/nsmount" --probe "$@"
}

# nsprobe_timed ARGS... : nsprobe, leaving combined output in H_OUT, exit
# status in H_RC and wall time in H_MS (ms).
nsprobe_timed() {
	local t0
	t0=$(h_now_ms)
	H_OUT=$(nsprobe "$@" 2>&1)
	H_RC=$?
	H_MS=$(($(h_now_ms) - t0))
}

# fake_rpc_start MODE [LIFETIME_S] : fake-rpc-server.py in SRV_NS on
# FAKE_ADDR:NFS_PORT, answering as MODE (see the script); waits, bounded, until
# it listens.  Sets FAKE_PID and FAKE_LOG (the server's own log of every call).
# The server exits by itself after LIFETIME_S (default 20); fake_rpc_stop ends
# it sooner.  One at a time.
fake_rpc_start() {
	local mode=$1 life=${2:-20} ready
	fake_rpc_stop
	ready=$H_RUN/fake-rpc.ready
	rm -f "$ready"
	FAKE_LOG=$H_RUN/fake-rpc-$mode.log
	ip netns exec "$SRV_NS" python3 "$H_LIB_DIR/fake-rpc-server.py" --mode "$mode" \
		--addr "$FAKE_ADDR" --port "$NFS_PORT" --lifetime "$life" --ready "$ready" \
		</dev/null >>"$FAKE_LOG" 2>&1 9>&- &
	FAKE_PID=$!
	for _ in $(seq 100); do
		if [ -f "$ready" ]; then
			rm -f "$ready"
			return 0
		fi
		h_alive "$FAKE_PID" || break
		sleep 0.05
	done
	echo "fake-rpc-server ($mode) did not come up on $FAKE_ADDR:$NFS_PORT in $SRV_NS:" >&2
	cat "$FAKE_LOG" >&2
	fake_rpc_stop
	return 1
}

# fake_rpc_stop : end the server fake_rpc_start started (bounded).
fake_rpc_stop() {
	[ -n "${FAKE_PID:-}" ] || return 0
	kill -TERM "$FAKE_PID" 2>/dev/null
	for _ in $(seq 50); do
		h_alive "$FAKE_PID" || break
		sleep 0.05
	done
	kill -KILL "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=""
	return 0
}

# ---- netns and veth -----------------------------------------------------------

# Kill every process inside netns NS (they are ours: only we start processes
# in our namespaces) and wait, bounded, for them to go.
ns_kill_all() {
	local ns=$1 pids
	pids=$(ip netns pids "$ns" 2>/dev/null) || return 0
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	for _ in $(seq 50); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	sleep 0.2
}

# Remove every netns, /etc/netns overlay and run dir of our prefix, including
# leftovers of an earlier run that was killed hard.
net_teardown() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in "$H_PREFIX"*) ;; *) continue ;; esac
		ns_kill_all "$ns"
		ip netns del "$ns" 2>/dev/null
	done
	for ns in /etc/netns/"$H_PREFIX"*; do
		[ -e "$ns" ] && rm -rf -- "$ns"
	done
	rmdir /etc/netns 2>/dev/null # only if empty: others may use it
	return 0
}

# veth_link SRV_IF CLI_NS CLI_ADDR SRV_ADDR: a veth pair created directly
# inside the two namespaces (never in init netns), addressed /24.
veth_link() {
	local sif=$1 cns=$2 caddr=$3 saddr=$4
	ip link add "$sif" netns "$SRV_NS" type veth peer name to-srv netns "$cns" || return 1
	ip -n "$SRV_NS" addr add "$saddr/24" dev "$sif" || return 1
	ip -n "$cns" addr add "$caddr/24" dev to-srv || return 1
	ip -n "$SRV_NS" link set "$sif" up || return 1
	ip -n "$cns" link set to-srv up || return 1
}

net_setup() {
	local ns
	for ns in "$SRV_NS" "$CLI1" "$CLI2"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up || return 1
	done
	ip -n "$SRV_NS" addr add "$SRV_ADDR/32" dev lo || return 1
	ip -n "$SRV_NS" addr add "$REFUSED_ADDR/32" dev lo || return 1
	ip -n "$SRV_NS" addr add "$FAKE_ADDR/32" dev lo || return 1
	# SILENT_ADDR is routed to the server netns but is not local there; with
	# forwarding off the kernel drops such packets without an ICMP error, so a
	# SYN to it is never answered: a "silent server".  (This kernel has no
	# sch_netem and a blackhole route fails connect() at once with EINVAL.)
	ip netns exec "$SRV_NS" sysctl -qw net.ipv4.conf.all.forwarding=0 || return 1
	veth_link to-cli1 "$CLI1" "$CLI1_ADDR" "$CLI1_PEER" || return 1
	veth_link to-cli2 "$CLI2" "$CLI2_ADDR" "$CLI2_PEER" || return 1
	# cli1 reaches the server's service addresses; cli2 deliberately does not.
	ip -n "$CLI1" route add "$SRV_NET" via "$CLI1_PEER" || return 1
}

# cli_route_add NS PEER: give a client netns a route to the service addresses.
cli_route_add() { ip -n "$1" route add "$SRV_NET" via "$2"; }
cli_route_del() { ip -n "$1" route del "$SRV_NET" via "$2"; }

# netns_hosts_set NS LINE...: /etc/netns/NS/hosts, which `ip netns exec` (and
# our resolver worker) bind-mounts over /etc/hosts.  Removed by net_teardown.
netns_hosts_set() {
	local ns=$1
	shift
	# twice: a concurrent run's cleanup may rmdir an empty /etc/netns between
	# mkdir -p's two steps
	mkdir -p "/etc/netns/$ns" 2>/dev/null || mkdir -p "/etc/netns/$ns" || return 1
	printf '%s\n' "$@" >"/etc/netns/$ns/hosts"
}
netns_hosts_clear() {
	rm -f "/etc/netns/$1/hosts"
	rmdir "/etc/netns/$1" 2>/dev/null
	rmdir /etc/netns 2>/dev/null
	return 0
}

# ---- daemons inside the server netns --------------------------------------------

# ns_daemon NS LOG CMD...: start CMD in netns NS in the background, with a
# private tmpfs on /run.  Why: rpcbind keeps its lock and socket in /run, and
# tirpc programs (ganesha) register through /run/rpcbind.sock, a path that
# crosses netns; a private /run keeps both away from any host rpcbind.  ip and
# sh exec, so $! (left in H_DAEMON_PID) is the daemon itself.
ns_daemon() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" sh -c 'mount -n -t tmpfs -o size=4m,mode=0755 nsnfs-host-run /run && exec "$@"' \
		sh "$@" </dev/null >>"$log" 2>&1 9>&- &
	H_DAEMON_PID=$!
}

# rpcbind_start NS DIR: rpcbind in the server netns.  ganesha does not need it
# (v4 registration failure is not fatal), but rpcinfo(8) -n PORT -t still opens
# a TCP connection to port 111 of the target before pinging PORT.
rpcbind_start() {
	local ns=$1 dir=$2 deadline
	mkdir -p "$dir" || return 1
	ns_daemon "$ns" "$dir/rpcbind.log" rpcbind -f
	echo "$H_DAEMON_PID" >"$dir/rpcbind.pid"
	deadline=$(($(date +%s) + 5))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		# 127.0.0.1 inside the server netns: answers or refuses at once
		ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/111' 2>/dev/null && return 0
		h_alive "$H_DAEMON_PID" || break
		sleep 0.1
	done
	echo "rpcbind did not come up in $ns:" >&2
	cat "$dir/rpcbind.log" >&2
	return 1
}

# ganesha_write_config DIR ADDR EXPORT_DIR
# Optional, for tests that start an instance of their own:
#   GANESHA_MINOR_VERSIONS  e.g. "1, 2" (NFSv4 Minor_Versions; default: ganesha's 0, 1, 2)
#   GANESHA_LOG_COMPONENTS  e.g. "CLIENTID = FULL_DEBUG;" (LOG { COMPONENTS {...} })
ganesha_write_config() {
	local dir=$1 addr=$2 export_dir=$3 bind minor="" comps=""
	[ -n "${GANESHA_MINOR_VERSIONS:-}" ] && minor="Minor_Versions = $GANESHA_MINOR_VERSIONS;"
	[ -n "${GANESHA_LOG_COMPONENTS:-}" ] && comps="COMPONENTS { $GANESHA_LOG_COMPONENTS }"
	# ganesha 4.3 listens on an AF_INET6 socket when it can and then takes
	# only the IPv6 part of Bind_addr: an IPv4 address would become "::"
	# (every address, REFUSED_ADDR included).  The v4-mapped form binds
	# exactly ADDR.  ganesha resolves it with AI_ADDRCONFIG, so the netns
	# needs a non-loopback IPv6 address first: the veth link-locals do.
	case $addr in
	*:*) bind=$addr ;;
	*) bind=::ffff:$addr ;;
	esac
	cat >"$dir/ganesha.conf" <<EOF
# Written by tests/host/lib.sh; everything stateful lives in $dir.
NFS_CORE_PARAM {
	Protocols = 4;
	NFS_Port = $NFS_PORT;
	Bind_addr = $bind;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = false;
	# Short idle timeout so connections of killed clients do not linger.
	RPC_Idle_Timeout_S = 30;
}
NFS_KRB5 {
	Active_krb5 = false;
	CCacheDir = $dir/krb5cc;
}
NFSv4 {
	Graceless = true;
	Lease_Lifetime = 10;
	RecoveryBackend = fs;
	RecoveryRoot = $dir/recovery;
	# Numeric owners: no idmapd/nsswitch dependence.
	Only_Numeric_Owners = true;
	$minor
}
EXPORT {
	Export_Id = 1;
	Path = $export_dir;
	Pseudo = $EXPORT_PSEUDO;
	Access_Type = RW;
	Squash = No_Root_Squash;
	Protocols = 4;
	Transports = TCP;
	SecType = sys;
	FSAL {
		Name = VFS;
	}
}
LOG {
	Default_Log_Level = EVENT;
	$comps
}
EOF
}

# ganesha_start NETNS ADDR EXPORT_DIR: start ganesha.nfsd -F in NETNS serving
# EXPORT_DIR as $EXPORT_PSEUDO on ADDR:2049; wait (bounded) until it is
# initialised and answers TCP from a client netns with a route to ADDR.
# Sets and exports GANESHA_DIR (config, log, pid, recovery) and GANESHA_PID.
ganesha_start() {
	local ns=$1 addr=$2 export_dir=$3 dir cli deadline t0 t1 state=""
	dir=$(mktemp -d "${H_RUN:-/tmp}/ganesha.XXXXXX") || return 1
	mkdir -p "$dir/recovery" "$dir/krb5cc" "$export_dir" || return 1
	ganesha_write_config "$dir" "$addr" "$export_dir" || return 1
	cli=${GANESHA_PROBE_NS:-$CLI1}
	t0=$(date +%s%N)
	ns_daemon "$ns" "$dir/stdout.log" ganesha.nfsd -F -f "$dir/ganesha.conf" \
		-L "$dir/ganesha.log" -p "$dir/ganesha.pid" -N NIV_EVENT
	GANESHA_PID=$H_DAEMON_PID
	GANESHA_DIR=$dir
	export GANESHA_PID GANESHA_DIR
	echo "$GANESHA_PID" >"$dir/launcher.pid"
	deadline=$(($(date +%s) + GANESHA_TIMEOUT))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ! h_alive "$GANESHA_PID"; then
			state="exited"
			break
		fi
		if grep -q 'NFS SERVER INITIALIZED' "$dir/ganesha.log" 2>/dev/null &&
			tcp_probe "$cli" "$addr" "$NFS_PORT" 1 >/dev/null; then
			t1=$(date +%s%N)
			GANESHA_START_MS=$(((t1 - t0) / 1000000))
			export GANESHA_START_MS
			echo "$GANESHA_START_MS" >"$dir/start-ms"
			return 0
		fi
		sleep 0.05 # fine-grained: the start time is reported
	done
	echo "ganesha did not come up on $addr:$NFS_PORT in $ns within ${GANESHA_TIMEOUT}s${state:+ (process $state)}" >&2
	tail -n 30 "$dir/ganesha.log" "$dir/stdout.log" >&2 2>/dev/null
	ganesha_stop "$dir"
	return 1
}

# ganesha_stop [DIR]: SIGTERM (ganesha shuts down cleanly), bounded wait, then
# SIGKILL.  Defaults to the instance in GANESHA_DIR.
ganesha_stop() {
	local dir=${1:-${GANESHA_DIR:-}} pid
	[ -n "$dir" ] && [ -f "$dir/launcher.pid" ] || return 0
	pid=$(cat "$dir/launcher.pid")
	# never signal a reused pid: it must still be that ganesha
	if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != ganesha.nfsd ]; then
		rm -f "$dir/launcher.pid"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || {
		rm -f "$dir/launcher.pid"
		return 0
	}
	for _ in $(seq 100); do
		h_alive "$pid" || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null # reaps it when we are its parent
	rm -f "$dir/launcher.pid"
	return 0
}
