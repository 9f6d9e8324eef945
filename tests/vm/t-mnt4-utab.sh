#!/bin/bash
# utab (/run/mount/utab) through libmount, as nfs-utils' mount.nfs keeps it:
# userspace options (_netdev, x-*) as OPTS, ours (netns=, the address) as
# ATTRS; -n writes nothing; umount drops the entry; a remount keeps ATTRS.
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
U4=$NSNFS_BUILD/umount.nfs4
UTAB=/run/mount/utab
srv_start
cli_add 1
srv=$(srv_addr 1)
mnt=$(mnt_dir utab)

# The utab line for a target ("" if none); libmount escapes blanks as \040.
utab_line() { grep -F " TARGET=$1 " "$UTAB" 2>/dev/null || true; }

run "$M4" "$srv:/" "$mnt" -o netns=cli1,vers=4.1,_netdev,x-app=db
line=$(utab_line "$mnt")
log "utab: $line"
assert_match "ATTRS keep netns= and the address" "ATTRS=netns=cli1,addr=$srv( |$)" "$line"
assert_match "OPTS keep the userspace options" "OPTS=_netdev,x-app=db( |$)" "$line"
assert_no_match "kernel options stay out of utab" "vers=|hard" "$line"
assert_match "findmnt -m (libmount) merges them into the mount" "x-app=db" \
	"$(findmnt -m -n -o OPTIONS --target "$mnt")"

# A remount with a new userspace option keeps our ATTRS (libmount alone drops them).
run "$M4" "$srv:/" "$mnt" -o netns=cli1,remount,ro,x-app=web
line=$(utab_line "$mnt")
log "utab after remount: $line"
assert_match "remount replaced OPTS" "OPTS=x-app=web( |$)" "$line"
assert_match "remount kept ATTRS" "ATTRS=netns=cli1,addr=$srv( |$)" "$line"
assert_eq "one entry for the mount" 1 "$(utab_line "$mnt" | wc -l)"

run "$U4" "$mnt"
assert_eq "umount.nfs4 dropped the entry" "" "$(utab_line "$mnt")"

# -n: neither mount nor umount touches utab.
run "$M4" "$srv:/" "$mnt" -n -o netns=cli1,x-app=db
assert_eq "mount -n wrote nothing" "" "$(utab_line "$mnt")"
run "$U4" "$mnt"
run "$M4" "$srv:/" "$mnt" -o netns=cli1,x-app=db
run "$U4" "$mnt" -n
assert_fails "unmounted" is_mounted "$mnt"
assert_match "umount -n kept the entry" "x-app=db" "$(utab_line "$mnt")"
# The -n leftover stays (as with mount(8)); the next mount and umount there
# add and drop only their own entry.
run "$M4" "$srv:/" "$mnt" -o netns=cli1
assert_eq "the next mount adds its entry" 2 "$(utab_line "$mnt" | wc -l)"
run "$U4" "$mnt"
assert_eq "its umount drops only that one" 1 "$(utab_line "$mnt" | wc -l)"
assert_match "the leftover is the -n one" "x-app=db" "$(utab_line "$mnt")"
sed -i "\\| TARGET=$mnt |d" "$UTAB"

# A failed mount writes nothing.
rc=0
"$M4" "$srv:/nonexistent" "$mnt" -o netns=cli1,retry=0,x-app=db 2>/dev/null || rc=$?
assert_eq "failed mount exits 32" 32 "$rc"
assert_eq "failed mount wrote nothing" "" "$(utab_line "$mnt")"
log "ok"
