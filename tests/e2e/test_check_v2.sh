#!/bin/bash
# `check` under cgroup v2 with real runc: a device's access lives in the
# cgroup's device program, which the hook and add-device replace with one
# that allows our devices on top of runc's. `runc update` sets runc's own
# program again (runc rebuilds it from the container's configuration), so
# our devices are refused while their nodes are still there: the drift of
# the field. check finds it, --fix puts our rules back, a second check
# exits 0, and the device is read again.
E2E_CGROUP=v2
. "$(dirname "$0")/lib.sh"
e2e_require_root
e2e_require_helper devctl

check_eq "/sys/fs/cgroup is a cgroup2 hierarchy here" cgroup2fs "$(stat -f -c %T /sys/fs/cgroup)"
id=$(e2e_name chkv2)
e2e_bundle "$id"
check "the container starts" e2e_run "$id"
a=$(e2e_loop) b=$(e2e_loop)
check "two devices" "$TOOL" add-device "$id" "$a:/dev/da:rw" "$b:/dev/db:r"
readable() { e2e_exec "$id" head -c 1 "$1" >/dev/null 2>&1 </dev/null; }
check "the device reads" readable /dev/da
run_capture "$TOOL" check "$id"
check_eq "check: exit 0" 0 "$RC"

cgdir=/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$(e2e_pid "$id")/cgroup")
check "drift: runc's own device program put back" "$E2E_BUILD/tests/devctl" allow "$cgdir"
check_fails "the device is refused now" readable /dev/da
run_capture "$TOOL" check "$id"
check_eq "check finds it: exit 1" 1 "$RC"
check_match "both devices are named" "device /dev/da \($a\): access not granted.*device /dev/db \($b\): access not granted" \
	"$(tr '\n' ' ' <"$OUT")"
run_capture "$TOOL" check "$id" --fix
check_eq "check --fix: exit 0" 0 "$RC"
check_eq "both fixed" 2 "$(grep -c '; fixed$' "$OUT")"
check "the device reads again" readable /dev/da
run_capture "$TOOL" check "$id"
check_eq "a second check exits 0" 0 "$RC"
e2e_stop "$id"
e2e_summary
