#!/bin/bash
# Runs after the other k- tests (glob order) in the same VM: the kernel log
# holds no lockdep report, WARNING or BUG from anything they did.  Ours is
# built with PROVE_LOCKING (kernel-patches/config.fragment), and the console
# only shows errors (loglevel=4), so this is where such reports surface.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$NSNFS_VM/lib.sh"

bad=$(dmesg | grep -E -A 12 'WARNING:|BUG:|possible (circular|recursive) locking|inconsistent lock state|lockdep|suspicious RCU' || true)
if [ "$NSNFS_KERNEL" = custom ]; then
	assert_match "lockdep is on" "Lock dependency validator" "$(dmesg)"
fi
[ -z "$bad" ] || fail "kernel log reports:"$'\n'"$(quote "$bad")"
log "ok"
