#!/bin/bash
# Open vSwitch bridges for --bridge, with our own ovsdb-server and
# ovs-vswitchd (tests/e2e/ovs_env.sh; userspace datapath) and a real runc
# container: two veths on one OVS bridge and one on a Linux bridge, the
# ports as ovs-vsctl lists them, the host reaching each address over its
# bridge, three restarts (the hook adds the ports at prestart, poststop
# takes them out), update-nic --bridge moving a nic from OVS to Linux and
# back, remove-nic and the stop leaving no port. A bridge of neither kind
# is refused in one line that says what each lookup found, and a hung
# ovsdb-server fails a start within the client's timeout instead of
# hanging it. The hook's cost with 2 OVS nics is in bench/README.md.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ovs_env.sh"
e2e_require_root
top=$(cd "$(dirname "$0")/../.." && pwd)

if ! ovs_start; then
	not_ok "our own ovsdb-server and ovs-vswitchd start"
	e2e_summary
	exit 1
fi
ok "our own ovsdb-server and ovs-vswitchd start (pids $(cat "$OVS_DIR/ovsdb.pid") $(cat "$OVS_DIR/vswitchd.pid"))"

s=$$                            # keeps interface names under 15 characters
ovsa=ovA$s
lbr=lbr$s
o=$((s % 200 + 20))            # 10.<o>.<k>.0/24
check "OVS bridge $ovsa (datapath_type=netdev)" ovs_add_br "$ovsa"
ip link add "$lbr" type bridge && ip link set "$lbr" up
E2E_CLEANUPS=("ip link del $lbr" "${E2E_CLEANUPS[@]}")
# the bridges are the gateways the host pings from
ip addr add "10.$o.21.1/24" dev "$ovsa"
ip addr add "10.$o.22.1/24" dev "$ovsa"
ip addr add "10.$o.23.1/24" dev "$lbr"

id=$(e2e_name ovs)
e2e_bundle "$id"
ovs_bundle_env "$(e2e_bundle_dir "$id")"
check "container starts" e2e_run "$id"
in_ctr() { nsenter -t "$(e2e_pid "$id")" -n "$@"; }
ports() { vsctl list-ports "$1" | sort | xargs; }
# ovs-vswitchd applies the database on its own: wait until it has given
# the port an OpenFlow port number
ofport_of() {
	local i n
	for i in $(seq 50); do
		n=$(vsctl get Interface "$1" ofport 2>/dev/null)
		[ "${n:-0}" -gt 0 ] 2>/dev/null && { echo "$n"; return 0; }
		sleep 0.1
	done
	echo "${n:-none}"
	return 1
}
# reach ADDR: the host pings it. Each start gives the container end a new
# MAC, which the host's neighbour cache does not know yet: that entry goes.
reach() {
	ip neigh flush to "$1" >/dev/null 2>&1
	busybox ping -c 1 -W 2 "$1" >/dev/null 2>&1 || busybox ping -c 2 -W 2 "$1" >/dev/null 2>&1
}

check "add-nic eth1 on OVS bridge $ovsa" "$TOOL" add-nic "$id" --type veth --name "o1_$s:eth1" \
	--ip "10.$o.21.2/24" --bridge "$ovsa"
check "add-nic eth2 on OVS bridge $ovsa" "$TOOL" add-nic "$id" --type veth --name "o2_$s:eth2" \
	--ip "10.$o.22.2/24" --bridge "$ovsa"
check "add-nic eth3 on Linux bridge $lbr" "$TOOL" add-nic "$id" --type veth --name "l3_$s:eth3" \
	--ip "10.$o.23.2/24" --bridge "$lbr"
check_match "the CLI's log says eth1's bridge is Open vSwitch, and whose" \
	"bridge $ovsa: Open vSwitch \(ovsdb-server at $OVS_SOCK\)" "$(cat "$SYSCONTAINER_HOOKS_RUNDIR.log")"

expect_all() {
	local when=$1 k
	check_eq "$when: ovs-vsctl list-ports $ovsa" "o1_$s o2_$s" "$(ports "$ovsa")"
	check "$when: ovs-vswitchd gave o1_$s an OpenFlow port ($(ofport_of "o1_$s"))" ofport_of "o1_$s"
	check "$when: ovs-vswitchd gave o2_$s an OpenFlow port ($(ofport_of "o2_$s"))" ofport_of "o2_$s"
	check_eq "$when: l3_$s is on Linux bridge $lbr" "l3_$s" \
		"$(ip -o link show master "$lbr" | awk -F': ' '{print $2}' | sed 's/@.*//' | xargs)"
	check_fails "$when: l3_$s is no OVS port" vsctl port-to-br "l3_$s"
	for k in 1 2 3; do
		check_match "$when: eth$k has its address" "eth$k +inet 10\.$o\.2$k\.2/24" \
			"$(in_ctr ip -o -4 addr show dev "eth$k")"
		check "$when: the host reaches eth$k over its bridge" reach "10.$o.2$k.2"
	done
}
expect_all "live"

# each restart: poststop takes the ports out, prestart puts them back
for round in 1 2 3; do
	check "restart $round succeeds" e2e_restart "$id"
	check "restart $round: the container runs" test -n "$(e2e_pid "$id" 2>/dev/null)"
	expect_all "restart $round"
done
check_match "the hook's log says which kind each bridge is" "bridge $ovsa: Open vSwitch" \
	"$(cat "$HOOK_LOG")"
check_eq "no stray Port rows (2 ours + the bridge's own)" 3 "$(vsctl --bare --columns=name list Port | grep -c .)"

