#!/bin/bash
# Kernel patch "NFS: resolve a netns's names in that netns with the legacy
# DNS resolver" (kernel-patches/) + `nscache dns-channel`.  nfsd in srv
# exports /srv/nfs4/away as a referral (refer=/real@refhost).  Only cli1's
# resolver files (/etc/netns/cli1/hosts) know refhost; the host's do not.
# Stock (kernel DNS, CONFIG_NFS_USE_KERNEL_DNS): the name is looked up by
# the keyring upcall in the init namespaces, so cli1 cannot follow the
# referral, and there is no channel for nscache to answer.  Ours (legacy
# resolver built in): the request comes up cli1's own rpc_pipefs channel,
# `nscache dns-channel cli1` answers it with cli1's resolver, the referral
# is followed, the kernel's cache_getent helper (a logging stand-in, which
# would run in the init namespaces) is not called for it, the cached answer
# is gone right after cli1's last umount, and after `ip netns del cli1`
# dns-channel stops by itself so the netns is freed.
# vm-timeout: 150
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
U4=$NSNFS_BUILD/umount.nfs4
dpid=''
cleanup() {
	[ -z "$dpid" ] || kill "$dpid" 2>/dev/null || true
	rm -rf /etc/netns/cli1 /sbin/nfs_cache_getent
	vm_cleanup 2>/dev/null
	# vm_cleanup cannot unmount the export while our two tmpfs sit in it.
	for d in away away-num; do
		if mountpoint -q "$EXPORT/$d"; then umount "$EXPORT/$d"; fi
	done
	if mountpoint -q "$EXPORT"; then umount "$EXPORT"; fi
}
trap cleanup EXIT

! getent hosts refhost >/dev/null || fail "the guest's own resolver knows refhost"
srv_start
mkdir -p "$EXPORT/away" "$EXPORT/away-num" "$EXPORT/real"
mount -t tmpfs away "$EXPORT/away"
mount -t tmpfs away-num "$EXPORT/away-num"
echo "via referral" >"$EXPORT/real/f"
# away-num: the same referral by address, the control that needs no resolver.
cat >>/etc/exports <<-EOF2
	$EXPORT/away *(rw,no_root_squash,no_subtree_check,insecure,fsid=7,refer=/real@refhost)
	$EXPORT/away-num *(rw,no_root_squash,no_subtree_check,insecure,fsid=8,refer=/real@$(srv_addr 1))
EOF2
ns_exec "$SRV_NS" exportfs -ra
cli_add 1
mkdir -p /etc/netns/cli1
echo "$(srv_addr 1) refhost" >/etc/netns/cli1/hosts

# content NS: NS's legacy DNS cache, through a private rpc_pipefs mount.
content() {
	local cmd='mount -t rpc_pipefs p /mnt && cat /mnt/cache/dns_resolve/content'
	if [ "$1" = init ]; then
		unshare -m --propagation private sh -c "$cmd"
	else
		ip netns exec "$1" sh -c "$cmd"
	fi
}

mnt=$(mnt_dir ref)
if [ "$NSNFS_KERNEL" = custom ]; then
	# The legacy resolver's helper (nfs.cache_getent): it would run in the init namespaces.
	printf '#!/bin/sh\necho "$*" >>/tmp/k-dns-helper.log\n' >/sbin/nfs_cache_getent
	chmod +x /sbin/nfs_cache_getent
	rm -f /tmp/k-dns-helper.log
	"$NSNFS_BUILD/nscache" dns-channel cli1 >/tmp/k-dns.out 2>&1 &
	dpid=$!
	wait_for "grep -q answering /tmp/k-dns.out" 10 || fail "nscache dns-channel: $(cat /tmp/k-dns.out)"
else
	rc=0
	out=$(timeout 20 "$NSNFS_BUILD/nscache" dns-channel cli1 2>&1) || rc=$?
	log "nscache dns-channel cli1: exit $rc: $out"
	assert_eq "stock: no channel to answer" 3 "$rc"
	assert_match "stock: and it says why" "resolves NFS names through its keyring" "$out"
fi

run "$M4" "$(srv_addr 1):/" "$mnt" -o netns=cli1,vers=4.2
assert_eq "a referral by address is followed" "via referral" "$(timeout 60 cat "$mnt/away-num/f" 2>&1)"
t0=$(now_ms)
got=$(timeout 60 cat "$mnt/away/f" 2>&1) || true
dt=$(($(now_ms) - t0))
log "cat through the referral after $dt ms: $got"

if [ "$NSNFS_KERNEL" = stock ]; then
	assert_no_match "stock: cli1 cannot follow the referral to refhost" "via referral" "$got"
	echo "measured: stock: referral to a name only cli1 knows not followed ($dt ms: $got)"
	log "ok"
	exit 0
fi

assert_eq "ours: cli1 followed the referral to its own refhost" "via referral" "$got"
assert_match "ours: nscache answered from cli1's hosts file" "refhost -> $(srv_addr 1) " \
	"$(cat /tmp/k-dns.out)"
assert_fails "ours: the init namespaces' helper was not called for cli1's name" \
	test -e /tmp/k-dns-helper.log
cached=$(content cli1)
log "cli1's cache: $cached"
assert_match "ours: the answer is in cli1's cache" "$(srv_addr 1) +refhost " "$cached"
assert_no_match "ours: not in the init netns's cache" "refhost" "$(content init 2>/dev/null || true)"

run "$U4" "$mnt"
wait_for "! content cli1 | grep -q refhost" 5 ||
	fail "cli1's cache still holds refhost 5 s after its last umount: $(content cli1)"
dt_purge=$WAITED_MS

# The open channel pins cli1: dns-channel stops by itself when the name goes,
# and the netns is then freed (its veth peer leaves srv).
t0=$(now_ms)
run ip netns del cli1
wait_for "! kill -0 $dpid" 5 || fail "nscache dns-channel still running 5 s after ip netns del cli1"
dpid=''
assert_match "dns-channel said why it stopped" "netns cli1 is gone: stopping" "$(cat /tmp/k-dns.out)"
wait_for "! ip -n $SRV_NS link show v1s" 10 || fail "cli1's netns not freed 10 s after ip netns del"
dt_free=$(($(now_ms) - t0))
echo "measured: referral followed in $dt ms (answered by nscache); cli1's cache empty ${dt_purge} ms after its last umount; netns freed ${dt_free} ms after ip netns del"
log "ok"
