#!/bin/bash
# The hook listed twice at prestart and at poststop, as iSulad does when a
# container's --hook-spec repeats the daemon's global hook-spec (it appends
# without removing duplicates), and as hooks.d files or hand edits can.
# With a device, a path, QoS, a veth and a route saved, three restarts make
# nothing twice: one node, one mount, one devices.list line, one QoS line,
# one veth, one address, one route; the second poststop is quiet and the
# stop leaves no host link, pin or record. Twice: the two entries with the
# same --log, and with two different ones.
#
# Then the runtime record of an instance that ended without its poststop
# (its runtime state lost): the next start cleans what it left and starts;
# and a second container started under the same id while the first runs
# is refused without touching the first. Last, a veth on an Open vSwitch
# bridge (our own ovsdb-server and ovs-vswitchd): prestart twice leaves
# one port, poststop twice removes it once, quietly.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$
br=schtw$s
e2e_bridge_net "$br" 150
ip=${net%.0}.2
dest=10.97.$((s % 250)).0/24

# twice_bundle ID LOG2: the hook at prestart and poststop, each listed twice;
# the second entries log to LOG2
twice_bundle() {
	local id=$1 log2=$2 b
	e2e_bundle "$id"
	b=$(e2e_bundle_dir "$id")
	jq --arg log2 "$log2" '
		def second: .args |= map(if . == $ENV.HOOK_LOG then $log2 else . end);
		.hooks.prestart += [.hooks.prestart[0] | second] |
		.hooks.poststop += [.hooks.poststop[0] | second]' \
		"$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}
export HOOK_LOG

# logs LOG2: the hook's log lines, each file once
logs() { if [ "$1" = "$HOOK_LOG" ]; then cat "$HOOK_LOG"; else cat "$HOOK_LOG" "$1"; fi; }

# count PATTERN TEXT: lines of TEXT matching the extended regex
count() { printf '%s\n' "$2" | grep -Ec -- "$1"; }

expect_once() {
	local id=$1 host=$2 mm=$3 when=$4 hex=$5 pid cg
	pid=$(e2e_pid "$id")
	in_ctr() { nsenter -t "$pid" -n "$@"; }
	check_eq "$when: one mount on /mnt/data" 1 "$(grep -c ' /mnt/data ' "/proc/$pid/mountinfo")"
	check_eq "$when: one node xdata in /dev, the block device $mm" "1 block special file $hex" \
		"$(e2e_exec "$id" ls /dev | grep -c '^xdata$') $(e2e_exec "$id" stat -c '%F %t:%T' /dev/xdata)"
	check_eq "$when: one devices.list line for $mm" 1 \
		"$(grep -c "^b $mm rw\$" "$(e2e_devices_cgroup "$id")/devices.list")"
	cg=/sys/fs/cgroup/blkio$(awk -F: '$2 ~ /(^|,)blkio(,|$)/ {print $3}' "/proc/$pid/cgroup")
	check_eq "$when: one read_bps_device line for $mm" 1 \
		"$(grep -c "^$mm " "$cg/blkio.throttle.read_bps_device")"
	check_eq "$when: one eth1 in the container" 1 "$(count '^[0-9]+: eth1@' "$(in_ctr ip -o link show)")"
	check_eq "$when: one address $ip on eth1" 1 "$(count "inet $ip/24" "$(in_ctr ip -o -4 addr show)")"
	check_eq "$when: one route to $dest" 1 "$(count "^$dest via $gw" "$(in_ctr ip route)")"
	check_eq "$when: one host end $host" 1 "$(count "^[0-9]+: $host@" "$(ip -o link show)")"
	check "$when: the host reaches the container" busybox ping -c 1 -W 2 "$ip"
}

scenario() {
	local tag=$1 log2=$2 id host loop mm hostdir hex pid run
	id=$(e2e_name "tw$tag")
	host=tw$tag$s
	run=$SYSCONTAINER_HOOKS_RUNDIR/$id
	twice_bundle "$id" "$log2"
	check "$tag: container with the hook listed twice starts" e2e_run "$id"
	check_eq "$tag: config.json lists the hook twice per stage" "2 2" \
		"$(jq -r '"\(.hooks.prestart | length) \(.hooks.poststop | length)"' \
			"$(e2e_bundle_dir "$id")/config.json")"
	loop=$(e2e_loop)
	hex=$(stat -c '%t:%T' "$loop")
	mm=$(printf '%d:%d' "0x${hex%:*}" "0x${hex#*:}")
	hostdir=$E2E_TMP/data-$tag
	mkdir -p "$hostdir" && echo "$tag" >"$hostdir/mark"
	check "$tag: add-device with a read limit" "$TOOL" add-device "$id" "$loop:/dev/xdata:rw" \
		--device-read-bps "$loop:1mb"
	check "$tag: add-path" "$TOOL" add-path "$id" "$hostdir:/mnt/data:rw"
	check "$tag: add-nic veth on $br" "$TOOL" add-nic "$id" --type veth --name "$host:eth1" \
		--ip "$ip/24" --bridge "$br"
	check "$tag: add-route" "$TOOL" add-route "$id" --dest "$dest" --gw "$gw"
	expect_once "$id" "$host" "$mm" "$tag live" "$hex"
	for i in 1 2 3; do
		e2e_stop "$id"
		check_fails "$tag: after stop $i no host link $host" ip link show "$host"
		check_fails "$tag: after stop $i no record or pin in $run" test -e "$run"
		check "$tag: restart $i with the hook listed twice" e2e_run "$id"
		check_eq "$tag: restart $i: the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
		pid=$(e2e_pid "$id")
		check_eq "$tag: restart $i: one prestart found pid $pid prepared" 1 \
			"$(logs "$log2" | grep -c "$id: prestart: an earlier run of this hook prepared this instance; nothing to do (pid $pid)")"
		expect_once "$id" "$host" "$mm" "$tag restart $i" "$hex"
	done
	if [ "$log2" != "$HOOK_LOG" ]; then
		check_eq "$tag: the second entries logged to their own --log (4 starts)" 4 \
			"$(grep -c "$id: prestart: an earlier run .* prepared this instance" "$log2")"
		check_eq "$tag: and the first entries never found the work done" 0 \
			"$(grep -c "$id: prestart: an earlier run .* prepared this instance" "$HOOK_LOG")"
	fi
	e2e_stop "$id"
	check_fails "$tag: after the last stop no host link $host" ip link show "$host"
	check_fails "$tag: after the last stop no record or pin" test -e "$run"
	check_eq "$tag: no hook error in the logs" "" \
		"$(logs "$log2" | grep -E "(warning|error): $id")"
}

scenario same "$HOOK_LOG"
scenario two "$E2E_TMP/hook-second.log"

# start_with_veth TAG HOST N: container $id (named after TAG) started with
# a veth, host end $HOST, at .N of the bridge's net; $run its record dir
start_with_veth() {
	id=$(e2e_name "$1")
	host=$2
	run=$SYSCONTAINER_HOOKS_RUNDIR/$id
	e2e_bundle "$id"
	check "$1: container starts" e2e_run "$id"
	check "$1: add-nic veth" "$TOOL" add-nic "$id" --type veth --name "$host:eth1" \
		--ip "${net%.0}.$3/24" --bridge "$br"
}

# ---- a record left by an instance that ended without its poststop ----
start_with_veth crash "twc$s" 9
old=$(e2e_pid "$id")
# the runtime loses the container: killed, its state gone, no poststop
kill -9 "$old"
for i in $(seq 50); do [ -e "/proc/$old" ] || break; sleep 0.1; done
rm -rf "/run/$RUNTIME/$id"
check "crash: the pinned namespace keeps the host end $host" ip link show "$host"
check "crash: the record of pid $old is left" test -e "$run/record.json"
check "crash: a new container under the same id starts" e2e_run "$id"
check_eq "crash: the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
check_match "crash: the hook cleaned after pid $old" "$id: prestart: pid $old ended without a poststop" \
	"$(cat "$HOOK_LOG")"
new=$(e2e_pid "$id")
check_eq "crash: the record is the new instance's" "$new" "$(jq -r .pid "$run/record.json")"
check_eq "crash: one host end $host" 1 "$(count "^[0-9]+: $host@" "$(ip -o link show)")"
check_match "crash: eth1 in the new container" "inet ${net%.0}.9/24" \
	"$(nsenter -t "$new" -n ip -o -4 addr show dev eth1)"
e2e_stop "$id"
check_fails "crash: after the stop no host link $host" ip link show "$host"
check_fails "crash: after the stop no record or pin" test -e "$run"

# ---- the same id twice at once (two runtime roots) ----
start_with_veth dup "twd$s" 11
first=$(e2e_pid "$id")
root2=$E2E_TMP/runc2
E2E_CLEANUPS+=("runc --root $root2 delete -f $id")
(cd "$(e2e_bundle_dir "$id")" && runc --root "$root2" run -d "$id" </dev/null >/dev/null 2>"$E2E_TMP/dup.err")
check_match "dup: a second container under the same id is refused" \
	"already runs as pid $first" "$(cat "$E2E_TMP/dup.err")"
runc --root "$root2" delete -f "$id" >/dev/null 2>&1
check_eq "dup: the record is still the first's" "$first" "$(jq -r .pid "$run/record.json")"
check "dup: the first keeps its host end" ip link show "$host"
check_match "dup: and its address" "inet ${net%.0}.11/24" \
	"$(nsenter -t "$first" -n ip -o -4 addr show dev eth1)"
e2e_stop "$id"
check_fails "dup: after the stop no host link $host" ip link show "$host"
check_fails "dup: after the stop no record or pin" test -e "$run"

# ---- an Open vSwitch bridge: prestart twice adds its port once, poststop
# twice removes it once (our own ovsdb-server and ovs-vswitchd, held by
# the machine-wide lock of ovs_env.sh only for this block) ----
. "$(dirname "$0")/ovs_env.sh"
if ! ovs_start; then
	not_ok "ovs: our ovsdb-server and ovs-vswitchd start"
else
	obr=schtwo$s
	id=$(e2e_name twovs)
	host=two$s
	run=$SYSCONTAINER_HOOKS_RUNDIR/$id
	ports() { vsctl --bare --columns=name list Port | grep -cx "$host"; }
	check "ovs: bridge $obr (userspace datapath)" ovs_add_br "$obr"
	twice_bundle "$id" "$HOOK_LOG"
	ovs_bundle_env "$(e2e_bundle_dir "$id")"
	check "ovs: container with the hook listed twice starts" e2e_run "$id"
	check "ovs: add-nic veth on the OVS bridge" "$TOOL" add-nic "$id" --type veth \
		--name "$host:eth1" --ip 10.98.$((s % 250)).2/24 --bridge "$obr"
	check_eq "ovs live: $host is the one port of $obr" "$host" "$(vsctl list-ports "$obr")"
	e2e_stop "$id"
	check "ovs: restart with the hook listed twice" e2e_run "$id"
	check_eq "ovs restart: the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
	check_eq "ovs restart: one prestart added the port" 1 \
		"$(grep -c "port $host added to Open vSwitch bridge $obr" "$HOOK_LOG")"
	check_eq "ovs restart: $host is the one port of $obr" "$host" "$(vsctl list-ports "$obr")"
	check_eq "ovs restart: one Port row named $host" 1 "$(ports)"
	check_eq "ovs restart: one Interface row named $host" 1 \
		"$(vsctl --bare --columns=name list Interface | grep -cx "$host")"
	# the stop by hand: the delete runs poststop twice, which must be quiet
	rt kill "$id" KILL >/dev/null 2>&1
	for i in $(seq 50); do rt state "$id" 2>/dev/null | grep -q '"status": "stopped"' && break; sleep 0.1; done
	rt delete "$id" >"$E2E_TMP/ovs-delete.out" 2>&1
	check_eq "ovs: delete (poststop twice): exit 0, nothing printed" "0 " \
		"$? $(cat "$E2E_TMP/ovs-delete.out")"
	check_eq "ovs: no port left on $obr" "" "$(vsctl list-ports "$obr")"
	check_eq "ovs: no Port or Interface row named $host" "0 0" \
		"$(ports) $(vsctl --bare --columns=name list Interface | grep -cx "$host")"
	check_fails "ovs: no host link $host" ip link show "$host"
	check_fails "ovs: no record or pin" test -e "$run"
	check_eq "ovs: no hook error in the log" "" "$(grep -E "(warning|error): $id" "$HOOK_LOG")"
	ovs_stop
	check_fails "ovs: no link $obr left once our ovs-vswitchd stopped" ip link show "$obr"
fi

e2e_summary
