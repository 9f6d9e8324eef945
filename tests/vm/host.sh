# shellcheck shell=bash disable=SC2034 # VM_* globals are for the callers
# Host-side helpers shared by tests/vm/run-tier and tests/vm/demo: build (or
# reuse) the initramfs, prepare a run directory, boot the VM under `timeout`.
# Sourced, not run.  Needs: VM_DIR (this directory).

: "${VM_DIR:?VM_DIR must point at tests/vm}"
# Physical paths, comparable with the realpath'd build dir.
VM_TOP=$(cd "$VM_DIR/../.." && pwd -P)
VM_CACHE=${NSNFS_CACHE:-/var/cache/nsnfs}/vm
# Debian's kernel: its modules go into the initramfs even when --kernel boots
# our own build (those insmods then fail harmlessly: everything is built in).
VM_KVER=${NSNFS_KVER:-$(printf '%s\n' /boot/vmlinuz-* | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)}
VM_MODULES="virtio_pci 9pnet_virtio 9p overlay veth nfsv4 nfsd sch_netem"
# Bump when the way the image is assembled changes without its inputs changing.
VM_IMAGE_FORMAT=1
# Seconds allowed on top of the guest job for boot and power-off (TCG boots in
# ~10 s; a kernel of ours in ~20 s).
VM_BOOT_ALLOWANCE=${NSNFS_VM_BOOT_ALLOWANCE:-90}

vm_die() {
	echo "vm: $*" >&2
	exit 2
}

# Module files to load, in dependency order, de-duplicated.  One module per
# modprobe call: with several, modprobe treats all but the first as options.
vm_module_paths() {
	local m deps=''
	for m in $VM_MODULES; do
		deps+=$(modprobe -S "$VM_KVER" --show-depends "$m")$'\n' ||
			vm_die "modprobe cannot resolve $m for $VM_KVER"
	done
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' <<<"$deps"
}

# vm_fill_stage DIR MODULE...: lay out the initramfs tree in DIR.
vm_fill_stage() {
	local stage=$1 m rel
	shift
	mkdir -p "$stage"/{bin,dev,proc,sys,lower,upper,newroot,lib/modules} &&
		cp /bin/busybox "$stage/bin/busybox" &&
		install -m 0755 "$VM_DIR/initramfs/init" "$VM_DIR/initramfs/stage2" "$stage/" ||
		return 1
	# The kernel opens /dev/console for init before devtmpfs is mounted.
	mknod "$stage/dev/console" c 5 1 || return 1
	for m; do
		rel=${m#/lib/modules/"$VM_KVER"/}
		rel=${rel%.xz}
		mkdir -p "$stage/lib/modules/$(dirname "$rel")" || return 1
		case $m in
		*.xz) xz -dc "$m" >"$stage/lib/modules/$rel" ;;
		*) cp "$m" "$stage/lib/modules/$rel" ;;
		esac || return 1
		echo "$rel" >>"$stage/modules.list"
	done
}

