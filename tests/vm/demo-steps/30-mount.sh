# shellcheck shell=bash
# Step: mount from each client netns.
say "Mount the export from each client netns.  nsenter --net switches only the" \
	"network namespace, so the mount lands in our mount namespace, visible to all."
mnt1=$(mnt_dir cli1)
mnt2=$(mnt_dir cli2)
show nsenter --net=/run/netns/cli1 mount -t nfs4 "$(srv_addr 1):/" "$mnt1"
show nsenter --net=/run/netns/cli2 mount -t nfs4 "$(srv_addr 2):/" "$mnt2"
show findmnt -t nfs4 -o TARGET,SOURCE,OPTIONS
show cat "$mnt1/hello.txt" "$mnt2/hello.txt"
