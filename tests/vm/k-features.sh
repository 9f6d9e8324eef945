#!/bin/bash
# mount.nfs4 -v says which of the kernel-patches/ features the running kernel
# has: none on Debian's stock kernel, all three on ours.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

srv_start
cli_add 1
out=$("$NSNFS_BUILD/mount.nfs4" "$(srv_addr 1):/" "$(mnt_dir kf)" -v -o netns=cli1 2>&1) ||
	fail "mount failed: $out"
log "$out"
for what in "per-netns shutdown knob" "nfs.refuse_cross_netns_reconfigure" "nfsv4.goodbye_timeout"; do
	if [ "$NSNFS_KERNEL" = custom ]; then
		assert_match "ours: $what detected" "kernel: $what present" "$out"
	else
		assert_match "stock: $what absent" "kernel: $what absent" "$out"
	fi
done
log "ok"
