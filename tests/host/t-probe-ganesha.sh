#!/bin/bash
# `nsmount --probe` against the healthy ganesha, run from the host's netns with
# --netns naming cli1 three ways (NAME, PATH, PID): nsmount makes its socket in
# cli1, so SRV_ADDR is reachable although the host has no route to it.  Each
# way reports the same netns, "mountable", minor versions 4.0 4.1 4.2 (ganesha
# 4.3 with Protocols = 4 and its default Minor_Versions), the export path as a
# directory, exit 0.  --json parses and has every field; -o vers=4.1 restricts
# the probe to 4.1; a name given only in cli1's /etc/netns hosts file resolves
# inside cli1.
set -u
. "$(dirname "$0")/lib.sh"
h_require_env
h_require_bin nsmount
h_require_cmd python3 python3

sleeper=""
name=nfs-server.nsnfs.test
cleanup() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	netns_hosts_clear "$CLI1"
}
trap cleanup EXIT

# field NAME TEXT: the value after "NAME:" in the text output
field() { sed -n "s/^$1: *//p" <<<"$2"; }

# check_text HOW NETNS_SHOWN: the text output in H_OUT of a probe of SRV_ADDR:EXPORT_PSEUDO
check_text() {
	assert_eq "$1: server" "$SRV_ADDR:$EXPORT_PSEUDO" "$(field server "$H_OUT")"
	assert_eq "$1: address" "$SRV_ADDR" "$(field address "$H_OUT")"
	assert_match "$1: netns" "^$2 \(cookie [0-9]+\)$" "$(field netns "$H_OUT")"
	assert_eq "$1: minor versions" "4.0 4.1 4.2" "$(field "minor versions" "$H_OUT")"
	assert_eq "$1: export path" "directory" "$(field "export path" "$H_OUT")"
	assert_eq "$1: result" "mountable" "$(field result "$H_OUT")"
	assert_eq "$1: stderr" "" "$(nsprobe --netns "$3" "$SRV_ADDR:$EXPORT_PSEUDO" 2>&1 >/dev/null)"
}
cookie() { field netns "$H_OUT" | sed -n 's/.*(cookie \([0-9]*\))$/\1/p'; }

# ---- by name, by path, by pid --------------------------------------------------
assert_rc "probe --netns $CLI1 (name)" 0 nsprobe --netns "$CLI1" "$SRV_ADDR:$EXPORT_PSEUDO"
check_text "by name" "$CLI1" "$CLI1"
c_name=$(cookie)

assert_rc "probe --netns /run/netns/$CLI1 (path)" 0 \
	nsprobe --netns "/run/netns/$CLI1" "$SRV_ADDR:$EXPORT_PSEUDO"
check_text "by path" "/run/netns/$CLI1" "/run/netns/$CLI1"
assert_eq "netns cookie by path = by name" "$c_name" "$(cookie)"

# A process living in cli1 (ip netns exec execs sleep: $! is the sleep).
ip netns exec "$CLI1" sleep 60 </dev/null >/dev/null 2>&1 9>&- &
sleeper=$!
want=$(stat -L -c %i "/run/netns/$CLI1")
for _ in $(seq 100); do
	[ "$(cat "/proc/$sleeper/comm" 2>/dev/null)" = sleep ] &&
		[ "$(stat -L -c %i "/proc/$sleeper/ns/net" 2>/dev/null)" = "$want" ] && break
	sleep 0.05
done
assert_eq "netns inode of the sleep started in $CLI1" "$want" "$(stat -L -c %i "/proc/$sleeper/ns/net" 2>&1)"
assert_rc "probe --netns $sleeper (pid)" 0 nsprobe --netns "$sleeper" "$SRV_ADDR:$EXPORT_PSEUDO"
check_text "by pid" "pid $sleeper" "$sleeper"
assert_eq "netns cookie by pid = by name" "$c_name" "$(cookie)"
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null
sleeper=""

# ---- --json ----------------------------------------------------------------------
assert_rc "probe --json by name" 0 nsprobe --json --netns "$CLI1" "$SRV_ADDR:$EXPORT_PSEUDO"
assert_json "json of a healthy probe" "
	set(j) == {'server', 'path', 'address', 'netns', 'netns_cookie', 'mountable', 'minor_versions', 'highest_minor', 'path_status', 'error', 'errno', 'timing_us'}
	j['server'] == '$SRV_ADDR' and j['path'] == '$EXPORT_PSEUDO' and j['address'] == '$SRV_ADDR'
	j['netns'] == '$CLI1' and j['netns_cookie'] == $c_name
	j['mountable'] is True
	j['minor_versions'] == [0, 1, 2] and j['highest_minor'] == 2
	j['path_status'] == 'directory'
	j['error'] == '' and j['errno'] == 0
	set(j['timing_us']) == {'connect', 'null', 'compound', 'probe', 'total'}
	all(type(v) is int and v >= 0 for v in j['timing_us'].values())
	j['timing_us']['null'] > 0 and j['timing_us']['compound'] > 0
	j['timing_us']['probe'] >= j['timing_us']['connect'] + j['timing_us']['null'] + j['timing_us']['compound']
	j['timing_us']['total'] >= j['timing_us']['probe']
"

# ---- -o vers=4.1 / 4.0 / 4.2 ------------------------------------------------------
assert_rc "probe -o vers=4.1 --json" 0 nsprobe -o vers=4.1 --json --netns "$CLI1" "$SRV_ADDR:$EXPORT_PSEUDO"
assert_json "json with vers=4.1" "
	j['mountable'] is True and j['path_status'] == 'directory'
	1 in j['minor_versions'] and 2 not in j['minor_versions']
	j['highest_minor'] == 1
"
# The probe's stateless path check uses 4.0 as a side effect; nsmount lists
# only the version that was asked about.
assert_match "minor versions reported with vers=4.1" '"minor_versions":\[1\]' "$H_OUT"

assert_rc "probe -o vers=4.0 --json" 0 nsprobe -o vers=4.0 --json --netns "$CLI1" "$SRV_ADDR:$EXPORT_PSEUDO"
assert_json "json with vers=4.0" "
	j['mountable'] is True and j['path_status'] == 'directory'
	j['minor_versions'] == [0] and j['highest_minor'] == 0
"
assert_rc "probe -o minorversion=2 --json" 0 \
	nsprobe -o minorversion=2 --json --netns "$CLI1" "$SRV_ADDR:$EXPORT_PSEUDO"
assert_json "json with minorversion=2" "
	j['mountable'] is True and j['path_status'] == 'directory'
	2 in j['minor_versions'] and 1 not in j['minor_versions'] and j['highest_minor'] == 2
"

# ---- name resolution inside cli1 ---------------------------------------------------
# Only cli1's /etc/netns hosts file knows the name (files service: no DNS).
netns_hosts_set "$CLI1" "127.0.0.1 localhost" "$SRV_ADDR $name" || h_fail "writing /etc/netns/$CLI1/hosts"
assert_rc "probe $name:$EXPORT_PSEUDO (name known in $CLI1 only)" 0 \
	nsprobe --json --netns "$CLI1" "$name:$EXPORT_PSEUDO"
assert_json "json of a probe by host name" "
	j['server'] == '$name' and j['address'] == '$SRV_ADDR' and j['mountable'] is True
"
