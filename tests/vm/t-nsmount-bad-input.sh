#!/bin/bash
# nsmount refuses bad input and missing privileges with a clear message and
# the mount(8) exit code, before touching anything: conflicting namespace
# options, wrong namespace types, a user namespace or no CAP_SYS_ADMIN,
# options nsmount does not do, a mount point that is not a directory.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"
# shellcheck source-path=SCRIPTDIR source=nsmount-lib.sh
. "$NSNFS_VM/nsmount-lib.sh"

srv_start
ctr_start bad 1
pid=$(ctr_pid bad)
touch "$(ctr_root bad)/mnt/file"

# expect RC ERE ARGS...
expect() {
	local want=$1 ere=$2 rc=0 out
	shift 2
	out=$(timeout 30 "$@" 2>&1) || rc=$?
	log "$* -> exit $rc: $out"
	assert_eq "exit code of: $*" "$want" "$rc"
	assert_match "message of: $*" "$ere" "$out"
	assert_eq "nothing mounted in the container after: $*" "" "$(ctr_nfs_mounts bad)"
	assert_eq "nothing mounted on the host after: $*" "" "$(host_nfs_mounts)"
}
expect 1 "--target PID already names" "$NSM" --target "$pid" --mount-ns "$pid" files.ctr:/ /mnt/data
expect 1 "--target PID already names" "$NSM" --target "$pid" --netns cli1 files.ctr:/ /mnt/data
expect 1 "--target needs a PID: abc" "$NSM" --target abc files.ctr:/ /mnt/data
expect 1 "--mount-ns must be a PID or an absolute path: ctr" "$NSM" --mount-ns ctr files.ctr:/ /mnt/data
expect 1 "/proc/$pid/ns/net is not a mount namespace" "$NSM" --mount-ns "/proc/$pid/ns/net" files.ctr:/ /mnt/data
expect 1 "-u takes no --netns" "$NSM" -u --netns cli1 --mount-ns "$pid" /mnt/data
expect 1 "^usage: " "$NSM" --target "$pid" files.ctr:/
expect 1 "running in a user namespace: .*CAP_SYS_ADMIN in the initial user namespace" \
	unshare -Ur "$NSM" --target "$pid" files.ctr:/ /mnt/data
expect 1 "needs CAP_SYS_ADMIN: .*initial user namespace" \
	setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin "$NSM" --target "$pid" files.ctr:/ /mnt/data
expect 1 "bg is not supported by nsmount" "$NSM" --target "$pid" -o bg files.ctr:/ /mnt/data
expect 32 "mount point /mnt/file in mount namespace pid $pid: Not a directory" \
	"$NSM" --target "$pid" -o vers=4.2 files.ctr:/ /mnt/file
expect 32 "Failed to resolve server nosuch.ctr \(netns pid $pid\)" \
	"$NSM" --target "$pid" -o retry=0 nosuch.ctr:/ /mnt/data
log "ok"
