#!/bin/bash
# The window between our prestart hook and the runtime's pivot_root. The
# hook writes the runtime record, so the CLI finds the container from
# then on; but until runc pivots into the rootfs, "/" of the container's
# mount namespace is the host's root, and a node made at /dev/x there is
# made in the host's /dev (and missing in the container once it pivots).
# A prestart hook that sleeps after ours holds the container in that
# window here; the CLI must wait for the pivot, then act inside the
# container and never on the host; and give up with one line when the
# runtime does not pivot in time.
. "$(dirname "$0")/lib.sh"
e2e_require_root

id=$(e2e_name win)
e2e_bundle "$id"
bundle=$(e2e_bundle_dir "$id")
probe=sch-$E2E_TAG-w       # names under the host's /dev and /mnt: ours alone
E2E_CLEANUPS+=("rm -f /dev/$probe /dev/$probe-add /dev/$probe-late" "rmdir /mnt/$probe")
cp "$bundle/config.json" "$E2E_TMP/config.plain"

# slow_start SECS: start the container with a prestart hook after ours
# that sleeps SECS, in the background ($starting); returns once our hook
# has written the record, with the container not yet in its root
slow_start() {
	jq --arg s "$1" '.hooks.prestart += [{path: "/bin/sleep", args: ["sleep", $s]}]' \
		"$E2E_TMP/config.plain" >"$bundle/config.json"
	e2e_run "$id" &
	starting=$!
	local rec=$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json i pid=
	for i in $(seq 200); do
		pid=$(jq -r .pid "$rec" 2>/dev/null) && [ -n "$pid" ] && break
		sleep 0.05
	done
	# the proof that the window is open: the init still has the host's root
	check "the container is in the window (record written, root not yet its own)" \
		test "$(stat -Lc %d:%i "/proc/$pid/root")" = "$(stat -c %d:%i /)"
}

check "container starts" e2e_run "$id"
check "a device saved before" "$TOOL" add-device "$id" "/dev/zero:/dev/$probe"
e2e_stop "$id"

slow_start 2
t0=$(date +%s%N)
check "add-device in the window succeeds" "$TOOL" add-device "$id" "/dev/null:/dev/$probe-add"
waited=$((($(date +%s%N) - t0) / 1000000))
wait "$starting"
check "the container started" e2e_exec "$id" true
check "the node is in the container" e2e_exec "$id" test -c "/dev/$probe-add"
check_fails "and not in the host's /dev" test -e "/dev/$probe-add"
check "the saved one is there too" e2e_exec "$id" test -c "/dev/$probe"
echo "# add-device waited $waited ms for the pivot"

mkdir -p "$E2E_TMP/src"
echo here >"$E2E_TMP/src/mark"
e2e_stop "$id"
slow_start 2
check "add-path in the window succeeds" "$TOOL" add-path "$id" "$E2E_TMP/src:/mnt/$probe"
wait "$starting"
check_eq "the path is mounted in the container" here "$(e2e_exec "$id" cat "/mnt/$probe/mark")"
check_fails "and no directory was made on the host" test -e "/mnt/$probe"

# remove-device in the window: a host node of the same name is not the
# container's and stays
e2e_stop "$id"
mknod "/dev/$probe" c 1 5
slow_start 2
check "remove-device in the window succeeds" "$TOOL" remove-device "$id" ":/dev/$probe"
wait "$starting"
check "the host's node of that name is untouched" test -c "/dev/$probe"
check_fails "the node is gone from the container" e2e_exec "$id" test -e "/dev/$probe"
rm -f "/dev/$probe"

# a runtime that does not pivot in time: one line, nothing saved or made
e2e_stop "$id"
before=$(cat "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json")
slow_start 14
run_capture "$TOOL" add-device "$id" "/dev/zero:/dev/$probe-late"
expect_output "add-device while the runtime holds the container before its root" 1 \
	"not (yet )?(in|entered) its root"
check_eq "nothing saved" "$before" "$(cat "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json")"
check_fails "nothing made on the host" test -e "/dev/$probe-late"
wait "$starting"
check_fails "nor in the container" e2e_exec "$id" test -e "/dev/$probe-late"
e2e_stop "$id"
e2e_summary
