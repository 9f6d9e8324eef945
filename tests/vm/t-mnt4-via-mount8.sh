#!/bin/bash
# mount(8) and umount(8) run our helpers when they are installed as
# /sbin/mount.nfs4 and /sbin/umount.nfs4 (the guest's root is an overlay).
. "$NSNFS_VM/lib.sh"

srv_start
cli_add 1
srv=$(srv_addr 1)
mkdir -p /tmp/nsnfs-saved
for f in mount.nfs4 umount.nfs4; do
	cp -a "/sbin/$f" /tmp/nsnfs-saved/ 2>/dev/null || true
	cp --remove-destination "$NSNFS_BUILD/mount.nfs4" "/sbin/$f"
done
restore() {
	for f in mount.nfs4 umount.nfs4; do
		# -L too: nfs-utils' helpers are relative symlinks, dangling in the save dir.
		if [ -L "/tmp/nsnfs-saved/$f" ] || [ -e "/tmp/nsnfs-saved/$f" ]; then
			cp -a --remove-destination "/tmp/nsnfs-saved/$f" "/sbin/$f"
		fi
	done
	vm_cleanup
}
trap restore EXIT

echo "via mount(8)" >"$EXPORT/m8.txt"
mnt=$(mnt_dir m8)
out=$(mount -t nfs4 -o netns=cli1,vers=4.1 "$srv:/" "$mnt" -v 2>&1) || fail "mount(8) failed: $out"
log "$out"
assert_match "mount(8) ran our helper" "client identifier|network namespace" "$out"
assert_eq "file reads back" "via mount(8)" "$(cat "$mnt/m8.txt")"
assert_match "cli1 lists the server" " $(addr_hex "$srv") " "$(nfsfs_servers cli1)"
assert_match "mounted as NFSv4.1" "vers=4.1" "$(awk -v d="$mnt" '$2 == d { print $4 }' /proc/self/mounts)"
run umount "$mnt"
assert_fails "umount(8) unmounted it" is_mounted "$mnt"

# utab: one entry (ours; mount(8) sees it is done), gone after umount(8); -n none.
# mount(8) keeps x-* options from helpers, so like nfs-utils' (measured:
# 2.6.2 under util-linux 2.38) the entry has _netdev but not x-*.
utab_lines() { grep -cF " TARGET=$mnt " /run/mount/utab 2>/dev/null || true; }
run mount -t nfs4 -o netns=cli1,_netdev "$srv:/" "$mnt"
assert_eq "one utab entry after mount(8)" 1 "$(utab_lines)"
assert_match "it holds our attributes" "ATTRS=netns=cli1,addr=$srv( |$)" "$(grep -F " TARGET=$mnt " /run/mount/utab)"
assert_match "findmnt -m shows the userspace option" "_netdev" "$(findmnt -m -n -o OPTIONS --target "$mnt")"
run umount "$mnt"
assert_eq "umount(8) dropped it" 0 "$(utab_lines)"
run mount -n -t nfs4 -o netns=cli1,_netdev "$srv:/" "$mnt"
assert_eq "mount -n: no utab entry" 0 "$(utab_lines)"
run umount "$mnt"
restore
trap - EXIT
assert_no_match "nfs-utils' helper is back for the tests after this one" "nsnfs" \
	"$(/sbin/mount.nfs4 -V 2>&1 || true)"
log "ok"
