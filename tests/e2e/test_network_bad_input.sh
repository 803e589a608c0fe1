#!/bin/bash
# Bad input to the network commands, against a real running container that
# already has one veth nic and one route. Every refusal exits 2 (usage) or 1
# (runtime), prints one line on stderr and nothing on stdout, and changes
# nothing: hook.json, the container's links and routes, the host's links.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$
id=$(e2e_name netbad)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
E2E_CLEANUPS+=("ip link del taken$s" "ip link del nbr$s")
ip link add "taken$s" type veth peer name "takenp$s"
ip link add "nbr$s" type bridge
check "add-nic vs$s:eth1 10.231.0.2/24 mac 02:00:00:00:00:01" "$TOOL" add-nic "$id" \
	--type veth --name "vs$s:eth1" --ip 10.231.0.2/24 --mac 02:00:00:00:00:01
check "add-route 10.232.0.0/16 via 10.231.0.1" "$TOOL" add-route "$id" \
	--dest 10.232.0.0/16 --gw 10.231.0.1

store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
cp "$store" "$E2E_TMP/before.json"
ctr_view() { nsenter -t "$(e2e_pid "$id")" -n sh -c 'ip -o link; ip -o -4 addr; ip route'; }
# the links this test may make (others run tests at the same time)
host_view() { ip -o link | awk -F': ' '{print $2}' | grep -e "$s" -e "^${id:0:9}" | sort; }
ctr_before=$(ctr_view)
host_before=$(host_view)

# case RC PATTERN DESCRIPTION -- ARGS...
case_() {
	local rc=$1 pattern=$2 what=$3
	shift 4
	run_capture "$TOOL" "$@"
	expect_output "$what" "$rc" "$pattern"
	check "$what: hook.json unchanged" cmp -s "$store" "$E2E_TMP/before.json"
	check_eq "$what: container links, addresses, routes unchanged" "$ctr_before" "$(ctr_view)"
	check_eq "$what: host links unchanged" "$host_before" "$(host_view)"
}

