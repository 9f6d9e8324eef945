#!/bin/bash
# vm-timeout: 90
# retry=/bg like nfs-utils, each attempt bounded by the probe deadline: with
# the server silent, fg with retry=0 fails; bg returns at once and keeps
# trying in the background, saying what it waits for; once the server is
# reachable the background mount appears.  A foreground retry window ends
# with a failure once it is used up.
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
srv=$(srv_addr 1)
ip -n cli1 neigh replace "$srv" lladdr 02:00:00:00:00:01 dev v1c nud permanent

mnt=$(mnt_dir bg)
t0=$(now_ms)
out=$("$M4" "$srv:/" "$mnt" -o netns=cli1,bg,retry=1,timeo=10 2>/tmp/bg.err) || fail "bg mount returned non-zero"
dt=$(($(now_ms) - t0))
log "bg returned after $dt ms: $(cat /tmp/bg.err)"
assert_match "says it goes to the background" "backgrounding \"$srv:/\"" "$(cat /tmp/bg.err)"
assert_fails "not mounted yet" is_mounted "$mnt"
[ "$dt" -lt 5000 ] || fail "bg took $dt ms to return"

# The server becomes reachable: the background attempt mounts it.
sleep 2
ip -n cli1 neigh del "$srv" dev v1c
wait_for "is_mounted $mnt" 40 || fail "background mount did not appear within 40 s"
log "background mount appeared ${WAITED_MS} ms after the server came back"
echo "bg ok" >"$EXPORT/bg.txt"
assert_eq "file reads back" "bg ok" "$(cat "$mnt/bg.txt")"
umount "$mnt"

# Foreground with a retry window: retries, says so, then fails.
ip -n cli1 neigh replace "$srv" lladdr 02:00:00:00:00:01 dev v1c nud permanent
rc=0
out=$(timeout 100 "$M4" "$srv:/" "$mnt" -o netns=cli1,retry=0,timeo=10 2>&1) || rc=$?
assert_eq "fg retry=0 on a silent server fails" 32 "$rc"
assert_no_match "retry=0 does not retry" "retrying" "$out"
log "ok"
