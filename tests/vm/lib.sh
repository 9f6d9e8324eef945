# shellcheck shell=bash
# Guest-side helpers for tests/vm/t-*.sh and the tests/vm/demo-steps (bash, in
# the VM, as root).  Sourcing this file sets `set -eu` and an EXIT trap that
# tears down everything the helpers created (vm_cleanup).
#
# Layout made by the helpers:
#   netns srv     kernel nfsd exporting the tmpfs $EXPORT (fsid=0) on every
#                 address it has
#   netns cliN    a client; veth vNs (10.99.N.1, in srv) <-> vNc (10.99.N.2)
# Environment from the host (see run-tier): NSNFS_SRC (repo top), NSNFS_VM
# (this directory), NSNFS_BUILD (built binaries, may be missing), NSNFS_KERNEL
# (stock|custom), NSNFS_OUT (the writable share).

set -eu

SRV_NS=srv
EXPORT=/srv/nfs4
SRV_RUN=/run/nsnfs/srv # srv's rpc_pipefs and nfsdcld database
MNT_BASE=/tmp/nsnfs/mnt
NFSD_LEASE=10 # seconds; the kernel's minimum, keeps lease/restart tests short
NFSD_GRACE=10
LIB_T0=${EPOCHREALTIME/./}

# --- time and logging -------------------------------------------------------

# Milliseconds since the epoch, without forking.
now_ms() {
	local us=${EPOCHREALTIME/./}
	echo $((us / 1000))
}

# Log a line prefixed with the seconds since lib.sh was sourced.
log() {
	local us=$((${EPOCHREALTIME/./} - LIB_T0))
	printf '[%d.%03ds] %s\n' $((us / 1000000)) $((us / 1000 % 1000)) "$*"
}

# Run a command, logging it and its exit code; return that code.
run() {
	local rc=0
	log "\$ $*"
	"$@" || rc=$?
	[ "$rc" -eq 0 ] || log "exit $rc"
	return "$rc"
}

# --- assertions: each prints what was expected and what was seen -----------

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Indent TEXT as a quoted block for failure messages.
quote() {
	printf '    | %s' "${1//$'\n'/$'\n'    | }"
}

# assert_eq WHAT EXPECTED SEEN
assert_eq() {
	[ "$2" = "$3" ] && return 0
	fail "$1"$'\n'"  expected: $2"$'\n'"  seen:     $3"
}

# assert_match WHAT ERE TEXT: some line of TEXT matches ERE.
assert_match() {
	grep -Eq -- "$2" <<<"$3" && return 0
	fail "$1"$'\n'"  expected a line matching: $2"$'\n'"  seen:"$'\n'"$(quote "$3")"
}

# assert_no_match WHAT ERE TEXT: no line of TEXT matches ERE.
assert_no_match() {
	grep -Eq -- "$2" <<<"$3" || return 0
	fail "$1"$'\n'"  expected no line matching: $2"$'\n'"  seen:"$'\n'"$(quote "$3")"
}

# assert_ok WHAT CMD...: CMD exits 0 (its output is shown on failure).
assert_ok() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && return 0
	fail "$what"$'\n'"  expected: \`$*\` exits 0"$'\n'"  seen:     exit $rc: $out"
}

# assert_fails WHAT CMD...: CMD exits non-zero.
assert_fails() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] && return 0
	fail "$what"$'\n'"  expected: \`$*\` fails"$'\n'"  seen:     exit 0: $out"
}

# --- bounded waiting ------------------------------------------------------

# wait_for CMD TIMEOUT: evaluate the shell command CMD every 50 ms until it
# succeeds (return 0) or TIMEOUT seconds pass (return 1).  WAITED_MS is set to
# the time spent either way.
WAITED_MS=0
wait_for() {
	local cmd=$1 limit_ms=$(($2 * 1000)) t0
	t0=$(now_ms)
	while :; do
		if eval "$cmd" >/dev/null 2>&1; then
			WAITED_MS=$(($(now_ms) - t0))
			return 0
		fi
		WAITED_MS=$(($(now_ms) - t0))
		[ "$WAITED_MS" -lt "$limit_ms" ] || return 1
		sleep 0.05
	done
}

# --- netns and NFS state ----------------------------------------------------

# ns_exec NS CMD...: run CMD with NS's network only (mounts it makes stay
# visible to everyone).  NS "init" is the initial netns.
ns_exec() {
	local ns=$1
	shift
	if [ "$ns" = init ]; then
		"$@"
	else
		nsenter --net="/run/netns/$ns" "$@"
	fi
}

# The address in /proc/fs/nfsfs/servers form: IPv4 as host-order hex.
addr_hex() {
	local IFS=.
	# shellcheck disable=SC2086 # split the dotted quad on purpose
	printf '%02x%02x%02x%02x\n' $1
}

# nfsfs_servers NS: NS's /proc/fs/nfsfs/servers (a per-netns view).
nfsfs_servers() {
	if [ "$1" = init ]; then
		cat /proc/fs/nfsfs/servers
	else
		ip netns exec "$1" cat /proc/fs/nfsfs/servers
	fi
}

# has_server NS ADDR: NS's nfsfs/servers lists ADDR.
has_server() {
	nfsfs_servers "$1" | grep -q " $(addr_hex "$2") "
}

srv_addr() { echo "10.99.$1.1"; }
cli_addr() { echo "10.99.$1.2"; }

