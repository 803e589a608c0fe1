#!/bin/bash
# Without pidfd_open (kernels before 5.3; valgrind has none either, which
# is how it is run here, the real hook at the prestart of a real runc
# container): the process is held by its /proc directory instead. Nothing
# is saved: the device and path code needs openat2, which valgrind lacks
# too (and every kernel without pidfd_open), so that part stays refused.
. "$(dirname "$0")/lib.sh"
e2e_require_root

if ! command -v valgrind >/dev/null; then
	skip "the hook and the tool without pidfd_open" "valgrind is not installed"
	e2e_summary
	exit
fi
vg=$(command -v valgrind)
id=$(e2e_name nopidfd)
e2e_bundle "$id"
b=$(e2e_bundle_dir "$id")
# the prestart hook run under valgrind, where pidfd_open fails with ENOSYS
jq --arg vg "$vg" '.hooks.prestart[0] |= (.args = ["valgrind", "-q", "--tool=none", .path] + .args[1:] |
	.path = $vg)' "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
check "the container starts, its prestart hook without pidfd_open" e2e_run "$id"
check_match "  the hook prepared it (nothing saved)" "$id: prestart: 0 device" "$(cat "$HOOK_LOG")"
check_fails "  the hook logged no error" grep -E "ERROR|error|Function not implemented" "$HOOK_LOG"
check "  a second start of it, the same" e2e_restart "$id"
check_eq "  two prestarts done" 2 "$(grep -c "$id: prestart: 0 device" "$HOOK_LOG")"
e2e_summary
