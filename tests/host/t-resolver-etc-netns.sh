#!/bin/bash
# `ip netns exec NS` bind-mounts /etc/netns/NS/hosts over /etc/hosts: the
# mechanism our resolver worker copies.  One name, three answers: host (none),
# cli1 and cli2 (each its own address).  Lookups use only the "files" service
# (getent -s hosts:files): no DNS query ever leaves from here.
set -u
. "$(dirname "$0")/lib.sh"
h_require_env

name=nfs-server.nsnfs.test
lookup() { # [NS] -> first IPv4 address of $name via getaddrinfo, or "none"
	local out
	if [ $# -eq 1 ]; then
		out=$(ip netns exec "$1" getent -s hosts:files ahostsv4 "$name")
	else
		out=$(getent -s hosts:files ahostsv4 "$name")
	fi
	out=$(awk 'NR == 1 {print $1}' <<<"$out")
	echo "${out:-none}"
}
hosts_sum=$(sha256sum /etc/hosts)
trap 'netns_hosts_clear "$CLI1"; netns_hosts_clear "$CLI2"' EXIT

assert_eq "$name on the host before" none "$(lookup)"
netns_hosts_set "$CLI1" "127.0.0.1 localhost" "$SRV_ADDR $name" || h_fail "writing /etc/netns/$CLI1/hosts"
netns_hosts_set "$CLI2" "127.0.0.1 localhost" "$CLI2_PEER $name" || h_fail "writing /etc/netns/$CLI2/hosts"

assert_eq "$name in $CLI1" "$SRV_ADDR" "$(lookup "$CLI1")"
assert_eq "$name in $CLI2" "$CLI2_PEER" "$(lookup "$CLI2")"
assert_eq "$name on the host with overlays present" none "$(lookup)"
assert_eq "host /etc/hosts unchanged" "$hosts_sum" "$(sha256sum /etc/hosts)"

# The overlay is live per exec: once the file is gone, so is the name.
netns_hosts_clear "$CLI1"
assert_eq "$name in $CLI1 after removing its overlay" none "$(lookup "$CLI1")"
assert_eq "$name in $CLI2 (overlay still present)" "$CLI2_PEER" "$(lookup "$CLI2")"
