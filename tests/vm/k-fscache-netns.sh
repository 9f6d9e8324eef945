#!/bin/bash
# Kernel patch "NFS: include the network namespace in the fscache volume
# key" (kernel-patches/).  Client netns that reach a server at the same
# address get the same fscache volume key on stock 6.1: the first mount's
# netns owns the volume, the second runs uncached ("Cache volume key already
# in use"), and a netns later reuses the volume another netns (here the
# host) filled.  Ours: outside init_net the key ends in ",ns=" and a hash of
# the netns's client identifier (set by mount.nfs4), so each netns gets its
# own volume; the init netns's key is unchanged; a netns without identifier
# runs uncached and the kernel says why.  No cache backend is needed: volume
# keys are taken at mount time (/proc/fs/fscache/volumes).
# vm-timeout: 150
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
U4=$NSNFS_BUILD/umount.nfs4
X=10.99.9.1 # the server's address for every client below

srv_start
ip -n "$SRV_NS" addr add "$X/32" dev lo
for n in 1 2 3; do
	cli_add "$n"
	ip -n "cli$n" route add "$X/32" via "$(srv_addr "$n")"
done
# The init netns reaches X through its own veth.
ip link add vxi type veth peer name vxs netns "$SRV_NS"
ip -n "$SRV_NS" addr add 10.99.8.1/24 dev vxs
ip -n "$SRV_NS" link set vxs up
ip addr add 10.99.8.2/24 dev vxi
ip link set vxi up
ip route add "$X/32" via 10.99.8.1
wait_for "ip link show vxi | grep -q 'state UP'" 5 || fail "vxi did not come up"

nfs_keys() { grep -o ' nfs,[^ ]*$' /proc/fs/fscache/volumes 2>/dev/null | sed 's/^ //' | sort || true; }
# fsc_of NS: the FSC column (yes/no) of NS's NFS volume.
fsc_of() { ns_exec "$1" awk 'NR > 1 { print $NF }' /proc/self/net/nfsfs/volumes; }
# new_key BEFORE: the one key listed now and not in BEFORE.
new_key() { comm -13 <(echo "$1") <(nfs_keys); }

# 1. The host mounts X with fsc, then unmounts: its key K0.
mnt0=$(mnt_dir fsc-init)
before=$(nfs_keys)
run "$M4" "$X:/" "$mnt0" -o vers=4.2,fsc
k0=$(new_key "$before")
log "init netns key: $k0"
assert_match "the init netns has a volume" "^nfs,4\.2," "$k0"
assert_eq "the init netns runs cached" yes "$(fsc_of init)"
assert_no_match "the init netns's key has no netns part" ",ns=" "$k0"
run "$U4" "$mnt0"
wait_for "[ -z \"\$(nfs_keys)\" ]" 10 || fail "the init netns's volume was not released: $(nfs_keys)"

# 2. cli1 mounts the same address.
mnt1=$(mnt_dir fsc-cli1)
run "$M4" "$X:/" "$mnt1" -o netns=cli1,vers=4.2,fsc
k1=$(nfs_keys)
log "cli1 key: $k1"
assert_eq "cli1 runs cached" yes "$(fsc_of cli1)"
id1=$(ip netns exec cli1 cat /sys/fs/nfs/net/nfs_client/identifier)
[ -n "$id1" ] || fail "mount.nfs4 did not set cli1's identifier"

# 3. cli2 mounts it while cli1 still has it.
mnt2=$(mnt_dir fsc-cli2)
seen=$(dmesg | wc -l)
before=$k1
run "$M4" "$X:/" "$mnt2" -o netns=cli2,vers=4.2,fsc
new_log=$(dmesg | tail -n +$((seen + 1)))

if [ "$NSNFS_KERNEL" = stock ]; then
	assert_eq "stock: cli1 takes the host's volume key" "$k0" "$k1"
	assert_eq "stock: cli2 runs uncached" no "$(fsc_of cli2)"
	assert_match "stock: the kernel says the key is taken" \
		"NFS: Cache volume key already in use \(${k0//./\\.}\)" "$new_log"
	log "measured: stock: one volume key for init, cli1 and cli2 ($k0); cli2 uncached"
else
	k2=$(new_key "$before")
	log "cli2 key: $k2"
	assert_match "ours: cli1's key is the host's plus a netns hash" "^${k0//./\\.},ns=[0-9a-f]{16}$" "$k1"
	assert_match "ours: cli2's key is the host's plus a netns hash" "^${k0//./\\.},ns=[0-9a-f]{16}$" "$k2"
	[ "$k1" != "$k2" ] || fail "cli1 and cli2 share the key $k1"
	assert_eq "ours: cli2 runs cached" yes "$(fsc_of cli2)"
	assert_eq "ours: cli1 still cached" yes "$(fsc_of cli1)"
	assert_no_match "ours: no key collision logged" "Cache volume key already in use" "$new_log"

	# The key follows the identifier, not the mount: stable across remounts.
	run "$U4" "$mnt2"
	run "$M4" "$X:/" "$mnt2" -o netns=cli2,vers=4.2,fsc
	assert_match "ours: cli2 gets the same key again" "^${k2//./\\.}$" "$(nfs_keys)"

	# cli3 has no identifier (mount(8) -i: the kernel's own option parsing).
	mnt3=$(mnt_dir fsc-cli3)
	assert_match "cli3 has no identifier" '^(\(null\))?$' \
		"$(ip netns exec cli3 cat /sys/fs/nfs/net/nfs_client/identifier)"
	seen=$(dmesg | wc -l)
	run ns_exec cli3 timeout 60 mount -i -t nfs4 \
		-o "vers=4.2,fsc,addr=$X,clientaddr=$(cli_addr 3)" "$X:/" "$mnt3"
	assert_eq "ours: cli3 runs uncached" no "$(fsc_of cli3)"
	assert_match "ours: the kernel says why" \
		"NFS: not caching $X: its network namespace has no client identifier" \
		"$(dmesg | tail -n +$((seen + 1)))"
	assert_ok "cli3's mount works uncached" ls "$mnt3"
	log "measured: ours: init $k0, cli1 $k1, cli2 $k2; cli3 (no identifier) uncached"
fi
log "ok"
