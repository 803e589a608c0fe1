#!/bin/bash
# Device access on a cgroup v2 host with real runc: runc attaches its own
# device program to each container's cgroup; the hook and the CLI replace
# it with one that allows our devices and then runs runc's code. Shown
# here: hot add and remove of block and char devices, an "r" device that
# cannot be written, the devices again after a restart, runc's rules kept
# (/dev/null works, a node made inside for a device never added stays
# refused), one program per cgroup over 20 restarts, the hook listed twice
# changing nothing, and the replace itself run twice replacing nothing
# (our part swapped, never stacked). The container has CAP_MKNOD: runc
# lets it make any node, so only the device program stands between a node
# and its device, and a refused open proves the program refused it.
E2E_CGROUP=v2
. "$(dirname "$0")/lib.sh"
e2e_require_root
e2e_require_helper devctl

check_eq "/sys/fs/cgroup is a cgroup2 hierarchy here" cgroup2fs "$(stat -f -c %T /sys/fs/cgroup)"
if ! command -v bpftool >/dev/null; then
	not_ok "bpftool is installed (make deps)"
	e2e_summary
	exit 1
fi

# numbers of a device node, "MAJ MIN" in decimal
devnum() { stat -c '%t %T' "$1" | { read -r a b; echo "$((0x$a)) $((0x$b))"; }; }
l_rw=$(e2e_loop) l_r=$(e2e_loop) l_never=$(e2e_loop)
ctl=/dev/loop-control   # a char device runc does not allow (c 10:237)

# v2_bundle ID: our bundle, with CAP_MKNOD in every capability set
v2_bundle() {
	local c
	e2e_bundle "$1"
	c=$(e2e_bundle_dir "$1")/config.json
	jq '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])' "$c" >"$c.new" &&
		mv "$c.new" "$c"
}
cgdir() { echo "/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$(e2e_pid "$1")/cgroup")"; }
# the device programs attached to the container's cgroup: their count, the
# first one's id, and its size
n_progs() { bpftool -j cgroup show "$(cgdir "$1")" | jq length; }
prog_id() { bpftool -j cgroup show "$(cgdir "$1")" | jq '.[0].id'; }
prog_bytes() { bpftool -j prog show id "$(prog_id "$1")" | jq .bytes_xlated; }
# our programs start with the marker "r0 = 0x53434831"
has_ours() { bpftool prog dump xlated id "$(prog_id "$1")" | head -n 1 | grep -q '= 1396918321$'; }

in_ctr() { local id=$1; shift; e2e_exec "$id" sh -c "$*" </dev/null; }
readable() { in_ctr "$1" "head -c 1 $2 >/dev/null"; }
writable() { in_ctr "$1" "echo x >$2"; }
opens() { in_ctr "$1" "exec 3<$2"; }

id=$(e2e_name v2)
v2_bundle "$id"
if ! check "runc starts a container under cgroup v2 with the hook, nothing saved" e2e_run "$id"; then
	echo "# $(head -c 600 "$E2E_TMP/$id.err")"
fi
check_eq "one device program is attached (runc's)" 1 "$(n_progs "$id")"
check_fails "with nothing saved the hook left runc's program alone" has_ours "$id"

# runc's rules
runtime_rules() {
	local when=$1
	check "$when: /dev/null works" in_ctr "$id" "echo x >/dev/null && head -c 1 /dev/zero >/dev/null"
	in_ctr "$id" "rm -f /dev/never; mknod /dev/never b $(devnum "$l_never")"
	check "$when: mknod of a device never added works (runc allows mknod)" \
		in_ctr "$id" "test -b /dev/never"
	check_fails "$when: but the device behind it is refused" readable "$id" /dev/never
}
runtime_rules "nothing saved"

# hot add: a block device rw, a char device, a block device read-only
check "add-device: a block device, a char device, a read-only block device" \
	"$TOOL" add-device "$id" "$l_rw:/dev/xdisk" "$ctl:/dev/xctl:rw" "$l_r:/dev/rdisk:r"
devices_in() {
	local when=$1
	check_eq "$when: /dev/xdisk is the block device $(devnum "$l_rw")" \
		"block special file $(stat -c '%t:%T' "$l_rw")" \
		"$(in_ctr "$id" "stat -c '%F %t:%T' /dev/xdisk" 2>&1)"
	check_eq "$when: its data reads" "$(head -c 4096 "$l_rw" | md5sum | cut -d' ' -f1)" \
		"$(in_ctr "$id" "head -c 4096 /dev/xdisk | md5sum" 2>&1 | cut -d' ' -f1)"
	check "$when: it can be written" writable "$id" /dev/xdisk
	check_eq "$when: /dev/xctl is the char device 10:237" "character special file a:ed" \
		"$(in_ctr "$id" "stat -c '%F %t:%T' /dev/xctl" 2>&1)"
	check "$when: /dev/xctl opens" opens "$id" /dev/xctl
	check "$when: the r-only /dev/rdisk reads" readable "$id" /dev/rdisk
	check_fails "$when: but a write to it fails" writable "$id" /dev/rdisk
	check_eq "$when: still one device program" 1 "$(n_progs "$id")"
	check "$when: it is ours over runc's" has_ours "$id"
}
devices_in "live"
runtime_rules "live"
# a node made inside for an added device works: the check after the
# removal below can tell a refused device from a broken node
in_ctr "$id" "mknod /dev/alias b $(devnum "$l_rw"); mknod /dev/ctlalias c 10 237"
check "a node made inside for the added block device reads" readable "$id" /dev/alias
check "and one for the added char device opens" opens "$id" /dev/ctlalias

