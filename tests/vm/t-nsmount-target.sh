#!/bin/bash
# vm-timeout: 90
# nsmount --target PID mounts into a running container (own net, mount, PID
# and UTS namespaces, pivot_root'ed): the server is named by the container's
# own /etc/hosts, the transport lives in the container's netns, the mount in
# its mount namespace only (the host does not see it), the client-ID string
# carries the container's hostname, and nsmount -u --target unmounts it
# (busy and non-NFS directories refused with the mount(8) codes).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"
# shellcheck source-path=SCRIPTDIR source=nsmount-lib.sh
. "$NSNFS_VM/nsmount-lib.sh"

srv_start
echo "hello container" >"$EXPORT/hello.txt"
ctr_start ctr-one 1
pid=$(ctr_pid ctr-one)
assert_fails "the host cannot resolve files.ctr" getent hosts files.ctr

out=$(timeout 60 "$NSM" --target "$pid" -v --json -o vers=4.2 files.ctr:/ /mnt/data 2>/tmp/nsm.err) ||
	fail "nsmount --target failed: $out $(cat /tmp/nsm.err)"
log "stderr:"$'\n'"$(cat /tmp/nsm.err)"
log "stdout: $out"
assert_match "resolved in the container" "files.ctr resolves to $(srv_addr 1) in netns pid $pid" "$(cat /tmp/nsm.err)"
assert_match "json says mounted" '^\{"mounted":true,"dir":"/mnt/data","mount_ns":"pid [0-9]+","target_pid":[0-9]+,"source":"files.ctr:/","address":"10\.99\.1\.1".*"minor_version":2,.*"mount_id":[1-9][0-9]*,"exit_code":0\}$' "$out"

# The container sees the files; the host sees no mount at all.
assert_eq "the container reads the file" "hello container" "$(ctr_exec ctr-one cat /mnt/data/hello.txt)"
assert_eq "the container's mount ns has it at /mnt/data" "/mnt/data" "$(ctr_nfs_mounts ctr-one)"
assert_eq "the host's mount ns has no NFS mount" "" "$(host_nfs_mounts)"
assert_fails "host's view of the container root is not a mount" mountpoint -q "$(ctr_root ctr-one)/mnt/data"
ctr_exec ctr-one touch /mnt/data/from-ctr
assert_ok "a write from the container reached the server" test -e "$EXPORT/from-ctr"

# nscache has the mount, with the container's mount point.
if [ -x "$NSNFS_BUILD/nscache" ]; then
	recs=$("$NSNFS_BUILD/nscache" list 2>&1) || true
	log "nscache list:"$'\n'"$recs"
	assert_match "nscache records the mount" "/mnt/data" "$recs"
	log "nscache diagnose: $("$NSNFS_BUILD/nscache" diagnose 2>&1)" || true
fi

# The transport is the container's: its netns lists the server, the host's not.
assert_match "the container's netns lists the server" " $(addr_hex "$(srv_addr 1)") " "$(cat "/proc/$pid/net/nfsfs/servers")"
assert_no_match "the init netns lists no server" "^v4 " "$(nfsfs_servers init)"

# The client-ID string the server got carries the container's hostname.
wait_for "srv_clients | grep -q confirmed" 10 || true
info=$(srv_clients)
log "server clients:"$'\n'"$info"
assert_match "client-ID string names the container's host" '^name: "Linux NFSv4\.2 .*ctr-one"' "$info"
assert_no_match "not the host's nodename" "^name: .*$(uname -n)\"" "$info"

# Unmount: a busy mount is refused (exit 16), a non-NFS dir (exit 1) too.
root=$(ctr_root ctr-one)
ctr_exec ctr-one sh -c 'cd /mnt/data && touch /tmp/busy && exec /bin/busybox sleep 30' &
busy=$!
wait_for "[ -e $root/tmp/busy ]" 5 || fail "the busy process did not start"
rc=0
out=$("$NSM" -u --target "$pid" /mnt/data 2>&1) || rc=$?
log "busy: exit $rc: $out"
assert_eq "busy mount: exit 16" 16 "$rc"
assert_match "busy message" "device is busy" "$out"
pkill -f 'busybox sleep 30' || true
wait "$busy" 2>/dev/null || true

rc=0
out=$("$NSM" -u --target "$pid" /etc 2>&1) || rc=$?
assert_eq "non-NFS dir: exit 1" 1 "$rc"
assert_match "non-NFS message" "/etc in mount namespace pid $pid: not an NFS filesystem" "$out"

wait_for "$NSM -u --target $pid --json /mnt/data >/tmp/umount.json 2>&1" 10 ||
	fail "nsmount -u --target failed: $(cat /tmp/umount.json)"
assert_match "json says unmounted" '^\{"unmounted":true,"dir":"/mnt/data",.*"exit_code":0\}$' "$(cat /tmp/umount.json)"
assert_eq "the container's mount ns has no NFS mount left" "" "$(ctr_nfs_mounts ctr-one)"
if [ -x "$NSNFS_BUILD/nscache" ]; then
	recs=$("$NSNFS_BUILD/nscache" list 2>&1) || true
	log "nscache list after -u:"$'\n'"$recs"
	assert_no_match "nscache released the mount" "/mnt/data" "$recs"
fi
wait_for "! grep -q ' $(addr_hex "$(srv_addr 1)") ' /proc/$pid/net/nfsfs/servers" 10 ||
	fail "the container's netns still lists the server after the unmount"
log "ok"
