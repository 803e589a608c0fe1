#!/bin/bash
# poststop cleans up from the runtime record alone: with hook.json made
# unreadable while the container runs (a hand edit), the stop still takes
# down every veth (one made at prestart, one added live), gives a lent eth
# link back, drops the namespace pin and the record; once hook.json is
# repaired the container starts again with all of it.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$
br=schpr$s
E2E_CLEANUPS+=("ip link del pe$s")
e2e_bridge_net "$br" 100
# an existing host link stands in for a physical NIC
ip link add "pe$s" type veth peer name "pep$s"

id=$(e2e_name prec)
run=$SYSCONTAINER_HOOKS_RUNDIR/$id
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
e2e_bundle "$id"
check "container starts" e2e_run "$id"
check "add-nic veth on $br" "$TOOL" add-nic "$id" --type veth --name "pa$s:eth1" \
	--ip "${net%.0}.2/24" --bridge "$br"
e2e_restart "$id"
check "restarted: eth1 comes from prestart" test -n "$(e2e_pid "$id")"
check "add-nic a second veth live" "$TOOL" add-nic "$id" --type veth --name "pb$s:eth2" \
	--ip "10.$((60 + s % 50)).$((s % 250)).2/24"
check "add-nic eth lends pe$s" "$TOOL" add-nic "$id" --type eth --name "pe$s:eth5" \
	--ip "${net%.0}.5/24"
check_eq "the record lists the three interfaces" "eth1 eth2 eth5" \
	"$(jq -r '[.networkInterfaces[].CtrNicName] | join(" ")' "$run/record.json")"
check "the namespace is pinned" test -e "$run/netns"

cp "$store" "$E2E_TMP/hook.json.good"
printf '{"deviceToAdd": [' >"$store"
check_fails "hook.json is now unreadable (list fails)" "$TOOL" list "$id"
: >"$HOOK_LOG"
e2e_stop "$id"
check_fails "after the stop: no host end pa$s" ip link show "pa$s"
check_fails "after the stop: no host end pb$s" ip link show "pb$s"
check "after the stop: pe$s is back on the host" ip link show "pe$s"
check_fails "after the stop: no pin, no record" test -e "$run"
check_match "poststop says it cleaned up" "$id: poststop: cleaned up" "$(cat "$HOOK_LOG")"
check_eq "poststop logged no error" "" "$(grep -E "error: $id" "$HOOK_LOG")"

check_fails "a start with hook.json unreadable fails" e2e_run "$id"
check_match "and says which file is corrupt" "corrupt state file $store" "$(cat "$E2E_TMP/$id.err")"
rt delete -f "$id" >/dev/null 2>&1
check_fails "the failed start left no host end pa$s" ip link show "pa$s"
check "the failed start left pe$s on the host" ip link show "pe$s"

cp "$E2E_TMP/hook.json.good" "$store"
check "repaired: the container starts" e2e_run "$id"
check_eq "repaired: the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
pid=$(e2e_pid "$id")
for ifc in eth1 eth2 eth5; do
	check "repaired: $ifc is in the container" nsenter -t "$pid" -n ip link show "$ifc"
done
e2e_stop "$id"
check_fails "after the last stop: no host end pa$s" ip link show "pa$s"
check "after the last stop: pe$s is back" ip link show "pe$s"
check_fails "after the last stop: no pin, no record" test -e "$run"

e2e_summary
