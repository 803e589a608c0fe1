#!/bin/bash
# Device QoS on a real container: throttles and a weight set with
# add-device and update-device land in the container's blkio cgroup, are
# real (a 1 MB/s read limit reads at about that rate), come back at restart
# with the device's current major:minor, and go with remove-device.
. "$(dirname "$0")/lib.sh"
e2e_require_root

id=$(e2e_name qos)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
loop=$(e2e_loop)
hex=$(stat -c '%t:%T' "$loop")
mm=$(printf '%d:%d' "0x${hex%:*}" "0x${hex#*:}")
# a weight needs a proportional scheduler on the device
echo bfq >"/sys/block/${loop#/dev/}/queue/scheduler"

blkio() {  # blkio FILE: the file in the container's blkio cgroup
	local pid
	pid=$(e2e_pid "$id")
	cat "/sys/fs/cgroup/blkio$(awk -F: '$2 ~ /(^|,)blkio(,|$)/ {print $3}' "/proc/$pid/cgroup")/$1"
}

check "add-device with --device-read-bps 1mb and --device-write-iops 100" \
	"$TOOL" add-device "$id" "$loop" --device-read-bps "$loop:1mb" --device-write-iops "$loop:100"
check "update-device --blkio-weight-device 500" \
	"$TOOL" update-device "$id" --blkio-weight-device "$loop:500"
expect_qos() {
	local when=$1
	check_match "$when: read_bps_device has $mm 1048576" "^$mm 1048576$" \
		"$(blkio blkio.throttle.read_bps_device)"
	check_match "$when: write_iops_device has $mm 100" "^$mm 100$" \
		"$(blkio blkio.throttle.write_iops_device)"
	check_match "$when: bfq.weight_device has $mm 500" "^$mm 500$" \
		"$(blkio blkio.bfq.weight_device)"
}
expect_qos "live"

# the limit is real: 3 MiB at 1 MiB/s take about 3 s (loose: 1.5 to 10 s)
t0=$(date +%s%N)
e2e_exec "$id" dd if="$loop" of=/dev/null bs=64k count=48 iflag=direct 2>/dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "reading 3 MiB at 1 MiB/s took ${ms} ms (1500..10000)" test "$ms" -ge 1500 -a "$ms" -le 10000

# restart with wrong numbers in hook.json, as after a reboot renumbered disks
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
jq '(.readBps[], .writeIops[], .blkioWeight[]).minor = 250 | .deviceToAdd[].Minor = 250' \
	"$store" >"$store.new" && mv "$store.new" "$store"
e2e_restart "$id"
check "restarted" test -n "$(e2e_pid "$id")"
expect_qos "after restart"
check_eq "hook.json now holds the current numbers" "${mm#*:}" \
	"$(jq -r '[.readBps[].minor, .writeIops[].minor, .deviceToAdd[].Minor] | unique | join(",")' "$store")"

check "update-device --device-read-bps 2mb" "$TOOL" update-device "$id" --device-read-bps "$loop:2mb"
check_match "read_bps_device now $mm 2097152" "^$mm 2097152$" "$(blkio blkio.throttle.read_bps_device)"
check "update-device --device-write-iops 0 lifts the limit" \
	"$TOOL" update-device "$id" --device-write-iops "$loop:0"
check_fails "write_iops_device no longer lists $mm" grep -q "^$mm " <(blkio blkio.throttle.write_iops_device)
check_eq "and hook.json no longer has it" "0" "$(jq '.writeIops | length' "$store")"

check "remove-device takes the QoS with it" "$TOOL" remove-device "$id" "$loop"
check_fails "read_bps_device no longer lists $mm" grep -q "^$mm " <(blkio blkio.throttle.read_bps_device)
check_eq "hook.json has no QoS left (none at all: nothing else was saved)" "0 0" \
	"$(jq -r '[(.readBps|length), (.blkioWeight|length)] | join(" ")' "$store" 2>/dev/null || echo 0 0)"

