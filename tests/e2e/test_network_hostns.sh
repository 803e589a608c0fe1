#!/bin/bash
# A container that shares its runtime's network namespace (no "network"
# entry in linux.namespaces, like --net=host) never gets interfaces or
# routes: the CLI refuses, the hook skips what is saved. One that joins
# another namespace by path gets them only with --allow-shared-netns, and
# only for that path. The runtime, the hook and the CLI all run inside a
# throw-away network namespace that stands in for the host's: nothing here
# reaches the real host's network.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$
o=$((s % 200 + 20))
hostns=schhn$s                  # stands in for the host's namespace
otherns=schho$s                 # another container's namespace
thirdns=schht$s
for n in "$hostns" "$otherns" "$thirdns"; do
	ip netns add "$n" || exit 1
	E2E_CLEANUPS+=("ip netns del $n")
done
# the containers go before their namespaces (cleanups run in order)
E2E_CLEANUPS=("for c in \${E2E_CONTAINERS[@]}; do runc delete -f \$c; done" "${E2E_CLEANUPS[@]}")
on_host() { nsenter --net="/run/netns/$hostns" "$@"; }
real_host_links=$(ip -o link show | awk -F': ' '{print $2}' | grep -c "$s")

# the stand-in host: lo, a "physical" NIC with an address, a default route
on_host ip link set lo up
on_host ip link add "hx$s" type veth peer name "hxp$s"
on_host ip addr add "10.$o.0.1/24" dev "hx$s"
on_host ip link set "hx$s" up
on_host ip link set "hxp$s" up
on_host ip route add default via "10.$o.0.254"
# (an IPv6 link-local address stops being "tentative" on its own)
host_view() { on_host sh -c 'ip -o link | sed "s/^[0-9]*: //; s/ .*//"; ip -o addr | sed "s/^[0-9]*: //; s/ tentative//"; ip route'; }
view_before=$(host_view)

# set_netns ID none|PATH: no network namespace entry, or one with a path
set_netns() {
	local c
	c=$(e2e_bundle_dir "$1")/config.json
	jq --arg p "$2" '.linux.namespaces |= (map(select(.type != "network")) +
		(if $p == "none" then [] else [{type: "network", path: $p}] end))' "$c" >"$c.new" &&
		mv "$c.new" "$c"
}
bundle_netns() { e2e_bundle "$1" && set_netns "$1" "$2"; }
# the runtime runs in the stand-in host's namespace, and so do its hooks
run_on_host() {
	E2E_CONTAINERS+=("$1")
	(cd "$(e2e_bundle_dir "$1")" && on_host runc run -d "$1" </dev/null >/dev/null 2>"$E2E_TMP/$1.err")
}
stop_on_host() {
	local i
	on_host runc kill "$1" KILL >/dev/null 2>&1
	for i in $(seq 50); do
		runc state "$1" 2>/dev/null | grep -q '"status": "stopped"' && break
		sleep 0.1
	done
	on_host runc delete "$1" >/dev/null 2>&1 || on_host runc delete -f "$1" >/dev/null 2>&1
}
netns_of() { stat -L -c %i "/proc/$(e2e_pid "$1")/ns/net"; }
store() { echo "$SYSCONTAINER_HOOKS_ROOT/$1/hook.json"; }
snapshot() { cat "$(store "$1")" 2>/dev/null; }

# --- the host's namespace ---
id=$(e2e_name hostnet)
bundle_netns "$id" none
check "a container without a network namespace starts" run_on_host "$id"
check_eq "it runs in the stand-in host's namespace" "$(stat -L -c %i "/run/netns/$hostns")" "$(netns_of "$id")"
saved=$(snapshot "$id")
refused() {  # refused DESC ARGS...: one line, exit 1, nothing changed
	local what=$1
	shift
	run_capture on_host "$TOOL" "$@"
	expect_output "$what" 1 "shares the host's network namespace"
	check_eq "$what: the host's links, addresses and routes unchanged" "$view_before" "$(host_view)"
	check_eq "$what: saved state unchanged" "$saved" "$(snapshot "$id")"
}
refused "add-nic veth" add-nic "$id" --type veth --name "hv$s:eth1" --ip "10.$o.1.2/24"
refused "add-nic --type eth of the host's NIC" add-nic "$id" --type eth --name "hx$s:eth5" \
	--ip "10.$o.5.2/24"
refused "add-route default" add-route "$id" --dest default --gw "10.$o.0.9"
refused "add-route default --dev" add-route "$id" --dest default --gw "10.$o.0.9" --dev "hx$s"
refused "add-nic --update-config-only" add-nic "$id" --update-config-only --type veth \
	--name "hv$s:eth1" --ip "10.$o.1.2/24"
refused "add-nic --allow-shared-netns (no consent opens the host's)" add-nic "$id" \
	--allow-shared-netns --type veth --name "hv$s:eth1" --ip "10.$o.1.2/24"
refused "add-route --allow-shared-netns" add-route "$id" --allow-shared-netns --dest default \
	--gw "10.$o.0.9"

