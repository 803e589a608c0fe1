#!/bin/bash
# syscontainer-runtime in front of real runc: at create and run it puts our
# hooks into the bundle (the bundle's own first, never twice); every other
# command goes through unchanged, so state, exec, kill and delete answer as
# runc's own do; a runtime.json it cannot read, a bundle whose hooks it
# cannot read, or a runtime that is itself stop it with one line.
. "$(dirname "$0")/lib.sh"
e2e_require_root
e2e_wrapper_conf runc
R=$E2E_TMP/runc-root   # runc's own state, the same through both ways
W() { "$WRAPPER" --root "$R" "$@"; }
direct() { runc --root "$R" "$@"; }

id=$(e2e_name wrap)
E2E_CLEANUPS+=("runc --root '$R' delete -f '$id'")
e2e_bundle "$id"
b=$(e2e_bundle_dir "$id")
# the bundle as an engine writes it: its own hook, none of ours
jq --arg f "$E2E_TMP/own-hook.ran" \
	'.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo ran >>" + $f]}]}' \
	"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"

# --- create and start ----------------------------------------------------------
check "create through the wrapper (global flags, --bundle after them)" \
	W --log "$E2E_TMP/runc.log" --log-format json create --bundle "$b" --pid-file "$E2E_TMP/pid" "$id"
check_eq "the bundle's own hook first, ours after" "/bin/sh $HOOK" \
	"$(jq -r '[.hooks.prestart[].path] | join(" ")' "$b/config.json")"
check_eq "our poststop is in" "$HOOK" "$(jq -r '[.hooks.poststop[].path] | join(" ")' "$b/config.json")"
check_eq "the rest of config.json is kept" '["/bin/sleep","100000"]' \
	"$(jq -c .process.args "$b/config.json")"
check "the bundle's own hook ran" test -s "$E2E_TMP/own-hook.ran"
check "our prestart ran (runtime record)" test -s "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
check "start through the wrapper" W start "$id"

# --- pass-through: the same answers as runc's ----------------------------------
check_eq "state: the same output" "$(direct state "$id")" "$(W state "$id")"
check_eq "state: running" running "$(W state "$id" | jq -r .status)"
check_eq "list: the same output" "$(direct list -q)" "$(W list -q)"
check_eq "exec: the same output" "$(direct exec "$id" cat /etc/passwd)" \
	"$(W exec "$id" cat /etc/passwd)"
