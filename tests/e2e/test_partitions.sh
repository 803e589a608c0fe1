#!/bin/bash
# Partition following on a loop device with a partition table: the disk's
# partitions come with it, one udev rule follows it, the rule's command
# adds and removes a partition as udev would run it, and poststop removes
# the rule.
. "$(dirname "$0")/lib.sh"
e2e_require_root

img=$E2E_TMP/disk.img
truncate -s 32M "$img"
printf 'label: dos\n,8M\n,8M\n' | sfdisk -q "$img" >/dev/null
loop=$(losetup --find --show --partscan "$img")
kname=${loop#/dev/}
# kernels without partition table parsers: add them with BLKPG
[ -b "${loop}p1" ] || partx -a "$loop" >/dev/null 2>&1
check "loop disk $loop has partitions p1 and p2" test -b "${loop}p1" -a -b "${loop}p2"
rules=$SYSCONTAINER_HOOKS_UDEV_RULES

id=$(e2e_name part)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
check "add-device --follow-partition" "$TOOL" add-device --follow-partition "$id" "$loop:/dev/disk1"
for n in "" p1 p2; do
	check_eq "/dev/disk1$n in the container has the numbers of ${loop}$n" \
		"$(stat -c '%t:%T' "${loop}$n")" "$(e2e_exec "$id" stat -c '%t:%T' "/dev/disk1$n" 2>&1)"
done
check_match "list-device hides the partitions" '^\[\{[^]]*"PathInContainer":"/dev/disk1"[^]]*\}\]$' \
	"$("$TOOL" list-device "$id")"
check_match "list-device --sub-partition shows them" '"Parent":"'"$loop"'"' \
	"$("$TOOL" list-device --sub-partition "$id")"

rule_count() { grep -c "KERNELS==\"$kname\", .* $id " "$rules" 2>/dev/null; }
check_eq "exactly one rule for the disk and the container" 1 "$(rule_count)"
check_match "the rule matches the disk's partitions exactly" \
	"SUBSYSTEM==\"block\", ENV\{DEVTYPE\}==\"partition\", ACTION==\"add\|remove\", KERNELS==\"$kname\"" \
	"$(cat "$rules")"

# run the rule's command as udev does for a new partition p3
printf ',8M\n' | sfdisk -q --append "$loop" >/dev/null 2>&1
partx -a "$loop" >/dev/null 2>&1
check "a third partition appeared on the host" test -b "${loop}p3"
run=$(sed -n 's/.*RUN+="\(.*\)"$/\1/p' "$rules" | grep " $id ")
udev_run() {  # udev_run ACTION KERNEL: the rule's command with udev's substitutions
	local cmd=${run//\$env\{ACTION\}/$1}
	cmd=${cmd//\$kernel/$2}
	eval "$cmd"
}
check "the rule's command with add ${kname}p3" udev_run add "${kname}p3"
check_eq "/dev/disk1p3 appeared in the container" \
	"$(stat -c '%t:%T' "${loop}p3")" "$(e2e_exec "$id" stat -c '%t:%T' /dev/disk1p3 2>&1)"
check "the same add again is harmless" udev_run add "${kname}p3"
check "the rule's command with remove ${kname}p3" udev_run remove "${kname}p3"
check_fails "/dev/disk1p3 is gone from the container" e2e_exec "$id" test -e /dev/disk1p3
check "the same remove again is harmless" udev_run remove "${kname}p3"

e2e_restart "$id"
check "after restart: /dev/disk1p2 is back" e2e_exec "$id" test -b /dev/disk1p2
check_eq "after restart: still exactly one rule" 1 "$(rule_count)"

e2e_stop "$id"
check_eq "poststop removed the container's rule" 0 "$(rule_count)"

e2e_run "$id"
check_eq "the next start writes it again" 1 "$(rule_count)"
check "remove-device --follow-partition" "$TOOL" remove-device --follow-partition "$id" "$loop:/dev/disk1"
check_fails "the partitions went with the disk" e2e_exec "$id" test -e /dev/disk1p1
check_eq "and the rule with it" 0 "$(rule_count)"
check_eq "nothing left saved" 0 "$(jq '.deviceToAdd | length' "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json")"

check_match "--follow-partition on a partition is refused" "not a whole disk" \
	"$("$TOOL" add-device --follow-partition "$id" "${loop}p1:/dev/x" 2>&1)"
check_match "--follow-partition on a char device is refused" "not a block device" \
	"$("$TOOL" add-device --follow-partition "$id" /dev/zero:/dev/x 2>&1)"
e2e_stop "$id"
losetup -d "$loop"
e2e_summary
