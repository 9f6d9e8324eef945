#!/bin/bash
# `nsmount --probe` refuses bad input before sending anything, with a message
# and the mount(8) exit status: 1 (usage) for a bad netns or spec or command
# line, 32 for a bad -o option (as mount.nfs does).  Every case would fail at
# once; the hang bound of nsprobe is all the timing there is.
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_bin nsmount

good=$SRV_ADDR:$EXPORT_PSEUDO
nons=${H_PREFIX}no-such-netns

# ---- the network namespace ----------------------------------------------------------
assert_rc "unknown netns name" 1 nsprobe --netns "$nons" "$good"
assert_eq "message" "nsmount: cannot open network namespace $nons: No such file or directory" "$H_OUT"

assert_rc "missing netns path" 1 nsprobe --netns "/run/netns/$nons" "$good"
assert_eq "message" "nsmount: cannot open network namespace /run/netns/$nons: No such file or directory" "$H_OUT"

assert_rc "a mount namespace file as netns" 1 nsprobe --netns /proc/self/ns/mnt "$good"
assert_eq "message" "nsmount: /proc/self/ns/mnt is not a network namespace" "$H_OUT"

assert_rc "a regular file as netns" 1 nsprobe --netns /etc/hostname "$good"
assert_eq "message" "nsmount: /etc/hostname is not a network namespace" "$H_OUT"

# A pid that is not running: the highest pid the kernel allows is never live here.
assert_rc "pid that does not exist" 1 nsprobe --netns 4194304 "$good"
assert_eq "message" "nsmount: no process 4194304: cannot use its network namespace" "$H_OUT"

assert_rc "netns name with a slash" 1 nsprobe --netns "a/b" "$good"
assert_match "message" "^nsmount: invalid network namespace 'a/b': expected a name, an absolute path or a PID$" "$H_OUT"

assert_rc "netns pid 0" 1 nsprobe --netns 0 "$good"
assert_match "message" "^nsmount: invalid network namespace '0'" "$H_OUT"

# ---- the spec ----------------------------------------------------------------------------
assert_rc "spec without a path" 1 nsprobe --netns "$CLI1" "$SRV_ADDR"
assert_eq "message" "nsmount: remote spec must be server:/path: $SRV_ADDR" "$H_OUT"

assert_rc "relative export path" 1 nsprobe --netns "$CLI1" "$SRV_ADDR:export"
assert_eq "message" "nsmount: export path must be absolute: $SRV_ADDR:export" "$H_OUT"

assert_rc "spec without a server" 1 nsprobe --netns "$CLI1" ":$EXPORT_PSEUDO"
assert_eq "message" "nsmount: no server name in remote spec: :$EXPORT_PSEUDO" "$H_OUT"

# ---- -o options (mount.nfs: 32) -------------------------------------------------------
assert_rc "unknown -o option" 32 nsprobe --netns "$CLI1" -o bogus=1 "$good"
assert_eq "message" "nsmount: an incorrect mount option was specified: bogus=1: unknown option" "$H_OUT"

assert_rc "timeo not a number" 32 nsprobe --netns "$CLI1" -o timeo=abc "$good"
assert_match "message" "^nsmount: an incorrect mount option was specified: timeo=abc: " "$H_OUT"

assert_rc "timeo=0 (below the minimum)" 32 nsprobe --netns "$CLI1" -o timeo=0 "$good"
assert_match "message" "^nsmount: an incorrect mount option was specified: timeo=0" "$H_OUT"

assert_rc "vers=3 (not ours)" 32 nsprobe --netns "$CLI1" -o vers=3 "$good"
assert_eq "message" "nsmount: vers=3: NFSv2/v3 are not handled here; use nfs-utils' mount.nfs" "$H_OUT"

assert_rc "vers=4.3 (no such minor version)" 32 nsprobe --netns "$CLI1" -o vers=4.3 "$good"
assert_match "message" "^nsmount: an incorrect mount option was specified: vers=4.3" "$H_OUT"

# ---- the command line --------------------------------------------------------------------
assert_rc "unknown command-line option" 1 nsprobe --netns "$CLI1" --bogus "$good"
assert_match "message" "unrecognized option '--bogus'" "$H_OUT"
assert_match "usage printed" "^usage: nsmount --probe " "$H_OUT"

assert_rc "no spec" 1 nsprobe --netns "$CLI1"
assert_match "usage printed" "^usage: nsmount --probe " "$H_OUT"

assert_rc "two specs" 1 nsprobe --netns "$CLI1" "$good" "$good"
assert_match "usage printed" "^usage: nsmount --probe " "$H_OUT"

assert_rc "--netns without a value" 1 nsprobe "$good" --netns
assert_match "message" "requires an argument" "$H_OUT"
