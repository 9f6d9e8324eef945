#!/bin/bash
# Kernel patches "SUNRPC: ... shut down" + "NFS: per-netns shutdown ..."
# (kernel-patches/).  cli1's server goes silent (its IP pinned to a MAC
# nobody has) while a `stat` waits on it; cli2 mounts the same server on its
# own link.  Both kernels: umount2 of cli1's mount fails at once (EBUSY), the
# stat hangs.  Stock: nothing more to do but `umount -l`, which leaves the
# stat hanging and the netns alive; `nscache shutdown cli1` says the kernel
# lacks the knob.  Ours: `nscache shutdown cli1` (which writes 1 to cli1's
# /sys/fs/nfs/net/nfs_client/shutdown) fails the stat with EIO at once, the
# umount then completes in < 1 s, cli2 is untouched, and after `ip netns del
# cli1` the netns is freed (its veth peer in srv goes away).
# vm-timeout: 180
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

knob=/sys/fs/nfs/net/nfs_client/shutdown
spid=''
# umount2 DIR [FLAGS]: the umount2(2) call itself, bounded to 10 s; prints
# the errno and its text, or 0.  Not umount(8): that one stat()s the mount
# point first, which hangs on its own against a silent server.
umount2() {
	# shellcheck disable=SC2016 # perl code
	timeout 10 perl -e 'print syscall(166, $ARGV[0], $ARGV[1] + 0) == -1 ?
		($! + 0) . " $!\n" : "0\n"' "$1" "${2:-0}"
}
MNT_DETACH=2
cleanup() {
	[ -z "$spid" ] || kill -9 "$spid" 2>/dev/null || true
	vm_cleanup
}
trap cleanup EXIT

srv_start
cli_add 1
cli_add 2
m1=$(mnt_dir k-shut1)
m2=$(mnt_dir k-shut2)
run cli_mount 1 "$m1"
run cli_mount 2 "$m2"
echo one >"$m1/f"
echo two >"$m2/f"

if [ "$NSNFS_KERNEL" = custom ]; then
	assert_eq "cli1's knob reads 0 before" 0 "$(ip netns exec cli1 cat "$knob")"
else
	assert_fails "stock kernel has no $knob" ip netns exec cli1 test -e "$knob"
fi

srv=$(srv_addr 1)
run ip -n cli1 neigh replace "$srv" lladdr 02:00:00:00:00:01 dev v1c nud permanent
# A name the client has never looked up: the LOOKUP goes to the server.
stat "$m1/never-seen" >/tmp/k-stat.out 2>&1 &
spid=$!
sleep 2
kill -0 "$spid" 2>/dev/null || fail "stat returned against a silent server: $(cat /tmp/k-stat.out)"
log "stat hangs: $(tr '\0' ' ' </proc/"$spid"/cmdline) state $(awk '{print $3}' /proc/"$spid"/stat)"

t0=$(now_ms)
out=$(umount2 "$m1") || fail "umount2 did not return within 10 s"
dt=$(($(now_ms) - t0))
log "umount2 with the stat hanging: $out after $dt ms"
echo "measured: umount2 under the hung stat: $out after $dt ms"
assert_match "umount2 fails busy" "^16 " "$out"
assert_ok "still mounted" is_mounted "$m1"

if [ "$NSNFS_KERNEL" = stock ]; then
	sleep 1
	kill -0 "$spid" 2>/dev/null || fail "stat returned on stock: $(cat /tmp/k-stat.out)"
	rc=0
	out=$("$NSNFS_BUILD/nscache" shutdown cli1 2>&1) || rc=$?
	log "nscache shutdown cli1: exit $rc: $out"
	assert_eq "stock: nscache shutdown fails" 3 "$rc"
	assert_match "stock: and says the kernel lacks it" "this kernel has no per-netns NFS shutdown" "$out"
	assert_eq "lazy umount2" 0 "$(umount2 "$m1" $MNT_DETACH)"
	assert_ok "cli2 unaffected" grep -qx two "$m2/f"
	run ip netns del cli1
	! wait_for "! ip -n srv link show v1s" 5 ||
		fail "stock freed cli1's netns while its stat hangs"
	echo "measured: stock: stat still hangs, netns not freed 5 s after ip netns del"
	log "ok (stock: only a lazy umount; the stat hangs and the netns stays)"
	exit 0
fi

rc=0
out=$("$NSNFS_BUILD/nscache" shutdown /proc/self/ns/net 2>&1) || rc=$?
assert_eq "nscache refuses the caller's own netns without --force" 1 "$rc"
assert_match "and says why" "give --force" "$out"
t0=$(now_ms)
run "$NSNFS_BUILD/nscache" shutdown cli1
wait_for "! kill -0 $spid" 5 || fail "stat still hanging 5 s after the shutdown"
dt_stat=$(($(now_ms) - t0))
rc=0
wait "$spid" || rc=$?
spid=''
log "stat after shutdown: exit $rc after $dt_stat ms: $(cat /tmp/k-stat.out)"
assert_match "stat fails with EIO" "Input/output error" "$(cat /tmp/k-stat.out)"
assert_eq "cli1's knob reads 1 after" 1 "$(ip netns exec cli1 cat "$knob")"
assert_eq "cli2's knob still reads 0" 0 "$(ip netns exec cli2 cat "$knob")"

t0=$(now_ms)
run timeout 10 umount "$m1"
dt_umount=$(($(now_ms) - t0))
assert_fails "unmounted" is_mounted "$m1"
[ "$dt_umount" -lt 1000 ] || fail "umount after shutdown took $dt_umount ms (bound 1000)"

assert_ok "cli2 still reads" grep -qx two "$m2/f"
assert_ok "cli2 still writes" sh -c "echo three >'$m2/g'"

t0=$(now_ms)
run ip netns del cli1
wait_for "! ip -n srv link show v1s" 30 ||
	fail "cli1's netns not freed 30 s after ip netns del (veth peer v1s still in srv)"
dt_free=$(($(now_ms) - t0))
echo "measured: stat failed ${dt_stat} ms after the shutdown write; umount ${dt_umount} ms; netns freed ${dt_free} ms after ip netns del"
log "ok"
