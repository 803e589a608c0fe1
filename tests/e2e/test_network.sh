#!/bin/bash
# Network interfaces and routes on a real container: veth on a bridge with
# IP, MAC and MTU; routes; an eth link moved in and given back; all of it
# recreated at restart, cleaned at stop, and undone when a start fails.
. "$(dirname "$0")/lib.sh"
e2e_require_root

s=$$                            # keeps interface names under 15 characters
br=schbr$s
net=10.$((200 + s % 50)).$((s % 250)).0
gw=${net%.0}.1
ctr_ip=${net%.0}.2
mac=02:5c:00:00:00:0a
# veth host names made up from the container id start with its first 9 characters
E2E_TAG_PREFIX=$(e2e_name x | cut -c1-9)
# only what this test may have made counts: others run tests at the same time
our_links() { ip -o link show | awk -F': ' '{print $2}' | grep -e "$s" -e "^${E2E_TAG_PREFIX}" | sort; }
our_mounts() { grep -c "$E2E_TMP" /proc/self/mountinfo; }
links_before=$(our_links)
mounts_before=$(our_mounts)
E2E_CLEANUPS+=("ip link del ph$s" "ip link del taken$s")

e2e_bridge "$br" "$gw/24"

id=$(e2e_name net)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
in_ctr() { nsenter -t "$(e2e_pid "$id")" -n "$@"; }

check "add-nic veth with ip, mac, mtu, bridge" "$TOOL" add-nic "$id" --type veth \
	--name "vh$s:eth1" --ip "$ctr_ip/24" --mac "$mac" --mtu 1400 --bridge "$br"

expect_nic() {
	local when=$1 link
	link=$(in_ctr ip -o link show dev eth1 2>&1)
	check_match "$when: eth1 in the container is up with mtu 1400" "mtu 1400 .*state (UP|UNKNOWN)|<[^>]*UP[^>]*> mtu 1400" "$link"
	check_match "$when: eth1 has mac $mac" "link/ether $mac" "$link"
	check_match "$when: eth1 has $ctr_ip/24" "inet $ctr_ip/24" "$(in_ctr ip -o -4 addr show dev eth1)"
	check_match "$when: host end vh$s is on $br" "vh$s" "$(ip -o link show master "$br")"
	check "$when: the host reaches the container over the bridge" busybox ping -c 1 -W 2 "$ctr_ip"
}
expect_nic "live"

check "add-route, JSON form: a subnet via the gateway" "$TOOL" add-route "$id" \
	"[{\"dest\":\"10.99.$((s % 250)).0/24\",\"gw\":\"$gw\",\"dev\":\"eth1\"}]"
check "add-route, flag form: the default route" "$TOOL" add-route "$id" --dest default --gw "$gw"

expect_routes() {
	local when=$1 table
	table=$(in_ctr ip route)
	check_match "$when: subnet route present" "10.99.$((s % 250)).0/24 via $gw dev eth1" "$table"
	check_match "$when: default route present" "default via $gw" "$table"
}
expect_routes "live"

check_match "list-nic shows the interface" "\"CtrNicName\":\"eth1\"" "$("$TOOL" list-nic "$id")"
check_match "list-route --filter finds the default route" "\"gw\":\"$gw\"" \
	"$("$TOOL" list-route "$id" --filter '{"dest":"default"}')"

e2e_restart "$id"
check "restarted" test -n "$(e2e_pid "$id")"
expect_nic "after restart"
expect_routes "after restart"

# an existing host link stands in for a physical NIC
ip link add "ph$s" type veth peer name "php$s"
check "add-nic eth moves ph$s into the container as eth5" "$TOOL" add-nic "$id" --type eth \
	--name "ph$s:eth5" --ip "${net%.0}.77/24"
check_fails "ph$s is no longer on the host" ip link show "ph$s"
check_match "eth5 in the container has its address" "inet ${net%.0}.77/24" \
	"$(in_ctr ip -o -4 addr show dev eth5)"

check "update-nic changes mtu and ip live" "$TOOL" update-nic "$id" --name eth5 --mtu 1300 \
	--ip "${net%.0}.78/24"
check_match "eth5 now has mtu 1300" "mtu 1300" "$(in_ctr ip -o link show dev eth5)"
check_match "eth5 now has the new address" "inet ${net%.0}.78/24" \
	"$(in_ctr ip -o -4 addr show dev eth5)"

# IPv6, and a veth whose host name is made up from the container id
check "add-nic veth with an IPv6 address and no host name" "$TOOL" add-nic "$id" --type veth \
	--name eth6 --ip fd00:$((s % 9999))::2/64
check_match "eth6 has its IPv6 address" "inet6 fd00:$((s % 9999))::2/64" \
	"$(in_ctr ip -o -6 addr show dev eth6)"
eth6_host=$("$TOOL" list-nic "$id" --filter '{"CtrNicName":"eth6"}' | jq -r '.[0].HostNicName')
check_match "the host name is the original tool's veth + 10 lowercase hex" "^veth[0-9a-f]{10}$" \
	"$eth6_host"