# srv_start: netns srv with kernel nfsd serving $EXPORT (NFSv4 only).  The
# export lives on tmpfs (the overlay root cannot be exported); nfsd, exportfs,
# mountd and nfsdcld all run inside srv, where their sockets and caches belong.
srv_start() {
	local run=$SRV_RUN v off=()
	ip netns add "$SRV_NS"
	ip -n "$SRV_NS" link set lo up
	mkdir -p "$EXPORT" "$run/pipefs" "$run/cld"
	mountpoint -q "$EXPORT" || mount -t tmpfs -o mode=0755 nfsexport "$EXPORT"
	echo "$EXPORT *(rw,no_root_squash,fsid=0,no_subtree_check,insecure)" >/etc/exports
	# nfsd and rpc_pipefs belong to the netns that mounts them.
	ns_exec "$SRV_NS" mount -t nfsd nfsd /proc/fs/nfsd
	ns_exec "$SRV_NS" mount -t rpc_pipefs rpc_pipefs "$run/pipefs"
	# Lease and grace can only be set while nfsd is stopped.
	echo "$NFSD_LEASE" >/proc/fs/nfsd/nfsv4leasetime
	echo "$NFSD_GRACE" >/proc/fs/nfsd/nfsv4gracetime
	# nfsdcld is the only client tracking nfsd allows outside the init netns.
	# With an empty database nfsd skips the grace period, so the first OPEN
	# does not stall for NFSD_GRACE seconds.  The database survives srv_stop,
	# so a restart within a test does get a grace period.
	ns_exec "$SRV_NS" nfsdcld -p "$run/pipefs" -s "$run/cld"
	ns_exec "$SRV_NS" exportfs -ra
	ns_exec "$SRV_NS" rpc.mountd -N 2 -N 3
	# rpc.nfsd refuses to turn off a version the kernel lacks (Debian's 6.1
	# has no NFSv2).
	for v in $(</proc/fs/nfsd/versions); do
		case $v in
		[+-][23]) off+=(-N "${v#?}") ;;
		esac
	done
	ns_exec "$SRV_NS" rpc.nfsd "${off[@]}" 8
}

# srv_stop: stop nfsd and its daemons, drop the exports, delete srv.
srv_stop() {
	[ -e "/run/netns/$SRV_NS" ] || return 0
	if mountpoint -q /proc/fs/nfsd; then
		ns_exec "$SRV_NS" timeout 20 rpc.nfsd 0 || true
		ns_exec "$SRV_NS" timeout 10 exportfs -ua || true
	fi
	ns_kill "$SRV_NS"
	if mountpoint -q /proc/fs/nfsd; then
		umount /proc/fs/nfsd
	fi
	if mountpoint -q "$SRV_RUN/pipefs"; then
		umount "$SRV_RUN/pipefs"
	fi
	ip netns del "$SRV_NS"
	: >/etc/exports
}

# cli_add N: client netns cliN joined to srv by a veth pair.  Batched: under
# TCG every process start costs ~80 ms.
cli_add() {
	local n=$1 ns=cli$1
	ip netns add "$ns"
	ip link add "v${n}s" netns "$SRV_NS" type veth peer name "v${n}c" netns "$ns"
	ip -n "$SRV_NS" -batch - <<-EOF
		addr add $(srv_addr "$n")/24 dev v${n}s
		link set v${n}s up
	EOF
	ip -n "$ns" -batch - <<-EOF
		link set lo up
		addr add $(cli_addr "$n")/24 dev v${n}c
		link set v${n}c up
	EOF
	# The carrier comes up asynchronously; wait so that the link reads UP.
	wait_for "ip -n $ns link show v${n}c | grep -q 'state UP'" 5 ||
		fail "veth v${n}c in $ns did not come up within 5 s"
}

# mnt_dir NAME: a fresh mount point under $MNT_BASE.
mnt_dir() {
	mkdir -p "$MNT_BASE/$1"
	echo "$MNT_BASE/$1"
}

# cli_mount N DIR [OPTS]: mount srv's export from cliN on DIR, in the caller's
# mount namespace (nsenter, not `ip netns exec`: that one unshares a private
# mount namespace and the mount vanishes with the command).
cli_mount() {
	ns_exec "cli$1" timeout 60 mount -t nfs4 -o "${3:-vers=4.2}" "$(srv_addr "$1"):/" "$2"
}

# is_mounted DIR: DIR is a mount point in the caller's mount namespace.
is_mounted() {
	awk -v d="$1" '$2 == d { found = 1 } END { exit !found }' /proc/self/mounts
}

# ns_kill NS: kill every process inside NS, waiting (bounded) for them to go.
ns_kill() {
	local pids
	pids=$(ip netns pids "$1" 2>/dev/null) || return 0
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -9 $pids 2>/dev/null || true
	wait_for "[ -z \"\$(ip netns pids $1)\" ]" 5 || echo "cleanup: processes left in $1" >&2
}

# vm_cleanup: undo everything the helpers may have made.  Bounded; never
# fails.  Safe to run twice (the runner runs it again after every test).
vm_cleanup() {
	local m ns
	set +e
	# Innermost first; -i skips umount helpers (ours may be under test), -f
	# aborts RPCs to a dead server, -l is the last resort.
	for m in $(awk '$3 ~ /^nfs4?$/ { print $2 }' /proc/self/mounts | tac); do
		timeout 10 umount -i "$m" || timeout 10 umount -i -f "$m" ||
			timeout 10 umount -i -l "$m"
	done
	srv_stop
	for ns in $(ip netns list | awk '{ print $1 }'); do
		ns_kill "$ns"
		ip netns del "$ns"
	done
	if mountpoint -q "$EXPORT"; then
		umount "$EXPORT"
	fi
	rm -rf "$MNT_BASE" "$SRV_RUN"
	set -e
	return 0
}

# A timeout's SIGTERM must still run the EXIT trap.
trap 'exit 143' TERM INT
trap vm_cleanup EXIT
