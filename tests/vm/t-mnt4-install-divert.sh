#!/bin/bash
# `make install-divert` puts our helpers in /sbin with nfs-utils' moved aside
# by dpkg-divert, mount(8) then runs ours; `make uninstall-divert` brings
# nfs-utils' back exactly.  The guest's root is an overlay: nothing reaches
# the host.
# vm-timeout: 120
. "$NSNFS_VM/lib.sh"

# INSTALL_DEPS=: the binaries are built on the host (a read-only share here);
# install them as they are.
mk() { make --no-print-directory -C "$NSNFS_SRC" O="$NSNFS_BUILD" INSTALL_DEPS= "$@"; }
# Same bytes as our build (umount.nfs4 is a link to it; the helpers have no common -V).
helper_is_ours() { cmp -s "/sbin/$1" "$NSNFS_BUILD/mount.nfs4"; }
diverted() { dpkg-divert --list "/sbin/$1" | grep -q "to /sbin/$1.nfs-utils"; }

before=$(sha256sum /sbin/mount.nfs | cut -d' ' -f1)
assert_fails "nfs-utils' helper is installed before" helper_is_ours mount.nfs4
restore() {
	if diverted mount.nfs4; then
		mk uninstall-divert >/dev/null 2>&1 || true
	fi
	vm_cleanup
}
trap restore EXIT

run mk install-divert
for f in mount.nfs4 mount.nfs umount.nfs4 umount.nfs; do
	assert_ok "/sbin/$f is ours" helper_is_ours "$f"
	assert_ok "/sbin/$f is diverted" diverted "$f"
done
assert_ok "nfs-utils' mount.nfs kept aside" test -e /sbin/mount.nfs.nfs-utils
assert_eq "and unchanged" "$before" "$(sha256sum /sbin/mount.nfs.nfs-utils | cut -d' ' -f1)"

srv_start
cli_add 1
mnt=$(mnt_dir divert)
echo divert >"$EXPORT/d.txt"
out=$(mount -t nfs4 -v -o netns=cli1 "$(srv_addr 1):/" "$mnt" 2>&1) || fail "mount(8) failed: $out"
assert_match "mount(8) ran our helper" "client identifier" "$out"
assert_eq "file reads back" divert "$(cat "$mnt/d.txt")"
run umount "$mnt"
assert_fails "unmounted" is_mounted "$mnt"

run mk uninstall-divert
for f in mount.nfs4 mount.nfs umount.nfs4 umount.nfs; do
	assert_fails "/sbin/$f is nfs-utils' again" helper_is_ours "$f"
	assert_fails "/sbin/$f is no longer diverted" diverted "$f"
done
assert_eq "nfs-utils' mount.nfs is back unchanged" "$before" "$(sha256sum /sbin/mount.nfs | cut -d' ' -f1)"
log "ok"
