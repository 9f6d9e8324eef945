#!/bin/bash
# A remount from another netns than the mount's transport is refused with a
# clear error (the kernel would silently rebind it); the same netns works.
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
srv=$(srv_addr 1)
mnt=$(mnt_dir remount)
run "$M4" "$srv:/" "$mnt" -o netns=cli1,vers=4.2
touch "$mnt/rw-before"

rc=0
out=$("$M4" "$srv:/" "$mnt" -o remount,ro 2>&1) || rc=$?
log "remount from init netns: exit $rc: $out"
assert_eq "cross-netns remount exits 32" 32 "$rc"
assert_match "message says why" "another network namespace" "$out"
assert_ok "still writable after the refused remount" touch "$mnt/rw-after-refusal"

run "$M4" "$srv:/" "$mnt" -o netns=cli1,remount,ro
assert_fails "read-only after the same-netns remount" touch "$mnt/ro-now"
run "$M4" "$srv:/" "$mnt" -o netns=cli1,remount,rw
assert_ok "writable again" touch "$mnt/rw-again"
log "ok"
