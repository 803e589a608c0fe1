#!/bin/bash
# Hostile input sizes: a 100 MB state on stdin, JSON nested 100,000 deep,
# NUL bytes, a 20 MB hook.json, and 10,000 saved devices. Each is refused
# with one clear line in bounded time and memory, or handled in full.
. "$(dirname "$0")/lib.sh"
e2e_require_root

# memory bound for the programs (not for AddressSanitizer builds, which
# reserve large address ranges up front; the runtime may be linked in
# statically, so the binary itself is asked, not ldd)
limit=""
grep -qa __asan_init "$HOOK" || limit="ulimit -v 131072;"
bounded() {  # bounded SECONDS CMD...: run under the memory and time bounds
	local secs=$1
	shift
	timeout "$secs" bash -c "$limit"' "$@"' bash "$@"
}

e2e_new_bundle big
check "container starts" e2e_run "$id"
state=$(jq -nc --arg id "$id" --arg b "$b" '{ociVersion:"1.0.2",id:$id,bundle:$b}')

# 100 MB on stdin
run_capture bounded 10 sh -c "head -c 100000000 /dev/zero | '$HOOK' --state poststop"
expect_output "100 MB of state on stdin" 1 "larger than 1048576 bytes"
# nesting and NUL bytes
run_capture bounded 10 sh -c "head -c 100000 /dev/zero | tr '\\0' '[' | '$HOOK' --state poststop"
expect_output "state nested 100,000 deep" 1 "nested deeper than 64"
run_capture bounded 10 sh -c "printf '{\"id\":\"a\0b\"}' | '$HOOK' --state poststop"
expect_output "a NUL byte in the state" 1 "NUL"

# hostile hook.json files, read by the CLI
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
mkdir -p "$(dirname "$store")"
head -c 20000000 /dev/zero | tr '\0' ' ' >"$store"
run_capture bounded 10 "$TOOL" list "$id"
expect_output "a 20 MB hook.json" 1 "hook.json.*larger than"
{ printf '{"deviceToAdd":'; head -c 10000 /dev/zero | tr '\0' '['; } >"$store"
run_capture bounded 10 "$TOOL" list "$id"
expect_output "a hook.json nested 10,000 deep" 1 "hook.json.*nested deeper"
printf '{"bindToAdd":["/a:/b\0"]}' >"$store"
run_capture bounded 10 "$TOOL" list "$id"
expect_output "a NUL byte in hook.json" 1 "hook.json.*NUL"

# 10,000 saved devices: the next start creates them all
jq -nc '{deviceToAdd: [range(10000) | {Type:"c", Major:1, Minor:5, PathOnHost:"/dev/zero",
	PathInContainer:"/dev/many/z\(.)", CgroupPermissions:"rwm", Parent:""}]}' >"$store"
t0=$(date +%s%N)
e2e_restart "$id"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "restart with 10,000 saved devices" test -n "$(e2e_pid "$id")"
check_eq "all 10,000 nodes are in the container" 10000 \
	"$(ls "/proc/$(e2e_pid "$id")/root/dev/many" | wc -l)"
check "it took less than 30 s (took $ms ms)" test "$ms" -lt 30000
echo "# restart with 10,000 devices: $ms ms"
t0=$(date +%s%N)
check "list with 10,000 devices, bounded" bounded 10 "$TOOL" list "$id" --json
echo "# list --json of 10,000 devices: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
e2e_stop "$id"
e2e_summary
