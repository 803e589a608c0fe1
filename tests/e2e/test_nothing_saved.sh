#!/bin/bash
# A container with nothing saved keeps nothing on disk: 100 containers
# started and removed with the hook leave nothing in the store, and nothing
# under the runtime records either (no record, no namespace pin, no lock
# file). One with a device saved keeps exactly its hook.json; when its last
# device is removed, that goes too.
. "$(dirname "$0")/lib.sh"
e2e_require_root
N=${NOTHING_SAVED_N:-100}

e2e_new_bundle ns
base=$id
failed=0
for i in $(seq "$N"); do
	id=$base-$i
	E2E_CONTAINERS+=("$id")
	# a failure says which start and why: it is rare (one start in
	# over a thousand), and the error goes with the run
	if ! rt run -d --bundle "$b" "$id" </dev/null >/dev/null 2>"$E2E_TMP/run.err"; then
		failed=$((failed + 1))
		echo "# start $i failed: $(head -c 400 "$E2E_TMP/run.err" | tr '\n' ' ')"
		continue
	fi
	[ -s "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json" ] ||
		{ failed=$((failed + 1)); echo "# start $i: no record"; }
	rt delete -f "$id" >/dev/null 2>&1
done
check_eq "$N containers started with the hook and removed" 0 "$failed"
check_eq "  the store holds nothing for them" "" "$(ls -A "$SYSCONTAINER_HOOKS_ROOT" 2>/dev/null)"
check_eq "  no record, pin or lock of theirs is left" "" \
	"$(cd "$SYSCONTAINER_HOOKS_RUNDIR" 2>/dev/null && find . -mindepth 1 ! -name .locks)"

id=$base-saved
E2E_CONTAINERS+=("$id")
check "a container with a device saved starts" rt run -d --bundle "$b" "$id" </dev/null >/dev/null
check "  add-device" "$TOOL" add-device "$id" /dev/zero:/dev/kept
rt delete -f "$id" >/dev/null 2>&1
check_eq "removed, it keeps its hook.json and nothing else" "hook.json" \
	"$(ls -A "$SYSCONTAINER_HOOKS_ROOT/$id" 2>&1)"
check "  remove-device while it is stopped" "$TOOL" remove-device "$id" /dev/zero:/dev/kept
check_eq "  and then nothing is kept for it" "" "$(ls -A "$SYSCONTAINER_HOOKS_ROOT" 2>/dev/null)"
check_eq "  and no lock file either" "" "$(ls -A "$SYSCONTAINER_HOOKS_RUNDIR/.locks" 2>/dev/null)"
e2e_summary
