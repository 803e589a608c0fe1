#!/bin/bash
# Partition following on a loop device with a partition table: the disk's
# partitions come with it, one udev rule follows it, the rule's command
# adds and removes a partition as udev would run it, and poststop removes
# the rule.
. "$(dirname "$0")/lib.sh"
e2e_require_root

loop=$(e2e_part_disk 32M)
kname=${loop#/dev/}
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

# the file goes when its last rule goes
rule_count() {
	if [ -e "$rules" ]; then grep -c "KERNELS==\"$kname\", .* $id " "$rules"; else echo 0; fi
}
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
check_eq "nothing left saved: nothing of it in the store" "" "$(ls -A "$SYSCONTAINER_HOOKS_ROOT/$id" 2>/dev/null)"

check_match "--follow-partition on a partition is refused" "not a whole disk" \
	"$("$TOOL" add-device --follow-partition "$id" "${loop}p1:/dev/x" 2>&1)"
check_match "--follow-partition on a char device is refused" "not a block device" \
	"$("$TOOL" add-device --follow-partition "$id" /dev/zero:/dev/x 2>&1)"
check_match "add-device --help names --follow-partition" "--follow-partition +each HOSTDEV" \
	"$("$TOOL" add-device --help)"
check_match "remove-device --help names --follow-partition" "--follow-partition +the partitions" \
	"$("$TOOL" remove-device --help)"

# a store or log path that cannot go into a rule is refused before anything
# is saved: udevd would split it, or expand $ and %
for bad in "$E2E_TMP/st ore" "$E2E_TMP/a\"b" "$E2E_TMP/a\$kernel" "$E2E_TMP/a%k" "$E2E_TMP/a'b"; do
	before=$(cat "$rules" 2>/dev/null)
	run_capture "$TOOL" --root "$bad" add-device --follow-partition "$id" "$loop:/dev/disk9"
	expect_output "--root '$bad' with --follow-partition" 1 "cannot go into a udev rule"
	check_eq "--root '$bad': rules unchanged" "$before" "$(cat "$rules" 2>/dev/null)"
	check_fails "--root '$bad': no store made" test -e "$bad"
	run_capture "$TOOL" --log "$bad" add-device --follow-partition "$id" "$loop:/dev/disk9"
	expect_output "--log '$bad' with --follow-partition" 1 "cannot go into a udev rule"
done
check_fails "nothing saved at /dev/disk9" grep -q /dev/disk9 "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"

# A disk removed without --follow-partition leaves its partitions saved:
# list-device shows them (they have no disk to be listed under).
"$TOOL" add-device --follow-partition "$id" "$loop:/dev/disk1" >/dev/null
"$TOOL" remove-device "$id" "$loop:/dev/disk1" >/dev/null
check_match "list-device shows partitions whose disk is no longer saved" \
	'"PathInContainer":"/dev/disk1p1".*"PathInContainer":"/dev/disk1p2"' "$("$TOOL" list-device "$id")"
e2e_restart "$id"
check "after restart: such a partition, still on its disk, is applied" \
	e2e_exec "$id" test -b /dev/disk1p1
check_eq "no lock file beside the rules" "" "$(ls "$(dirname "$rules")" | grep -i lock)"
e2e_stop "$id"
losetup -d "$loop"
check_eq "no lock file left under /run/lock" "" \
	"$(ls /run/lock/syscontainer-hooks 2>/dev/null | grep -F "$(basename "$rules")")"

# Renumbering: disk A is followed through a stable link; while the
# container is stopped A is detached, disk B takes A's old loop name and A
# comes back under a new one with the link repointed. At the next start
# the container's partitions are A's, found again from the disk, never
# B's that now carry the saved names.
# A's first name is a high loop number, not the lowest free one that
# "losetup --find" of tests running beside this one would take as soon as
# A lets it go: B must get it.
high_loop() {  # high_loop FILE: attach FILE to a free /dev/loopN, N >= 100
	local n
	for n in $(seq $((100 + $$ % 100)) 299); do
		losetup "/dev/loop$n" >/dev/null 2>&1 && continue
		losetup --partscan "/dev/loop$n" "$1" 2>/dev/null && { echo "/dev/loop$n"; return 0; }
	done
	return 1
}
mkpart_disk() {  # mkpart_disk FILE MARKER: one partition holding MARKER
	truncate -s 16M "$1"
	printf 'label: dos\n,8M\n' | sfdisk -q "$1" >/dev/null
	local l
	l=$(high_loop "$1") || return 1
	[ -b "${l}p1" ] || partx -a "$l" >/dev/null 2>&1
	printf '%s\n' "$2" | dd of="${l}p1" conv=notrunc,fsync status=none
	echo "$l"
}
first_line() { dd if="$1" bs=64 count=1 status=none 2>/dev/null | head -n 1; }
imgA=$E2E_TMP/diskA.img
imgB=$E2E_TMP/diskB.img
loopA=$(mkpart_disk "$imgA" DISK-A-MARKER)
link=$E2E_TMP/by-id/disk-a
mkdir -p "$(dirname "$link")"
ln -sfn "$loopA" "$link"
id2=$(e2e_name renum)
e2e_bundle "$id2"
check "renumbering: container starts" e2e_run "$id2"
check "renumbering: add-device --follow-partition LINK:/dev/data:rw" \
	"$TOOL" add-device --follow-partition "$id2" "$link:/dev/data:rw"
check_eq "renumbering: /dev/datap1 holds disk A's data" DISK-A-MARKER \
	"$(e2e_exec "$id2" sh -c 'dd if=/dev/datap1 bs=64 count=1 2>/dev/null | head -n 1')"
e2e_stop "$id2"
losetup -d "$loopA"
for i in $(seq 50); do [ -e "/sys/block/${loopA#/dev/}/loop" ] || break; sleep 0.1; done
truncate -s 16M "$imgB"
printf 'label: dos\n,8M\n' | sfdisk -q "$imgB" >/dev/null
if losetup --partscan "$loopA" "$imgB"; then
	loopB=$loopA
	[ -b "${loopB}p1" ] || partx -a "$loopB" >/dev/null 2>&1
	printf 'DISK-B-MARKER\n' | dd of="${loopB}p1" conv=notrunc,fsync status=none
	check_eq "renumbering: disk B has A's old name and a partition there" DISK-B-MARKER \
		"$(first_line "${loopB}p1")"
	loopA2=$(losetup --find --show --partscan "$imgA")
	[ -b "${loopA2}p1" ] || partx -a "$loopA2" >/dev/null 2>&1
	ln -sfn "$loopA2" "$link"
	check "renumbering: container starts again" e2e_run "$id2"
	check_eq "renumbering: /dev/datap1 is disk A's partition (content)" DISK-A-MARKER \
		"$(e2e_exec "$id2" sh -c 'dd if=/dev/datap1 bs=64 count=1 2>/dev/null | head -n 1')"
	check_eq "renumbering: /dev/datap1 has the numbers of A's partition now" \
		"$(stat -c '%t:%T' "${loopA2}p1")" "$(e2e_exec "$id2" stat -c '%t:%T' /dev/datap1 2>&1)"
	bnum=$(stat -c '%t:%T' "${loopB}p1")
	check_eq "renumbering: no node in the container has B's partition numbers" "" \
		"$(e2e_exec "$id2" sh -c 'for f in /dev/*; do [ -b "$f" ] && stat -c "%t:%T %n" "$f"; done' |
		   grep "^$bnum ")"
	check_match "renumbering: the saved partition is A's new one" \
		"\"PathOnHost\":\"${loopA2}p1\"" "$("$TOOL" list-device --sub-partition "$id2")"
	check_match "renumbering: the rule follows A's new name" "KERNELS==\"${loopA2#/dev/}\"" \
		"$(cat "$rules")"
	# a rule left with A's old name runs for B's partition: refused
	run_capture "$TOOL" udev-partition add "$id2" "${loopB#/dev/}p1" "${loopB#/dev/}" /dev/data
	check_eq "renumbering: udev-partition refuses another disk's partition" 1 "$RC"
	check_match "renumbering: and says whose partition it is" \
		"${loopB#/dev/}p1 is a partition of ${loopB#/dev/}, not of disk $link" "$(cat "$ERR")"
	check_eq "renumbering: /dev/datap1 is still A's" DISK-A-MARKER \
		"$(e2e_exec "$id2" sh -c 'dd if=/dev/datap1 bs=64 count=1 2>/dev/null | head -n 1')"
	e2e_stop "$id2"

	# Saved partitions whose disk is not followed are checked in sysfs
	# before they go in: a node named like A's partition but carrying
	# B's numbers, and B's own partition saved as one of disk A's.
	mkdir -p "$E2E_TMP/nodes"
	stale=$E2E_TMP/nodes/${loopA2#/dev/}p1
	mknod "$stale" b $((0x${bnum%:*})) $((0x${bnum#*:}))
	st=$SYSCONTAINER_HOOKS_ROOT/$id2/hook.json
	jq --arg stale "$stale" --arg b "${loopB}p1" --arg a "$loopA2" --arg good "${loopA2}p1" '
		.deviceToAdd += [
		  {Type: "b", Major: 1, Minor: 1, PathOnHost: $stale, PathInContainer: "/dev/stale",
		   CgroupPermissions: "rw", Parent: $a},
		  {Type: "b", Major: 1, Minor: 1, PathOnHost: $b, PathInContainer: "/dev/otherdisk",
		   CgroupPermissions: "rw", Parent: $a},
		  {Type: "b", Major: 1, Minor: 1, PathOnHost: $good, PathInContainer: "/dev/good",
		   CgroupPermissions: "rw", Parent: $a}]' "$st" >"$st.new" && mv "$st.new" "$st"
	check "identity: container starts" e2e_run "$id2"
	check_fails "identity: a stale node with another partition's numbers is not given" \
		e2e_exec "$id2" test -e /dev/stale
	check_fails "identity: another disk's partition saved as A's is not given" \
		e2e_exec "$id2" test -e /dev/otherdisk
	check_eq "identity: A's partition saved by its kernel name is given" \
		DISK-A-MARKER "$(e2e_exec "$id2" sh -c 'dd if=/dev/good bs=64 count=1 2>/dev/null | head -n 1')"
	check_match "identity: the log says why" \
		"partition $stale skipped: node $stale has the numbers of ${loopB#/dev/}p1" "$(cat "$HOOK_LOG")"
	check_match "identity: the log says whose partition it is" \
		"partition ${loopB}p1 skipped: ${loopB}p1 is a partition of ${loopB#/dev/}, not of disk $loopA2" \
		"$(cat "$HOOK_LOG")"
	e2e_stop "$id2"
else
	not_ok "renumbering: attach disk B as $loopA (taken meanwhile)"
fi
e2e_summary
