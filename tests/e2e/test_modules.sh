#!/bin/bash
# KERNEL_MODULES in a container's environment: names are checked, and a
# module is loaded only when the host's allow-list names it. This kernel
# has no loadable modules (/lib/modules is absent), so an allowed module
# ends in libkmod's "not found", which shows the request got that far.
. "$(dirname "$0")/lib.sh"
e2e_require_root
export SYSCONTAINER_HOOKS_MODULES_ALLOW=$E2E_TMP/modules.allow

id=$(e2e_name mod)
e2e_bundle "$id"
b=$(e2e_bundle_dir "$id")
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
e2e_summary
