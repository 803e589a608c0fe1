#!/bin/bash
# Logging never stops a start nor loses its lines, on real runc. A --log
# that is a symlink, in a missing or read-only directory, a FIFO (with and
# without a reader) or a directory: the container starts, its saved device
# is back, the warning and the hook's lines are in the fallback file
# ($RUNDIR.log). Without --log and without syslog, the lines (a skipped
# device's warning included) go there too, and the notice is given once.
# The CLI with --log FIFO returns at once; --log . is stderr for both.
. "$(dirname "$0")/lib.sh"
e2e_require_root

FALLBACK=$SYSCONTAINER_HOOKS_RUNDIR.log
rm -f "$FALLBACK"       # lib.sh made it; this test watches it being made

id=$(e2e_name log)
e2e_bundle "$id"
cfg=$(e2e_bundle_dir "$id")/config.json
check "container starts with a good --log" e2e_run "$id"
check "add-device /dev/zero as /dev/log-zero" "$TOOL" add-device "$id" /dev/zero:/dev/log-zero:rw
# a device whose host node goes away: skipped, with a warning, at starts
mknod "$E2E_TMP/gone-null" c 1 3
check "add-device a node that will be gone" "$TOOL" add-device "$id" "$E2E_TMP/gone-null:/dev/gone-null"
rm -f "$E2E_TMP/gone-null"

# set_log JSON: the hook's arguments after "--state STAGE" at both stages
set_log() {
	jq --argjson l "$1" '(.hooks.prestart, .hooks.poststop) |= map(.args = .args[0:3] + $l)' \
		"$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}
prestarts() { grep -c "syscontainer-hooks\[[0-9]*\] info: $id: prestart: .* device(s)" "$FALLBACK" 2>/dev/null; }

# the places a --log cannot be written
bad=$E2E_TMP/bad
mkdir -p "$bad/ro"
echo untouched >"$E2E_TMP/target"
ln -s "$E2E_TMP/target" "$bad/link"
mkfifo "$bad/fifo" "$bad/fifo-read"
exec 7<>"$bad/fifo-read"        # a FIFO with a reader (this shell)
E2E_CLEANUPS+=("exec 7>&-")
mount --bind "$bad/ro" "$bad/ro" && mount -o remount,bind,ro "$bad/ro"
E2E_CLEANUPS+=("umount -l $bad/ro")
check "the read-only directory is read-only" sh -c "! touch '$bad/ro/probe' 2>/dev/null"

for path in "$bad/link" "$bad/missing/hook.log" "$bad/ro/hook.log" "$bad/fifo" \
	    "$bad/fifo-read" "$bad"; do
	what="--log ${path#"$E2E_TMP"/}"
	before=$(prestarts)
	set_log "$(jq -nc --arg p "$path" '["--log", $p]')"
	e2e_stop "$id"
	if e2e_run "$id"; then
		ok "$what: the container starts"
	else
		not_ok "$what: the container starts ($(head -c 300 "$E2E_TMP/$id.err"))"
	fi
	check "$what: its saved device is back" e2e_exec "$id" test -c /dev/log-zero
	check "$what: the warning names it, in the fallback" \
		grep -qF "warning: --log $path" "$FALLBACK"
	check "$what: the hook's lines are in the fallback" test "$(prestarts)" -gt "${before:-0}"
done
check_eq "the symlink's target is untouched" "untouched" "$(cat "$E2E_TMP/target")"
check_eq "nothing was written into the FIFO" "" "$(timeout 1 dd bs=1 count=1 status=none <&7 2>/dev/null)"

# no --log and no syslog: the fallback, with one notice at its start
if [ -e /dev/log ] || [ -L /dev/log ]; then
	not_ok "this machine has /dev/log; the no-syslog case cannot run as written"
fi
e2e_stop "$id"          # its poststop still has the last bad --log
rm -f "$FALLBACK"
set_log '[]'
check "no --log, no syslog: the container starts" e2e_run "$id"
check "no --log, no syslog: the fallback was made" test -s "$FALLBACK"
check_match "no --log, no syslog: its first line says why" \
	"^[^ ]+ syscontainer-hooks\[[0-9]+\] warning: syslog at /dev/log: .*; logging to this file$" \
	"$(head -n 1 "$FALLBACK")"
check_eq "no --log, no syslog: the prestart line is there" 1 "$(prestarts)"
check "no --log, no syslog: the skipped device's warning is there" \
	grep -q "warning: $id: device $E2E_TMP/gone-null skipped" "$FALLBACK"
check "no --log, no syslog: restart again" e2e_restart "$id"
check_eq "no --log, no syslog: the notice is given once" 1 "$(grep -c 'logging to this file' "$FALLBACK")"
check_eq "no --log, no syslog: both starts are logged" 2 "$(prestarts)"
check "no --log, no syslog: the poststop line is there" grep -q "$id: poststop: cleaned up" "$FALLBACK"

# --log . is stderr in the hook as in the CLI
set_log '["--log", "."]'
check "--log . : the container starts" e2e_restart "$id"
state=$E2E_TMP/state.json
jq -nc --arg id "$id" --arg b "$(e2e_bundle_dir "$id")" \
	'{ociVersion: "1.0.2", id: $id, status: "running", pid: 1, bundle: $b}' >"$state"
"$HOOK" --state poststart --log . <"$state" >"$OUT" 2>"$ERR"
RC=$?
check_eq "hook --log . : exit 0" 0 "$RC"
check_match "hook --log . : its line is on stderr" "syscontainer-hooks\[[0-9]+\] info: $id: poststart: nothing to do" \
	"$(cat "$ERR")"
run_capture "$TOOL" --log . add-device "$id" /dev/null:/dev/log-null:r
check_eq "CLI --log . : exit 0" 0 "$RC"
check_match "CLI --log . : its line is on stderr" "syscontainer-tools\[[0-9]+\] info: $id: added device /dev/null" \
	"$(cat "$ERR")"

# the hook run by hand with a bad --log: one warning line on stderr, exit 0
"$HOOK" --state poststart --log "$bad/fifo" <"$state" >"$OUT" 2>"$ERR"
RC=$?
expect_warning() {  # expect_warning WHAT PATTERN: exit 0, stderr one line
	check_eq "$1: exit 0" 0 "$RC"
	check_eq "$1: one line on stderr" 1 "$(wc -l <"$ERR")"
	check_match "$1: it names the path and where the lines go" "$2" "$(cat "$ERR")"
}
expect_warning "hook --log FIFO" "^syscontainer-hooks: warning: --log $bad/fifo is a FIFO; logging to $FALLBACK$"

# the CLI with --log FIFO does not hang and does its work
SECONDS=0
timeout 10 "$TOOL" --log "$bad/fifo" list "$id" >"$OUT" 2>"$ERR" </dev/null
RC=$?
expect_warning "CLI --log FIFO" "^syscontainer-tools: warning: --log $bad/fifo is a FIFO; logging to $FALLBACK$"
check "CLI --log FIFO: it returned at once (${SECONDS}s)" test "$SECONDS" -le 2
check "CLI --log FIFO: its output is there" grep -q /dev/log-zero "$OUT"
run_capture "$TOOL" --log "$bad/missing/tool.log" remove-device "$id" /dev/null:/dev/log-null
expect_warning "CLI --log in a missing directory" "^syscontainer-tools: warning: --log $bad/missing/tool.log: No such file or directory; logging to $FALLBACK$"
check "CLI --log in a missing directory: its line is in the fallback" \
	grep -q "syscontainer-tools\[[0-9]*\] info: $id: removed device /dev/null" "$FALLBACK"

e2e_stop "$id"
e2e_summary
