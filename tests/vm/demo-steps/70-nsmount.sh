# shellcheck shell=bash
# Step: nsmount --target PID mounts into a running container.
# shellcheck source-path=SCRIPTDIR source=../nsmount-lib.sh
. "$NSNFS_VM/nsmount-lib.sh"

say "nsmount mounts an export into a container that is already running, from the" \
	"host, by the PID of its init.  The container here: one process in its own" \
	"network, mount, PID and UTS namespaces, pivot_root'ed into a small tree, its" \
	"netns joined to srv by a veth (10.99.3.2 -> 10.99.3.1); its own /etc/hosts" \
	"calls the server files.ctr, a name the host cannot resolve."
ctr_start shop 3
pid=$(ctr_pid shop)
root=$(ctr_root shop)
echo "hello from the server, seen in the container" >"$EXPORT/shop.txt"
show nsenter -t "$pid" -u hostname
show nsenter -t "$pid" -m /bin/busybox cat /etc/hosts
show getent hosts files.ctr || true

say "nsmount --target PID: resolve the name and probe from the container's netns," \
	"create the kernel client there (in its UTS namespace, so the client-ID string" \
	"carries its hostname), then attach in a worker that entered its mount" \
	"namespace, on the directory opened inside its root."
show "$NSM" --target "$pid" -v files.ctr:/ /mnt/data

say "The container's view: the mount is at /mnt/data, the file is there."
show grep ' nfs4 ' "/proc/$pid/mounts"
show nsenter -t "$pid" -m /bin/busybox cat /mnt/data/shop.txt
say "The host's view: no NFS mount in its mount namespace, and the kernel client" \
	"lives in the container's netns only."
show sh -c "grep ' nfs4 ' /proc/self/mounts || echo '(no NFS mount in the host mount namespace)'"
assert_eq "the host sees no NFS mount" "" "$(host_nfs_mounts)"
show cat "/proc/$pid/net/nfsfs/servers"
show sh -c 'grep -h "^name" /proc/fs/nfsd/clients/*/info'

say "A symlink planted in the container cannot send the mount to the host: the" \
	"path is resolved inside the container's root, so /tmp/nsnfs/hostonly" \
	"(which exists on the host) is simply not found."
mkdir -p /tmp/nsnfs/hostonly
ln -s /tmp/nsnfs/hostonly "$root/mnt/evil"
show ls -l "$root/mnt/evil"
show "$NSM" --target "$pid" files.ctr:/ /mnt/evil || true
assert_fails "nothing mounted on the host's directory" mountpoint -q /tmp/nsnfs/hostonly

say "Unmount from the host, again by PID."
show "$NSM" -u --target "$pid" /mnt/data
show sh -c "grep ' nfs4 ' /proc/$pid/mounts || echo '(no NFS mount in the container)'"
ctr_stop shop
