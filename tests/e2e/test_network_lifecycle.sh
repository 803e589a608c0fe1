#!/bin/bash
# The life of a container's network past the first add, on a real
# container: an IPv6 route with a source address right after its nic and
# at every restart; update-nic --ip keeps the routes over the nic (or
# refuses before changing anything); remove-nic takes the routes that
# depend on the nic with it; --update-config-only leaves the live
# container alone; update-nic takes a veth off its bridge; an eth link
# goes back to the host with the name, MAC, MTU and up/down state it had.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$
br=slA$s
br2=slB$s
o=$((s % 200 + 20))
v6=fd$((s % 90 + 10))
E2E_CLEANUPS+=("ip link del $br" "ip link del $br2" "ip link del pu$s" "ip link del pd$s")
our_links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -e "$s" | sort; }
ip link add "$br" type bridge && ip link set "$br" up
ip link add "$br2" type bridge && ip link set "$br2" up
ip addr add "10.$o.2.1/24" dev "$br"
ip -6 addr add "$v6:1::1/64" dev "$br" nodad

id=$(e2e_name life)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
in_ctr() { nsenter -t "$(e2e_pid "$id")" -n "$@"; }

# --- an IPv6 route with --src, right after its nic and at every start ---
check "add-nic eth1 with an IPv6 address" "$TOOL" add-nic "$id" --type veth \
	--name "l1_$s:eth1" --ip "$v6:1::2/64" --bridge "$br"
run_capture "$TOOL" add-route "$id" --dest "$v6:9::/64" --dev eth1 --src "$v6:1::2"
check_eq "add-route --src of that address at once succeeds ($(head -c 200 "$ERR"))" 0 "$RC"
check_match "the route has its source" "$v6:9::/64 dev eth1 .*src $v6:1::2" "$(in_ctr ip -6 route)"
# saved only: the hook alone adds it at the next start, right after the address
check "add-route --update-config-only of a second source route" "$TOOL" add-route "$id" \
	--update-config-only --dest "$v6:8::/64" --dev eth1 --src "$v6:1::2"
for round in 1 2; do
	e2e_restart "$id"
	check "restart $round with the IPv6 source route ($(head -c 200 "$E2E_TMP/$id.err"))" \
		test -n "$(e2e_pid "$id" 2>/dev/null)"
	check_match "restart $round: the route has its source" "$v6:9::/64 dev eth1 .*src $v6:1::2" \
		"$(in_ctr ip -6 route 2>&1)"
	check_match "restart $round: the saved-only route too" "$v6:8::/64 dev eth1 .*src $v6:1::2" \
		"$(in_ctr ip -6 route 2>&1)"
done

# --- update-nic --ip keeps the routes over the nic ---
check "add-nic eth2 10.$o.2.2/24 on $br" "$TOOL" add-nic "$id" --type veth \
	--name "l2_$s:eth2" --ip "10.$o.2.2/24" --bridge "$br"
check "add-route default via 10.$o.2.1" "$TOOL" add-route "$id" --dest default --gw "10.$o.2.1"
check "add-route 10.$((o + 1)).0.0/16 dev eth2" "$TOOL" add-route "$id" \
	--dest "10.$((o + 1)).0.0/16" --dev eth2
check "update-nic --ip 10.$o.2.3/24" "$TOOL" update-nic "$id" --name eth2 --ip "10.$o.2.3/24"
table=$(in_ctr ip route)
check_match "after update-nic: the default route is still there" "default via 10\.$o\.2\.1 dev eth2" "$table"
check_match "after update-nic: the dev route is still there" "10\.$((o + 1))\.0\.0/16 dev eth2" "$table"
check_match "after update-nic: the new address" "inet 10\.$o\.2\.3/24" "$(in_ctr ip -o -4 addr show dev eth2)"
check "after update-nic: the host reaches the new address" busybox ping -c 1 -W 2 "10.$o.2.3"
cp "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json" "$E2E_TMP/before.json"
before=$(in_ctr sh -c 'ip -o -4 addr; ip route')
run_capture "$TOOL" update-nic "$id" --name eth2 --ip "10.$((o + 5)).0.2/24"
expect_output "update-nic --ip that takes the gateway off the subnet" 1 \
	"route default goes via 10\.$o\.2\.1"
check "refused: hook.json unchanged" cmp -s "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json" "$E2E_TMP/before.json"
check_eq "refused: addresses and routes unchanged" "$before" "$(in_ctr sh -c 'ip -o -4 addr; ip route')"

# --- remove-nic takes its routes with it ---
out=$("$TOOL" remove-nic "$id" --name eth2)
check_match "remove-nic eth2 names the default route that goes with it" \
	"route: \{dest:default,src:,gw:10\.$o\.2\.1,dev:\} done \(it depends on eth2\)" "$out"
check_match "remove-nic eth2 names the dev route that goes with it" \
	"route: \{dest:10\.$((o + 1))\.0\.0/16,src:,gw:,dev:eth2\} done \(it depends on eth2\)" "$out"
check_eq "no route over eth2 is saved" "" \
	"$("$TOOL" list-route "$id" | grep -e "10\.$o\.2\.1" -e eth2)"
