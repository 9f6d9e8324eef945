#!/bin/bash
# `ip netns del` with a live mount: the netns lives on as an unreachable
# zombie (the mount holds it), so no RTM_DELNSID comes; the watcher hears the
# /run/netns deletion, finds the netns unreachable and drops its records at
# once.  diagnose reports the mount as an orphan; the umount afterwards
# neither hangs nor finds a record to trip over; then diagnose is clean.
# vm-timeout: 120
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

# shellcheck source=nscache-lib.sh
. "$NSNFS_VM/nscache-lib.sh"


srv_start
cli_add 1
srv=$(srv_addr 1)
mnt=$(mnt_dir cli1)
"$NSC" watch --json --interval 600 >"$WATCH_LOG" 2>&1 &
WATCH_PID=$!
wait_for "grep -q '\"event\":\"watching\"' $WATCH_LOG" 10 || fail "watcher did not start: $(cat $WATCH_LOG)"

run cli_mount 1 "$mnt"
run "$NSC" register --netns cli1 "$mnt"
cookie=$("$NSC" -j list | jq '.netns[0].cookie')
wait_for "[ \"\$($NSC -j show cli1 | jq '.netns.nsid')\" != null ]" 10 || fail "no nsid assigned"
assert_eq "records before" 3 "$(($(count .netns) + $(count .servers) + $(count .mounts)))"

t0=$(now_ms)
run ip netns del cli1
wait_for "[ \"\$(count .netns)\" = 0 ]" 10 ||
	fail "netns records still there 10 s after ip netns del"$'\n'"$("$NSC" list)"$'\n'"$(cat $WATCH_LOG)"
log "records dropped $(($(now_ms) - t0)) ms after ip netns del"
assert_eq "no records left" 0 "$(($(count .servers) + $(count .mounts) + $(count .resolver)))"
assert_match "watcher: netns-gone for cookie $cookie" "\"event\":\"netns-gone\",.*\"netns\":$cookie" \
	"$(cat $WATCH_LOG)"
assert_ok "the mount is still there (held by the zombie netns)" is_mounted "$mnt"

# diagnose: the mount's superblock is in no reachable netns
rc=0
diag=$("$NSC" diagnose --json) || rc=$?
log "$("$NSC" diagnose 2>&1)"
assert_eq "diagnose exit status with an orphan" 1 "$rc"
assert_eq "orphan-mount finding for $mnt" 1 \
	"$(jq --arg m "$mnt" '[.findings[] | select(.kind == "orphan-mount" and .mount_point == $m)] | length' <<<"$diag")"

# the umount afterwards: bounded, quick, and nothing recorded to release
t0=$(now_ms)
run timeout 30 umount "$mnt"
dt=$(($(now_ms) - t0))
log "umount after netns deletion took $dt ms"
[ "$dt" -lt 10000 ] || fail "umount took $dt ms"
assert_fails "unmounted" is_mounted "$mnt"
rc=0
out=$(timeout 10 "$NSC" release "$mnt" 2>&1) || rc=$?
assert_eq "release after the drop: nothing recorded (exit 1)" 1 "$rc"
assert_match "release message" "no record" "$out"

# everything reconciled: diagnose finds nothing
rc=0
out=$("$NSC" diagnose 2>&1) || rc=$?
log "$out"
assert_eq "diagnose after the umount" 0 "$rc"
assert_ok "watcher still running" kill -0 "$WATCH_PID"
kill -TERM "$WATCH_PID"
wait_for "! kill -0 $WATCH_PID" 5 || fail "watcher ignored SIGTERM"
WATCH_PID=
log "watcher log:"$'\n'"$(cat $WATCH_LOG)"
