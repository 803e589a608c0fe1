#!/bin/bash
# A hostile rootfs: the container replaced directories on the paths of its
# saved devices and binds with symlinks to host locations before a restart.
# The hook must refuse to follow them (container start fails with one clear
# line) and nothing may be created, changed or mounted on the host.
. "$(dirname "$0")/lib.sh"
e2e_require_root

passwd_sum=$(md5sum /etc/passwd)
marker=sch-escape-$E2E_TAG

# 1. a bind target and a device path outside /dev, saved while harmless
id=$(e2e_name esc-$RUNTIME)
e2e_bundle "$id"
rootfs=$(e2e_bundle_dir "$id")/rootfs
check "container starts" e2e_run "$id"
hostdir=$E2E_TMP/share
mkdir -p "$hostdir"
check "add-path at /tmp/x/$marker" "$TOOL" add-path "$id" "$hostdir:/tmp/x/$marker"
check "add-device at /mnt/evil/$marker" "$TOOL" add-device "$id" "/dev/zero:/mnt/evil/$marker"

# live: a symlink made by the running container is refused too
check "container makes /tmp/link -> /" e2e_exec "$id" ln -s / /tmp/link
out=$("$TOOL" add-path "$id" "$hostdir:/tmp/link/$marker" 2>&1)
check_eq "live add-path through a symlink fails" 1 "$?"
check_match "  with a clear error naming the symlink" "/tmp/link is a symlink" "$out"
check_fails "  and nothing appeared at /$marker in the container" \
	e2e_exec "$id" test -e "/$marker"

e2e_stop "$id"
# what the container's processes could leave behind for the next start
rm -rf "$rootfs/tmp/x" "$rootfs/mnt/evil"
ln -s / "$rootfs/tmp/x"
ln -s /etc "$rootfs/mnt/evil"

# the device is applied first: it must stop the start
check_fails "restart with /mnt/evil -> /etc fails" e2e_run "$id"
check_match "the runtime shows our one-line error" \
	"syscontainer-hooks: prestart $id: /mnt/evil is a symlink" "$(cat "$E2E_TMP/$id.err")"
check_fails "no node created at /etc/$marker on the host" test -e "/etc/$marker"
rt delete -f "$id" >/dev/null 2>&1

check "forget the device (saved state only)" "$TOOL" remove-device "$id" "/dev/zero"
check_fails "restart with /tmp/x -> / fails" e2e_run "$id"
check_match "the runtime shows our one-line error" \
	"syscontainer-hooks: prestart $id: /tmp/x is a symlink" "$(cat "$E2E_TMP/$id.err")"
check_fails "no directory /$marker created on the host" test -e "/$marker"
rt delete -f "$id" >/dev/null 2>&1

# 2. /dev itself from the rootfs (no tmpfs over it), /dev/evil -> /etc
id2=$(e2e_name escdev-$RUNTIME)
e2e_bundle "$id2"
b2=$(e2e_bundle_dir "$id2")
jq '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts"
	and .destination != "/dev/shm" and .destination != "/dev/mqueue"))' \
	"$b2/config.json" >"$b2/c.json" && mv "$b2/c.json" "$b2/config.json"
check "container with the rootfs /dev starts" e2e_run "$id2"
check "save a device at /dev/evil/passwd (config only)" \
	"$TOOL" add-device --update-config-only "$id2" /dev/zero:/dev/evil/passwd
e2e_stop "$id2"
ln -s /etc "$b2/rootfs/dev/evil"
check_fails "restart with /dev/evil -> /etc fails" e2e_run "$id2"
check_match "the runtime shows our one-line error" \
	"syscontainer-hooks: prestart $id2: /dev/evil is a symlink" "$(cat "$E2E_TMP/$id2.err")"
rt delete -f "$id2" >/dev/null 2>&1

check_eq "host /etc/passwd untouched" "$passwd_sum" "$(md5sum /etc/passwd)"
check "host /etc/passwd is still a regular file" test -f /etc/passwd
# where an escape would mount: paths with the marker, /etc/passwd, or
# anything from this test's directory
check_eq "no new mounts on the host" "" "$(e2e_mounts "$marker" " /etc/passwd ")"
check_eq "no runtime record left for the failed starts" "" \
	"$(ls "$SYSCONTAINER_HOOKS_RUNDIR" 2>/dev/null)"
e2e_summary
