#!/bin/bash
# What a command prints reaches stdout only when it succeeds: a command that
# fails after some of its work was done (and reported) prints its one error
# line on stderr and nothing on stdout; the same command, once it can
# succeed, prints its report.
. "$(dirname "$0")/lib.sh"
e2e_require_root

id=$(e2e_name out)
s=$$
e2e_bundle "$id"
check "container $id starts" e2e_run "$id"
# a host link lent to the container (a veth end of this test's own stands
# in for a NIC): forget of the killed container gives it back and says so
ip link add "fo$s" type veth peer name "fop$s"
E2E_CLEANUPS+=("ip link del fo$s" "ip link del fop$s")
check "add-nic eth" "$TOOL" add-nic "$id" --type eth --name "fo$s:eth7" \
	--ip 10.233.$((s % 250)).2/24
rt kill "$id" KILL >/dev/null 2>&1
for i in $(seq 50); do rt state "$id" 2>/dev/null | grep -q '"status": "stopped"' && break; sleep 0.1; done

# the udev rules file cannot be read (a directory stands in its place):
# forget gives the link back, then fails at the rules
bad_rules=$E2E_TMP/rules-dir
mkdir -p "$bad_rules"
SYSCONTAINER_HOOKS_UDEV_RULES=$bad_rules run_capture "$TOOL" forget "$id"
check_eq "forget failing at the rules: exit status 1" 1 "$RC"
check_match "  one line on stderr naming the rules file" "^syscontainer-tools forget: .*$bad_rules" \
	"$(cat "$ERR")"
check_eq "  one line only" 1 "$(wc -l <"$ERR")"
check_eq "  nothing on stdout (not the 'Gave eth7' of the work done before)" "" "$(cat "$OUT")"
check "  the link was given back all the same" ip link show "fo$s"

run_capture "$TOOL" forget "$id"
check_eq "forget, once it can succeed: exit status 0" 0 "$RC"
check_match "  its report on stdout" "^Forgot container $id: " "$(cat "$OUT")"
check_eq "  nothing on stderr" "" "$(cat "$ERR")"
e2e_summary
