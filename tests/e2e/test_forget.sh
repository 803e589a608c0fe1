#!/bin/bash
# forget drops everything kept for a container that no longer runs (saved
# state, udev rules, runtime record, namespace pin) and nothing of any
# other container. A running container, an unknown id and a state
# directory holding a file we did not write are refused with one line, and
# nothing is removed.
. "$(dirname "$0")/lib.sh"
e2e_require_root

rules=$SYSCONTAINER_HOOKS_UDEV_RULES
loop=$(e2e_loop)
id=$(e2e_name forget)
other=$(e2e_name keep)
state=$SYSCONTAINER_HOOKS_ROOT/$id
s=$$
e2e_bundle "$id"
e2e_bundle "$other"
check "container $id starts" e2e_run "$id"
check "container $other starts" e2e_run "$other"
check "add-device --follow-partition (a udev rule)" \
	"$TOOL" add-device --follow-partition "$id" "$loop:/dev/disk1"
check "add-device /dev/zero:/dev/z0" "$TOOL" add-device "$id" /dev/zero:/dev/z0
check "add-nic veth (a namespace pin)" "$TOOL" add-nic "$id" --type veth --name "fg$s:eth1" \
	--ip 10.231.$((s % 250)).2/24
# a host link lent to the container (a veth end of this test's own stands
# in for a NIC): poststop gives it back at 'runc delete', so forget of a
# container killed but not yet deleted must give it back itself
ip link add "fe$s" type veth peer name "fep$s"
E2E_CLEANUPS+=("ip link del fe$s" "ip link del fep$s")
check "add-nic eth (a host link lent to the container)" "$TOOL" add-nic "$id" --type eth \
	--name "fe$s:eth7" --ip 10.232.$((s % 250)).2/24
check_fails "fe$s left the host" ip link show "fe$s"
check "the other container gets a device" "$TOOL" add-device "$other" /dev/zero:/dev/z9
check "a rule for $id is in the rules file" grep -q " $id " "$rules"
check "the namespace pin of $id is mounted" grep -qF "$SYSCONTAINER_HOOKS_RUNDIR/$id/" \
	/proc/self/mountinfo

run_capture "$TOOL" forget "sch-$E2E_TAG-"
expect_output "forget an ambiguous prefix" 1 "ambiguous"

# running: refused, nothing removed
run_capture "$TOOL" forget "$id"
expect_output "forget a running container" 1 "is running: stop it first"
check "  its saved state is still there" test -s "$state/hook.json"
check "  its rule is still there" grep -q " $id " "$rules"
check "  it still has /dev/z0" e2e_exec "$id" test -c /dev/z0

# stopped without a poststop (killed, not deleted): a stale record is left
rt kill "$id" KILL >/dev/null 2>&1
for i in $(seq 50); do rt state "$id" 2>/dev/null | grep -q '"status": "stopped"' && break; sleep 0.1; done
check "a stale runtime record is left" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"

# a file we did not write: refused, nothing removed
touch "$state/notes.txt"
run_capture "$TOOL" forget "$id"
expect_output "forget with a foreign file in the state directory" 1 "notes.txt was not written"
check "  hook.json is still there" test -s "$state/hook.json"
check "  the record is still there" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
rm "$state/notes.txt"

out=$("$TOOL" forget "${id:0:$((${#id} - 2))}" 2>&1)
check_eq "forget by a unique prefix exits 0" 0 "$?"
check_match "  says what it removed" \
	"^Forgot container $id: its saved state, 1 udev rule\(s\), its runtime record$" "$out"
check_match "  says it gave the eth link back" \
	"^Gave eth7 of container $id back to the host as fe$s$" "$out"
check "  the lent link fe$s is back on the host" ip link show "fe$s"
check_fails "  the state directory is gone" test -e "$state"
check_fails "  the runtime directory is gone" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id"
check_fails "  its rule is gone" grep -q " $id " "$rules"
# other tests mount and unmount meanwhile: look for this container's pin only
check_fails "  the namespace pin is unmounted" grep -qF "$SYSCONTAINER_HOOKS_RUNDIR/$id/" \
	/proc/self/mountinfo
check "  the other container's state is untouched" \
	sh -c "'$TOOL' list-device '$other' | grep -q /dev/z9"
check "  the other container runs on" e2e_exec "$other" test -c /dev/z9

