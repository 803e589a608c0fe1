#!/bin/bash
# The hook's deadline, on real containers. What could block the hook for
# good is gone (FIFOs and device nodes are refused unopened, see
# test_relabel_nodes.sh and test_bad_input.sh); a wait it cannot bound is
# left, such as the lock on a container's state held by a stuck process.
# There, the start must fail at the deadline with one line naming the
# stage, the container and what was pending, and start again once the
# lock is free. A FIFO where the hook reads a file is refused at once.
. "$(dirname "$0")/lib.sh"
e2e_require_root

# with_env ID VAR=VALUE: add to the environment of the bundle's hooks
with_env() {
	local b
	b=$(e2e_bundle_dir "$1")
	jq --arg v "$2" '(.hooks.prestart[0], .hooks.poststop[0]).env += [$v]' "$b/config.json" \
		>"$b/c" && mv "$b/c" "$b/config.json"
}

id=$(e2e_name dl)
e2e_bundle "$id"
with_env "$id" SYSCONTAINER_HOOKS_DEADLINE=2
check "container with a 2 s deadline starts" e2e_run "$id"
e2e_stop "$id"

# a stuck process holds the lock on the container's state
lock=$SYSCONTAINER_HOOKS_RUNDIR/.locks/$id
mkdir -p "$(dirname "$lock")"
flock --no-fork "$lock" sleep 120 &
holder=$!
E2E_CLEANUPS+=("kill $holder")
for _ in $(seq 50); do flock -n "$lock" true || break; sleep 0.1; done
check_fails "the lock is held" flock -n "$lock" true

t0=$(date +%s%N)
check_fails "the start fails while the lock is held" e2e_run "$id"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# prestart's 2 s, then poststop's 2 s on the same lock as runc cleans up
check "at the deadlines: 2 s each, not 30 s (took $ms ms)" test "$ms" -ge 1900 -a "$ms" -lt 10000
err=$(cat "$E2E_TMP/$id.err")
check_match "the line names the stage, the container and the lock it waited for" \
	"syscontainer-hooks: prestart $id: deadline of 2 s exceeded while waiting for the lock on $lock; giving up" \
	"$err"
# the log has it as it has every other failure, from the signal handler
check "the hook's log holds the same line, as an error" grep -qE \
	"^[^ ]+Z syscontainer-hooks\[[0-9]+\] error: prestart $id: deadline of 2 s exceeded while waiting for the lock on $lock; giving up$" \
	"$HOOK_LOG"
rt delete -f "$id" >/dev/null 2>&1

kill "$holder"
wait "$holder" 2>/dev/null
check "with the lock free the same container starts" e2e_run "$id"

# the hook run by hand on the running container: exactly one line. Its
# runtime record goes first, or prestart finds the instance prepared.
rm -f "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
printf '{"ociVersion":"1.0.2","id":"%s","status":"created","pid":%d,"bundle":"%s"}' \
	"$id" "$(e2e_pid "$id")" "$(e2e_bundle_dir "$id")" >"$E2E_TMP/state"
flock --no-fork "$lock" sleep 120 &
holder=$!
E2E_CLEANUPS+=("kill $holder")
for _ in $(seq 50); do flock -n "$lock" true || break; sleep 0.1; done
SYSCONTAINER_HOOKS_DEADLINE=1 run_capture sh -c "'$HOOK' --state prestart --log '$HOOK_LOG' <'$E2E_TMP/state'"
expect_output "prestart by hand at its deadline of 1 s" 1 \
	"^syscontainer-hooks: prestart $id: deadline of 1 s exceeded while waiting for the lock on $lock; giving up$"
check "by hand: its --log holds the line" grep -qF \
	"error: prestart $id: deadline of 1 s exceeded while waiting for the lock on $lock; giving up" \
	"$HOOK_LOG"
kill "$holder"
wait "$holder" 2>/dev/null
e2e_stop "$id"

# a FIFO where the hook reads a file is refused at once, not at the deadline
id2=$(e2e_name dlfifo)
e2e_bundle "$id2"
b2=$(e2e_bundle_dir "$id2")
check "a second container starts" e2e_run "$id2"
e2e_stop "$id2"
store2=$SYSCONTAINER_HOOKS_ROOT/$id2/hook.json
# nothing saved, nothing in the store: the directory is made here
mkdir -p "$(dirname "$store2")"
mkfifo "$store2"
t0=$(date +%s%N)
check_fails "a FIFO as hook.json: the start fails" e2e_run "$id2"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "at once, not at the deadline (took $ms ms)" test "$ms" -lt 10000
check_match "naming the FIFO" "$store2 is a FIFO, not a regular file; refused" \
	"$(cat "$E2E_TMP/$id2.err")"
check "the FIFO is left as it was" test -p "$store2"
rt delete -f "$id2" >/dev/null 2>&1
rm -f "$store2"
check "without it the container starts" e2e_run "$id2"
e2e_stop "$id2"
e2e_summary
