#!/bin/bash
# Kernel patch "NFS: optionally refuse reconfigure from another network
# namespace" (kernel-patches/).  Stock 6.1: a remount from the init netns of
# a mount made in cli1 is accepted and silently rebound to cli1's netns.
# Ours: the same with nfs.refuse_cross_netns_reconfigure=0 (the default: the
# change is opt-in); with =1 it fails with EXDEV and says why in the kernel
# log, and the mount stays writable.  A remount from cli1 itself works on
# both kernels, with the knob on.
# vm-timeout: 120
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

param=/sys/module/nfs/parameters/refuse_cross_netns_reconfigure

# remount_raw NS FLAGS DIR: mount(2) MS_REMOUNT|FLAGS with no data from
# netns NS ("init" for the initial one); prints the errno and its text, or 0.
# perl is essential in Debian; mount(8) and mount.nfs would add their own
# option handling.
remount_raw() {
	# shellcheck disable=SC2016 # perl code
	ns_exec "$1" perl -e 'my $r = syscall(165, 0, $ARGV[1], 0, 32 | $ARGV[0], 0);
		print $r == -1 ? ($! + 0) . " $!\n" : "0\n"' "$2" "$3"
}
MS_RDONLY=1

# The knob is global: leave it off for whatever runs next.
trap '[ ! -w "$param" ] || echo N >"$param"; vm_cleanup' EXIT

srv_start
cli_add 1
mnt=$(mnt_dir k-remount)
run cli_mount 1 "$mnt"
run touch "$mnt/rw-before"

case $NSNFS_KERNEL in
stock)
	[ ! -e "$param" ] || fail "stock kernel has $param"
	;;
custom)
	assert_eq "the knob is off by default" N "$(cat "$param")"
	;;
esac

# Off (or stock): the init netns's remount is accepted and takes effect.
out=$(remount_raw init $MS_RDONLY "$mnt")
log "remount ro from init netns, knob off: $out"
assert_eq "cross-netns remount accepted with the knob off" 0 "$out"
assert_fails "read-only after it" touch "$mnt/ro-now"
out=$(remount_raw init 0 "$mnt")
assert_eq "cross-netns remount rw accepted" 0 "$out"
assert_ok "writable again" touch "$mnt/rw-again"

if [ "$NSNFS_KERNEL" = custom ]; then
	echo Y >"$param"
	seen=$(dmesg | wc -l)
	out=$(remount_raw init $MS_RDONLY "$mnt")
	log "remount ro from init netns, knob on: $out"
	assert_match "cross-netns remount refused with EXDEV" "^18 " "$out"
	assert_ok "still writable after the refusal" touch "$mnt/rw-after-refusal"
	assert_match "kernel log says why" \
		"nfs4: mount belongs to another network namespace" "$(dmesg | tail -n +$((seen + 1)))"
	# The stock mount(8) + mount.nfs path fails too.
	rc=0
	out=$(timeout 20 mount -o remount,ro "$mnt" 2>&1) || rc=$?
	log "mount -o remount,ro from init netns, knob on: exit $rc: $out"
	[ "$rc" -ne 0 ] || fail "mount -o remount,ro from the init netns succeeded"
	assert_ok "still writable" touch "$mnt/rw-after-mount8"
	# A third netns is just as foreign.
	ip netns add other
	out=$(remount_raw other $MS_RDONLY "$mnt")
	log "remount ro from netns other, knob on: $out"
	assert_match "remount from a third netns refused with EXDEV" "^18 " "$out"
fi

# The mount's own netns may always remount (knob on for ours).
out=$(remount_raw cli1 $MS_RDONLY "$mnt")
assert_eq "same-netns remount ro accepted" 0 "$out"
assert_fails "read-only after it" touch "$mnt/ro-same"
run ns_exec cli1 timeout 20 mount -o remount,rw "$mnt"
assert_ok "writable after mount -o remount,rw from cli1" touch "$mnt/rw-same"
log "ok"
