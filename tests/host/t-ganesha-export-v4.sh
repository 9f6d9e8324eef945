#!/bin/bash
# The export really serves NFSv4 COMPOUNDs from cli1, checked with an
# independent userspace client (libnfs): what later nsmount --probe tests and
# the VM tier assume about the server.  Read what the server side wrote, write
# as root (Squash = No_Root_Squash), and get NFS4ERR_NOENT for a missing path.
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_cmd nfs-ls libnfs-utils
h_require_cmd nfs-cp libnfs-utils

url() { echo "nfs://$SRV_ADDR$1?version=4"; }
tag=$$-$RANDOM
echo "written on the server side $tag" >"$EXPORT_DIR/srv-$tag.txt"
trap 'rm -f "$EXPORT_DIR/srv-$tag.txt" "$EXPORT_DIR/cli-$tag.txt" "$H_RUN/cli-$tag.src"' EXIT

assert_rc "nfs-ls $EXPORT_PSEUDO/ from $CLI1" 0 in_ns "$CLI1" nfs-ls "$(url "$EXPORT_PSEUDO/")"
assert_match "listing of $EXPORT_PSEUDO/" " srv-$tag\.txt$" "$H_OUT"

assert_rc "nfs-cat of the server-written file" 0 \
	in_ns "$CLI1" nfs-cat "$(url "$EXPORT_PSEUDO/srv-$tag.txt")"
assert_eq "content read over NFSv4" "written on the server side $tag" "$H_OUT"

# The pseudo root lists the export (the path our probe LOOKUPs).
assert_rc "nfs-ls / (pseudo root)" 0 in_ns "$CLI1" nfs-ls "$(url /)"
assert_match "pseudo root listing" " ${EXPORT_PSEUDO#/}$" "$H_OUT"

echo "written by the client $tag" >"$H_RUN/cli-$tag.src"
assert_rc "nfs-cp into $EXPORT_PSEUDO as root" 0 \
	in_ns "$CLI1" nfs-cp "$H_RUN/cli-$tag.src" "$(url "$EXPORT_PSEUDO/cli-$tag.txt")"
assert_eq "file the client wrote, seen on the server" "written by the client $tag" \
	"$(cat "$EXPORT_DIR/cli-$tag.txt" 2>&1)"
assert_eq "its owner uid:gid (no root squash)" "0:0" "$(stat -c %u:%g "$EXPORT_DIR/cli-$tag.txt" 2>&1)"

assert_fails "nfs-ls of a missing path" in_ns "$CLI1" nfs-ls "$(url /no-such-export/)"
assert_match "error for the missing path" "NFS4ERR_NOENT" "$H_OUT"
