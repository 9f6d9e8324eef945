#!/bin/bash
# Our mount.nfs4 and umount.nfs4 keep nscache's records themselves: a mount
# with -o netns=cli1 records the netns (by name, with the client identifier
# it set), the server (the probe's minor versions) and the mount; a second
# mount of the server counts 2; umount.nfs4 releases, and after the last
# umount no record is left.  With the watcher running, umount.nfs4 still does
# the release itself (and learns what went with it): the watcher waits a
# grace period before acting on a mount table change.
# vm-timeout: 90
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

# shellcheck source=nscache-lib.sh
. "$NSNFS_VM/nscache-lib.sh"
M4=$NSNFS_BUILD/mount.nfs4
UM4=$NSNFS_BUILD/umount.nfs4
for b in "$M4" "$UM4"; do
	[ -x "$b" ] || fail "no $b (make)"
done

json() { "$NSC" -j list | jq -r "$1"; }

srv_start
cli_add 1
srv=$(srv_addr 1)
m1=$(mnt_dir a)
m2=$(mnt_dir b)
run "$M4" "$srv:/" "$m1" -o netns=cli1 -v
log "$("$NSC" list)"
assert_eq "netns recorded by name" "name cli1" "$(json '.netns[0] | "\(.source_kind) \(.source)"')"
assert_match "client identifier recorded" '^nsnfs-' "$(json '.netns[0].client_id')"
assert_eq "server" "$srv 2049" "$(json '.servers[0] | "\(.address) \(.port)"')"
assert_eq "server name as given" "$srv" "$(json '.servers[0].names[0]')"
assert_match "the probe's minor versions" '4\.2' "$(json '.servers[0].minor_versions | join(",")')"
assert_eq "mount point" "$m1" "$(json '.mounts[0].mount_point')"
assert_eq "mount id matches mountinfo" "$(awk -v d="$m1" '$5 == d { print $1 }' /proc/self/mountinfo)" \
	"$(json '.mounts[0].mount_id')"

run "$M4" "$srv:/" "$m2" -o netns=cli1,vers=4.1 -v
assert_eq "two mounts of the server" 2 "$(json '.servers[0].mounts')"
assert_eq "two mounts in the netns" 2 "$(json '.netns[0].mounts')"
assert_eq "diagnose: recorded cross-netns mounts are intended" 0 \
	"$("$NSC" diagnose --json | jq '[.findings[] | select(.kind == "cross-netns")] | length')"

"$NSC" watch --json --interval 600 >"$WATCH_LOG" 2>&1 &
WATCH_PID=$!
wait_for "grep -q '\"event\":\"watching\"' $WATCH_LOG" 10 || fail "watcher did not start: $(cat $WATCH_LOG)"
out=$("$UM4" "$m1" -v 2>&1) || fail "umount.nfs4 $m1 failed: $out"
log "$out"
assert_eq "one mount left" 1 "$(json '.servers[0].mounts')"
out=$("$UM4" "$m2" -v 2>&1) || fail "umount.nfs4 $m2 failed: $out"
log "$out"
assert_match "umount.nfs4 released the last mount itself" "released mount .*netns records dropped" "$out"
assert_eq "no records after the last umount" '{"netns":[],"servers":[],"mounts":[],"resolver":[]}' \
	"$("$NSC" -j list)"
sleep 2 # past the watcher's grace
assert_no_match "the watcher had nothing to release" '"event":"mount-gone"' "$(cat $WATCH_LOG)"
kill -TERM "$WATCH_PID"
wait_for "! kill -0 $WATCH_PID" 5 || fail "watcher ignored SIGTERM"
WATCH_PID=
log "watcher log:"$'\n'"$(cat $WATCH_LOG)"
