#!/bin/bash
# `syscontainer-tools check` on a real runc container that has two devices,
# a rw and a ro path, a veth with an address and MTU, two routes, a QoS
# setting and a disk whose partitions follow it (a udev rule). Each kind of
# drift is made by hand while the container runs, the way it happens in the
# field: a node deleted inside, a device rule revoked in the cgroup
# (devices.deny on v1, the runtime's own program put back on v2), a path
# unmounted, a route deleted, the MTU changed, a QoS line reset, the udev
# rule lost. check finds each (exit 1, the item named, in text and JSON),
# check --fix mends each, and a second check exits 0 with every item ok.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$
net=10.$((150 + s % 50)).$((s % 250)).0
ip4=${net%.0}.2
gw=${net%.0}.1
sub=10.98.$((s % 250)).0/24
E2E_CLEANUPS+=("ip link del ck$s")

id=$(e2e_name chk)
e2e_bundle "$id"
check "the container starts" e2e_run "$id"
pid=$(e2e_pid "$id")
a=$(e2e_loop) b=$(e2e_loop) disk=$(e2e_part_disk 20M)
mkdir -p "$E2E_TMP/share-rw" "$E2E_TMP/share-ro"
in_net() { nsenter -t "$pid" -n "$@"; }
tool() { "$TOOL" "$@"; }
check "two devices, QoS on one" tool add-device "$id" "$a:/dev/da:rw" "$b:/dev/db:r" \
	--device-read-bps "$a:1mb"
check "a disk whose partitions follow it" tool add-device "$id" "$disk:/dev/dk" --follow-partition
check "a rw and a ro path" tool add-path "$id" "$E2E_TMP/share-rw:/mnt/rw" \
	"$E2E_TMP/share-ro:/mnt/ro:ro"
check "a veth with an address and MTU 1400" tool add-nic "$id" --type veth \
	--name "ck$s:eth1" --ip "$ip4/24" --mtu 1400
check "a route via a gateway and a default route" tool add-route "$id" --dest "$sub" \
	--gw "$gw" --dev eth1
check "and the default route" tool add-route "$id" --dest default --gw "$gw"

run_capture tool check "$id"
check_eq "check of a container as saved exits 0" 0 "$RC"
check_match "it lists every item as ok" "^$id: 12 item\(s\), 0 drifted, 0 left$" "$(tail -n 1 "$OUT")"
check_eq "and nothing on stderr" "" "$(cat "$ERR")"

# drift, each kind by hand
in_ctr() { e2e_exec "$id" sh -c "$*" </dev/null; }
cg=$(e2e_devices_cgroup "$id")
check "drift: the node /dev/da deleted inside" in_ctr rm /dev/da
maj_min() { stat -c '%t %T' "$1" | { read -r x y; echo "$((0x$x)):$((0x$y))"; }; }
check "drift: /dev/db's rule revoked in the cgroup" sh -c "echo 'b $(maj_min "$b") rwm' >$cg/devices.deny"
check "drift: /mnt/ro unmounted" nsenter -t "$pid" -m -r /bin/busybox umount /mnt/ro
check "drift: the subnet route deleted" in_net ip route del "$sub"
check "drift: eth1's MTU changed to 1300" in_net ip link set eth1 mtu 1300
blkio=/sys/fs/cgroup/blkio$(awk -F: '$2 ~ /(^|,)blkio(,|$)/ {print $3}' "/proc/$pid/cgroup")
check "drift: the read-bps line reset" sh -c "echo '$(maj_min "$a") 0' >$blkio/blkio.throttle.read_bps_device"
check "drift: the udev rule lost" sh -c ": >'$SYSCONTAINER_HOOKS_UDEV_RULES'"

run_capture tool check "$id"
check_eq "check finds drift: exit 1" 1 "$RC"
report=$(cat "$OUT")
check_match "the deleted node" "device /dev/da \($a\): node missing$" "$report"
check_match "the revoked rule" "device /dev/db \($b\): access not granted \(r\)$" "$report"
check_match "the unmounted path" "path /mnt/ro \([^)]*\): not mounted$" "$report"
check_match "the rw path is ok" "path /mnt/rw \([^)]*\): ok$" "$report"
check_match "the deleted route" "route $sub via $gw dev eth1: missing$" "$report"
check_match "the default route is ok" "route default via $gw: ok$" "$report"
check_match "the MTU" "interface eth1: mtu 1300, not 1400$" "$report"
check_match "the QoS line" "qos device-read-bps $a: line \"[0-9:]+ 1048576\" missing$" "$report"
check_match "the udev rule" "udev-rule partitions of /dev/dk: no rule in " "$report"
check_match "the summary" "^$id: 12 item\(s\), 7 drifted, 7 left$" "$(tail -n 1 "$OUT")"
check_eq "stderr stays empty" "" "$(cat "$ERR")"

