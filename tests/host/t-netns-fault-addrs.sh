#!/bin/bash
# The fault addresses later nsmount tests rely on behave as advertised from
# cli1: REFUSED_ADDR answers a SYN with a RST at once, SILENT_ADDR never
# answers (the SYN is dropped in the server netns without an ICMP error).
set -u
. "$(dirname "$0")/lib.sh"
h_require_env

t0=$(date +%s%N)
seen=$(tcp_probe "$CLI1" "$REFUSED_ADDR" "$NFS_PORT" 3)
ms=$((($(date +%s%N) - t0) / 1000000))
assert_eq "TCP $REFUSED_ADDR:$NFS_PORT from $CLI1" "Connection refused" "$seen"
[ "$ms" -lt 1500 ] || h_fail "refusal is immediate" "expected < 1500 ms" "seen $ms ms"
echo "ok: refused after $ms ms"

t0=$(date +%s%N)
seen=$(tcp_probe "$CLI1" "$SILENT_ADDR" "$NFS_PORT" 2)
ms=$((($(date +%s%N) - t0) / 1000000))
assert_eq "TCP $SILENT_ADDR:$NFS_PORT from $CLI1 (2 s budget)" timeout "$seen"
[ "$ms" -ge 1900 ] || h_fail "silent address holds the connect until the deadline" \
	"expected >= 1900 ms" "seen $ms ms"
echo "ok: still unanswered after $ms ms"