check_eq "exec: stdin goes through" "abc" "$(printf abc | W exec "$id" cat)"
W exec "$id" sh -c 'exit 7'; rc_w=$?
direct exec "$id" sh -c 'exit 7'; rc_d=$?
check_eq "exec: the same exit status (7)" "$rc_d" "$rc_w"
check_eq "exec: flags after the id (--env)" "v" "$(W exec --env X=v "$id" sh -c 'echo $X')"
check "add-device works on it" "$TOOL" add-device "$id" /dev/zero:/dev/wrap-zero
check "  the node is in it" W exec "$id" test -c /dev/wrap-zero
out_w=$(W state "$id-nosuch" 2>&1); rc_w=$?
out_d=$(direct state "$id-nosuch" 2>&1); rc_d=$?
check_eq "state of an unknown id: the same exit status" "$rc_d" "$rc_w"
check_eq "state of an unknown id: the same message" \
	"$(printf '%s' "$out_d" | sed 's/time="[^"]*"//')" "$(printf '%s' "$out_w" | sed 's/time="[^"]*"//')"
check_eq "--version: the same output" "$(runc --version)" "$("$WRAPPER" --version)"
check "kill through the wrapper" W kill "$id" KILL
for i in $(seq 50); do [ "$(direct state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
check_eq "  runc sees it stopped" stopped "$(direct state "$id" | jq -r .status)"
check "delete through the wrapper" W delete "$id"
check_fails "  runc no longer knows it" direct state "$id"
check_fails "  our poststop ran (record gone)" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"

# --- run, again on the same bundle: nothing added twice ------------------------
before=$(cat "$b/config.json")
check "run -d through the wrapper, bundle as the current directory" \
	sh -c 'cd "$1" && shift && "$@" </dev/null >/dev/null' sh "$b" "$WRAPPER" --root "$R" run -d "$id"
check_eq "config.json unchanged by the second create" "$before" "$(cat "$b/config.json")"
check "  the device saved with the wrapper is back" W exec "$id" test -c /dev/wrap-zero
W delete -f "$id" >/dev/null 2>&1

# --- refusals: one line, nothing started, config.json untouched ------------------
no_container() { ! direct state "$id" >/dev/null 2>&1; }
echo '{"runtime": "runc", "hookspec": "relative.json"}' >"$E2E_TMP/bad-runtime.json"
run_capture env SYSCONTAINER_RUNTIME_CONFIG="$E2E_TMP/bad-runtime.json" \
	"$WRAPPER" --root "$R" create --bundle "$b" "$id"
expect_output "a runtime.json with a relative hookspec" 1 "bad-runtime.json: \"hookspec\" is not an absolute path"
check "  no container made" no_container
run_capture env SYSCONTAINER_RUNTIME="$WRAPPER" "$WRAPPER" --root "$R" create --bundle "$b" "$id"
expect_output "the runtime named is the wrapper itself" 1 "syscontainer-runtime itself"
check "  no container made" no_container
cp "$WRAPPER" "$E2E_TMP/runc-copy"
run_capture env SYSCONTAINER_RUNTIME="$E2E_TMP/runc-copy" "$WRAPPER" --root "$R" state "$id"
expect_output "the runtime named is a copy of the wrapper" 1 "a copy of it"
run_capture env SYSCONTAINER_RUNTIME=sch-no-such-runtime "$WRAPPER" --root "$R" state "$id"
expect_output "a runtime that is not on PATH" 1 "sch-no-such-runtime: no executable"
jq '.hooks.prestart = {path: "/bin/true"}' "$b/config.json" >"$E2E_TMP/bad-config.json"
cp "$E2E_TMP/bad-config.json" "$b/config.json"
run_capture "$WRAPPER" --root "$R" create --bundle "$b" "$id"
expect_output "a bundle whose hooks are not the spec's" 1 "hooks.prestart\" is not an array"
check "  config.json left as it was" cmp -s "$E2E_TMP/bad-config.json" "$b/config.json"
check "  no container made" no_container
# JSON that cJSON would take but is not JSON (a leading zero), and "hooks"
# twice (runc would take the last one, a merge could not say which)
for bad in '{"ociVersion": 01}|invalid JSON at byte 16' '{"hooks": {}, "hooks": {}}|"hooks" is there twice' \
	'{"process": {"args": ["sh"]}|truncated JSON'; do
	printf '%s' "${bad%%|*}" >"$b/config.json"
	run_capture "$WRAPPER" --root "$R" create --bundle "$b" "$id"
	expect_output "a config.json $(printf '%s' "${bad%%|*}" | head -c 30)" 1 "config.json: ${bad#*|}"
	check_eq "  config.json left as it was" "${bad%%|*}" "$(cat "$b/config.json")"
	check "  no container made" no_container
done

# on the start path of every container: no shared library to load (the
# sanitizer build, "make asan", cannot link statically: there, at least
# none of the project's libraries)
check_eq "the wrapper needs none of cJSON, libmnl, libudev, libselinux, libsystemd, libkmod" "" \
	"$(readelf -d "$WRAPPER" | grep NEEDED | grep -e cjson -e mnl -e udev -e selinux -e systemd -e kmod)"
if ! nm "$WRAPPER" 2>/dev/null | grep -q __asan_init; then
	check_match "the wrapper is a static executable" "no dynamic section" "$(readelf -d "$WRAPPER" 2>&1)"
fi
e2e_summary