run_capture tool check "$id" --json
check_eq "check --json exits 1 too" 1 "$RC"
check_eq "--json: ok is false" false "$(jq .ok "$OUT")"
check_eq "--json: one container, running" "true" "$(jq '.containers[0].running' "$OUT")"
check_eq "--json: 7 items not ok" 7 "$(jq '[.containers[0].items[] | select(.ok == false)] | length' "$OUT")"
check_eq "--json: the route item" "missing" \
	"$(jq -r --arg n "$sub via $gw dev eth1" '.containers[0].items[] | select(.name == $n) | .drift' "$OUT")"

run_capture tool check "$id" --fix
check_eq "check --fix mends all: exit 0" 0 "$RC"
check_eq "it says each was fixed" 7 "$(grep -c '; fixed$' "$OUT")"
check "the node reads again" in_ctr "head -c 1 /dev/da >/dev/null"
check "the revoked device reads again" in_ctr "head -c 1 /dev/db >/dev/null"
check_match "the ro path is mounted again, ro" "/mnt/ro .*ro[, ]" "$(in_ctr cat /proc/self/mountinfo)"
check_match "the route is back" "$sub via $gw dev eth1" "$(in_net ip route)"
check_match "the MTU is back" "mtu 1400" "$(in_net ip -o link show eth1)"
check_match "the QoS line is back" "$(maj_min "$a") 1048576" "$(cat "$blkio/blkio.throttle.read_bps_device")"
check_match "the udev rule is back" "$id" "$(cat "$SYSCONTAINER_HOOKS_UDEV_RULES")"
run_capture tool check "$id"
check_eq "a second check exits 0" 0 "$RC"
check_match "with nothing drifted" "^$id: 12 item\(s\), 0 drifted, 0 left$" "$(tail -n 1 "$OUT")"

# names are escaped in the text as list escapes them; --json is exact
nl_dir="$E2E_TMP/new
line"
mkdir -p "$nl_dir"
check "a path whose host directory has a newline in its name" \
	tool add-path "$id" "$nl_dir:/mnt/nl"
run_capture tool check "$id"
check_match "check's text escapes the newline, on the item's own line" \
	"^$id path /mnt/nl \\($E2E_TMP/new\\\\nline\\): ok$" "$(cat "$OUT")"
check_eq "and writes one line per item" 14 "$(wc -l <"$OUT")"
run_capture tool check "$id" --json
check_eq "--json has the name as it is" "/mnt/nl ($nl_dir)" \
	"$(jq -r '.containers[0].items[] | select(.kind == "path" and (.name | startswith("/mnt/nl"))) | .name' "$OUT")"
check "remove-path of it" tool remove-path "$id" "$nl_dir:/mnt/nl"

# --all: every running container; one not running has nothing to compare
id2=$(e2e_name chk2)
e2e_bundle "$id2"
check "a second container starts" e2e_run "$id2"
# something saved: stopped, it stays known (with nothing saved, nothing of
# it is kept and it would be unknown)
check "  a device saved for it" tool add-device "$id2" /dev/zero:/dev/c2z
run_capture tool check --all --json
check_eq "check --all exits 0 when all are as saved" 0 "$RC"
check_eq "--all lists both" 2 "$(jq '[.containers[] | select(.id | startswith("sch-'"$E2E_TAG"'"))] | length' "$OUT")"
in_ctr rm /dev/da
run_capture tool check --all
check_eq "check --all exits 1 when one drifted" 1 "$RC"
check_match "and names it" "$id device /dev/da .*node missing" "$(cat "$OUT")"
tool check "$id" --fix >/dev/null
# a stopped container is known by what is saved for it
check "a device saved for the second one" tool add-device "$id2" "$b:/dev/db:r"
e2e_stop "$id2"
run_capture tool check "$id2"
check_eq "a stopped container: exit 0" 0 "$RC"
check_match "nothing to compare" "$id2: not running" "$(cat "$OUT")"
e2e_stop "$id"
e2e_summary
