#!/bin/bash
# With the NFSv4 client module not loaded, mount.nfs4 loads it (libkmod, the
# fs-nfs4 alias, like modprobe) and the per-netns identifier is still set
# before the first mount.
. "$NSNFS_VM/lib.sh"

[ "$NSNFS_KERNEL" = stock ] || { log "custom kernel: NFS is built in, nothing to load"; exit 0; }
M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
# nfs4 is registered by the nfs module; nfsv4 depends on it.
run rmmod nfsv4 nfs
assert_no_match "nfs and nfsv4 unloaded" "nfs4$" "$(cat /proc/filesystems)"
assert_fails "no NFS client sysfs left" test -e /sys/fs/nfs
mnt=$(mnt_dir modload)
run "$M4" "$(srv_addr 1):/" "$mnt" -o netns=cli1
assert_match "nfs4 registered again" "nfs4$" "$(cat /proc/filesystems)"
assert_ok "mounted" is_mounted "$mnt"
assert_match "identifier set" '^nsnfs-' "$(ip netns exec cli1 cat /sys/fs/nfs/net/nfs_client/identifier)"
log "ok"