e2e_restart "$id"
check "the restart after remove-nic succeeds ($(head -c 200 "$E2E_TMP/$id.err"))" \
	test -n "$(e2e_pid "$id" 2>/dev/null)"

# --- --update-config-only is honoured by remove-nic ---
check "remove-nic --update-config-only eth1" "$TOOL" remove-nic "$id" --name eth1 --update-config-only
check "the live eth1 is still in the container" in_ctr ip link show eth1
check "its host end l1_$s is still on the host" ip link show "l1_$s"
check_eq "eth1 and its routes are no longer saved" "" \
	"$("$TOOL" list "$id" --json | grep -e '"eth1"' -e "$v6:9::" -e "$v6:8::")"
e2e_restart "$id"
check_fails "after the restart eth1 is gone" in_ctr ip link show eth1

# --- update-nic --bridge: to another bridge, then off any ---
check "add-nic eth3 on $br" "$TOOL" add-nic "$id" --type veth --name "l3_$s:eth3" \
	--ip "10.$o.3.2/24" --bridge "$br"
check "add-route 10.$((o + 3)).0.0/16 dev eth3" "$TOOL" add-route "$id" --dest "10.$((o + 3)).0.0/16" --dev eth3
check "remove-route --update-config-only of it" "$TOOL" remove-route "$id" --dest "10.$((o + 3)).0.0/16" \
	--update-config-only
check_match "the live route stays" "10\.$((o + 3))\.0\.0/16 dev eth3" "$(in_ctr ip route)"
check_eq "the route is no longer saved" "" "$("$TOOL" list-route "$id" | grep "10\.$((o + 3))\.")"
check "update-nic --bridge $br2" "$TOOL" update-nic "$id" --name eth3 --bridge "$br2"
check_match "l3_$s is on $br2" "master $br2" "$(ip -o link show dev "l3_$s")"
check "update-nic --bridge '' takes eth3 off its bridge" "$TOOL" update-nic "$id" --name eth3 --bridge ""
check_fails "l3_$s has no master" sh -c "ip -o link show dev l3_$s | grep -q master"
check_match "the saved Bridge is empty" '"Bridge":""' "$("$TOOL" list-nic "$id" --filter '{"CtrNicName":"eth3"}')"
e2e_restart "$id"
check "after the restart l3_$s is back" ip link show "l3_$s"
check_fails "after the restart l3_$s is on no bridge" sh -c "ip -o link show dev l3_$s | grep -q master"

# --- an eth link goes back as it came ---
# veths stand in for physical NICs: pu$s up with its own MAC and MTU,
# pd$s down
ip link add "pu$s" mtu 1400 address 02:5c:aa:00:00:01 type veth peer name "pup$s"
ip link set "pu$s" up
ip link add "pd$s" mtu 1450 address 02:5c:aa:00:00:02 type veth peer name "pdp$s"
flags() { ip -o link show dev "$1" | sed -n 's/^[0-9]*: [^ ]* <\([^>]*\)>.*/\1/p' | tr , '\n' | grep -qx UP && echo up || echo down; }
lent() {
	check "add-nic eth pu$s as eth5 with another MAC and MTU" "$TOOL" add-nic "$id" --type eth \
		--name "pu$s:eth5" --ip "10.$o.5.2/24" --mac 02:5c:bb:00:00:01 --mtu 1300
	check "add-nic eth pd$s as eth6" "$TOOL" add-nic "$id" --type eth \
		--name "pd$s:eth6" --ip "10.$o.6.2/24" --mac 02:5c:bb:00:00:02 --mtu 1280
	check_match "eth5 has the container's MAC and MTU" "mtu 1300 .*link/ether 02:5c:bb:00:00:01" \
		"$(in_ctr ip -o link show dev eth5)"
}
given_back() {
	local when=$1
	check_match "$when: pu$s is back with its MAC and MTU" "mtu 1400 .*link/ether 02:5c:aa:00:00:01" \
		"$(ip -o link show dev "pu$s" 2>&1)"
	check_eq "$when: pu$s is up again" up "$(flags "pu$s")"
	check_match "$when: pd$s is back with its MAC and MTU" "mtu 1450 .*link/ether 02:5c:aa:00:00:02" \
		"$(ip -o link show dev "pd$s" 2>&1)"
	check_eq "$when: pd$s stays down" down "$(flags "pd$s")"
}
lent
check "remove-nic eth5" "$TOOL" remove-nic "$id" --name eth5
check "remove-nic eth6" "$TOOL" remove-nic "$id" --name eth6
given_back "after remove-nic"
lent
e2e_restart "$id"
check_match "after a restart eth5 is lent again, as saved" "mtu 1300 .*link/ether 02:5c:bb:00:00:01" \
	"$(in_ctr ip -o link show dev eth5 2>&1)"
e2e_stop "$id"
given_back "after the stop"
ip link del "pu$s"
ip link del "pd$s"
check_eq "after the stop: no host link of ours left but the bridges" "$br
$br2" "$(our_links)"
e2e_summary
