#!/bin/bash
# The CLI on containers that are not simply running: a known container
# that is stopped gets paths saved for its next start; a path already gone
# from the container (unmounted with an outer path, or skipped by the hook
# because its host directory was gone) can be removed and added again;
# every saved-only change says so, after it succeeded and only then.
. "$(dirname "$0")/lib.sh"
e2e_require_root

id=$(e2e_name state)
e2e_bundle "$id"
rootfs=$(e2e_bundle_dir "$id")/rootfs
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
check "$RUNTIME container starts with the hook" e2e_run "$id"
check "add-device /dev/null:/dev/n1 (the container is known)" \
	"$TOOL" add-device "$id" /dev/null:/dev/n1
later='is not running: the change is saved and applied at its next start'

# --- add-path on a known, stopped container ----------------------------------
e2e_stop "$id"
p1=$E2E_TMP/p1
mkdir -p "$p1"
echo p1-data >"$p1/file"
run_capture "$TOOL" add-path "$id" "$p1:/mnt/p1"
check_eq "add-path on a stopped container: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
check_eq "  the done line, then the saved-only line" \
	"Add path ($p1) to container($id,/mnt/p1) done.
Container $id $later." "$(cat "$OUT")"
check_match "  the path is saved" "$p1:/mnt/p1:rw" "$("$TOOL" list-path "$id" 2>&1)"
cp "$store" "$E2E_TMP/before"
run_capture "$TOOL" add-path "$id" "$E2E_TMP/missing:/mnt/missing"
expect_output "add-path of a missing host path on a stopped container" 1 "$E2E_TMP/missing"
check "  hook.json unchanged" cmp -s "$E2E_TMP/before" "$store"
check "the container starts again" e2e_run "$id"
check_eq "  with the path saved while it was stopped" p1-data \
	"$(e2e_exec "$id" cat /mnt/p1/file 2>&1)"

# --- remove-* on a stopped container say the change applies at the next start
e2e_stop "$id"
run_capture "$TOOL" remove-device "$id" /dev/null:/dev/n1
check_eq "remove-device on a stopped container: exit 0" 0 "$RC"
check_match "  says the change applies at the next start" "^Container $id $later\.$" \
	"$(cat "$OUT")"
run_capture "$TOOL" remove-path "$id" "$p1:/mnt/p1"
check_eq "remove-path on a stopped container: exit 0" 0 "$RC"
check_match "  says the change applies at the next start" "^Container $id $later\.$" \
	"$(cat "$OUT")"
# the network and QoS commands, on state saved while stopped
s=$$
loop=$(e2e_loop)
check "add-nic, add-route and add-device with QoS, saved only" sh -c "
	'$TOOL' add-nic --update-config-only '$id' --type veth --name cs$s:eth3 \
		--ip 10.236.$((s % 250)).2/24 &&
	'$TOOL' add-route --update-config-only '$id' --dest 10.237.0.0/16 --dev eth3 &&
	'$TOOL' add-device --update-config-only '$id' '$loop:/dev/qd'"
for c in "update-nic $id --name eth3 --mtu 1400" "update-device $id --device-read-bps $loop:1mb" \
	"remove-route $id --dest 10.237.0.0/16" "remove-nic $id --name eth3" \
	"remove-device $id $loop:/dev/qd"; do
	# shellcheck disable=SC2086
	run_capture "$TOOL" $c
	check_eq "${c%% *} on a stopped container: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
	check_match "  says the change applies at the next start" "^Container $id $later\.$" \
		"$(cat "$OUT")"
	check_eq "  says it once" 1 "$(grep -c 'next start' "$OUT")"
done
# everything saved is removed again: nothing of it is kept on disk, and a
# stopped container with nothing saved is as unknown as a mistyped id
check "nothing of the container is left in the store" test ! -e "$SYSCONTAINER_HOOKS_ROOT/$id"
run_capture "$TOOL" list "$id"
expect_output "list of a stopped container with nothing saved" 1 \
	"$id is unknown: it does not run and nothing is saved for it"
check "the container starts again" e2e_run "$id"
check_fails "  without the removed path" e2e_exec "$id" test -e /mnt/p1/file
run_capture "$TOOL" add-device "$id" /dev/zero:/dev/z1
check_fails "add-device on a running container does not say it is saved only" \
	grep -q "next start" "$OUT"

# --- a nested path that went with its outer one --------------------------------
outer=$E2E_TMP/outer
inner=$E2E_TMP/inner
mkdir -p "$outer" "$inner"
echo inner-data >"$inner/file"
check "add-path outer /mnt/o" "$TOOL" add-path "$id" "$outer:/mnt/o"
check "add-path nested /mnt/o/in" "$TOOL" add-path "$id" "$inner:/mnt/o/in"
check_eq "  the nested path is visible" inner-data "$(e2e_exec "$id" cat /mnt/o/in/file 2>&1)"
run_capture "$TOOL" remove-path "$id" "$outer:/mnt/o"
check_eq "remove-path of the outer path: exit 0" 0 "$RC"
check_match "  says the nested path went with it" "^Path /mnt/o/in .* went with it" \
	"$(cat "$OUT")"
check_fails "  the nested path is gone live" e2e_exec "$id" test -e /mnt/o/in/file
run_capture "$TOOL" remove-path "$id" "$inner:/mnt/o/in"
check_eq "remove-path of the nested path that went: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
check_match "  says it was not mounted" "^Path /mnt/o/in was not mounted" "$(cat "$OUT")"
check_fails "  it is dropped from the saved state" grep -q "/mnt/o/in" "$store"
run_capture "$TOOL" add-path "$id" "$inner:/mnt/o/in"
check_eq "add-path of it again: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
check_eq "  visible again" inner-data "$(e2e_exec "$id" cat /mnt/o/in/file 2>&1)"
check "remove-path of it" "$TOOL" remove-path "$id" "$inner:/mnt/o/in"

# --- a path the hook skipped at start because its host directory was gone ------
gone=$E2E_TMP/gone
mkdir -p "$gone"
check "add-path /mnt/gone/deep" "$TOOL" add-path "$id" "$gone:/mnt/gone/deep"
e2e_stop "$id"
rmdir "$gone"
rm -rf "$rootfs/mnt/gone"
check "the container starts with the host directory gone" e2e_run "$id"
check_fails "  the path is not in the container" e2e_exec "$id" test -e /mnt/gone/deep
run_capture "$TOOL" remove-path "$id" "$gone:/mnt/gone/deep"
check_eq "remove-path of the skipped path: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
check_fails "  it is dropped from the saved state" grep -q "/mnt/gone" "$store"
mkdir -p "$gone"
run_capture "$TOOL" add-path "$id" "$gone:/mnt/gone/deep"
check_eq "add-path of it again: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"

# --- list: a path with a newline is one line; --pretty indents as jq does ------
nl_dir="$E2E_TMP/new
line"
mkdir -p "$nl_dir"
check "add-path of a host directory whose name has a newline" \
	"$TOOL" add-path "$id" "$nl_dir:/mnt/nl"
check_match "list shows the newline escaped, on the path's own line" \
	"^  $E2E_TMP/new\\\\nline +-> /mnt/nl +rw$" "$("$TOOL" list "$id")"
check_eq "list --json --pretty is indented as jq indents it" \
	"$("$TOOL" list "$id" --json | jq .)" "$("$TOOL" list "$id" --json --pretty)"
check_eq "list-path --pretty too" "$("$TOOL" list-path "$id" | jq .)" \
	"$("$TOOL" list-path "$id" --pretty)"

e2e_stop "$id"
e2e_summary
