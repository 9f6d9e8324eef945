#!/bin/bash
# vm-timeout: 90
# nsmount with a separate --netns and --mount-ns: netns by name and by path,
# mount namespace by PID (its root) and by path (the namespace's root), and
# no --mount-ns at all (the caller's namespace, like mount.nfs4 -o netns=).
# The transport is in the named netns, the mount where --mount-ns says, and
# -u with the same --mount-ns takes it off.  Without --target nsmount does not
# join a UTS namespace: the client-ID string carries the host's nodename.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"
# shellcheck source-path=SCRIPTDIR source=nsmount-lib.sh
. "$NSNFS_VM/nsmount-lib.sh"

srv_start
cli_add 1
srv=$(srv_addr 1)
echo "forms" >"$EXPORT/f.txt"
# A container that lives in the named netns cli1 (own mount, PID, UTS ns).
ctr_start ctr-n 1 pivot cli1
pid=$(ctr_pid ctr-n)

# check_in_ctr WHAT: mounted in the container at /mnt/data only, over cli1.
check_in_ctr() {
	assert_eq "$1: the container reads the file" "forms" "$(ctr_exec ctr-n cat /mnt/data/f.txt)"
	assert_eq "$1: mounted in the container's namespace" "/mnt/data" "$(ctr_nfs_mounts ctr-n)"
	assert_eq "$1: not on the host" "" "$(host_nfs_mounts)"
	assert_ok "$1: cli1 lists the server" has_server cli1 "$srv"
}

# 1. --netns NAME --mount-ns PID
run timeout 60 "$NSM" --netns cli1 --mount-ns "$pid" -o vers=4.1 "$srv:/" /mnt/data
check_in_ctr "--netns cli1 --mount-ns $pid"
info=$(srv_clients)
log "server clients:"$'\n'"$info"
assert_match "no UTS join without --target: host nodename" "^name: \"Linux NFSv4\.1 .*/$(uname -n)\"" "$info"
run "$NSM" -u --mount-ns "$pid" /mnt/data
assert_eq "unmounted (--mount-ns PID)" "" "$(ctr_nfs_mounts ctr-n)"

# 2. --netns PATH --mount-ns PATH: DIR from that namespace's root, which for
# a pivot_root'ed container is the container's root.
run timeout 60 "$NSM" --netns /run/netns/cli1 --mount-ns "/proc/$pid/ns/mnt" "$srv:/" /mnt/data
check_in_ctr "--netns /run/netns/cli1 --mount-ns /proc/$pid/ns/mnt"
run "$NSM" -u --mount-ns "/proc/$pid/ns/mnt" /mnt/data
assert_eq "unmounted (--mount-ns PATH)" "" "$(ctr_nfs_mounts ctr-n)"

# 3. --netns NAME only: the caller's mount namespace; a relative DIR is
# taken from the working directory, as mount(8) does.
mnt=$(mnt_dir forms)
(cd "$MNT_BASE" && run timeout 60 "$NSM" --netns cli1 "$srv:/" forms)
assert_ok "mounted on the host" is_mounted "$mnt"
assert_eq "the host reads the file" "forms" "$(cat "$mnt/f.txt")"
assert_eq "nothing in the container" "" "$(ctr_nfs_mounts ctr-n)"
run "$NSM" -u "$mnt"
assert_fails "unmounted on the host" is_mounted "$mnt"
wait_for "! has_server cli1 $srv" 10 || fail "cli1 still lists the server after the last unmount"
log "ok"
