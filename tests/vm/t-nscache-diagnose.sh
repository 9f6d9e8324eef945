#!/bin/bash
# nscache diagnose, finding by finding:
#   clean     a mount from the host netns and a recorded cli1 mount: exit 0
#   (a)       an unrecorded cli1 mount in the host mount ns, and a container
#             (own netns + mount ns) that inherited the host netns's mount
#   (c)+(d)   cli2's recorded mount after `ip netns del cli2` (no watcher):
#             orphan mount, stale netns record
#   (d)       a recorded mount unmounted behind nscache's back
# and exits 1 when anything was found.
# vm-timeout: 150
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

# shellcheck source=nscache-lib.sh
. "$NSNFS_VM/nscache-lib.sh"

# findings KIND [JQ-FILTER]: how many findings of KIND (matching the filter)
findings() {
	jq "[.findings[] | select(.kind == \"$1\") | select(${2:-true})] | length" <<<"$DIAG"
}
diagnose() {
	DIAG_RC=0
	DIAG=$("$NSC" diagnose --json) || DIAG_RC=$?
	log "$("$NSC" diagnose -v 2>&1)"
}

srv_start
cli_add 1
cli_add 2
# the host netns gets its own link to srv
ip link add vh0 type veth peer name vh0s netns "$SRV_NS"
ip -n "$SRV_NS" addr add 10.99.9.1/24 dev vh0s
ip -n "$SRV_NS" link set vh0s up
ip addr add 10.99.9.2/24 dev vh0
ip link set vh0 up
wait_for "ip link show vh0 | grep -q 'state UP'" 5 || fail "vh0 not up"

host_mnt=$(mnt_dir host)
run timeout 60 mount -t nfs4 -o vers=4.2 10.99.9.1:/ "$host_mnt"
m1=$(mnt_dir cli1)
run cli_mount 1 "$m1"

# (a) before it is recorded: the host mount ns has no process in cli1
diagnose
assert_eq "diagnose exit status, unrecorded cli1 mount" 1 "$DIAG_RC"
assert_eq "cross-netns finding for $m1" 1 "$(findings cross-netns ".mount_point == \"$m1\" and .netns == \"cli1\"")"
assert_eq "the host netns's own mount is fine" 0 "$(findings cross-netns ".mount_point == \"$host_mnt\"")"

# recorded: nsnfs made it cross-netns on purpose; everything is clean
run "$NSC" register --netns cli1 "$m1"
diagnose
assert_eq "diagnose exit status, all clean" 0 "$DIAG_RC"
assert_eq "no findings" 0 "$(jq '.findings | length' <<<"$DIAG")"
assert_eq "the host mount's transport is in the init netns" init \
	"$(jq -r --arg m "$host_mnt" '.mounts[] | select(.mount_point == $m) | .netns' <<<"$DIAG")"

# (a) a container with its own netns inherits the host netns's mount
ready=/tmp/nscache-ctr.ready
rm -f "$ready"
unshare --net --mount --propagation private sh -c "touch $ready; exec sleep 1000" &
CTR_PID=$!
wait_for "[ -e $ready ]" 10 || fail "container did not start"
ctr_mntns=$(stat -L -c %i "/proc/$CTR_PID/ns/mnt")

# (c) + (d): cli2's recorded mount, then its netns deleted (no watcher running)
m2=$(mnt_dir cli2)
run cli_mount 2 "$m2"
run "$NSC" register --netns cli2 "$m2"
run ip netns del cli2

# (d): a recorded mount unmounted behind nscache's back
run umount -i "$m1"

diagnose
assert_eq "diagnose exit status with findings" 1 "$DIAG_RC"
assert_eq "(a) the container's copy of the host mount" 1 \
	"$(findings cross-netns ".mount_point == \"$host_mnt\" and .netns == \"init\" and .mount_ns == $ctr_mntns")"
assert_eq "(c) cli2's mount is an orphan" 1 "$(findings orphan-mount ".mount_point == \"$m2\"")"
assert_eq "(d) cli2's netns record is stale" 1 "$(findings stale-record ".record == \"netns\" and .netns == \"cli2\"")"
assert_eq "(d) the unmounted cli1 mount's record is stale" 1 \
	"$(findings stale-record ".record == \"mount\" and .mount_point == \"$m1\"")"
assert_eq "nothing else about the host mount in our own mount ns" 0 \
	"$(findings cross-netns ".mount_point == \"$host_mnt\" and .mount_ns != $ctr_mntns")"
human=$("$NSC" diagnose 2>&1) || true
assert_match "human summary" '^diagnose: .*[0-9]+ findings' "$human"
assert_match "human orphan line" "^orphan-mount .*$m2" "$human"

# gc mends what it can: the stale records go, the orphan stays (it is mounted)
run "$NSC" gc
kill -9 "$CTR_PID"
wait "$CTR_PID" 2>/dev/null || true
CTR_PID=
run timeout 30 umount "$m2"
run timeout 30 umount "$host_mnt"
diagnose
assert_eq "diagnose exit status after gc and the umounts" 0 "$DIAG_RC"