# bad QoS values: one line, exit 2 or 1, nothing saved
check "add the device again" "$TOOL" add-device "$id" "$loop"
cp "$store" "$E2E_TMP/before.json"
qos_case() {  # qos_case RC PATTERN ARGS...
	local rc=$1 pattern=$2
	shift 2
	run_capture "$TOOL" "$@"
	expect_output "$*" "$rc" "$pattern"
	check "$*: hook.json unchanged" cmp -s "$store" "$E2E_TMP/before.json"
}
qos_case 2 "1xb" update-device "$id" --device-read-bps "$loop:1xb"
qos_case 2 "\\-1" update-device "$id" --device-write-bps "$loop:-1"
qos_case 2 "1.5" update-device "$id" --device-read-iops "$loop:1.5"
qos_case 2 "abc" update-device "$id" --device-write-iops "$loop:abc"
qos_case 2 "9" update-device "$id" --blkio-weight-device "$loop:9"
qos_case 2 "1001" update-device "$id" --blkio-weight-device "$loop:1001"
qos_case 2 "DEVICE" update-device "$id" --device-read-bps 1mb
qos_case 2 "absolute" update-device "$id" --device-read-bps "dev/loop0:1mb"
qos_case 2 "at least one" update-device "$id"
qos_case 1 "not a block device" update-device "$id" --device-read-bps /dev/zero:1mb
qos_case 1 "No such file" update-device "$id" --device-read-bps /dev/does-not-exist:1mb
loop2=$(e2e_loop)
qos_case 1 "$loop2 was not added" update-device "$id" --device-read-bps "$loop2:1mb"
qos_case 1 "$loop2 was not added" add-device "$id" /dev/null:/dev/n2 --device-read-bps "$loop2:1mb"

# A saved weight whose disk lost bfq (a reboot resets a scheduler set by
# hand): the start skips it with a warning, as it skips a missing device,
# keeps the throttle, and list says the weight is not in effect; with bfq
# back the next start applies it again.
sched=/sys/block/${loop#/dev/}/queue/scheduler
check "update-device --blkio-weight-device 300 and a read limit" "$TOOL" update-device "$id" \
	--blkio-weight-device "$loop:300" --device-read-bps "$loop:3mb"
e2e_stop "$id"
echo none >"$sched"
check_match "the disk's scheduler is now none" "\[none\]" "$(cat "$sched")"
: >"$HOOK_LOG"
check "the container starts with the weight saved and no bfq" e2e_run "$id"
check_eq "the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
check_match "the hook warned that the weight is skipped, and why" \
	"warning: $id: blkio-weight-device of $loop skipped: the I/O scheduler of $mm is none, not bfq" \
	"$(cat "$HOOK_LOG")"
check_match "the prestart line counts it as skipped, not applied" \
	"$id: prestart: 1 device\(s\), 0 path\(s\) and 1 QoS setting\(s\) applied, 1 skipped" \
	"$(cat "$HOOK_LOG")"
check_match "the read limit is applied" "^$mm 3145728$" "$(blkio blkio.throttle.read_bps_device)"
check_fails "the weight is not" grep -q "^$mm " <(blkio blkio.bfq.weight_device)
check_eq "the weight stays saved" 300 "$(jq -r '.blkioWeight[0].value' "$store")"
check_match "list says the weight is not in effect, and why" \
	"$loop +$mm blkio-weight-device 300 \(not in effect, skipped at start: the I/O scheduler of $mm is none, not bfq\)" \
	"$("$TOOL" list "$id")"
check_match "list shows the read limit without a note" "$loop +$mm device-read-bps 3145728\$" \
	"$("$TOOL" list "$id")"
e2e_stop "$id"
echo bfq >"$sched"
check "with bfq back the container starts" e2e_run "$id"
check_match "and the weight is applied again" "^$mm 300$" "$(blkio blkio.bfq.weight_device)"
check_fails "list has no note any more" grep -q "not in effect" <("$TOOL" list "$id")

# The prestart's last log line counts what it skipped apart from what it
# applied: a device whose host node is gone and a path whose host
# directory is gone, next to the disk and its two QoS settings.
mknod "$E2E_TMP/zero-node" c 1 5
mkdir -p "$E2E_TMP/gone-dir"
check "add a device from a host node that will go" "$TOOL" add-device "$id" "$E2E_TMP/zero-node:/dev/z2"
check "add a path from a host directory that will go" "$TOOL" add-path "$id" "$E2E_TMP/gone-dir:/mnt/gone"
e2e_stop "$id"
rm "$E2E_TMP/zero-node"
rmdir "$E2E_TMP/gone-dir"
: >"$HOOK_LOG"
check "the container starts without them" e2e_run "$id"
check_match "the prestart line: 1 device, 0 paths, 2 QoS applied, 2 skipped" \
	"$id: prestart: 1 device\(s\), 0 path\(s\) and 2 QoS setting\(s\) applied, 2 skipped" \
	"$(cat "$HOOK_LOG")"
e2e_summary