# --- update-nic --bridge: OVS -> Linux, Linux -> OVS, OVS -> none ---------------------
check "update-nic eth2 --bridge $lbr (from OVS)" "$TOOL" update-nic "$id" --name eth2 --bridge "$lbr"
check_eq "eth2's port left $ovsa" "o1_$s" "$(ports "$ovsa")"
check_match "o2_$s is on $lbr" "o2_$s" "$(ip -o link show master "$lbr")"
ip addr del "10.$o.22.1/24" dev "$ovsa"; ip addr add "10.$o.22.1/24" dev "$lbr"
check "the host reaches eth2 over $lbr now" reach "10.$o.22.2"
check "update-nic eth3 --bridge $ovsa (from Linux)" "$TOOL" update-nic "$id" --name eth3 --bridge "$ovsa"
check_eq "eth3's port is on $ovsa" "l3_$s o1_$s" "$(ports "$ovsa")"
check_fails "l3_$s left $lbr" sh -c "ip -o link show master $lbr | grep -q l3_$s"
ip addr del "10.$o.23.1/24" dev "$lbr"; ip addr add "10.$o.23.1/24" dev "$ovsa"
check "the host reaches eth3 over $ovsa now" reach "10.$o.23.2"
check_match "the saved state has the new bridges" "\"Bridge\":\"$lbr\",\"HostNicName\":\"o2_$s\".*\"Bridge\":\"$ovsa\",\"HostNicName\":\"l3_$s\"" \
	"$("$TOOL" list-nic "$id")"
e2e_restart "$id"
check "restart after the moves succeeds" test -n "$(e2e_pid "$id" 2>/dev/null)"
check_eq "after the restart: $ovsa has eth1's and eth3's ports" "l3_$s o1_$s" "$(ports "$ovsa")"
check_match "after the restart: o2_$s is on $lbr" "o2_$s" "$(ip -o link show master "$lbr")"
check "update-nic eth3 --bridge '' (off OVS)" "$TOOL" update-nic "$id" --name eth3 --bridge ""
check_eq "eth3's port is gone from $ovsa" "o1_$s" "$(ports "$ovsa")"

# --- remove-nic and the stop leave no port ------------------------------------------
check "remove-nic eth1" "$TOOL" remove-nic "$id" --name eth1
check_eq "remove-nic took eth1's port off $ovsa" "" "$(ports "$ovsa")"
check "update-nic eth2 --bridge $ovsa (from Linux)" "$TOOL" update-nic "$id" --name eth2 --bridge "$ovsa"
check_eq "eth2's port is on $ovsa" "o2_$s" "$(ports "$ovsa")"
e2e_stop "$id"
check_eq "poststop took every port off $ovsa" "" "$(ports "$ovsa")"
check_eq "no Port row left but the bridge's own" "$ovsa" "$(vsctl --bare --columns=name list Port | grep . | xargs)"
check_eq "no Interface row left but the bridge's own" "$ovsa" \
	"$(vsctl --bare --columns=name list Interface | grep . | xargs)"
check "the saved nic on OVS comes back at the next start" e2e_run "$id"
check_eq "its port is back" "o2_$s" "$(ports "$ovsa")"

# --- a bridge of neither kind, and ovsdb-server gone or hung ------------------------
run_capture "$TOOL" add-nic "$id" --type veth --name "n4_$s:eth4" --ip "10.$o.24.2/24" --bridge "nob$s"
expect_output "add-nic --bridge of no bridge at all" 1 \
	"no bridge named nob$s: not a Linux bridge \(no interface of that name\) and not an Open vSwitch bridge \(ovsdb-server at $OVS_SOCK has no bridge of that name\)"
ip link add "vx$s" type veth peer name "vy$s"
E2E_CLEANUPS+=("ip link del vx$s")
run_capture "$TOOL" add-nic "$id" --type veth --name "n4_$s:eth4" --ip "10.$o.24.2/24" --bridge "vx$s"
expect_output "add-nic --bridge of a veth link" 1 \
	"vx$s is not a bridge: it is a veth link, not a Linux bridge, and not an Open vSwitch bridge"
check_fails "no link n4_$s left on the host" ip link show "n4_$s"
kill -STOP "$(cat "$OVS_DIR/ovsdb.pid")"
E2E_CLEANUPS=("kill -CONT $(cat "$OVS_DIR/ovsdb.pid")" "${E2E_CLEANUPS[@]}")
e2e_stop "$id"
t0=$(date +%s%N)
check_fails "a start with ovsdb-server hung fails" e2e_run "$id"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "and it fails within the 2 s timeout, not hangs ($ms ms)" test "$ms" -lt 6000
check_match "runc shows the hook's one line" "did not answer within 2000 ms" "$(cat "$E2E_TMP/$id.err")"
check_fails "the failed start left no host link o2_$s" ip link show "o2_$s"
rt delete -f "$id" >/dev/null 2>&1
kill -CONT "$(cat "$OVS_DIR/ovsdb.pid")"
check "with ovsdb-server back the container starts" e2e_run "$id"
check_eq "and its port is there" "o2_$s" "$(ports "$ovsa")"
e2e_stop "$id"
check_eq "the stop leaves no port" "" "$(ports "$ovsa")"

check_match "bench/README.md has the hook's cost with 2 OVS nics" \
	"\| hook prestart, 2 veths on an OVS bridge[^|]*\| [0-9.]+ ms" "$(cat "$top/bench/README.md")"
e2e_summary
