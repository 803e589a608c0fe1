#!/bin/bash
# KERNEL_MODULES in a container's environment: names are checked, and a
# module is loaded only when the host's allow-list names it. This kernel
# has no loadable modules (/lib/modules is absent), so an allowed module
# ends in libkmod's "not found", which shows the request got that far;
# and loop is built in (/sys/module/loop), which needs nothing loaded.
. "$(dirname "$0")/lib.sh"
e2e_require_root
export SYSCONTAINER_HOOKS_MODULES_ALLOW=$E2E_TMP/modules.allow

e2e_new_bundle mod
with_env() {  # with_env VALUE: the container asks for VALUE
	jq --arg v "$1" --arg a "$SYSCONTAINER_HOOKS_MODULES_ALLOW" '
		.process.env = (.process.env | map(select(startswith("KERNEL_MODULES=") | not))
			+ ["KERNEL_MODULES=" + $v]) |
		.hooks.prestart[0].env += ["SYSCONTAINER_HOOKS_MODULES_ALLOW=" + $a]' \
		"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
}
start_fails_with() {  # start_fails_with WHAT PATTERN
	check_fails "$1: the start fails" e2e_run "$id"
	check_match "$1: one clear line" "syscontainer-hooks: prestart $id: $2" \
		"$(grep -o 'syscontainer-hooks: .*' "$E2E_TMP/$id.err" | sed 's/\\n"$//')"
	rt delete -f "$id" >/dev/null 2>&1
}

with_env "sch_test_mod"
start_fails_with "no allow-list" "kernel module sch_test_mod is not in the allow-list"
printf '# modules containers may load\n\n  other_mod \n' >"$SYSCONTAINER_HOOKS_MODULES_ALLOW"
start_fails_with "a module the allow-list does not name" "kernel module sch_test_mod is not in the allow-list"
echo "sch-test-mod" >>"$SYSCONTAINER_HOOKS_MODULES_ALLOW"
start_fails_with "an allowed module (named with - for _)" "kernel module sch_test_mod not found"
with_env "ok_mod,bad;name"
start_fails_with "a malformed name" "KERNEL_MODULES: invalid module name 'bad;name'"
with_env ""
check "an empty KERNEL_MODULES starts" e2e_run "$id"
e2e_stop "$id"
if [ -d /sys/module/loop ] && [ ! -e /sys/module/loop/initstate ] && [ ! -d "/lib/modules/$(uname -r)" ]; then
	echo loop >>"$SYSCONTAINER_HOOKS_MODULES_ALLOW"
	with_env "loop"
	: >"$HOOK_LOG"
	check "KERNEL_MODULES=loop, allowed and built into the kernel, starts" e2e_run "$id"
	check_eq "the runtime printed nothing" "" "$(cat "$E2E_TMP/$id.err")"
	check_match "the log says loop is there already" \
		"$id: kernel module loop is there already \(loaded or built in\)" "$(cat "$HOOK_LOG")"
	e2e_stop "$id"
	with_env "loop,sch_test_mod"
	start_fails_with "a built-in module and a missing one" "kernel module sch_test_mod not found"
else
	not_ok "this kernel has loop built in and no /lib/modules (the test needs both)"
fi
e2e_summary
