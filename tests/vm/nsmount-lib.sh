# shellcheck shell=bash
# "Containers" for the nsmount guest tests and demo step (sourced after lib.sh).
#
# A container is one process (PID 1 of its own PID namespace, $CTR_PID from the
# host) in its own network, mount, PID and UTS namespaces, with a small root
# under $CTR_BASE/NAME: a static busybox, /etc/hosts naming the server, its own
# /proc, an empty /mnt/data.  Its netns is joined to srv by a veth:
# vNs (srv, 10.99.N.1) <-> eth0 (container, 10.99.N.2); its /etc/hosts calls
# 10.99.N.1 "files.ctr", a name the host cannot resolve.
#
#   ctr_start NAME N [pivot|chroot] [NETNS]
#     pivot (default): pivot_root into the root, the old root unmounted, as
#       container runtimes do (the namespace's root is the container's root).
#     chroot: only chroot'ed; the mount namespace still holds the host's whole
#       tree outside the container's root (the hard case for symlink escapes).
#     NETNS: join this named netns instead of a new one (no veth, no N link).
#   The container's process exits by itself after CTR_LIFETIME seconds, so a
#   test killed before its trap ran cannot leave it behind for long.
#   ctr_stop NAME, ctr_cleanup (all), ctr_exec NAME CMD... (busybox applets,
#   inside the container: its namespaces and root).
#   ctr_nfs_mounts NAME: the NFS mounts of the container's mount namespace as
#     "MOUNTPOINT" lines, seen from the namespace's root (for a chroot
#     container that shows mounts outside the container's root too).
#   host_nfs_mounts: the same for the host's (the caller's) namespace.

CTR_BASE=/tmp/nsnfs/ctr
CTR_LIFETIME=${CTR_LIFETIME:-150}
# shellcheck disable=SC2034 # used by the tests that source this file
NSM=$NSNFS_BUILD/nsmount
declare -A CTR_PIDS=()
declare -A CTR_ROOTS=()

# The host PID of container NAME's init.
ctr_pid() { echo "${CTR_PIDS[$1]}"; }
ctr_root() { echo "${CTR_ROOTS[$1]}"; }

ctr_start() {
	local name=$1 n=$2 mode=${3:-pivot} netns=${4:-} root=$CTR_BASE/$1 launcher pid
	mkdir -p "$root"/{bin,etc,proc,mnt/data,tmp,oldroot}
	cp /bin/busybox "$root/bin/busybox"
	printf '127.0.0.1 localhost\n%s files.ctr\n' "$(srv_addr "$n")" >"$root/etc/hosts"
	echo "$name" >"$root/etc/hostname"
	rm -f "$root/ready"
	# Runs as PID 1 of the new PID namespace, in the new mount namespace.
	# shellcheck disable=SC2016 # expanded by the inner shell
	launcher='
		set -e
		hostname "$1"
		# pivot_root wants the new root to be a mount point; proc goes on
		# top of that bind mount (under it, it would be hidden).
		[ "$3" != pivot ] || mount --bind "$2" "$2"
		mount -t proc proc "$2/proc"
		if [ "$3" = pivot ]; then
			cd "$2"
			pivot_root . oldroot
			exec /bin/busybox sh -c "/bin/busybox umount -l /oldroot &&
				/bin/busybox touch /ready && exec /bin/busybox sleep $4"
		fi
		exec chroot "$2" /bin/busybox sh -c "/bin/busybox touch /ready && exec /bin/busybox sleep $4"'
	# (unshare's own complaint when its child is SIGKILLed goes to the log too.)
	if [ -n "$netns" ]; then
		nsenter --net="/run/netns/$netns" unshare --mount --pid --uts --fork --propagation private \
			bash -c "$launcher" _ "$name" "$root" "$mode" "$CTR_LIFETIME" 2>"$root.log" &
	else
		unshare --net --mount --pid --uts --fork --propagation private \
			bash -c "$launcher" _ "$name" "$root" "$mode" "$CTR_LIFETIME" 2>"$root.log" &
	fi
	launcher=$!
	wait_for "[ -e $root/ready ]" 10 ||
		fail "container $name did not start within 10 s: $(cat "$root.log")"
	pid=$(pgrep -P "$launcher" | head -n 1)
	[ -n "$pid" ] || fail "container $name: no init process under $launcher"
	CTR_PIDS[$name]=$pid
	CTR_ROOTS[$name]=$root
	if [ -z "$netns" ]; then
		ip link add "v${n}s" netns "$SRV_NS" type veth peer name eth0 netns "$pid"
		ip -n "$SRV_NS" -batch - <<-EOF
			addr add $(srv_addr "$n")/24 dev v${n}s
			link set v${n}s up
		EOF
		nsenter -t "$pid" -n ip -batch - <<-EOF
			link set lo up
			addr add $(cli_addr "$n")/24 dev eth0
			link set eth0 up
		EOF
		wait_for "nsenter -t $pid -n ip link show eth0 | grep -q 'state UP'" 5 ||
			fail "container $name: eth0 did not come up within 5 s"
	fi
	log "container $name: pid $pid ($mode), root $root"
}

# ctr_exec NAME CMD...: run a busybox applet inside the container (its
# namespaces, its root, its working directory /).
ctr_exec() {
	local pid=${CTR_PIDS[$1]}
	shift
	nsenter -t "$pid" -n -m -u -p -r -w /bin/busybox "$@"
}

ctr_stop() {
	local pid=${CTR_PIDS[$1]:-}
	[ -n "$pid" ] || return 0
	kill -9 "$pid" 2>/dev/null || true
	wait_for "[ ! -e /proc/$pid ]" 5 || echo "cleanup: container $1 ($pid) still there" >&2
	unset "CTR_PIDS[$1]"
}

ctr_cleanup() {
	local name
	for name in "${!CTR_PIDS[@]}"; do
		ctr_stop "$name"
	done
	rm -rf "$CTR_BASE"
}

# Mount points of NFS mounts in /proc/PID/mountinfo (field 5; the fs type
# follows the " - " separator).
nfs_mountpoints() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) ~ /^nfs4?$/) print $5 }' "$1"
}

ctr_nfs_mounts() {
	local pid=${CTR_PIDS[$1]}
	# A process in the container's mount namespace with the namespace's root
	# (not the container's root) sees every mount of the namespace.  It also
	# enters the PID namespace, so the container's /proc knows it as "self".
	# shellcheck disable=SC2016 # an awk program
	nsenter -t "$pid" -m -p /bin/busybox awk \
		'{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) ~ /^nfs4?$/) print $5 }' \
		/proc/self/mountinfo
}

host_nfs_mounts() { nfs_mountpoints /proc/self/mountinfo; }

# The server's view of its NFSv4 clients (name and status lines).
srv_clients() { cat /proc/fs/nfsd/clients/*/info 2>/dev/null || true; }

nsmount_cleanup() {
	ctr_cleanup
	vm_cleanup
}
trap nsmount_cleanup EXIT
