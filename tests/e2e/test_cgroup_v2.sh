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
e2e_summary
