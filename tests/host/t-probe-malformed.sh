#!/bin/bash
# `nsmount --probe` against a server that misbehaves at the RPC level
# (fake-rpc-server.py on FAKE_ADDR:2049 in the server netns, one mode at a
# time): every mode ends in exit 32 (not a signal, not the hang bound) with a
# message naming the server, the netns and what went wrong, within the
# deadline (-o timeo=10: 1 s) plus slack.
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_bin nsmount
h_require_cmd python3 python3

trap fake_rpc_stop EXIT
spec=$FAKE_ADDR:$EXPORT_PSEUDO
at="$FAKE_ADDR \\(netns $CLI1\\)"      # how messages name the server
atp="$FAKE_ADDR port $NFS_PORT \\(netns $CLI1\\)"
field() { sed -n "s/^$1: *//p" <<<"$2"; }

# run_mode MODE: start the fake server, probe it, check the generic part.
# Leaves the probe's output in H_OUT, the error line in ERR, the server's log in FLOG.
run_mode() {
	fake_rpc_start "$1" 20 || h_fail "fake-rpc-server $1 did not start"
	nsprobe_timed -o timeo=10 --netns "$CLI1" "$spec"
	fake_rpc_stop
	FLOG=$(cat "$FAKE_LOG")
	echo "# $1: exit $H_RC after $H_MS ms"
	assert_eq "$1: exit status (32; >128 would be a signal, 124 the hang bound)" 32 "$H_RC"
	assert_between "$1: ms to the error (deadline 1000)" 0 3000 "$H_MS"
	assert_match "$1: the fake server got the probe's calls" "call xid=0x[0-9a-f]+ prog=100003 vers=4 proc=0 -> $1" "$FLOG"
	ERR=$(grep '^nsmount: ' <<<"$H_OUT")
	assert_eq "$1: one error line" 1 "$(grep -c . <<<"$ERR")"
	assert_match "$1: error line names server and netns" "$FAKE_ADDR( port $NFS_PORT)? \\(netns $CLI1\\)" "$ERR"
	assert_eq "$1: not mountable" "" "$(grep -E '^result: +mountable' <<<"$H_OUT")"
}

# Random bytes after a valid record mark (xid echoed, so the reply is ours).
run_mode garbage
assert_match "garbage: error line" "^nsmount: probe of $at failed while mounting $spec: server sent an invalid or unexpected reply \\(RPC: Can't decode result\\)$" "$ERR"
assert_between "garbage: fails at once, not at the deadline" 0 500 "$H_MS"

# Record mark announces 1000 bytes, 12 come, then the server closes.
run_mode truncated
assert_match "truncated: error line" "^nsmount: probe of $at failed while mounting $spec: connection (reset|closed) by server$" "$ERR"

# Record mark of 64 MiB.
run_mode oversized
assert_match "oversized: error line" "^nsmount: probe of $at failed while mounting $spec: server sent an invalid or unexpected reply" "$ERR"
assert_match "oversized: refused by its size" "reply record larger than 65536 bytes, refused unread" "$ERR"
assert_eq "oversized: records read to their end (of 64 MiB)" 0 "$(grep -c 'sent the whole' <<<"$FLOG")"
assert_eq "oversized: calls sent (the NULL only: its reply refused, no COMPOUND)" 1 "$(grep -c 'call xid=' <<<"$FLOG")"

# Well-formed reply to xid + 1: not ours, so nothing answered ours.
run_mode wrong-xid
assert_match "wrong-xid: error line" "^nsmount: (no answer from $atp within 1000 ms|probe of $at failed).* while mounting $spec$" "$ERR"

run_mode prog-mismatch
assert_match "prog-mismatch: error line" "^nsmount: requested NFS version or transport protocol is not supported by $at" "$ERR"
assert_match "prog-mismatch: versions the server offers" "server speaks NFS versions 2 to 3, not 4" "$ERR"

run_mode auth-error
assert_match "auth-error: error line" "^nsmount: access denied by server $at while mounting $spec" "$ERR"
assert_match "auth-error: auth_stat" "AUTH_TOOWEAK" "$ERR"

# Accepts, reads, never answers: that is the deadline.
run_mode silent-after-accept
assert_match "silent-after-accept: error line" "^nsmount: no answer from $atp within 1000 ms while mounting $spec$" "$ERR"
assert_eq "silent-after-accept: result" "timed out (no RPC reply from server)" "$(field result "$H_OUT")"
assert_between "silent-after-accept: returns at the deadline, not before" 950 3000 "$H_MS"

# NULL fine, every COMPOUND NFS4ERR_MINOR_VERS_MISMATCH: 4.2, 4.1, 4.0 tried.
run_mode minor-mismatch
assert_match "minor-mismatch: error line" "^nsmount: requested NFS version or transport protocol is not supported by $at" "$ERR"
assert_match "minor-mismatch: names the NFS status" "NFS4ERR_MINOR_VERS_MISMATCH" "$ERR"
assert_eq "minor-mismatch: minor versions" none "$(field "minor versions" "$H_OUT")"
assert_eq "minor-mismatch: COMPOUNDs tried (4.2, 4.1, 4.0)" 3 "$(grep -c 'proc=1 -> minor-mismatch' <<<"$FLOG")"