check_match "the host has that link, the peer of eth6" "^[0-9]+: $eth6_host@" \
	"$(ip -o link show dev "$eth6_host" 2>&1)"
check "add-route of an IPv6 subnet on eth6" "$TOOL" add-route "$id" --dest fd01::/64 --dev eth6
check_match "the IPv6 route is in the container" "fd01::/64 dev eth6" "$(in_ctr ip -6 route)"
check_match "remove-nic eth6 removes the route over it too, and names it" \
	"Remove route from container $id, route: \\{dest:fd01::/64,.*dev:eth6\\} done \\(it depends on eth6\\)" \
	"$("$TOOL" remove-nic "$id" --name eth6)"
check_fails "the route over eth6 is no longer saved" sh -c "'$TOOL' list-route '$id' | grep -q fd01"

e2e_stop "$id"
# poststop again, as after a crash or a runtime retry: quiet success
state=$(jq -nc --arg id "$id" --arg b "$(e2e_bundle_dir "$id")" '{ociVersion:"1.0.2",id:$id,bundle:$b,status:"stopped"}')
check_eq "a second poststop succeeds quietly" "0:" \
	"$(echo "$state" | "$HOOK" --state poststop --log "$HOOK_LOG" 2>&1; echo "$?:")"
check "after stop: ph$s is back on the host under its name" ip link show "ph$s"
check_fails "after stop: no host end vh$s left" ip link show "vh$s"
check_eq "after stop: no netns pin left" "" "$(ls "$SYSCONTAINER_HOOKS_RUNDIR/$id" 2>/dev/null)"

e2e_run "$id"
check "restart: eth5 is moved in again" in_ctr ip link show eth5
check "remove-nic of eth5 gives ph$s back" "$TOOL" remove-nic "$id" --name "ph$s:eth5"
check "ph$s is on the host again" ip link show "ph$s"
check "remove-route of the default route" "$TOOL" remove-route "$id" --dest default
check_fails "default route gone from the container" sh -c "nsenter -t $(e2e_pid "$id") -n ip route | grep -q default"
check "remove-route of the subnet route (JSON filter)" "$TOOL" remove-route "$id" \
	"[{\"dest\":\"10.99.$((s % 250)).0/24\"}]"
check "remove-nic of eth1" "$TOOL" remove-nic "$id" --name eth1
check_fails "vh$s gone from the host" ip link show "vh$s"
e2e_restart "$id"
check_fails "after restart: eth1 not recreated" in_ctr ip link show eth1
check_fails "after restart: no route via $gw" sh -c "nsenter -t $(e2e_pid "$id") -n ip route | grep -q $gw"

# a start that fails midway leaves nothing behind
check "save two veth nics (config only)" sh -c "
	'$TOOL' add-nic --update-config-only '$id' --type veth --name ok$s:eth2 --ip ${net%.0}.12/24 &&
	'$TOOL' add-nic --update-config-only '$id' --type veth --name taken$s:eth3 --ip ${net%.0}.13/24"
e2e_stop "$id"
ip link add "taken$s" type veth peer name "takenp$s"
check_fails "start fails: the second nic's host name is taken" e2e_run "$id"
check_match "the runtime shows our one-line error" "syscontainer-hooks: prestart $id: .*taken$s" \
	"$(cat "$E2E_TMP/$id.err")"
check_fails "the first nic's host end ok$s was removed again" ip link show "ok$s"
rt delete -f "$id" >/dev/null 2>&1
ip link del "taken$s"

# the network comes up, then the device pass fails: the prestart hook
# undoes the network itself (the bundle has no poststop hook for this start,
# as with a runtime that runs none after a failed start)
check "save a device under /mnt/bad$s (config only)" \
	"$TOOL" add-device --update-config-only "$id" "/dev/zero:/mnt/bad$s/zero"
ln -s /etc "$(e2e_bundle_dir "$id")/rootfs/mnt/bad$s"
cfg=$(e2e_bundle_dir "$id")/config.json
cp "$cfg" "$cfg.keep"
jq 'del(.hooks.poststop)' "$cfg.keep" >"$cfg"
check_fails "start fails: /mnt/bad$s is a symlink" e2e_run "$id"
check_match "the runtime shows our one-line error" \
	"syscontainer-hooks: prestart $id: /mnt/bad$s is a symlink" "$(cat "$E2E_TMP/$id.err")"
check_fails "the veth host end ok$s is gone again" ip link show "ok$s"
check_fails "the veth host end taken$s is gone again" ip link show "taken$s"
check_fails "no netns pin is left" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id/netns"
rt delete -f "$id" >/dev/null 2>&1
mv "$cfg.keep" "$cfg"
rm "$(e2e_bundle_dir "$id")/rootfs/mnt/bad$s"
ip link del "ph$s"
ip link del "$br"
check_eq "no interface leaked on the host" "$links_before" "$(our_links)"
check_eq "no mount leaked on the host" "$mounts_before" "$(our_mounts)"
e2e_summary