nic=(add-nic "$id")
case_ 2 "required" "add-nic without --type" -- "${nic[@]}" --name eth2 --ip 10.231.0.3/24
case_ 2 "bogus" "add-nic --type bogus" -- "${nic[@]}" --type bogus --name eth2 --ip 10.231.0.3/24
case_ 2 "0123456789abcdef" "16-character name" -- "${nic[@]}" --type veth --name 0123456789abcdef --ip 10.231.0.3/24
case_ 2 "a:b:c" "name with two colons" -- "${nic[@]}" --type veth --name a:b:c --ip 10.231.0.3/24
case_ 2 "bad/name" "name with a slash" -- "${nic[@]}" --type veth --name bad/name --ip 10.231.0.3/24
case_ 2 "required" "add-nic without --ip" -- "${nic[@]}" --type veth --name eth2
case_ 2 "10.231.0.3" "ip without prefix" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3
case_ 2 "10.231.0.3/33" "prefix 33" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/33
case_ 2 "300.1.1.1" "address 300.1.1.1" -- "${nic[@]}" --type veth --name eth2 --ip 300.1.1.1/24
case_ 2 "zz:00" "mac zz:00:.." -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/24 --mac zz:00:00:00:00:01
case_ 2 "multicast" "multicast mac" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/24 --mac 01:00:00:00:00:01
case_ 2 "67" "mtu 67" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/24 --mtu 67
case_ 2 "65536" "mtu 65536" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/24 --mtu 65536
case_ 2 "abc" "mtu abc" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/24 --mtu abc
case_ 2 "-1" "qlen -1" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/24 --qlen -1
case_ 2 "host name" "eth without host name" -- "${nic[@]}" --type eth --name eth2 --ip 10.231.0.3/24
case_ 2 "bridge" "eth with a bridge" -- "${nic[@]}" --type eth --name "taken$s:eth2" --ip 10.231.0.3/24 --bridge "nbr$s"
case_ 2 "\\.\\./x" "container id ../x" -- add-nic ../x --type veth --name eth2 --ip 10.231.0.3/24
case_ 1 "taken$s" "veth host name taken on the host" -- "${nic[@]}" --type veth --name "taken$s:eth2" --ip 10.231.0.3/24
case_ 1 "nosuchbr" "bridge that does not exist" -- "${nic[@]}" --type veth --name "nv$s:eth2" --ip 10.231.0.3/24 --bridge nosuchbr
case_ 1 "nosuchnic" "eth host link that does not exist" -- "${nic[@]}" --type eth --name nosuchnic:eth2 --ip 10.231.0.3/24
case_ 1 "eth1" "container name already saved" -- "${nic[@]}" --type veth --name eth1 --ip 10.231.0.3/24
case_ 1 "10.231.0.2" "ip already saved" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.2/24
case_ 1 "02:00:00:00:00:01" "mac already saved" -- "${nic[@]}" --type veth --name eth2 --ip 10.231.0.3/24 --mac 02:00:00:00:00:01
case_ 1 "eth7" "remove-nic never added" -- remove-nic "$id" --name eth7
case_ 1 "eth7" "update-nic never added" -- update-nic "$id" --name eth7 --mtu 1400
case_ 2 "67" "update-nic mtu 67" -- update-nic "$id" --name eth1 --mtu 67
case_ 1 "taken$s is not a bridge" "add-nic --bridge of a link that is not a bridge" -- "${nic[@]}" --type veth --name "nv$s:eth2" --ip 10.231.0.3/24 --bridge "taken$s"
case_ 1 "taken$s is not a bridge" "update-nic --bridge of a link that is not a bridge" -- update-nic "$id" --name eth1 --bridge "taken$s"
case_ 1 "taken$s is not a bridge" "update-nic --bridge not a bridge, with a new ip: nothing changes" -- update-nic "$id" --name eth1 --bridge "taken$s" --ip 10.231.0.9/24
case_ 1 "nosuchbr" "update-nic --bridge that does not exist" -- update-nic "$id" --name eth1 --bridge nosuchbr
case_ 2 "bad/name" "update-nic --bridge bad/name" -- update-nic "$id" --name eth1 --bridge bad/name
case_ 1 "route 10.232.0.0/16 goes via 10.231.0.1" "update-nic --ip that takes a route's gateway off the subnet" -- update-nic "$id" --name eth1 --ip 10.240.0.2/24
case_ 2 "allow-shared-netns" "remove-route --allow-shared-netns" -- remove-route "$id" --dest 10.232.0.0/16 --allow-shared-netns
case_ 2 "mtu" "remove-nic --mtu" -- remove-nic "$id" --name eth1 --mtu 1400
case_ 2 "update-config-only" "list-nic --update-config-only" -- list-nic "$id" --update-config-only
case_ 2 "type" "update-nic --type" -- update-nic "$id" --name eth1 --type eth
case_ 1 "nosuchcontainer is unknown" "unknown container" -- add-nic nosuchcontainer --type veth --name eth2 --ip 10.231.0.3/24

rt_=(add-route "$id")
case_ 2 "JSON" "routes not JSON" -- "${rt_[@]}" '[{"dest":'
case_ 2 "array" "routes not an array" -- "${rt_[@]}" '{"dest":"default"}'
case_ 2 "no route" "empty array" -- "${rt_[@]}" '[]'
case_ 2 "metric" "unknown member" -- "${rt_[@]}" '[{"dest":"default","gw":"10.231.0.1","metric":"5"}]'
case_ 2 "10.0.0.0/99" "dest 10.0.0.0/99" -- "${rt_[@]}" --dest 10.0.0.0/99 --gw 10.231.0.1
case_ 2 "gw" "gw not an address" -- "${rt_[@]}" --dest default --gw nowhere
case_ 2 "famil" "mixed families" -- "${rt_[@]}" --dest 10.9.0.0/16 --gw fd00::1
case_ 2 "gw or a dev" "neither gw nor dev" -- "${rt_[@]}" --dest 10.9.0.0/16
case_ 2 "either" "JSON and flags together" -- "${rt_[@]}" '[{"dest":"default","gw":"10.231.0.1"}]' --dev eth1
case_ 1 "already" "route already saved" -- "${rt_[@]}" --dest 10.232.0.0/16 --gw 10.231.0.1
case_ 1 "eth9" "dev that the container does not have" -- "${rt_[@]}" --dest 10.9.0.0/16 --dev eth9
case_ 1 "10.77.0.0/16" "remove-route never added" -- remove-route "$id" --dest 10.77.0.0/16
case_ 2 "filter" "list-nic with a bad filter" -- list-nic "$id" --filter '[1]'
e2e_summary
