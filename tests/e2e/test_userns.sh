#!/bin/bash
# Devices and paths for a user-namespaced container: runc with uid and gid
# mappings 0 -> 200000 (65536 ids) and a rootfs owned by 200000. runc
# mounts its /dev from inside the user namespace, where the kernel makes
# no inode whose owner it cannot map and honours no device node, so a node
# is bound from a private tmpfs, owned by the host device's owner mapped
# through the namespace (root of the container here). Live, saved with
# --update-config-only, imported, and at every restart; removed live.
. "$(dirname "$0")/lib.sh"
e2e_require_root

e2e_new_bundle uns
jq '.linux.namespaces += [{"type": "user"}] |
    .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}] |
    .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]' \
	"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
chown -R 200000:200000 "$b/rootfs"
# the container's root (host uid 200000) must reach its rootfs
chmod 755 "$E2E_TMP" "$E2E_TMP/bundles" "$b"
check "a user-namespaced container starts with the hook" e2e_run "$id"
check_eq "its root is host uid 200000" "0 200000 65536" \
	"$(awk '{print $1, $2, $3}' "/proc/$(e2e_pid "$id")/uid_map")"

loopa=$(e2e_loop)
loopb=$(e2e_loop)
loopc=$(e2e_loop)
hostdir=$E2E_TMP/shared
mkdir -p "$hostdir" && echo "from the host" >"$hostdir/note" && chmod -R a+rX "$hostdir"
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
md5() { md5sum | cut -c1-32; }

# expect_node PATH LOOP WHEN: PATH in the container is LOOP's node, owned
# by the container's root, and reads LOOP's bytes
expect_node() {
	local path=$1 loop=$2 when=$3 hex
	hex=$(stat -c '%t:%T' "$loop")
	check_eq "$when: $path is the block node $hex owned by root in the container" \
		"block special file $hex 0:0" \
		"$(e2e_exec "$id" stat -c '%F %t:%T %u:%g' "$path" 2>&1)"
	check_eq "$when: the container reads $path" "$(head -c 65536 "$loop" | md5)" \
		"$(e2e_exec "$id" dd if="$path" bs=65536 count=1 2>/dev/null | md5)"
}

run_capture "$TOOL" add-device "$id" "$loopa:/dev/xdata:rw"
check_eq "add-device into /dev succeeds" "0 " "$RC $(cat "$ERR")"
expect_node /dev/xdata "$loopa" "live"
check "the container writes /dev/xdata" e2e_exec "$id" sh -c \
	'echo written-inside | dd of=/dev/xdata bs=512 seek=100 conv=notrunc 2>/dev/null'
check_eq "the write reached the disk" "written-inside" \
	"$(dd if="$loopa" bs=512 skip=100 count=1 2>/dev/null | head -n1)"
run_capture "$TOOL" add-path "$id" "$hostdir:/dev/xdir:ro"
check_eq "add-path into /dev succeeds" "0 " "$RC $(cat "$ERR")"
check_eq "the path is there" "from the host" "$(e2e_exec "$id" cat /dev/xdir/note)"
check "add-device --update-config-only saves a second disk" "$TOOL" add-device "$id" \
	"$loopb:/dev/ydata:r" --update-config-only
check_fails "which is not in the container yet" e2e_exec "$id" test -e /dev/ydata

# a third disk that comes by import, as from the original tool
jq --arg p "$loopc" --argjson maj "$((0x$(stat -c %t "$loopc")))" \
	--argjson min "$((0x$(stat -c %T "$loopc")))" \
	'.deviceToAdd += [{"Type": "b", "Major": $maj, "Minor": $min, "PathOnHost": $p,
	  "PathInContainer": "/dev/zdata", "CgroupPermissions": "rw", "Parent": ""}]' \
	"$store" >"$E2E_TMP/import.json"
check "import a state holding a third disk" "$TOOL" import "$id" "$E2E_TMP/import.json" --force

for i in 1 2; do
	e2e_restart "$id"
	check_eq "restart $i: the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
	expect_node /dev/xdata "$loopa" "restart $i"
	expect_node /dev/ydata "$loopb" "restart $i"
	expect_node /dev/zdata "$loopc" "restart $i"
	check_fails "restart $i: /dev/ydata is read-only for the container (r)" \
		e2e_exec "$id" sh -c 'echo x | dd of=/dev/ydata 2>/dev/null'
	check_eq "restart $i: the path is there" "from the host" "$(e2e_exec "$id" cat /dev/xdir/note)"
	check_eq "restart $i: one mount per node" "1 1 1" \
		"$(for n in xdata ydata zdata; do grep -c " /dev/$n " "/proc/$(e2e_pid "$id")/mountinfo"; done | paste -sd' ')"
done

check "remove-device /dev/xdata live" "$TOOL" remove-device "$id" "$loopa:/dev/xdata"
check_fails "the node is gone" e2e_exec "$id" test -e /dev/xdata
check_eq "and its mount" 0 "$(grep -c ' /dev/xdata ' "/proc/$(e2e_pid "$id")/mountinfo")"
check "add it again" "$TOOL" add-device "$id" "$loopa:/dev/xdata:rw"
expect_node /dev/xdata "$loopa" "added again"
check "the container makes a file /dev/wdata" e2e_exec "$id" sh -c 'echo mine >/dev/wdata'
check "add-device --force replaces it" "$TOOL" add-device "$id" "$loopc:/dev/wdata:rw" --force
expect_node /dev/wdata "$loopc" "replaced"
check_eq "replaced: one mount on /dev/wdata" 1 \
	"$(grep -c ' /dev/wdata ' "/proc/$(e2e_pid "$id")/mountinfo")"
e2e_stop "$id"
e2e_summary
