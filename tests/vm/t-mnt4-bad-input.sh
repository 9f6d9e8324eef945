#!/bin/bash
# Bad input gets a clear message and the right exit code, and nothing is
# mounted: bad options, unknown or wrong-type netns, injection attempts.
. "$NSNFS_VM/lib.sh"

M4=$NSNFS_BUILD/mount.nfs4
srv_start
cli_add 1
srv=$(srv_addr 1)
mnt=$(mnt_dir bad)

# expect RC ERE OPTIONS [SPEC]
expect() {
	local want=$1 ere=$2 opts=$3 spec=${4:-$srv:/} rc=0 out
	out=$("$M4" "$spec" "$mnt" -o "$opts" 2>&1) || rc=$?
	log "-o $(printf %q "$opts") -> exit $rc: $out"
	assert_eq "exit code for -o $(printf %q "$opts")" "$want" "$rc"
	assert_match "message for -o $(printf %q "$opts")" "$ere" "$out"
	assert_fails "nothing mounted after -o $(printf %q "$opts")" is_mounted "$mnt"
}
expect 32 'incorrect mount option.*foo' "netns=cli1,foo=bar"
expect 32 'incorrect mount option.*rsize' "netns=cli1,rsize=abc"
expect 32 'NFSv2/v3' "netns=cli1,vers=3"
expect 32 'proto=tcp' "netns=cli1,proto=udp"
expect 32 'proto=tcp' "netns=cli1,rdma"
expect 32 'addr=.*set by mount.nfs4' "netns=cli1,addr=10.99.1.1"
expect 32 'control characters' $'netns=cli1\naddr=10.99.1.1'
expect 1 'cannot open network namespace nosuch' "netns=nosuch"
expect 1 'is not a network namespace' "netns=/proc/self/ns/mnt"
expect 1 'invalid network namespace' "netns=../cli1"
expect 1 'no process 4194303' "netns=4194303"
expect 1 'server:/path' "netns=cli1" "no-colon-here"
expect 1 'brackets' "netns=cli1" "fe80::1:/x"
# Options with "," in a netns name cannot smuggle kernel options either.
expect 32 'incorrect mount option.*bogus' "netns=cli1,bogus"
log "ok"
