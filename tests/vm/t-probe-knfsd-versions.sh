#!/bin/bash
# The probe agrees with what kernel nfsd offers: with 4.2 switched off
# (rpc.nfsd -N 4.2) it reports 4.0 and 4.1 only, and mount.nfs4 then mounts
# with 4.1 instead of asking the kernel for 4.2; with 4.2 on it picks 4.2.
. "$NSNFS_VM/lib.sh"

NSM=$NSNFS_BUILD/nsmount
M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
srv=$(srv_addr 1)

out=$("$NSM" --probe --json --netns cli1 "$srv:/") || fail "probe with 4.2 on failed: $out"
log "4.2 on: $out"
assert_match "4.2 on: all three minor versions" '"minor_versions":\[0,1,2\]' "$out"

# Versions can only change while nfsd has no threads.
ns_exec "$SRV_NS" rpc.nfsd 0
ns_exec "$SRV_NS" rpc.nfsd -N 3 -N 4.2 8
log "nfsd versions: $(cat /proc/fs/nfsd/versions)"
out=$("$NSM" --probe --json --netns cli1 "$srv:/") || fail "probe with 4.2 off failed: $out"
log "4.2 off: $out"
assert_match "4.2 off: 4.0 and 4.1 only" '"minor_versions":\[0,1\]' "$out"
assert_match "4.2 off: highest 4.1" '"highest_minor":1' "$out"

mnt=$(mnt_dir kv)
run "$M4" "$srv:/" "$mnt" -o netns=cli1
assert_match "mounted with the probed 4.1" "vers=4.1" "$(awk -v d="$mnt" '$2 == d { print $4 }' /proc/self/mounts)"
umount "$mnt"

rc=0
out=$("$M4" "$srv:/" "$mnt" -o netns=cli1,vers=4.2,retry=0 2>&1) || rc=$?
assert_eq "vers=4.2 against a server without it exits 32" 32 "$rc"
assert_match "and says why" "not supported by $srv \(netns cli1\)" "$out"
assert_fails "nothing mounted" is_mounted "$mnt"
log "ok"
