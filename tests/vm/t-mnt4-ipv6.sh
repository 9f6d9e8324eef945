#!/bin/bash
# IPv6 end to end: a bracketed address, a name that resolves to IPv6 only in
# the netns's hosts file, proto=tcp6; clientaddr is the netns's IPv6 source.
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
ip -n "$SRV_NS" addr add fd00:99:1::1/64 dev v1s nodad
ip -n cli1 addr add fd00:99:1::2/64 dev v1c nodad
echo "over ipv6" >"$EXPORT/v6.txt"
restore() { rm -rf /etc/netns/cli1; vm_cleanup; }
trap restore EXIT
wait_for "ip -n cli1 -6 route get fd00:99:1::1" 10 || fail "no IPv6 route to the server"

mnt=$(mnt_dir v6)
out=$("$M4" "[fd00:99:1::1]:/" "$mnt" -v -o netns=cli1 2>&1) || fail "IPv6 literal mount failed: $out"
log "$out"
assert_eq "file reads back over IPv6" "over ipv6" "$(cat "$mnt/v6.txt")"
opts=$(awk -v d="$mnt" '$2 == d { print $4 }' /proc/self/mounts)
assert_match "kernel got the IPv6 address" "addr=fd00:99:1::1" "$opts"
assert_match "clientaddr is cli1's IPv6 address" "clientaddr=fd00:99:1::2" "$opts"
umount "$mnt"

mkdir -p /etc/netns/cli1
printf '127.0.0.1 localhost\nfd00:99:1::1 files6.nsnfs.test\n' >/etc/netns/cli1/hosts
out=$("$M4" files6.nsnfs.test:/ "$mnt" -v -o netns=cli1,proto=tcp6 2>&1) || fail "IPv6 name mount failed: $out"
log "$out"
assert_match "resolved to IPv6 in cli1" "resolves to fd00:99:1::1" "$out"
assert_match "proto=tcp6 reached the kernel" "proto=tcp6" "$(awk -v d="$mnt" '$2 == d { print $4 }' /proc/self/mounts)"
log "ok"