run_capture "$TOOL" forget "$id"
expect_output "forget again" 1 "nothing is kept for container $id"
run_capture "$TOOL" forget "sch-nobody-$s"
expect_output "forget an unknown container" 1 "nothing is kept for container sch-nobody-$s"
run_capture "$TOOL" forget
expect_output "forget without a container" 2 "needs exactly one container"

# the container starts again with nothing saved
rt delete -f "$id" >/dev/null 2>&1
check "the forgotten container starts again" e2e_run "$id"
check_fails "  without /dev/z0" e2e_exec "$id" test -e /dev/z0
check_fails "  without eth1" e2e_exec "$id" ip link show eth1
e2e_stop "$id"

# a forget that fails part way loses nothing: the saved state stays whole,
# byte for byte, and forget run again completes. It fails first where the
# rules file cannot be read (a directory in its place), before anything is
# removed; then where the runtime directory holds a file forget does not
# remove, after the rules and the namespace pin went.
half=$(e2e_name half)
e2e_bundle "$half"
check "container $half starts" e2e_run "$half"
check "  a disk with a udev rule" "$TOOL" add-device --follow-partition "$half" "$loop:/dev/disk2"
check "  a device" "$TOOL" add-device "$half" /dev/zero:/dev/z5
check "  a veth (a namespace pin)" "$TOOL" add-nic "$half" --type veth --name "fh$s:eth1" \
	--ip 10.234.$((s % 250)).2/24
rt kill "$half" KILL >/dev/null 2>&1
for i in $(seq 50); do rt state "$half" 2>/dev/null | grep -q '"status": "stopped"' && break; sleep 0.1; done
cp "$SYSCONTAINER_HOOKS_ROOT/$half/hook.json" "$E2E_TMP/half.json"
mkdir -p "$E2E_TMP/rules-dir"
SYSCONTAINER_HOOKS_UDEV_RULES=$E2E_TMP/rules-dir run_capture "$TOOL" forget "$half"
expect_output "forget failing at the rules file" 1 "rules-dir"
check "  hook.json is as it was" cmp -s "$E2E_TMP/half.json" "$SYSCONTAINER_HOOKS_ROOT/$half/hook.json"
check "  the rule is still there" grep -q " $half " "$rules"
check "  the runtime record is still there" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$half/record.json"
touch "$SYSCONTAINER_HOOKS_RUNDIR/$half/stray"
run_capture "$TOOL" forget "$half"
expect_output "forget failing at the runtime directory" 1 "$half: Directory not empty"
check "  hook.json is as it was" cmp -s "$E2E_TMP/half.json" "$SYSCONTAINER_HOOKS_ROOT/$half/hook.json"
check_match "  list-device shows the saved device" "/dev/z5" "$("$TOOL" list-device "$half" 2>&1)"
check_fails "  the rule went" grep -q " $half " "$rules"
rm -f "$SYSCONTAINER_HOOKS_RUNDIR/$half/stray"
out=$("$TOOL" forget "$half" 2>&1)
check_eq "forget run again completes" 0 "$?"
check_match "  it removed the saved state" "^Forgot container $half: its saved state" "$out"
check_fails "  the state directory is gone" test -e "$SYSCONTAINER_HOOKS_ROOT/$half"
check_fails "  the runtime directory is gone" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$half"
rt delete -f "$half" >/dev/null 2>&1

# created, not started: the runtime's process waits in the container; refused
created=$(e2e_name created)
e2e_bundle "$created"
E2E_CONTAINERS+=("$created")
create() { (cd "$(e2e_bundle_dir "$1")" && rt create "$1" </dev/null >/dev/null 2>&1); }
check "container $created is created, not started" create "$created"
check "  it gets a device" "$TOOL" add-device "$created" /dev/zero:/dev/z8
run_capture "$TOOL" forget "$created"
expect_output "forget a created container" 1 "is running: stop it first"
check "  its saved state is still there" test -s "$SYSCONTAINER_HOOKS_ROOT/$created/hook.json"
e2e_stop "$created"

# a corrupt hook.json does not stand in the way
e2e_stop "$other"
echo '{"deviceToAdd": [' >"$SYSCONTAINER_HOOKS_ROOT/$other/hook.json"
out=$("$TOOL" forget "$other" 2>&1)
check_eq "forget with a corrupt hook.json exits 0" 0 "$?"
check_fails "  its state directory is gone" test -e "$SYSCONTAINER_HOOKS_ROOT/$other"
e2e_summary
