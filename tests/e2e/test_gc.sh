#!/bin/bash
# syscontainer-tools gc against a real dockerd: the saved state of a
# removed docker container (a device saved) is listed, and removed with
# --yes; that of a stopped container and of a running one is kept; an
# engine that cannot be asked stops gc with one line and removes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_docker.sh"
e2e_require_root
dk_start

ids=()
for what in removed stopped running; do
	id=$(dk_run "$(e2e_name "gc$what")" 2>>"$E2E_TMP/run.err")
	check_match "docker run ($what)" '^[0-9a-f]{64}$' "$id"
	check "  add-device (saved)" "$TOOL" add-device "$id" /dev/zero:/dev/gz
	ids+=("$id")
done
removed=${ids[0]} stopped=${ids[1]} running=${ids[2]}
check "docker stop, docker rm the first" sh -c "'$DOCKER' -H 'unix://$DK_SOCK' stop -t 1 $removed >/dev/null &&
	'$DOCKER' -H 'unix://$DK_SOCK' rm $removed >/dev/null"
check "docker stop the second" dk stop -t 1 "$stopped"
check "the removed one's state outlives it" test -s "$SYSCONTAINER_HOOKS_ROOT/$removed/hook.json"

run_capture "$TOOL" --engine docker gc
check_eq "gc lists the removed container only" "$removed" "$(cat "$OUT")"
check_eq "  exit 0" 0 "$RC"
check "  and removes nothing" test -s "$SYSCONTAINER_HOOKS_ROOT/$removed/hook.json"

run_capture env SYSCONTAINER_ENGINE_SOCKET="$E2E_TMP/no-such.sock" "$TOOL" --engine docker gc --yes
expect_output "gc with an engine that cannot be asked" 1 "no-such.sock"
check "  removes nothing" test -s "$SYSCONTAINER_HOOKS_ROOT/$removed/hook.json"

run_capture env -u SYSCONTAINER_ENGINE "$TOOL" gc
expect_output "gc without an engine" 2 "needs the engine"

run_capture "$TOOL" --engine docker gc --yes
check_eq "gc --yes: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
check_match "  says what it forgot" "^Forgot container $removed" "$(cat "$OUT")"
check_fails "  the removed container's state is gone" test -e "$SYSCONTAINER_HOOKS_ROOT/$removed"
check "  the stopped one's is kept" test -s "$SYSCONTAINER_HOOKS_ROOT/$stopped/hook.json"
check "  the running one's is kept" test -s "$SYSCONTAINER_HOOKS_ROOT/$running/hook.json"
check "  the running one still has its device" dk exec "$running" test -c /dev/gz
run_capture "$TOOL" --engine docker gc
check_eq "gc again lists nothing" "" "$(cat "$OUT")"
check "docker start the stopped one: its device is back" sh -c "
	'$DOCKER' -H 'unix://$DK_SOCK' start $stopped >/dev/null &&
	'$DOCKER' -H 'unix://$DK_SOCK' exec $stopped test -c /dev/gz"
e2e_summary
