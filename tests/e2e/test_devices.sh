#!/bin/bash
# Devices and paths on a real container (runc, or crun with RUNTIME=crun;
# E2E_CGROUP=v2: runc on a pure cgroup v2 hierarchy):
# added live, present after a restart, gone after removal and restart.
. "$(dirname "$0")/lib.sh"
e2e_require_root

id=$(e2e_name dev-$RUNTIME-$E2E_CGROUP)
e2e_bundle "$id"
check "$RUNTIME container starts with the hook" e2e_run "$id"
pid=$(e2e_pid "$id")

loop=$(e2e_loop)
loop_hex=$(stat -c '%t:%T' "$loop")
loop_dec=$(printf '%d:%d' "0x${loop_hex%:*}" "0x${loop_hex#*:}")
loop_mode=$(stat -c '%a' "$loop")
loop_sum=$(head -c 65536 "$loop" | md5sum | cut -d' ' -f1)

check "add-device loop and /dev/zero at another path" \
	"$TOOL" add-device "$id" "$loop" /dev/zero:/dev/ctr-zero:rw

# devices as seen inside the container and from the host
expect_nodes() {
	local when=$1 p
	check_eq "$when: $loop in container is a block device $loop_hex mode $loop_mode" \
		"block special file $loop_hex $loop_mode" \
		"$(e2e_exec "$id" stat -c '%F %t:%T %a' "$loop" 2>&1)"
	check_eq "$when: /dev/ctr-zero in container is char 1:5 mode 666" \
		"character special file 1:5 666" \
		"$(e2e_exec "$id" stat -c '%F %t:%T %a' /dev/ctr-zero 2>&1)"
	p=$(e2e_pid "$id")
	check "$when: host sees the node through /proc/$p/root" test -b "/proc/$p/root$loop"
	check_eq "$when: container reads the loop device's data" "$loop_sum" \
		"$(e2e_exec "$id" sh -c "head -c 65536 $loop | md5sum" 2>&1 | cut -d' ' -f1)"
	check_eq "$when: container reads zeros from /dev/ctr-zero" "0000000 000000 000000
0000004" "$(e2e_exec "$id" sh -c 'head -c 4 /dev/ctr-zero | od' 2>&1)"
	# cgroup v2 has no list to read: test_v2_runc.sh checks the access there
	[ "$E2E_CGROUP" = v1 ] && check "$when: devices.list allows b $loop_dec rwm" \
		grep -qx "b $loop_dec rwm" "$(e2e_devices_cgroup "$id")/devices.list"
}
expect_nodes "live"

# probe_open: open(2) from inside the container of a fresh node of the loop
# device, made from the host through /proc/PID/root, so that it tests the
# access the cgroup gives (v1 devices.* or the v2 device program), not our
# node; prints what the open says
probe_open() {
	local node
	node=/proc/$(e2e_pid "$id")/root/dev/sch-probe
	rm -f "$node"
	mknod -m 600 "$node" b "${loop_dec%:*}" "${loop_dec#*:}" || return
	e2e_exec "$id" head -c 1 /dev/sch-probe 2>&1 >/dev/null && echo opened
}
check_eq "the loop device opens from inside while it is added" opened "$(probe_open)"

hostdir=$E2E_TMP/hostdir
hostfile=$E2E_TMP/hostfile
mkdir -p "$hostdir"
echo dir-data >"$hostdir/in-dir"
echo file-data >"$hostfile"
check "add-path of a directory (rw) and a file (ro)" \
	"$TOOL" add-path "$id" "$hostdir:/mnt/data:rw" "$hostfile:/etc/host-file:ro"

expect_paths() {
	local when=$1
	check_eq "$when: directory content visible" dir-data \
		"$(e2e_exec "$id" cat /mnt/data/in-dir 2>&1)"
	check_eq "$when: file content visible" file-data "$(e2e_exec "$id" cat /etc/host-file 2>&1)"
	rm -f "$hostdir/from-ctr"
	check "$when: container writes into the rw directory" \
		e2e_exec "$id" sh -c "echo $when > /mnt/data/from-ctr"
	check_eq "$when: the host sees the write" "$when" "$(cat "$hostdir/from-ctr" 2>&1)"
	check_match "$when: writing the ro file fails with EROFS" "Read-only file system" \
		"$(e2e_exec "$id" sh -c 'echo x > /etc/host-file' 2>&1)"
	check_eq "$when: host file unchanged" file-data "$(cat "$hostfile")"
}
expect_paths "live"

check_match "list-device shows both devices" "\"PathInContainer\":\"/dev/ctr-zero\"" \
	"$("$TOOL" list-device "$id")"
check_match "list-path shows both paths" "$hostfile:/etc/host-file:ro" "$("$TOOL" list-path "$id")"

e2e_restart "$id"
check "restarted with the same id" test "$(e2e_pid "$id")" != "$pid"
expect_nodes "after restart"
expect_paths "after restart"

check "remove-device of the loop device" "$TOOL" remove-device "$id" "$loop"
check "remove-path of the directory" "$TOOL" remove-path "$id" "$hostdir:/mnt/data"
check_fails "loop node gone from the running container" e2e_exec "$id" test -e "$loop"
check_fails "nothing mounted at /mnt/data any more" \
	e2e_exec "$id" test -e /mnt/data/in-dir
[ "$E2E_CGROUP" = v1 ] && check_fails "devices.list no longer allows b $loop_dec rw" \
	grep -qx "b $loop_dec rwm" "$(e2e_devices_cgroup "$id")/devices.list"
check_match "the loop device is denied: a node of it fails to open (EPERM)" \
	"Operation not permitted" "$(probe_open)"
check "/dev/ctr-zero is still there" e2e_exec "$id" test -c /dev/ctr-zero
check "/dev/zero itself still readable (runtime's rule kept)" \
	e2e_exec "$id" head -c 1 /dev/zero

e2e_restart "$id"
check_fails "after restart: loop device not re-added" e2e_exec "$id" test -e "$loop"
check_fails "after restart: directory not re-mounted" e2e_exec "$id" test -e /mnt/data/in-dir
check "after restart: /dev/ctr-zero re-added" e2e_exec "$id" test -c /dev/ctr-zero
check_eq "after restart: ro file still mounted" file-data "$(e2e_exec "$id" cat /etc/host-file 2>&1)"

e2e_stop "$id"
check_fails "poststop removed the runtime record" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id"
check_match "add-device on the stopped container saves for its next start" \
	"is not running: the change is saved" "$("$TOOL" add-device "$id" /dev/null:/dev/n2 2>&1)"
check "the next start applies it" e2e_run "$id"
check "/dev/n2 is there" e2e_exec "$id" test -c /dev/n2
e2e_stop "$id"
check_match "an unknown container is refused" "nosuchctr is unknown" \
	"$("$TOOL" add-device nosuchctr /dev/null:/dev/n3 2>&1)"
check_fails "and nothing is saved for it" test -e "$SYSCONTAINER_HOOKS_ROOT/nosuchctr"
e2e_summary
