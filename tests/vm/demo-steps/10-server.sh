# shellcheck shell=bash
# Step: a kernel NFS server in its own network namespace.
say "Start a kernel NFS server (nfsd) in network namespace 'srv', exporting a tmpfs." \
	"nfsd, exportfs, mountd and nfsdcld all run inside srv, where their sockets live."
srv_start
echo "hello from the server" >"$EXPORT/hello.txt"
show cat /etc/exports
show ip netns exec srv ss -tln