# Print the path of a ready initramfs, building it first if its inputs changed.
# Inputs: kernel version, module list and contents, init scripts, busybox.
vm_initramfs() {
	local mods key img stage
	mods=$(vm_module_paths) || exit 2
	[ -n "$mods" ] || vm_die "no modules found for $VM_KVER"
	# shellcheck disable=SC2086
	key=$({
		echo "format $VM_IMAGE_FORMAT kver $VM_KVER"
		echo "$mods"
		# Contents only: the same inputs in another checkout share the image.
		sha256sum $mods /bin/busybox "$VM_DIR/initramfs/init" "$VM_DIR/initramfs/stage2" |
			cut -d' ' -f1
	} | sha256sum | cut -c1-16)
	img=$VM_CACHE/initramfs-$key.cpio.gz
	if [ -s "$img" ]; then
		touch "$img"
		echo "$img"
		return 0
	fi
	mkdir -p "$VM_CACHE" || vm_die "cannot create $VM_CACHE"
	stage=$(mktemp -d "$VM_CACHE/stage.XXXXXX") || exit 2
	# shellcheck disable=SC2086
	if ! vm_fill_stage "$stage" $mods ||
		! (cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$stage.cpio.gz" ||
		! mv -f "$stage.cpio.gz" "$img"; then
		rm -rf "$stage" "$stage.cpio.gz"
		vm_die "building the initramfs in $VM_CACHE failed"
	fi
	rm -rf "$stage"
	# Images of other inputs (older kernels, older init scripts) go after a week.
	find "$VM_CACHE" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "${img##*/}" -mtime +7 -delete
	echo "built initramfs $img" >&2
	echo "$img"
}

# qemu's -virtfs options are comma-separated; a comma in a path is doubled.
vm_qpath() {
	printf '%s' "${1//,/,,}"
}

# vm_prepare RUNDIR BUILD_DIR KERNEL JOB_TIMEOUT: write RUNDIR/env for the
# guest (stage 2 bounds the job by JOB_TIMEOUT seconds) and set
# VM_SHARES (extra -virtfs options).  The repo and the build dir get their own
# read-only shares: the host-root view cannot be trusted for them, since stage 2
# mounts a tmpfs on /tmp where a CI checkout may live.
vm_prepare() {
	local run=$1 build=$2 kernel=$3 job_timeout=$4 kind=stock guest_build
	VM_SHARES=(-virtfs "local,path=$(vm_qpath "$VM_TOP"),mount_tag=nsnfs_src,security_model=none,readonly=on,multidevs=remap")
	case $build/ in
	"$VM_TOP"/*)
		guest_build=/nsnfs/src${build#"$VM_TOP"}
		;;
	*)
		guest_build=/nsnfs/build
		if [ -d "$build" ]; then
			VM_SHARES+=(-virtfs "local,path=$(vm_qpath "$build"),mount_tag=nsnfs_build,security_model=none,readonly=on,multidevs=remap")
		fi
		;;
	esac
	[ -n "$kernel" ] && kind=custom
	mkdir -p "$run/results"
	cat >"$run/env" <<-EOF
		NSNFS_SRC=/nsnfs/src
		NSNFS_VM=/nsnfs/src/tests/vm
		NSNFS_BUILD=$guest_build
		NSNFS_OUT=/nsnfs/out
		NSNFS_KERNEL=$kind
		NSNFS_JOB_TIMEOUT=$job_timeout
	EOF
	VM_LIMIT=$((job_timeout + VM_BOOT_ALLOWANCE))
}

# vm_boot RUNDIR KERNEL INITRAMFS: start qemu in the background (pid in
# VM_PID), bounded by VM_LIMIT.  RUNDIR must hold `job` (run by stage 2) and
# the `env` vm_prepare wrote.
vm_boot() {
	local run=$1 kernel=$2 initrd=$3
	[ -n "$kernel" ] || kernel=/boot/vmlinuz-$VM_KVER
	[ -r "$kernel" ] || vm_die "kernel $kernel not readable"
	timeout -k 5 "$VM_LIMIT" qemu-system-x86_64 \
		-accel tcg -cpu max -m 2048 -smp 1 \
		-nodefaults -no-user-config -nographic -no-reboot -nic none \
		-serial "file:$run/console.log" -monitor none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$(vm_qpath "$run"),mount_tag=vmshare,security_model=none,multidevs=remap" \
		"${VM_SHARES[@]}" </dev/null >"$run/qemu.log" 2>&1 &
	VM_PID=$!
}

# Print why the VM did not finish: qemu's own messages and the console tail.
vm_report_death() {
	local run=$1
	echo "vm: the VM did not run to completion (run dir $run)"
	[ -s "$run/qemu.log" ] && sed 's/^/  qemu: /' "$run/qemu.log" | tail -n 5
	[ -s "$run/console.log" ] && tail -n 20 "$run/console.log" | sed 's/^/  console: /'
	return 0
}

# vm_args USAGE ARGS...: parse --build DIR, --kernel BZIMAGE, --only GLOB into
# VM_BUILD (absolute), VM_KERNEL, VM_ONLY.
vm_args() {
	local usage=$1
	shift
	VM_BUILD='' VM_KERNEL='' VM_ONLY=''
	while [ $# -ge 2 ]; do
		case $1 in
		--build) VM_BUILD=$2 ;;
		--kernel) VM_KERNEL=$2 ;;
		--only) VM_ONLY=$2 ;;
		*) break ;;
		esac
		shift 2
	done
	if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
		echo "usage: $usage"
		exit 0
	fi
	if [ $# -ne 0 ] || [ -z "$VM_BUILD" ]; then
		echo "usage: $usage" >&2
		exit 2
	fi
	VM_BUILD=$(realpath -m "$VM_BUILD")
	if [ -n "$VM_KERNEL" ]; then
		VM_KERNEL=$(realpath -m "$VM_KERNEL")
	fi
	return 0
}
