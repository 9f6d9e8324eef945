#!/bin/bash
# The trap: `ip netns exec NS mount ...` succeeds, but ip netns exec runs the
# command in a private mount namespace, so the mount dies with it and the
# caller never sees it.  (Mount with nsenter --net instead; see lib.sh.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

srv_start
cli_add 1
srv=$(srv_addr 1)
mnt=$(mnt_dir trap)

run ip netns exec cli1 timeout 60 mount -t nfs4 "$srv:/" "$mnt"
assert_fails "the mount is not visible in the caller's mount namespace" is_mounted "$mnt"

# Control: inside that same private namespace the mount did exist.
inside=$(ip netns exec cli1 sh -c "timeout 60 mount -t nfs4 '$srv:/' '$mnt' && cat /proc/self/mounts")
assert_match "inside ip netns exec the mount is there" " $mnt nfs4 " "$inside"
assert_fails "and again invisible after the command returned" is_mounted "$mnt"

# With the namespace gone the mount is torn down: the client leaves cli1.
if ! wait_for "! has_server cli1 $srv" 10; then
	fail "cli1 still lists $srv 10 s after the private mount namespace died"
fi
log "the orphaned client left cli1 after $WAITED_MS ms"
