# shellcheck shell=bash
# Step: NFS client state is per network namespace.
say "The kernel keeps NFS client state per network namespace: each client netns" \
	"lists only the server address it mounted (hex, host order: 0a630101 = 10.99.1.1);" \
	"the initial namespace lists none."
show cat /proc/fs/nfsfs/servers
show ip netns exec cli1 cat /proc/fs/nfsfs/servers
show ip netns exec cli2 cat /proc/fs/nfsfs/servers
assert_ok "cli1 lists its server" has_server cli1 "$(srv_addr 1)"
assert_ok "cli2 lists its server" has_server cli2 "$(srv_addr 2)"
