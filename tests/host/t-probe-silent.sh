#!/bin/bash
# `nsmount --probe` to SILENT_ADDR from cli1 (SYNs dropped, no ICMP): exit 32
# with "no answer from ADDR", returned at the deadline: the default 5 s, or
# timeo= (deciseconds) when given.  Bounds are generous on the high side: they
# catch a hang or a lost deadline, not a slow host.
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_bin nsmount

field() { sed -n "s/^$1: *//p" <<<"$2"; }
spec=$SILENT_ADDR:$EXPORT_PSEUDO

nsprobe_timed --netns "$CLI1" "$spec"
assert_eq "exit status of probe $spec" 32 "$H_RC"
assert_match "error message" \
	"^nsmount: no answer from $SILENT_ADDR port $NFS_PORT \(netns $CLI1\) within 5000 ms while mounting $spec$" "$H_OUT"
assert_eq "result" "timed out (no answer to TCP connect)" "$(field result "$H_OUT")"
assert_between "ms to the error, default deadline 5 s" 4800 8000 "$H_MS"

nsprobe_timed -o timeo=10 --netns "$CLI1" "$spec"
assert_eq "exit status of probe -o timeo=10" 32 "$H_RC"
assert_match "error message (timeo=10)" \
	"^nsmount: no answer from $SILENT_ADDR port $NFS_PORT \(netns $CLI1\) within 1000 ms while mounting $spec$" "$H_OUT"
assert_between "ms to the error, timeo=10 (1 s)" 950 3000 "$H_MS"

# --json: the error is in the object (nothing on stderr), same deadline.
nsprobe_timed -o timeo=10 --json --netns "$CLI1" "$spec"
assert_eq "exit status of probe -o timeo=10 --json" 32 "$H_RC"
assert_match "json" '^\{.*"mountable":false,.*"error":"timed out \(no answer to TCP connect\)","errno":110,.*\}$' "$H_OUT"
assert_between "ms to the error, timeo=10 --json" 950 3000 "$H_MS"
