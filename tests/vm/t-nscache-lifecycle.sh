#!/bin/bash
# nscache records follow the mounts: two mounts of one server in cli1 share a
# server record (refcount 2); the first release keeps it, the last umount
# leaves no record at all; drop refuses while mounts are live.  Then with the
# watcher running, an umount that bypasses umount.nfs4 (plain umount -i) is
# noticed through mountinfo POLLPRI and its records go too; the watcher
# assigns the netns an nsid and stops cleanly on SIGTERM.
# vm-timeout: 120
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

# shellcheck source=nscache-lib.sh
. "$NSNFS_VM/nscache-lib.sh"


srv_start
cli_add 1
srv=$(srv_addr 1)
m1=$(mnt_dir a)
m2=$(mnt_dir b)
run cli_mount 1 "$m1"
run cli_mount 1 "$m2"
run "$NSC" register --netns cli1 "$m1"
run "$NSC" register --netns cli1 "$m2"
log "$("$NSC" list)"
assert_eq "one netns record" 1 "$(count .netns)"
assert_eq "one server record" 1 "$(count .servers)"
assert_eq "two mount records" 2 "$(count .mounts)"
assert_eq "server refcount" 2 "$("$NSC" -j list | jq '.servers[0].mounts')"
assert_eq "server address" "$srv" "$("$NSC" -j list | jq -r '.servers[0].address')"
assert_eq "netns source" cli1 "$("$NSC" -j list | jq -r '.netns[0].source')"
assert_match "show cli1" '^mounts +2$' "$("$NSC" show cli1)"

# drop refuses while mounts are live, and changes nothing
rc=0
out=$("$NSC" drop --netns cli1 2>&1) || rc=$?
assert_eq "drop refused (exit 1)" 1 "$rc"
assert_match "drop says why" "live mounts? recorded; not dropping" "$out"
assert_eq "still two mount records" 2 "$(count .mounts)"

# umount.nfs4's order: identify, umount, release
out=$("$NSC" release --umount "$m1")
log "$out"
assert_match "first release keeps the server" "server $srv:2049 still used, netns still used" "$out"
assert_fails "m1 unmounted" is_mounted "$m1"
assert_eq "server refcount after one release" 1 "$("$NSC" -j list | jq '.servers[0].mounts')"
out=$("$NSC" release --umount "$m2")
log "$out"
assert_match "last release drops everything" "server $srv:2049 dropped, netns dropped" "$out"
assert_eq "no records after the last umount" '{"netns":[],"servers":[],"mounts":[],"resolver":[]}' \
	"$("$NSC" -j list)"
wait_for "! has_server cli1 $srv" 10 || fail "cli1 still lists $srv in nfsfs/servers"

# --- the watcher ---------------------------------------------------------------
"$NSC" watch --json --interval 600 >"$WATCH_LOG" 2>&1 &
WATCH_PID=$!
wait_for "grep -q '\"event\":\"watching\"' $WATCH_LOG" 10 || fail "watcher did not start: $(cat $WATCH_LOG)"
m3=$(mnt_dir c)
run cli_mount 1 "$m3"
run "$NSC" register --netns cli1 "$m3"
# the store change makes the watcher give cli1 an nsid
wait_for "[ \"\$($NSC -j show cli1 | jq '.netns.nsid')\" != null ]" 10 ||
	fail "no nsid assigned: $("$NSC" show cli1)"$'\n'"$(cat $WATCH_LOG)"
log "nsid $("$NSC" -j show cli1 | jq '.netns.nsid') assigned after $WAITED_MS ms; ip netns list-id: $(ip netns list-id | tr '\n' ' ')"
# bypass umount.nfs4: the watcher sees our mount table change
run umount -i "$m3"
wait_for "[ \"\$(count .mounts)\" = 0 ]" 10 ||
	fail "mount record still there 10 s after umount -i"$'\n'"$("$NSC" list)"$'\n'"$(cat $WATCH_LOG)"
log "umount -i noticed in $WAITED_MS ms"
assert_eq "no records" 0 "$(($(count .netns) + $(count .servers)))"
assert_match "watcher logged it" '"event":"mount-gone"' "$(cat $WATCH_LOG)"

kill -TERM "$WATCH_PID"
wait_for "! kill -0 $WATCH_PID" 5 || fail "watcher ignored SIGTERM for 5 s"
rc=0
wait "$WATCH_PID" || rc=$?
WATCH_PID=
assert_eq "watcher exit status on SIGTERM" 0 "$rc"
log "watcher log:"$'\n'"$(cat $WATCH_LOG)"
