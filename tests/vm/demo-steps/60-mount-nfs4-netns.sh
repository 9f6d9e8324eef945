# shellcheck shell=bash
# Step: our mount.nfs4 with -o netns=: one name, two containers, two answers.
# shellcheck disable=SC2154 # mnt2 comes from 30-mount.sh
M4=$NSNFS_BUILD/mount.nfs4
U4=$NSNFS_BUILD/umount.nfs4
show nsenter --net=/run/netns/cli2 umount "$mnt2"

say "Now nsnfs: each client netns has its own resolver files, and the name" \
	"files.demo means a different server address in each (like two containers)."
mkdir -p /etc/netns/cli1 /etc/netns/cli2
printf '127.0.0.1 localhost\n%s files.demo\n' "$(srv_addr 1)" >/etc/netns/cli1/hosts
printf '127.0.0.1 localhost\n%s files.demo\n' "$(srv_addr 2)" >/etc/netns/cli2/hosts
show ip netns exec cli1 getent hosts files.demo
show ip netns exec cli2 getent hosts files.demo

say "mount.nfs4 -o netns=NAME resolves the name inside that netns, probes the" \
	"server from there, sets the netns's NFSv4 client identifier and creates the" \
	"kernel transport there -- all from the host's shell, no nsenter needed."
m61=$(mnt_dir demo-cli1)
m62=$(mnt_dir demo-cli2)
show "$M4" files.demo:/ "$m61" -v -o netns=cli1
show "$M4" files.demo:/ "$m62" -o netns=cli2
show findmnt -t nfs4 -o TARGET,SOURCE,OPTIONS
show ip netns exec cli1 cat /proc/fs/nfsfs/servers
show ip netns exec cli2 cat /proc/fs/nfsfs/servers
assert_ok "cli1 reached 10.99.1.1" has_server cli1 "$(srv_addr 1)"
assert_ok "cli2 reached 10.99.2.1" has_server cli2 "$(srv_addr 2)"

say "Each netns now has its own client identifier, so the server keeps two" \
	"distinct clients instead of letting them steal each other's leases."
show ip netns exec cli1 cat /sys/fs/nfs/net/nfs_client/identifier
show ip netns exec cli2 cat /sys/fs/nfs/net/nfs_client/identifier
show sh -c 'grep -h -E "^(address|status|name)" /proc/fs/nfsd/clients/*/info'

say "Failures are fast and name the address and the netns (retry=0: no retry loop)."
show "$M4" files.demo:/ "$m61-x" -o netns=cli1,port=2050,retry=0 || true
show "$M4" nosuch.demo:/ "$m61-x" -o netns=cli1,retry=0 || true

show "$U4" "$m61"
show "$U4" "$m62"
rm -rf /etc/netns/cli1 /etc/netns/cli2
