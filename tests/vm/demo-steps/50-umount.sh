# shellcheck shell=bash
# Step: the last umount in a netns drops its client state.
# shellcheck disable=SC2154 # mnt1 comes from 30-mount.sh
say "Unmount in cli1: its server entry goes away; cli2 is untouched."
show nsenter --net=/run/netns/cli1 umount "$mnt1"
wait_for "! has_server cli1 $(srv_addr 1)" 10 ||
	fail "cli1 still lists $(srv_addr 1) 10 s after umount"
say "(gone from cli1 after $WAITED_MS ms)"
show ip netns exec cli1 cat /proc/fs/nfsfs/servers
show ip netns exec cli2 cat /proc/fs/nfsfs/servers
assert_ok "cli2 still lists its server" has_server cli2 "$(srv_addr 2)"
