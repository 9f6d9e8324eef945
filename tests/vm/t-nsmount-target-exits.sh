#!/bin/bash
# vm-timeout: 90
# The target process exits while nsmount works on it: nsmount fails cleanly
# (exit 32, a message saying so) and nothing stays mounted anywhere; the
# kernel client it had created is destroyed (the server forgets it).  A PID
# that is already gone is refused up front.
#
# Test hook: NSMOUNT_TEST_STALL_BEFORE_ATTACH_MS=N makes nsmount print
# "test hook: stalling N ms before attaching" on stderr and sleep N ms (at most
# 30 s) after the mount is created and before it is attached; the test kills
# the container in that window.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"
# shellcheck source-path=SCRIPTDIR source=nsmount-lib.sh
. "$NSNFS_VM/nsmount-lib.sh"

srv_start
ctr_start victim 1
pid=$(ctr_pid victim)

NSMOUNT_TEST_STALL_BEFORE_ATTACH_MS=4000 timeout 60 "$NSM" --target "$pid" -v -o vers=4.2 \
	files.ctr:/ /mnt/data >/tmp/nsm.out 2>/tmp/nsm.err &
nsm=$!
wait_for "grep -q 'test hook: stalling' /tmp/nsm.err" 30 ||
	fail "nsmount never reached the hook: $(cat /tmp/nsm.err)"
# The mount exists (detached) now, and so does the container's NFS client.
assert_match "the server has the container's client" "status: confirmed" "$(srv_clients)"
ctr_stop victim
t0=$(now_ms)
wait_for "! kill -0 $nsm" 15 || fail "nsmount still running 15 s after the target died"
rc=0
wait "$nsm" || rc=$?
log "nsmount exit $rc after the kill ($(($(now_ms) - t0)) ms):"$'\n'"$(cat /tmp/nsm.err)"
assert_eq "exit 32" 32 "$rc"
assert_match "says why" "target process $pid exited before the mount was attached; nothing was mounted" "$(cat /tmp/nsm.err)"
assert_eq "no NFS mount on the host" "" "$(host_nfs_mounts)"
assert_eq "no NFS mount in any process's namespace" "" "$(cat /proc/[0-9]*/mountinfo 2>/dev/null | awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) ~ /^nfs4?$/) print $5 }')"
wait_for "[ -z \"\$(ls /proc/fs/nfsd/clients)\" ]" 15 ||
	fail "the server still has a client 15 s later:"$'\n'"$(srv_clients)"
log "the server dropped the client ${WAITED_MS} ms after nsmount exited"

# A PID that no longer exists: refused before anything is done.
rc=0
out=$("$NSM" --target "$pid" files.ctr:/ /mnt/data 2>&1) || rc=$?
assert_eq "gone PID: exit 1" 1 "$rc"
assert_match "gone PID: message" "no process $pid" "$out"
rc=0
out=$("$NSM" -u --target "$pid" /mnt/data 2>&1) || rc=$?
assert_eq "gone PID, -u: exit 1" 1 "$rc"
log "ok"
