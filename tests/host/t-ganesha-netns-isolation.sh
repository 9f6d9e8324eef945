#!/bin/bash
# The server address exists only inside our namespaces: cli1 (routed) reaches
# it, cli2 (linked to the server but given no route) does not, and the host's
# init netns neither has our interfaces nor routes SRV_ADDR through them.
# No packet is sent from the init netns.
set -u
. "$(dirname "$0")/lib.sh"
h_require_env

seen=$(tcp_probe "$CLI1" "$SRV_ADDR" "$NFS_PORT" 3)
assert_eq "TCP $SRV_ADDR:$NFS_PORT from $CLI1" connected "$seen"

# cli2: the kernel has no route, so connect fails at once, without traffic.
assert_fails "route lookup of $SRV_ADDR in $CLI2" ip -n "$CLI2" route get "$SRV_ADDR"
assert_match "route lookup error in $CLI2" "unreachable" "$H_OUT"
seen=$(tcp_probe "$CLI2" "$SRV_ADDR" "$NFS_PORT" 3)
assert_eq "TCP $SRV_ADDR:$NFS_PORT from $CLI2" "Network is unreachable" "$seen"
# ...while cli2's own link works: the server side of it answers with a RST
# (ganesha listens on SRV_ADDR only).
seen=$(tcp_probe "$CLI2" "$CLI2_PEER" "$NFS_PORT" 3)
assert_eq "TCP $CLI2_PEER:$NFS_PORT (cli2's link peer) from $CLI2" "Connection refused" "$seen"

# Giving cli2 the route is all it takes (this is what separates the two).
cli_route_add "$CLI2" "$CLI2_PEER" || h_fail "adding route in $CLI2"
seen=$(tcp_probe "$CLI2" "$SRV_ADDR" "$NFS_PORT" 3)
cli_route_del "$CLI2" "$CLI2_PEER"
assert_eq "TCP $SRV_ADDR:$NFS_PORT from $CLI2 with a route" connected "$seen"

# Init netns: route table view only.
seen=$(ip route get "$SRV_ADDR" 2>&1)
assert_no_match "init netns route to $SRV_ADDR" "dev (to-srv|to-cli[0-9])( |$)" "$seen"
seen=$(ip -o link show 2>&1 | awk -F': ' '{print $2}' | grep -E '^(to-srv|to-cli[0-9])(@|$)')
assert_eq "our veth interfaces visible in init netns" "" "$seen"
seen=$(ip -o -4 addr show | grep -E " ($SRV_ADDR|$REFUSED_ADDR|$CLI1_ADDR|$CLI1_PEER)/")
assert_eq "our addresses in init netns" "" "$seen"
