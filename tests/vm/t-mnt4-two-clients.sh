#!/bin/bash
# Two client netns mount the same server through our helper: each netns gets
# its own client identifier, so the server keeps two distinct clients
# instead of one replacing the other (the stock "(null)" behaviour).
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
cli_add 2
for n in 1 2; do
	run "$M4" "$(srv_addr "$n"):/" "$(mnt_dir "two$n")" -o "netns=cli$n,vers=4.2"
	touch "$MNT_BASE/two$n/from-cli$n"
done
id1=$(ip netns exec cli1 cat /sys/fs/nfs/net/nfs_client/identifier)
id2=$(ip netns exec cli2 cat /sys/fs/nfs/net/nfs_client/identifier)
log "identifiers: cli1=$id1 cli2=$id2"
[ "$id1" != "$id2" ] || fail "both netns got the same identifier $id1"

# The server's view: one confirmed client per netns.
wait_for "[ \$(grep -l confirmed /proc/fs/nfsd/clients/*/info 2>/dev/null | wc -l) -ge 2 ]" 10 || true
info=$(cat /proc/fs/nfsd/clients/*/info 2>/dev/null)
log "server clients:"$'\n'"$info"
assert_match "the server knows cli1's client" "$id1" "$info"
assert_match "the server knows cli2's client" "$id2" "$info"
assert_eq "two confirmed clients" 2 "$(grep -c 'status: confirmed' <<<"$info")"
# Both mounts still work after both clients are established.
assert_ok "cli1 mount still lists cli2's file" test -e "$MNT_BASE/two1/from-cli2"
assert_ok "cli2 mount still lists cli1's file" test -e "$MNT_BASE/two2/from-cli1"
log "ok"
