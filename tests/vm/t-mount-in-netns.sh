#!/bin/bash
# A mount made from client netns cli1 works and its NFS client state lives in
# cli1 only: /proc/fs/nfsfs/servers lists the server there, not in the init
# netns and not in a second client netns cli2.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

srv_start
cli_add 1
cli_add 2
echo "hello from srv $$" >"$EXPORT/hello.txt"

mnt=$(mnt_dir cli1)
run cli_mount 1 "$mnt"
assert_ok "the mount is visible in the caller's mount namespace" is_mounted "$mnt"
assert_eq "a file written on the server reads back through the mount" \
	"hello from srv $$" "$(cat "$mnt/hello.txt")"

srv=$(srv_addr 1)
log "cli1 servers:"$'\n'"$(nfsfs_servers cli1)"
assert_match "cli1 lists the server $srv" " $(addr_hex "$srv") " "$(nfsfs_servers cli1)"
assert_no_match "the init netns lists no server" "^v4 " "$(nfsfs_servers init)"
assert_no_match "cli2 lists no server" "^v4 " "$(nfsfs_servers cli2)"
log "ok"
