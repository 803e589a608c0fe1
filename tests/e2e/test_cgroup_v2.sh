#!/bin/bash
# cgroup v2 device access: a test cgroup in the cgroup2 hierarchy holds a
# device program as a runtime would attach it (null and zero only). A
# process in that cgroup cannot open a loop device until our program
# replaces the runtime's with the union of both; what the runtime allowed
# stays allowed; a second change swaps our part instead of stacking it;
# taking our devices away closes the device again.
. "$(dirname "$0")/lib.sh"
e2e_require_root
DEVCTL=$E2E_BUILD/tests/devctl

v2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
if [ -z "$v2" ]; then
	v2=$E2E_TMP/cgroup2
	mkdir -p "$v2" && mount -t cgroup2 none "$v2" && E2E_CLEANUPS+=("umount $v2")
fi
cg=$v2/sch-e2e-$$
mkdir "$cg" && E2E_CLEANUPS+=("rmdir $cg")
loop=$(e2e_loop)
hex=$(stat -c '%t:%T' "$loop")
maj=$((0x${hex%:*})) min=$((0x${hex#*:}))

# in_cg CMD: run CMD as a new process inside the test cgroup
in_cg() { sh -c "echo \$\$ >'$cg/cgroup.procs' && exec $*" 2>/dev/null; }
can_read() { [ "$(in_cg head -c 1 "$1" | wc -c)" = 1 ]; }
can_write() { in_cg sh -c "'printf x >$1'"; }

check "without any program the loop device opens" can_read "$loop"
if ! out=$("$DEVCTL" runtime "$cg" 2>&1); then
	# the environment refuses BPF: say so plainly, and fail (not skip)
	not_ok "BPF cgroup device programs are not permitted here: $out"
	e2e_summary
	exit 1
fi
ok "a runtime-like device program is attached"
check_fails "runtime program: the loop device is refused" can_read "$loop"
check "runtime program: /dev/zero is allowed" can_read /dev/zero

check "allow b $maj:$min r on top" "$DEVCTL" allow "$cg" "b:$maj:$min:r"
check "the loop device opens for reading" can_read "$loop"
check_fails "but not for writing" can_write "$loop"
check "/dev/zero is still allowed (the runtime's rules kept)" can_read /dev/zero
check_fails "other devices are still refused (/dev/full)" can_read /dev/full
check_match "still one program attached" "^programs 1 " "$("$DEVCTL" info "$cg")"
size1=$("$DEVCTL" info "$cg" | awk '{print $4}')

check "allow b $maj:$min rw instead" "$DEVCTL" allow "$cg" "b:$maj:$min:rw"
check "now writing works too" can_write "$loop"
check_eq "our part was swapped, not stacked (same size)" "$size1" \
	"$("$DEVCTL" info "$cg" | awk '{print $4}')"

check "take our devices away" "$DEVCTL" allow "$cg"
check_fails "the loop device is refused again" can_read "$loop"
check "/dev/zero is still allowed" can_read /dev/zero

# --- the hook and the CLI on a cgroup v2 container ------------------------
# A stand-in container: a busybox rootfs, its own mount namespace and a
# cgroup2 cgroup with a runtime-like device program. It waits before its
# pivot_root so that the hook runs at the same point as under a runtime,
# then pivots and sleeps. The hook runs in a mount namespace where only the
# cgroup2 hierarchy is mounted, as on a cgroup v2 host.
id=$(e2e_name v2)
b=$E2E_TMP/bundles/$id
e2e_rootfs "$b/rootfs"
echo '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"env":[]}}' >"$b/config.json"
cg2=$v2/sch-e2e-$$-ctr
mkdir "$cg2" && E2E_CLEANUPS+=("rmdir $cg2")
"$DEVCTL" runtime "$cg2"
mkfifo "$E2E_TMP/go"
unshare -m --propagation private sh -c "
	echo \$\$ >'$cg2/cgroup.procs'
	mount --bind '$b/rootfs' '$b/rootfs' && mount -t tmpfs tmpfs '$b/rootfs/dev' &&
	mkdir -p '$b/rootfs/.old' && read go <'$E2E_TMP/go' &&
	cd '$b/rootfs' && pivot_root . .old &&
	exec /bin/busybox sh -c 'umount -l /.old; exec sleep 100000'" &
ctr=$!
# before the rmdir of its cgroup, which fails while it lives
E2E_CLEANUPS=("kill -9 $ctr; sleep 0.2" "${E2E_CLEANUPS[@]}")
for i in $(seq 50); do grep -q "$b/rootfs/dev" "/proc/$ctr/mountinfo" 2>/dev/null && break; sleep 0.05; done
mkdir -p "$SYSCONTAINER_HOOKS_ROOT/$id"
jq -nc --arg l "$loop" --argjson maj "$maj" --argjson min "$min" '{deviceToAdd: [{Type:"b",
	Major:$maj, Minor:$min, PathOnHost:$l, PathInContainer:"/dev/xdisk",
	CgroupPermissions:"rw", Parent:""}]}' >"$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"
in_ctr_cg() { sh -c "echo \$\$ >'$cg2/cgroup.procs' && exec head -c 1 $loop" 2>/dev/null | wc -c; }
check_eq "before the hook a process in the container's cgroup is refused the disk" 0 "$(in_ctr_cg)"

state=$(jq -nc --arg id "$id" --arg b "$b" --argjson pid "$ctr" \
	'{ociVersion:"1.0.2", id:$id, pid:$pid, bundle:$b, status:"creating"}')
out=$(echo "$state" | unshare -m sh -c 'umount -l /sys/fs/cgroup &&
	mount -t cgroup2 none /sys/fs/cgroup && exec "$0" --state prestart --log "$1"' \
	"$HOOK" "$HOOK_LOG" 2>&1)
check_eq "prestart on a cgroup v2 host succeeds" "" "$out"
check "the runtime record says device access is a v2 program" \
	jq -e .devicesV2 "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
check_eq "now the disk opens in the container's cgroup" 1 "$(in_ctr_cg)"
check "the runtime's rules stay: /dev/zero" \
	sh -c "echo \$\$ >'$cg2/cgroup.procs' && exec head -c 1 /dev/zero >/dev/null"
echo go >"$E2E_TMP/go"
for i in $(seq 50); do [ "$(readlink "/proc/$ctr/root")" = / ] && [ -e "/proc/$ctr/root/dev/xdisk" ] && break; sleep 0.05; done
check "the node is in the container after its pivot_root" test -b "/proc/$ctr/root/dev/xdisk"

# the CLI, from the host's mount namespace, follows the record
check "remove-device on the v2 container" "$TOOL" remove-device "$id" "$loop"
check_eq "the disk is refused again" 0 "$(in_ctr_cg)"
check_fails "and its node is gone" test -e "/proc/$ctr/root/dev/xdisk"
check "add-device on the v2 container" "$TOOL" add-device "$id" "$loop:/dev/ydisk:r"
check_eq "the disk opens again" 1 "$(in_ctr_cg)"
check "the node is there" test -b "/proc/$ctr/root/dev/ydisk"
check "/dev/zero still allowed after the CLI's changes" \
	sh -c "echo \$\$ >'$cg2/cgroup.procs' && exec head -c 1 /dev/zero >/dev/null"
e2e_summary
