#!/bin/bash
# vm-timeout: 90
# Symlinks and ".." planted in a container cannot make nsmount mount outside
# the container's root.  The container is only chroot'ed, so its mount
# namespace still holds the host's tree around its root: a path walked from
# the namespace's root (or twice) would land there.  Absolute symlinks to
# host-only directories, ".." chains (in a symlink and in DIR itself) and
# /proc magic links all fail with nothing mounted anywhere; a symlink to /etc
# mounts on the container's /etc, never the host's.  Checked in the host's
# mountinfo and in the container namespace's full mountinfo (from its root).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"
# shellcheck source-path=SCRIPTDIR source=nsmount-lib.sh
. "$NSNFS_VM/nsmount-lib.sh"

srv_start
echo "export file" >"$EXPORT/x.txt"
hostonly=/tmp/nsnfs/hostonly
mkdir -p "$hostonly"
ctr_start esc 1 chroot
pid=$(ctr_pid esc)
root=$(ctr_root esc)
# Planted by the "container" (its root is writable to it).
ln -s /etc "$root/mnt/to-etc"
ln -s "$hostonly" "$root/mnt/to-hostonly"
ln -s ../../../../../../../..$hostonly "$root/mnt/dots"
ln -s /proc/1/root/etc "$root/mnt/magic"
ln -s to-hostonly "$root/mnt/chain"
# The naive walk from the namespace's root would find these.
assert_ok "the container's namespace has the host-only dir at $hostonly" nsenter -t "$pid" -m test -d "$hostonly"

# no_escape CASE: no NFS mount on the host, none anywhere in the container's
# namespace (its full view, host tree included).
no_escape() {
	assert_eq "$1: host has no NFS mount" "" "$(host_nfs_mounts)"
	assert_eq "$1: the container's namespace has no NFS mount" "" "$(ctr_nfs_mounts esc)"
}

# expect_refused DIR ERE
expect_refused() {
	local rc=0 out
	out=$(timeout 60 "$NSM" --target "$pid" -o vers=4.2 files.ctr:/ "$1" 2>&1) || rc=$?
	log "DIR $1 -> exit $rc: $out"
	assert_eq "DIR $1: exit 32" 32 "$rc"
	assert_match "DIR $1: message" "$2" "$out"
	no_escape "DIR $1"
}
expect_refused /mnt/to-hostonly "mount point /mnt/to-hostonly does not exist in mount namespace pid $pid"
expect_refused /mnt/dots "does not exist"
expect_refused /mnt/chain "does not exist"
expect_refused "/../../../../..$hostonly" "does not exist"
expect_refused "../../../..$hostonly" "does not exist"
expect_refused /mnt/magic "magic link"
expect_refused /proc/1/root "magic link"
expect_refused /proc/self/root "magic link|does not exist"

# A symlink to /etc: the container's /etc, not the host's.
run timeout 60 "$NSM" --target "$pid" -o vers=4.2 files.ctr:/ /mnt/to-etc
assert_eq "host has no NFS mount" "" "$(host_nfs_mounts)"
assert_eq "the mount is on the container's /etc" "$root/etc" "$(ctr_nfs_mounts esc)"
assert_eq "the container sees the export at its /etc" "export file" "$(ctr_exec esc cat /etc/x.txt)"
assert_ok "the host's /etc is untouched" test -e /etc/hostname
assert_fails "the host's /etc is no mount point" mountpoint -q /etc

# -u follows the same confinement; through the symlink too.
run "$NSM" -u --target "$pid" /mnt/to-etc
assert_eq "unmounted" "" "$(ctr_nfs_mounts esc)"
log "ok"
