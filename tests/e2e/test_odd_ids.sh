#!/bin/bash
# Container ids that runc accepts but that cannot name saved state ("a+b",
# ids longer than 128 characters): with nothing saved for them, the hook
# lets them start and stop untouched and says so in its log; saving state
# for such an id is what is refused, by the CLI, with one line.
. "$(dirname "$0")/lib.sh"
e2e_require_root

long=$(e2e_name long)-$(printf 'x%.0s' $(seq 140))
for id in "$(e2e_name a+b)" "$long"; do
	what=${id:0:24}...\(${#id}\)
	e2e_bundle "$id"
	check "$what: runc takes the id, and the container starts with the hook" e2e_run "$id"
	check_eq "$what: the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
	check_eq "$what: it runs" running "$(rt state "$id" | jq -r .status)"
	check_eq "$what: the hook log says there is nothing to do" 1 \
		"$(grep -F "${id:0:64}" "$HOOK_LOG" | grep -cF ": the id cannot name saved state, so nothing is saved for it; prestart has nothing to do")"
	check_fails "$what: nothing in the store" test -e "$SYSCONTAINER_HOOKS_ROOT/$id"
	check_fails "$what: no runtime record" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id"
	run_capture "$TOOL" add-device "$id" /dev/null:/dev/extra-null
	expect_output "$what: add-device is refused" 2 "invalid container id"
	check_fails "$what: and saved nothing" test -e "$SYSCONTAINER_HOOKS_ROOT/$id"
	e2e_stop "$id"
	check_fails "$what: stopped and deleted" rt state "$id"
	check_eq "$what: the hook logged one line at each stage" \
		"prestart has nothing to do,poststop has nothing to do" \
		"$(grep -F "${id:0:64}" "$HOOK_LOG" | sed -n 's/.*; \(.*\)$/\1/p' | paste -sd,)"
	check_eq "$what: no warning or error in the log" "" "$(grep -E "(warning|error): " "$HOOK_LOG")"
done

e2e_summary
