#!/bin/sh
# Install the Debian 12 packages nsnfs needs to build and test, if missing.
# Idempotent and quiet when everything is present.
set -eu

PACKAGES="make gcc clang pkg-config libc6-dev
libtirpc-dev rpcsvc-proto libmnl-dev libnl-3-dev libnl-route-3-dev libkmod-dev
libmount-dev liblmdb-dev libcmocka-dev libclang-rt-14-dev
iproute2 kmod cpio xz-utils gzip util-linux procps psmisc
nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils
qemu-system-x86 busybox-static linux-image-amd64 nfs-kernel-server nfs-common
linux-source-6.1 bc bison flex libelf-dev libssl-dev perl python3"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root (sudo is not installed)" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# The Debian packages start daemons where an init system runs; our tests start
# their own servers inside network namespaces, so nothing else is configured.