# saved while it is stopped (as by an older version, or import): the hook
# skips all of it at the next start, and says so in its log
stop_on_host "$id"
check "save a veth, an eth of the host's NIC and a default route while stopped" sh -c "
	'$TOOL' add-nic '$id' --update-config-only --type veth --name hv$s:eth1 --ip 10.$o.1.2/24 &&
	'$TOOL' add-nic '$id' --update-config-only --type eth --name hx$s:eth5 --ip 10.$o.5.2/24 &&
	'$TOOL' add-route '$id' --update-config-only --dest default --gw 10.$o.1.1 --dev eth1"
for round in 1 2; do
	check "start $round with network saved succeeds ($(head -c 200 "$E2E_TMP/$id.err"))" run_on_host "$id"
	check_eq "start $round: the host's links, addresses and routes unchanged" "$view_before" "$(host_view)"
	check_match "start $round: the hook log says why nothing was applied" \
		"$id: prestart: 2 saved interface\(s\) and 1 route\(s\) not applied: container $id shares the host's network namespace" \
		"$(cat "$HOOK_LOG")"
	stop_on_host "$id"
	check_eq "stop $round: the host's links, addresses and routes unchanged" "$view_before" "$(host_view)"
	check_fails "stop $round: the poststop hook logs no error" grep -q "error: .*$id" "$HOOK_LOG"
done
run_on_host "$id"
check "remove-nic of a saved veth changes only the saved state" on_host "$TOOL" remove-nic "$id" --name eth1
check "remove-nic of the saved eth changes only the saved state" on_host "$TOOL" remove-nic "$id" --name eth5
check_eq "the host's links, addresses and routes unchanged after the removals" "$view_before" "$(host_view)"
stop_on_host "$id"

# --- another namespace, joined by path ---
id=$(e2e_name joins)
bundle_netns "$id" "/run/netns/$otherns"
check "a container joining $otherns starts" run_on_host "$id"
check_eq "it runs in $otherns" "$(stat -L -c %i "/run/netns/$otherns")" "$(netns_of "$id")"
saved=$(snapshot "$id")
run_capture on_host "$TOOL" add-nic "$id" --type veth --name "jv$s:eth1" --ip "10.$o.7.2/24"
expect_output "add-nic into a joined namespace without consent" 1 \
	"joins the network namespace /run/netns/$otherns, which is not its own.*--allow-shared-netns"
check_eq "refused: saved state unchanged" "$saved" "$(snapshot "$id")"
check_eq "refused: the host's links unchanged" "$view_before" "$(host_view)"
check_eq "refused: no link added to $otherns" "lo" "$(ip -n "$otherns" -o link | sed 's/^[0-9]*: //; s/[:@].*//')"
run_capture on_host "$TOOL" add-route "$id" --dest "10.$((o + 1)).0.0/16" --dev lo
expect_output "add-route into a joined namespace without consent" 1 "--allow-shared-netns"
check "add-nic --allow-shared-netns" on_host "$TOOL" add-nic "$id" --allow-shared-netns \
	--type veth --name "jv$s:eth1" --ip "10.$o.7.2/24"
check_match "the consent is saved as the path" "\"networkSharedNamespace\":\"/run/netns/$otherns\"" \
	"$(snapshot "$id")"
check "eth1 is in $otherns" ip -n "$otherns" link show eth1
check "later commands need no flag again: add-route" on_host "$TOOL" add-route "$id" \
	--dest "10.$((o + 1)).0.0/16" --dev eth1
for round in 1 2; do
	stop_on_host "$id"
	check_fails "stop $round: eth1 is taken out of $otherns, which outlives the container" \
		ip -n "$otherns" link show eth1
	check "restart $round with consent ($(head -c 200 "$E2E_TMP/$id.err"))" run_on_host "$id"
	check_match "restart $round: eth1 has its address in $otherns" "inet 10\.$o\.7\.2/24" \
		"$(ip -n "$otherns" -o -4 addr show dev eth1 2>&1)"
	check_match "restart $round: the route is in $otherns" "10\.$((o + 1))\.0\.0/16 dev eth1" \
		"$(ip -n "$otherns" route)"
done
# the bundle now points at another namespace: the consent does not carry over
stop_on_host "$id"
set_netns "$id" "/run/netns/$thirdns"
check "start joining $thirdns instead succeeds" run_on_host "$id"
check_eq "nothing was added to $thirdns" "lo" "$(ip -n "$thirdns" -o link | sed 's/^[0-9]*: //; s/[:@].*//')"
check_match "the hook log names the path that was allowed" \
	"joins the network namespace /run/netns/$thirdns, not /run/netns/$otherns that was allowed" \
	"$(cat "$HOOK_LOG")"
stop_on_host "$id"
check_eq "the stand-in host ends as it began" "$view_before" "$(host_view)"
check_eq "nothing of ours ever reached the real host's namespace" "$real_host_links" \
	"$(ip -o link show | awk -F': ' '{print $2}' | grep -c "$s")"
e2e_summary
