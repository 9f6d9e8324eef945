#!/bin/bash
# vm-timeout: 90
# The host mounts server address X, unmounts, and right after that a client
# netns in which X is a *different* server mounts X: it must reach its own
# server's export.  Nothing of the host's NFS/DNS state for X may leak into
# the netns (clients, transports and caches are per netns).
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
U4=$NSNFS_BUILD/umount.nfs4
X=10.99.9.1
srv_start
echo "server A" >"$EXPORT/who.txt"

# Server A is X for the init netns.
ip link add vxi type veth peer name vxs
ip link set vxs netns "$SRV_NS"
ip -n "$SRV_NS" addr add "$X/24" dev vxs
ip -n "$SRV_NS" link set vxs up
ip addr add 10.99.9.2/24 dev vxi
ip link set vxi up

# Server B is X for cli2: a second kernel nfsd in netns srvb.  Its mountd and
# exportfs run in a private mount namespace with their own /etc/exports,
# /var/lib/nfs and export tmpfs, since the kernel resolves export paths in
# mountd's mount namespace.
ip netns add srvb
ip -n srvb link set lo up
ip netns add cli2
ip -n cli2 link set lo up
ip link add vbs type veth peer name vbc
ip link set vbs netns srvb
ip link set vbc netns cli2
ip -n srvb addr add "$X/24" dev vbs
ip -n cli2 addr add 10.99.9.2/24 dev vbc
ip -n srvb link set vbs up
ip -n cli2 link set vbc up
stop_b() {
	local pid
	pid=$(cat /run/nsnfs/srvb.mountd.pid 2>/dev/null || true)
	if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
		timeout 20 nsenter -t "$pid" -m -n rpc.nfsd 0 || true
	fi
	vm_cleanup
}
trap stop_b EXIT
mkdir -p /run/nsnfs
nsenter --net=/run/netns/srvb unshare --mount --propagation private bash -euc '
	mount -t tmpfs srvb-export /srv/nfs4
	echo "server B" >/srv/nfs4/who.txt
	mount -t tmpfs srvb-state /var/lib/nfs
	mkdir -p /var/lib/nfs/rpc_pipefs /var/lib/nfs/cld
	echo "/srv/nfs4 *(rw,no_root_squash,fsid=0,no_subtree_check,insecure)" >/var/lib/nfs/exports
	mount --bind /var/lib/nfs/exports /etc/exports
	mount -t nfsd nfsd /proc/fs/nfsd
	mount -t rpc_pipefs rpc_pipefs /var/lib/nfs/rpc_pipefs
	echo 10 >/proc/fs/nfsd/nfsv4leasetime
	echo 10 >/proc/fs/nfsd/nfsv4gracetime
	nfsdcld -p /var/lib/nfs/rpc_pipefs -s /var/lib/nfs/cld
	exportfs -ra
	rpc.mountd -N 3
	pgrep -n -x rpc.mountd >/run/nsnfs/srvb.mountd.pid
	rpc.nfsd -N 3 8
'

# 1. The init netns mounts X: server A.
mnt=$(mnt_dir host)
run "$M4" "$X:/" "$mnt" -o vers=4.2
assert_eq "the init netns reaches server A at $X" "server A" "$(cat "$mnt/who.txt")"
assert_ok "the init netns lists X" has_server init "$X"
run "$U4" "$mnt"

# 2. At once, cli2 mounts the same address X: server B.
mnt2=$(mnt_dir cli2)
run "$M4" "$X:/" "$mnt2" -o netns=cli2,vers=4.2
assert_eq "cli2 reaches its own server B at $X" "server B" "$(cat "$mnt2/who.txt")"
assert_match "cli2 lists X" " $(addr_hex "$X") " "$(nfsfs_servers cli2)"
run "$U4" "$mnt2"
log "ok"
