#!/bin/bash
# A "container" (its own mount ns, cli1's netns) mounts and records an NFS
# mount that our mount namespace never sees.  `ip netns del cli1` while the
# container runs keeps the records (its processes still reach the netns).
# When the container dies, its mount namespace takes the mount along, the
# netns dies, and the only event left is RTM_DELNSID for the nsid the watcher
# assigned: the watcher drops the records on it.
# vm-timeout: 120
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

# shellcheck source=nscache-lib.sh
. "$NSNFS_VM/nscache-lib.sh"


srv_start
cli_add 1
srv=$(srv_addr 1)
"$NSC" watch --json --interval 600 >"$WATCH_LOG" 2>&1 &
WATCH_PID=$!
wait_for "grep -q '\"event\":\"watching\"' $WATCH_LOG" 10 || fail "watcher did not start: $(cat $WATCH_LOG)"

# The container: private mount ns in cli1; mounts, records, then just lives.
ready=/tmp/nscache-ctr.ready
rm -f "$ready"
nsenter --net=/run/netns/cli1 unshare --mount --propagation private sh -c "
	mkdir -p /mnt/ctr &&
	timeout 60 mount -t nfs4 -o vers=4.2 $srv:/ /mnt/ctr &&
	$NSC register --netns cli1 /mnt/ctr &&
	touch $ready
	exec sleep 1000" >/tmp/nscache-ctr.log 2>&1 &
CTR_PID=$!
wait_for "[ -e $ready ]" 60 || fail "container did not mount: $(cat /tmp/nscache-ctr.log)"
log "$(cat /tmp/nscache-ctr.log)"
assert_fails "the container's mount is not in our mount namespace" is_mounted /mnt/ctr
assert_eq "mount record" 1 "$(count .mounts)"
cookie=$("$NSC" -j list | jq '.netns[0].cookie')
wait_for "[ \"\$($NSC -j show cli1 | jq '.netns.nsid')\" != null ]" 10 ||
	fail "no nsid assigned"$'\n'"$(cat $WATCH_LOG)"
nsid=$("$NSC" -j show cli1 | jq '.netns.nsid')
log "cli1 (cookie $cookie) has nsid $nsid"

# gc agrees the container's mount is live (read through its mountinfo)
run "$NSC" gc
assert_eq "gc keeps the container's mount" 1 "$(count .mounts)"

# the name goes, the netns stays reachable through the container
run ip netns del cli1
sleep 1
assert_eq "records kept while the container runs" 1 "$(count .netns)"
assert_ok "watcher saw the container's netns as live" "$NSC" -j show --cookie "$cookie"

# the container dies: mount ns -> mount -> nfs client -> netns -> RTM_DELNSID
t0=$(now_ms)
kill -9 "$CTR_PID" # nsenter, unshare and sh exec: this is the sleep
wait "$CTR_PID" 2>/dev/null || true
CTR_PID=
wait_for "[ \"\$(count .netns)\" = 0 ]" 20 ||
	fail "records still there 20 s after the container died"$'\n'"$("$NSC" list)"$'\n'"$(cat $WATCH_LOG)"
log "records dropped $(($(now_ms) - t0)) ms after the container was killed"
assert_match "RTM_DELNSID for nsid $nsid" "\"event\":\"nsid-deleted\",.*\"netns\":$cookie,.*\"nsid\":$nsid" \
	"$(cat $WATCH_LOG)"
assert_eq "no records left" 0 "$(($(count .servers) + $(count .mounts)))"
kill -TERM "$WATCH_PID"
wait_for "! kill -0 $WATCH_PID" 5 || fail "watcher ignored SIGTERM"
WATCH_PID=
log "watcher log:"$'\n'"$(cat $WATCH_LOG)"
