#!/bin/bash
# `nsmount --probe` to REFUSED_ADDR from cli1 (address alive, nothing on
# 2049: the SYN gets a RST): exit 32 with nfs-utils' wording naming the
# address, port and netns, well before any deadline.  Also the other two
# immediate connect failures: a port nobody listens on (port=), and a netns
# without a route (cli2: the kernel refuses locally, no packet is sent).
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_bin nsmount

field() { sed -n "s/^$1: *//p" <<<"$2"; }
spec=$REFUSED_ADDR:$EXPORT_PSEUDO

nsprobe_timed --netns "$CLI1" "$spec"
assert_eq "exit status of probe $spec" 32 "$H_RC"
assert_match "error message" \
	"^nsmount: connection refused by $REFUSED_ADDR port $NFS_PORT \(netns $CLI1\) while mounting $spec$" "$H_OUT"
assert_eq "result" "connection refused" "$(field result "$H_OUT")"
assert_eq "minor versions" none "$(field "minor versions" "$H_OUT")"
# A refusal is an answer: it must not wait for the 5 s deadline (hang bound only).
assert_between "ms to the refusal" 0 2500 "$H_MS"

# The netns as a PATH is named so in the message.
nsprobe_timed --netns "/run/netns/$CLI1" "$spec"
assert_eq "exit status of probe $spec (netns by path)" 32 "$H_RC"
assert_match "error message (netns by path)" \
	"^nsmount: connection refused by $REFUSED_ADDR port $NFS_PORT \(netns /run/netns/$CLI1\) while mounting $spec$" "$H_OUT"

# --json: the error is in the object (nothing on stderr).
nsprobe_timed --json --netns "$CLI1" "$spec"
assert_eq "exit status of probe --json $spec" 32 "$H_RC"
assert_match "json" '^\{"server":"'"$REFUSED_ADDR"'",.*"mountable":false,.*"error":"connection refused","errno":111,.*\}$' "$H_OUT"
assert_between "ms to the refusal (json)" 0 2500 "$H_MS"

# port= is honoured: ganesha's address, a port nobody listens on.
nsprobe_timed -o port=2050 --netns "$CLI1" "$SRV_ADDR:$EXPORT_PSEUDO"
assert_eq "exit status of probe with port=2050" 32 "$H_RC"
assert_match "error message (port=2050)" \
	"^nsmount: connection refused by $SRV_ADDR port 2050 \(netns $CLI1\)" "$H_OUT"

# cli2 has no route to the service addresses: unreachable at once, which also
# shows the socket is made in cli2 (the host's netns would route it away).
nsprobe_timed --netns "$CLI2" "$SRV_ADDR:$EXPORT_PSEUDO"
assert_eq "exit status of probe from $CLI2 (no route)" 32 "$H_RC"
assert_match "error message (no route)" \
	"^nsmount: $SRV_ADDR is unreachable \(netns $CLI2\) \(Network is unreachable\) while mounting $SRV_ADDR:$EXPORT_PSEUDO$" "$H_OUT"
assert_eq "result (no route)" "network is unreachable" "$(field result "$H_OUT")"
assert_between "ms to the error (no route)" 0 2500 "$H_MS"
