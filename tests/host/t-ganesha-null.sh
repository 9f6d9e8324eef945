#!/bin/bash
# RPC NULL to NFS (100003) v4 over TCP from client netns cli1: answered by
# ganesha at SRV_ADDR:2049, refused at REFUSED_ADDR:2049 (nothing listens there).
set -u
. "$(dirname "$0")/lib.sh"
h_require_env

# rpcinfo -n PORT -t: NULL call straight to PORT (it still connects to port 111
# first, which is why run-tier starts rpcbind in the server netns).
assert_rc "NULL call to nfs v4 at $SRV_ADDR:$NFS_PORT from $CLI1" 0 \
	in_ns "$CLI1" rpcinfo -n "$NFS_PORT" -t "$SRV_ADDR" 100003 4
assert_match "rpcinfo reply" "program 100003 version 4 ready and waiting" "$H_OUT"

# The answer comes from ganesha as configured (Protocols = 4), not from some
# other listener: version 3 is refused at the RPC level.
assert_fails "NULL call to nfs v3 at $SRV_ADDR:$NFS_PORT" \
	in_ns "$CLI1" rpcinfo -n "$NFS_PORT" -t "$SRV_ADDR" 100003 3
assert_match "rpcinfo v3 error" "version 3 is not available|[Vv]ersion mismatch" "$H_OUT"

# REFUSED_ADDR is alive (rpcbind answers on its port 111), so the refusal
# below is about port 2049, not about the address.
assert_rc "rpcbind NULL at $REFUSED_ADDR:111" 0 \
	in_ns "$CLI1" rpcinfo -n 111 -t "$REFUSED_ADDR" 100000 4
assert_fails "NULL call to nfs v4 at $REFUSED_ADDR:$NFS_PORT" \
	in_ns "$CLI1" rpcinfo -n "$NFS_PORT" -t "$REFUSED_ADDR" 100003 4
assert_match "rpcinfo error at refused port" "Connection refused" "$H_OUT"
