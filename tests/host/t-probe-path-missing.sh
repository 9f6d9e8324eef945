#!/bin/bash
# The export path check of `nsmount --probe` against ganesha from cli1: a
# missing path fails like mount.nfs does (exit 32, "No such file or
# directory", NFS4ERR_NOENT), and so does a missing component below a regular
# file; a path to a regular file exists but is "not a directory" (exit 32).
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_bin nsmount
h_require_cmd python3 python3

tag=$$-$RANDOM
file=reg-$tag.txt
echo "a regular file, not an export" >"$EXPORT_DIR/$file"
trap 'rm -f "$EXPORT_DIR/$file"' EXIT
field() { sed -n "s/^$1: *//p" <<<"$2"; }

# ---- missing path --------------------------------------------------------------
spec=$SRV_ADDR:/no/such/path
assert_rc "probe $spec" 32 nsprobe --netns "$CLI1" "$spec"
assert_match "error message" \
	"^nsmount: mounting $spec failed, reason given by server $SRV_ADDR \(netns $CLI1\): No such file or directory$" "$H_OUT"
assert_eq "export path" missing "$(field "export path" "$H_OUT")"
assert_eq "result" "No such file or directory (NFS4ERR_NOENT from LOOKUP)" "$(field result "$H_OUT")"
# the server itself answered: versions were learned before the lookup failed
assert_eq "minor versions" "4.0 4.1 4.2" "$(field "minor versions" "$H_OUT")"

assert_rc "probe --json $spec" 32 nsprobe --json --netns "$CLI1" "$spec"
assert_json "json of the failed probe" "
	j['mountable'] is False and j['path_status'] == 'missing'
	j['errno'] == 2
	j['error'] == 'No such file or directory (NFS4ERR_NOENT from LOOKUP)'
	j['minor_versions'] == [0, 1, 2]
"

# Missing one level below the export too (the export itself exists).
spec=$SRV_ADDR:$EXPORT_PSEUDO/no-such-dir-$tag
assert_rc "probe $spec" 32 nsprobe --netns "$CLI1" "$spec"
assert_match "error message" "No such file or directory$" "$(grep '^nsmount: ' <<<"$H_OUT")"

# ---- a regular file ----------------------------------------------------------------
spec=$SRV_ADDR:$EXPORT_PSEUDO/$file
assert_rc "probe $spec (regular file)" 32 nsprobe --netns "$CLI1" "$spec"
assert_match "error message" \
	"^nsmount: mounting $spec failed: $EXPORT_PSEUDO/$file on $SRV_ADDR is not a directory$" "$H_OUT"
assert_eq "export path" "not a directory" "$(field "export path" "$H_OUT")"
assert_match "result line for a regular file" "^result: +.*[Nn]ot a directory" "$H_OUT"

assert_rc "probe --json $spec (regular file)" 32 nsprobe --json --netns "$CLI1" "$spec"
assert_json "json of the regular-file probe" "
	j['mountable'] is False and j['path_status'] == 'not a directory'
	j['errno'] == 20
"
assert_match "json: error for a regular file" '"error":"[^"]*[Nn]ot a directory' "$H_OUT"

# A component below the regular file: NFS4ERR_NOTDIR on the way, i.e. missing.
spec=$SRV_ADDR:$EXPORT_PSEUDO/$file/below
assert_rc "probe $spec (below a regular file)" 32 nsprobe --netns "$CLI1" "$spec"
assert_eq "export path" missing "$(field "export path" "$H_OUT")"
assert_eq "result" "Not a directory (NFS4ERR_NOTDIR from LOOKUP)" "$(field result "$H_OUT")"
