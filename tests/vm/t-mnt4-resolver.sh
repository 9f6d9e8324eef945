#!/bin/bash
# A name resolves in the target netns with that netns's resolver files
# (/etc/netns/NAME/hosts), not the host's: the host maps the name to an
# address cli1 cannot reach, cli1's own hosts file maps it to its server.
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
echo "resolved in cli1" >"$EXPORT/who.txt"

cp /etc/hosts /tmp/hosts.saved
restore() { cp /tmp/hosts.saved /etc/hosts; rm -rf /etc/netns/cli1; vm_cleanup; }
trap restore EXIT
echo "192.0.2.77 files.nsnfs.test" >>/etc/hosts
mkdir -p /etc/netns/cli1
printf '127.0.0.1 localhost\n%s files.nsnfs.test\n' "$(srv_addr 1)" >/etc/netns/cli1/hosts

mnt=$(mnt_dir byname)
out=$("$M4" files.nsnfs.test:/ "$mnt" -v -o netns=cli1 2>&1) || fail "mount by name failed: $out"
log "$out"
assert_match "the verbose log shows the netns's answer" "resolves to $(srv_addr 1)" "$out"
assert_no_match "the host's answer is not used" "192\.0\.2\.77" "$out"
assert_eq "the file of cli1's server reads back" "resolved in cli1" "$(cat "$mnt/who.txt")"
assert_match "cli1 lists the server" " $(addr_hex "$(srv_addr 1)") " "$(nfsfs_servers cli1)"
# nscache keeps the netns's answer while the mount lives, and drops it with it.
list=$("$NSNFS_BUILD/nscache" list)
log "nscache list:"$'\n'"$list"
assert_match "nscache records cli1's answer" "files\.nsnfs\.test +$(srv_addr 1)" "$list"
"$NSNFS_BUILD/umount.nfs4" "$mnt"
assert_no_match "the answer goes with the last mount" "files\.nsnfs\.test" "$("$NSNFS_BUILD/nscache" list)"

# Unknown name: a clear, fast error naming the netns, nothing mounted.
mnt2=$(mnt_dir unknown)
rc=0
out=$("$M4" nosuch.nsnfs.test:/ "$mnt2" -o netns=cli1,retry=0 2>&1) || rc=$?
assert_eq "unknown name exits 32" 32 "$rc"
assert_match "message names the server and netns" "nosuch.nsnfs.test \(netns cli1\)" "$out"
assert_fails "nothing mounted" is_mounted "$mnt2"
log "ok"
