#!/bin/bash
# Kernel patch "NFSv4.1: optionally bound the goodbye RPCs at client
# teardown" (kernel-patches/).  An idle NFSv4.2 mount whose server has gone
# silent (its IP pinned to a MAC nobody has) is unmounted with umount2(2).
# Stock: DESTROY_SESSION waits out the mount's major timeout (3 min with
# timeo=600,retrans=2); umount2 is still blocked in it after 15 s and only a
# signal ends it.  Ours: nfsv4.goodbye_timeout is 0 (off) by default; set to
# 2, umount2 returns within the two goodbyes' 2 s each (+ the rest of the
# teardown), and the netns is freed after `ip netns del` (once TCP gives up
# on the unanswered goodbyes: the connection is closed gracefully).
# vm-timeout: 120
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

param=/sys/module/nfsv4/parameters/goodbye_timeout
trap '[ ! -w "$param" ] || echo 0 >"$param"; vm_cleanup' EXIT

srv_start
cli_add 1
m1=$(mnt_dir k-goodbye)
run cli_mount 1 "$m1"
echo one >"$m1/f"
if [ "$NSNFS_KERNEL" = custom ]; then
	assert_eq "goodbye_timeout is off by default" 0 "$(cat "$param")"
	echo 2 >"$param"
else
	[ ! -e "$param" ] || fail "stock kernel has $param"
fi
run ip -n cli1 neigh replace "$(srv_addr 1)" lladdr 02:00:00:00:00:01 dev v1c nud permanent

t0=$(now_ms)
# shellcheck disable=SC2016 # perl code
timeout -s KILL 60 perl -e 'print syscall(166, $ARGV[0], 0) == -1 ? ($! + 0) . " $!\n" : "0\n"' \
	"$m1" >/tmp/k-umount.out 2>&1 &
upid=$!
if [ "$NSNFS_KERNEL" = stock ]; then
	sleep 15
	kill -0 "$upid" 2>/dev/null || fail "umount2 returned: $(cat /tmp/k-umount.out)"
	stack=$(cat "/proc/$(pgrep -P "$upid")/stack" 2>&1 || true)
	log "umount2 still blocked after 15 s:"$'\n'"$stack"
	assert_match "blocked in DESTROY_SESSION" "nfs4_proc_destroy_session" "$stack"
	pkill -KILL -P "$upid" || true
	echo "measured: stock: umount2 still blocked in DESTROY_SESSION after 15 s (killed)"
fi
wait_for "! kill -0 $upid" 30 || fail "umount2 still running"
dt=$(($(now_ms) - t0))
rc=0
wait "$upid" || rc=$?
log "umount2: exit $rc after $dt ms: $(cat /tmp/k-umount.out)"
log "kernel log: $(dmesg | grep 'not responding' | tail -n 4)"
if [ "$NSNFS_KERNEL" = custom ]; then
	assert_eq "umount2 succeeds" 0 "$(cat /tmp/k-umount.out)"
	# Two goodbyes of 2 s each, plus the rest of the teardown under TCG.
	[ "$dt" -lt 10000 ] || fail "umount2 took $dt ms with goodbye_timeout=2 (bound 10000)"
	echo "measured: goodbye_timeout=2: umount2 returned after $dt ms"
fi
assert_fails "unmounted" is_mounted "$m1"

t0=$(now_ms)
run ip netns del cli1
wait_for "! ip -n srv link show v1s" 60 || fail "cli1's netns not freed 60 s after ip netns del"
echo "measured: netns freed $(($(now_ms) - t0)) ms after ip netns del"
log "ok"
