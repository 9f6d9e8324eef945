# shellcheck shell=bash
# Shared by kernel-patches/scripts/{build,lint,check}: where the series, the
# base tarball and the cache live, and a pristine extracted tree.  Sourced.

KP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # for the scripts that source this
KP_TOP=$(cd "$KP_DIR/.." && pwd)
KP_CACHE=${NSNFS_CACHE:-/var/cache/nsnfs}/kernel

kp_die() {
	echo "kernel: $*" >&2
	exit 2
}

# Field NAME of BASE ("NAME: value").
kp_base() {
	sed -n "s/^$1: *//p" "$KP_DIR/BASE" | head -n 1
}

KP_TARBALL=$(kp_base tarball)
KP_SHA256=$(kp_base sha256)
KP_PACKAGE=$(kp_base package)
KP_VERSION=$(kp_base version)

# The patch files named by `series`, in order (comments and blanks skipped).
kp_patches() {
	[ -r "$KP_DIR/series" ] || kp_die "$KP_DIR/series missing"
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$KP_DIR/series"
}

# Check that the tarball is the one BASE records.
kp_check_tarball() {
	[ -r "$KP_TARBALL" ] ||
		kp_die "$KP_TARBALL missing: apt-get install $KP_PACKAGE (=$KP_VERSION)"
	local sum
	sum=$(sha256sum "$KP_TARBALL" | cut -d' ' -f1)
	[ "$sum" = "$KP_SHA256" ] ||
		kp_die "$KP_TARBALL has sha256 $sum, BASE says $KP_SHA256 ($KP_PACKAGE $KP_VERSION)"
}

# Print the path of a pristine tree extracted from the tarball (read-only by
# convention; build hard-link copies it), extracting it on first use.
kp_pristine() {
	local dir=$KP_CACHE/pristine-${KP_SHA256:0:16} tmp
	if [ ! -e "$dir/.complete" ]; then
		kp_check_tarball
		mkdir -p "$KP_CACHE" || kp_die "cannot create $KP_CACHE"
		tmp=$(mktemp -d "$KP_CACHE/extract.XXXXXX") || exit 2
		echo "kernel: extracting $KP_TARBALL" >&2
		if ! tar -C "$tmp" -xf "$KP_TARBALL"; then
			rm -rf "$tmp"
			kp_die "extracting $KP_TARBALL failed"
		fi
		# The tarball holds one directory, linux-source-6.1/.
		rm -rf "$dir"
		if ! mv "$tmp"/linux-source-* "$dir" || ! touch "$dir/.complete"; then
			kp_die "cannot move the extracted tree to $dir"
		fi
		rm -rf "$tmp"
	fi
	echo "$dir"
}

# Serialize builds and extraction between concurrent callers (make kernel
# while run-all's kernel tier builds, say).  Held until the caller exits.
kp_lock() {
	mkdir -p "$KP_CACHE" || kp_die "cannot create $KP_CACHE"
	exec 9>"$KP_CACHE/lock"
	if ! flock -n 9; then
		echo "kernel: waiting for another build ($KP_CACHE/lock)" >&2
		flock 9
	fi
}
