#!/bin/bash
# mount.nfs4 -v and nscache show say which of the kernel-patches/ features
# the running kernel has: none on Debian's stock kernel, all three on ours.
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
show=$("$NSNFS_BUILD/nscache" show cli1) || fail "nscache show cli1 failed"
log "$show"
json=$("$NSNFS_BUILD/nscache" --json show cli1) || fail "nscache --json show cli1 failed"
if [ "$NSNFS_KERNEL" = custom ]; then
	assert_match "ours: nscache show lists them" \
		"^kernel +per-netns shutdown knob present, nfs.refuse_cross_netns_reconfigure = N, nfsv4.goodbye_timeout = 0$" \
		"$(grep '^kernel' <<<"$show")"
	assert_match "ours: and in JSON" \
		'"kernel":\{"netns_shutdown":true,"refuse_cross_netns_reconfigure":"N","goodbye_timeout":"0"\}' "$json"
else
	assert_match "stock: nscache show says absent" \
		"^kernel +per-netns shutdown knob absent, nfs.refuse_cross_netns_reconfigure absent, nfsv4.goodbye_timeout absent$" \
		"$(grep '^kernel' <<<"$show")"
	assert_match "stock: and in JSON" \
		'"kernel":\{"netns_shutdown":false,"refuse_cross_netns_reconfigure":false,"goodbye_timeout":false\}' "$json"
fi
log "ok"
