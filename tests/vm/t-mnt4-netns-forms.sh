#!/bin/bash
# Our mount.nfs4 with -o netns= in all three spec forms (name, path, PID):
# the kernel client lives in the target netns only, the per-netns client
# identifier is set before the first mount, and umount.nfs4 tears it down.
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
U4=$NSNFS_BUILD/umount.nfs4
srv_start
cli_add 1
cli_add 2
cli_add 3
echo "forms $$" >"$EXPORT/forms.txt"

# A process that lives in cli3 stands for a container for the PID form.
ip netns exec cli3 sleep 300 &
holder=$!
wait_for "[ \"\$(readlink /proc/$holder/ns/net)\" = \"\$(readlink /run/netns/cli3 2>/dev/null || ip netns exec cli3 readlink /proc/self/ns/net)\" ]" 5 || true

declare -A spec=([1]=cli1 [2]=/run/netns/cli2 [3]=$holder)
for n in 1 2 3; do
	mnt=$(mnt_dir "form$n")
	before=$(ip netns exec "cli$n" cat /sys/fs/nfs/net/nfs_client/identifier 2>/dev/null || echo "(no sysfs)")
	run "$M4" "$(srv_addr "$n"):/" "$mnt" -v -o "netns=${spec[$n]},vers=4.2"
	assert_ok "netns=${spec[$n]}: mounted" is_mounted "$mnt"
	assert_eq "netns=${spec[$n]}: file reads back" "forms $$" "$(cat "$mnt/forms.txt")"
	assert_match "cli$n lists its server" " $(addr_hex "$(srv_addr "$n")") " "$(nfsfs_servers "cli$n")"
	assert_no_match "the init netns lists no server" "^v4 " "$(nfsfs_servers init)"
	ident=$(ip netns exec "cli$n" cat /sys/fs/nfs/net/nfs_client/identifier)
	log "cli$n identifier before: $before, after: $ident"
	assert_match "cli$n got an nsnfs client identifier" '^nsnfs-[0-9a-f]{32}$' "$ident"
done
# Each netns sees only its own client.
assert_no_match "cli1 does not list cli2's server" " $(addr_hex "$(srv_addr 2)") " "$(nfsfs_servers cli1)"

for n in 1 2 3; do
	mnt=$MNT_BASE/form$n
	run "$U4" "$mnt"
	assert_fails "form$n: unmounted" is_mounted "$mnt"
	wait_for "! has_server cli$n $(srv_addr "$n")" 5 ||
		fail "cli$n still lists the server ${WAITED_MS} ms after umount"
	log "cli$n server entry gone ${WAITED_MS} ms after umount"
done
kill "$holder" 2>/dev/null || true
log "ok"
