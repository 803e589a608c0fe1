#!/bin/bash
# Restart soak: one container with 4 devices (one a disk whose partitions
# a udev rule follows), 2 paths, 2 nics and 3 routes restarted SOAK_ROUNDS
# times (20 by default; the long form is 200). Every start has everything,
# and one rule for the disk; at the end nothing this test made is left on
# the host: interfaces, mounts, netns pins, udev rules, runtime records;
# and the container's init holds the same open files at every start
# (nothing of the hook leaks in).
. "$(dirname "$0")/lib.sh"
e2e_require_root
ROUNDS=${SOAK_ROUNDS:-20}
s=$$
br=sbr$s
ours="^(sa|sb|sbr)$s\$"   # the interfaces this test makes on the host
e2e_bridge "$br" "10.240.$((s % 250)).1/24"

id=$(e2e_name soak)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
loop=$(e2e_part_disk 24M)
rules=$SYSCONTAINER_HOOKS_UDEV_RULES
mkdir -p "$E2E_TMP/p1" "$E2E_TMP/p2"
echo one >"$E2E_TMP/p1/f"
echo two >"$E2E_TMP/p2/f"
net=10.240.$((s % 250))
check "4 devices" sh -c "'$TOOL' add-device '$id' /dev/zero:/dev/s-zero /dev/null:/dev/s-null \
	/dev/full:/dev/s-full && '$TOOL' add-device --follow-partition '$id' '$loop:/dev/s-disk'"
check "2 paths" "$TOOL" add-path "$id" "$E2E_TMP/p1:/mnt/p1:ro" "$E2E_TMP/p2:/mnt/p2"
check "2 nics" sh -c "'$TOOL' add-nic '$id' --type veth --name sa$s:eth1 --ip $net.2/24 --bridge $br &&
	'$TOOL' add-nic '$id' --type veth --name sb$s:eth2 --ip 10.241.$((s % 250)).2/24"
check "3 routes" "$TOOL" add-route "$id" "[{\"dest\":\"default\",\"gw\":\"$net.1\"},
	{\"dest\":\"10.99.1.0/24\",\"dev\":\"eth2\"},{\"dest\":\"10.99.2.0/24\",\"gw\":\"$net.1\",\"dev\":\"eth1\"}]"

rule_count() { if [ -e "$rules" ]; then grep -c " $id " "$rules"; else echo 0; fi; }
check_eq "one udev rule follows the disk" 1 "$(rule_count)"

everything() {  # the whole set, seen from inside and from the host
	local pid
	pid=$(e2e_pid "$id")
	[ "$(rule_count)" = 1 ] &&
	e2e_exec "$id" sh -c 'test -c /dev/s-zero && test -c /dev/s-null && test -c /dev/s-full &&
		test -b /dev/s-disk && test -b /dev/s-diskp1 && test -b /dev/s-diskp2 &&
		test "$(cat /mnt/p1/f /mnt/p2/f)" = "one
two"' &&
	nsenter -t "$pid" -n ip -o -4 addr show dev eth1 | grep -q "$net.2/24" &&
	nsenter -t "$pid" -n ip -o link show dev eth2 >/dev/null &&
	[ "$(nsenter -t "$pid" -n ip route | grep -c 'default via\|10.99.1.0/24\|10.99.2.0/24')" = 3 ] &&
	ip -o link show master "$br" | grep -q "sa$s"
}
check "everything is there before the restarts" everything
fds_first=$(ls "/proc/$(e2e_pid "$id")/fd" | wc -l)
bad=0 fd_changes=0
t0=$(date +%s%N)
for i in $(seq "$ROUNDS"); do
	e2e_restart "$id"
	everything || { bad=$((bad + 1)); echo "# round $i: incomplete"; }
	[ "$(ls "/proc/$(e2e_pid "$id")/fd" | wc -l)" = "$fds_first" ] || fd_changes=$((fd_changes + 1))
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_eq "$ROUNDS restarts: everything there every time" 0 "$bad"
check_eq "the container's init holds the same open files every time" 0 "$fd_changes"
echo "# $ROUNDS restarts in $ms ms ($((ms / ROUNDS)) ms each, stop + start)"

e2e_stop "$id"
ip link del "$br"
check_eq "no interface left on the host" "" "$(e2e_links "$ours")"
check_eq "no mount left on the host" "" "$(e2e_mounts)"
check_eq "no runtime record, netns pin or lock left" "" \
	"$(cd "$SYSCONTAINER_HOOKS_RUNDIR" 2>/dev/null && find . -mindepth 1 ! -name .locks)"
check_eq "no udev rule left" 0 "$(rule_count)"
e2e_summary