check "remove-device of the block and the char device" \
	"$TOOL" remove-device "$id" "$l_rw" "$ctl"
check_fails "removed: /dev/xdisk is gone" in_ctr "$id" "test -e /dev/xdisk"
check_fails "removed: /dev/xctl is gone" in_ctr "$id" "test -e /dev/xctl"
check_fails "removed: the block device is refused (node made inside)" readable "$id" /dev/alias
check_fails "removed: the char device is refused (node made inside)" opens "$id" /dev/ctlalias
check "the r-only device stays" readable "$id" /dev/rdisk
check_eq "removed: still one device program" 1 "$(n_progs "$id")"
runtime_rules "after removal"

check "add them back" "$TOOL" add-device "$id" "$l_rw:/dev/xdisk" "$ctl:/dev/xctl:rw"
e2e_restart "$id"
devices_in "after restart"
runtime_rules "after restart"
bytes=$(prog_bytes "$id")

# 20 restarts: each start replaces runc's new program, and only that one
counts=""
started=0
for i in $(seq 20); do
	e2e_restart "$id" && started=$((started + 1))
	counts="$counts$(n_progs "$id")"
done
check_eq "20 restarts: every start succeeded" 20 "$started"
check_eq "20 restarts: one device program each time" 11111111111111111111 "$counts"
check_eq "20 restarts: the program has the same size as after the first" "$bytes" "$(prog_bytes "$id")"
check "after 20 restarts: the devices are there" readable "$id" /dev/xdisk
check_fails "after 20 restarts: the r-only device still refuses writes" writable "$id" /dev/rdisk

# the hook listed twice at prestart: the second run finds its work done
b=$(e2e_bundle_dir "$id")
jq '.hooks.prestart += .hooks.prestart' "$b/config.json" >"$b/c2" && mv "$b/c2" "$b/config.json"
check_eq "the hook is listed twice at prestart" 2 "$(jq '.hooks.prestart | length' "$b/config.json")"
check "hook twice: the container starts" e2e_restart "$id"
check_eq "hook twice: both ran at this start" 2 \
	"$(grep -Ec "$id: prestart: .*pid $(e2e_pid "$id")[ )]" "$HOOK_LOG")"
check_eq "hook twice: one device program" 1 "$(n_progs "$id")"
check_eq "hook twice: of the same size (our part swapped, not stacked)" "$bytes" "$(prog_bytes "$id")"
devices_in "hook twice"
runtime_rules "hook twice"

# The replace itself, run twice with the same devices (the hook's second
# run above stops earlier, at its runtime record): the second finds our
# part in place and replaces nothing; other devices swap it, never stack.
DEVCTL=$E2E_BUILD/tests/devctl
cg=$(cgdir "$id")
a="b:$(devnum "$l_rw" | tr ' ' :):r" c="c:10:237:rw"
check "our program with one device" "$DEVCTL" allow "$cg" "$a"
first=$(prog_id "$id") size_a=$(prog_bytes "$id")
check "the same devices again" "$DEVCTL" allow "$cg" "$a"
check_eq "the same devices again: the program was not replaced" "$first" "$(prog_id "$id")"
check "other devices" "$DEVCTL" allow "$cg" "$a" "$c"
check_eq "other devices: one program" 1 "$(n_progs "$id")"
check "the first devices again" "$DEVCTL" allow "$cg" "$a"
check_eq "the first devices again: the same size as the first time (swapped, not stacked)" \
	"$size_a" "$(prog_bytes "$id")"

# every device removed: ours all refused again, runc's rules still kept
check "remove-device of every device" "$TOOL" remove-device "$id" "$l_rw" "$ctl" "$l_r"
in_ctr "$id" "rm -f /dev/alias /dev/ctlalias /dev/ralias; mknod /dev/alias b $(devnum "$l_rw");
	mknod /dev/ctlalias c 10 237; mknod /dev/ralias b $(devnum "$l_r")"
check_fails "all removed: the block device is refused" readable "$id" /dev/alias
check_fails "all removed: the char device is refused" opens "$id" /dev/ctlalias
check_fails "all removed: the r-only device is refused" readable "$id" /dev/ralias
check_eq "all removed: one device program" 1 "$(n_progs "$id")"
runtime_rules "all removed"
e2e_stop "$id"

# nothing saved and the hook twice: runc's program untouched by both runs
id2=$(e2e_name v2-empty)
v2_bundle "$id2"
b=$(e2e_bundle_dir "$id2")
jq '.hooks.prestart += .hooks.prestart' "$b/config.json" >"$b/c2" && mv "$b/c2" "$b/config.json"
check "nothing saved, hook twice: the container starts" e2e_run "$id2"
check_eq "nothing saved, hook twice: both ran" 2 \
	"$(grep -Ec "$id2: prestart: .*pid $(e2e_pid "$id2")[ )]" "$HOOK_LOG")"
check_eq "nothing saved, hook twice: one device program" 1 "$(n_progs "$id2")"
check_fails "nothing saved, hook twice: it is runc's own" has_ours "$id2"
check "nothing saved, hook twice: /dev/null works" in_ctr "$id2" "echo x >/dev/null"
e2e_stop "$id2"
e2e_summary
