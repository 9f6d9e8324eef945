#!/bin/bash
# After the last umount in cli1 the server leaves cli1's /proc/fs/nfsfs/servers
# (stock 6.1 tears the client down in the umount itself; measured ~0.4 s).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

srv_start
cli_add 1
srv=$(srv_addr 1)
mnt=$(mnt_dir cli1)
run cli_mount 1 "$mnt"
assert_ok "cli1 lists the server $srv after the mount" has_server cli1 "$srv"

t0=$(now_ms)
run ns_exec cli1 timeout 30 umount "$mnt"
umount_ms=$(($(now_ms) - t0))
assert_fails "the mount point is gone" is_mounted "$mnt"
if ! wait_for "! has_server cli1 $srv" 10; then
	fail "cli1 still lists the server $srv 10 s after umount"$'\n'"$(nfsfs_servers cli1)"
fi
log "umount took $umount_ms ms; the server entry was gone $WAITED_MS ms after it returned"
