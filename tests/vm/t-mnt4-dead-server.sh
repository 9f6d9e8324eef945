#!/bin/bash
# Failures are fast and bounded with retry=0: a refused port fails at once, a
# silent server at the probe deadline (5 s default, timeo= overrides), with
# a message naming the address and the netns.  (Numbers go to make bench;
# the bounds here only prove nothing hangs.)
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
srv=$(srv_addr 1)
mnt=$(mnt_dir dead)

t0=$(now_ms)
rc=0
out=$("$M4" "$srv:/" "$mnt" -o netns=cli1,port=2050,retry=0 2>&1) || rc=$?
dt=$(($(now_ms) - t0))
log "refused: exit $rc after $dt ms: $out"
assert_eq "refused port exits 32" 32 "$rc"
assert_match "refused message" "connection refused by $srv port 2050 \(netns cli1\)" "$out"
[ "$dt" -lt 3000 ] || fail "refused port took $dt ms (bound 3000)"

# Silent server: cli1 sends to a MAC nobody has.
ip -n cli1 neigh replace "$srv" lladdr 02:00:00:00:00:01 dev v1c nud permanent
for case in "retry=0:5000" "retry=0,timeo=20:2000"; do
	opts=${case%%:*} deadline=${case##*:}
	t0=$(now_ms)
	rc=0
	out=$("$M4" "$srv:/" "$mnt" -o "netns=cli1,$opts" 2>&1) || rc=$?
	dt=$(($(now_ms) - t0))
	log "silent ($opts): exit $rc after $dt ms: $out"
	assert_eq "silent server exits 32 ($opts)" 32 "$rc"
	assert_match "silent message ($opts)" "no answer from $srv port 2049 \(netns cli1\)" "$out"
	[ "$dt" -ge "$((deadline - 200))" ] || fail "gave up before the deadline: $dt ms < $deadline ms"
	[ "$dt" -lt "$((deadline + 4000))" ] || fail "silent server took $dt ms (deadline $deadline ms)"
done
assert_fails "nothing mounted" is_mounted "$mnt"
log "ok"
