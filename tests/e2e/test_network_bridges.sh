#!/bin/bash
# Several veths on bridges, the shapes operators use, on a real container:
# three veths on one bridge, one on a second bridge, one on no bridge, with
# routes over them; then a container with exactly two veths on two
# different bridges. Each survives three restarts with every address and
# route in place, and leaves no host link behind after the stop.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$                            # keeps interface names under 15 characters
bra=sbA$s
brb=sbB$s
o=$((s % 200 + 20))            # 10.<o>.<k>.0/24: one subnet per veth
# only the links this test may make: others run tests at the same time
our_links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -e "$s" | grep -v -e "^$bra\$" -e "^$brb\$" | sort; }
links_before=$(our_links)
E2E_CLEANUPS+=("ip link del $bra" "ip link del $brb")

ip link add "$bra" type bridge && ip link set "$bra" up
ip link add "$brb" type bridge && ip link set "$brb" up
# the bridges are the gateways: one address per subnet that rides on them
for k in 1 2 3; do ip addr add "10.$o.$k.1/24" dev "$bra"; done
ip addr add "10.$o.4.1/24" dev "$brb"
ip addr add "10.$o.6.1/24" dev "$brb"
ip addr add "10.$o.7.1/24" dev "$bra"

id=$(e2e_name brs)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
in_ctr() { nsenter -t "$(e2e_pid "$id")" -n "$@"; }

for k in 1 2 3; do
	check "add-nic eth$k on $bra" "$TOOL" add-nic "$id" --type veth \
		--name "a${k}_$s:eth$k" --ip "10.$o.$k.2/24" --bridge "$bra"
done
check "add-nic eth4 on $brb" "$TOOL" add-nic "$id" --type veth --name "b4_$s:eth4" \
	--ip "10.$o.4.2/24" --bridge "$brb"
check "add-nic eth5 without a bridge" "$TOOL" add-nic "$id" --type veth --name "u5_$s:eth5" \
	--ip "10.$o.5.2/24"
check "add-route default via eth1's gateway" "$TOOL" add-route "$id" --dest default \
	--gw "10.$o.1.1" --dev eth1
check "add-route a subnet via eth4's gateway" "$TOOL" add-route "$id" \
	--dest "10.$((o + 1)).0.0/16" --gw "10.$o.4.1"
check "add-route a subnet on eth5 (no gateway)" "$TOOL" add-route "$id" \
	--dest "10.$((o + 2)).0.0/16" --dev eth5

expect_all() {
	local when=$1 k addrs table
	addrs=$(in_ctr ip -o -4 addr show)
	for k in 1 2 3 4 5; do
		check_match "$when: eth$k has 10.$o.$k.2/24" "eth$k +inet 10\.$o\.$k\.2/24" "$addrs"
	done
	check_eq "$when: three host ends on $bra" "a1_$s a2_$s a3_$s" \
		"$(ip -o link show master "$bra" | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | xargs)"
	check_eq "$when: one host end on $brb" "b4_$s" \
		"$(ip -o link show master "$brb" | awk -F': ' '{print $2}' | sed 's/@.*//' | xargs)"
	check_match "$when: u5_$s is on no bridge" "^[0-9]+: u5_$s@[^ ]+ <[^>]*UP" \
		"$(ip -o link show dev "u5_$s")"
	check_fails "$when: u5_$s has no master" sh -c "ip -o link show dev u5_$s | grep -q master"
	table=$(in_ctr ip route)
	check_match "$when: default route via eth1" "default via 10\.$o\.1\.1 dev eth1" "$table"
	check_match "$when: subnet route via eth4" "10\.$((o + 1))\.0\.0/16 via 10\.$o\.4\.1 dev eth4" "$table"
	check_match "$when: subnet route on eth5" "10\.$((o + 2))\.0\.0/16 dev eth5" "$table"
	for k in 1 2 3 4; do
		check "$when: the host reaches eth$k over its bridge" busybox ping -c 1 -W 2 "10.$o.$k.2"
	done
}
expect_all "live"
for round in 1 2 3; do
	t0=$(date +%s%N)
	e2e_restart "$id"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	check "restart $round succeeds" test -n "$(e2e_pid "$id" 2>/dev/null)"
	# a lost ACK shows as a 5 s netlink timeout
	check "restart $round: no netlink wait (stop and start took $ms ms)" test "$ms" -lt 4000
	expect_all "restart $round"
done
e2e_stop "$id"
check_eq "after the stop: no host link left" "$links_before" "$(our_links)"

# exactly two veths on two different bridges
id=$(e2e_name brs2)
e2e_bundle "$id"
check "second container starts" e2e_run "$id"
check "add-nic eth1 on $bra" "$TOOL" add-nic "$id" --type veth --name "c1_$s:eth1" \
	--ip "10.$o.7.2/24" --bridge "$bra"
check "add-nic eth2 on $brb" "$TOOL" add-nic "$id" --type veth --name "c2_$s:eth2" \
	--ip "10.$o.6.2/24" --bridge "$brb"
check "add-route default via eth2" "$TOOL" add-route "$id" --dest default --gw "10.$o.6.1"
for round in 1 2 3; do
	e2e_restart "$id"
	check "two bridges, restart $round succeeds" test -n "$(e2e_pid "$id")"
	check_match "two bridges, restart $round: both addresses" \
		"eth1 +inet 10\.$o\.7\.2/24.*eth2 +inet 10\.$o\.6\.2/24" \
		"$(nsenter -t "$(e2e_pid "$id")" -n ip -o -4 addr show | tr '\n' ' ')"
	check_match "two bridges, restart $round: c1_$s on $bra" "c1_$s" "$(ip -o link show master "$bra")"
	check_match "two bridges, restart $round: c2_$s on $brb" "c2_$s" "$(ip -o link show master "$brb")"
	check_match "two bridges, restart $round: default route" "default via 10\.$o\.6\.1 dev eth2" \
		"$(nsenter -t "$(e2e_pid "$id")" -n ip route)"
	check "two bridges, restart $round: the host reaches both" \
		sh -c "busybox ping -c 1 -W 2 10.$o.7.2 && busybox ping -c 1 -W 2 10.$o.6.2"
done
e2e_stop "$id"
check_eq "two bridges, after the stop: no host link left" "$links_before" "$(our_links)"
e2e_summary
