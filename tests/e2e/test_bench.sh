#!/bin/bash
# The benchmark keeps working: bench/run.sh with 3 runs per row gives every
# row a figure and leaves nothing behind. The figures are not checked: the
# benchmark measures, it does not pass or fail on time.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
e2e_require_root

# the benchmark names what it makes after its pid: only that is looked at,
# as other tests run at the same time
bash "$top/bench/run.sh" "$E2E_BUILD" 3 >"$E2E_TMP/bench.out" 2>&1 &
bpid=$!
wait "$bpid"
check_eq "bench/run.sh exits 0" 0 "$?"
out=$(cat "$E2E_TMP/bench.out")
num='median [0-9]+\.[0-9]+ ms'
for row in "exec of an empty static program" "exec of /bin/true" "syscontainer-hooks --version" \
	"hook prestart, nothing saved" "hook prestart again, same instance" \
	"hook prestart, 10 devices" "hook prestart, 10 devices \(same rounds\)" \
	"hook prestart, 10 CDI devices, by name" "hook prestart, 100 devices" \
	"hook prestart, 1000 devices" "hook prestart, 1 bridged veth \+ 2 routes" \
	"hook prestart, 4 veths, no bridge, \+ 8 routes" "hook prestart, 4 bridged veths \+ 8 routes" \
	"hook prestart, 16 veths on 2 bridges \+ 32 rt" "hook prestart, 10 devices, 2 bridged nics, 4 rt" \
	"hook prestart, 2 veths on a Linux bridge \+ 4 rt" "hook prestart, 2 veths on an OVS bridge \+ 4 rt" \
	"hook prestart, cgroup v1, nothing saved" \
	"hook prestart, cgroup v2, nothing saved" "hook prestart, cgroup v1, 100 devices" \
	"hook prestart, cgroup v2, 100 devices" "/bin/true as the runtime, alone" \
	"syscontainer-runtime create, hooks put in" "syscontainer-runtime create, hooks there" \
	"syscontainer-runtime state \(through\)"; do
	check_match "row: $row" "\| $row[^|]*\| $num" "$out"
done
for row in "no hook" "/bin/true as the hook" "hook, nothing saved" "hook, 10 dev 2 nic 4 rt"; do
	check_match "row: runc create, $row" "\| runc create, $row *\| $num \(x[0-9.]+\)" "$out"
done
check_match "cgroup v2: one device program left on the container, runc's" \
	"\| cgroup v2: programs on the container +\| programs 1 insns [0-9]+ \|" "$out"
check_fails "no run failed" sh -c "printf '%s' \"\$1\" | grep -q failed" _ "$out"
check_eq "no interface left on the host" "" \
	"$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^(sbb[01]_$bpid|sbo_$bpid|bh${bpid}_[0-9]+)\$")"
check_eq "no mount left on the host" 0 "$(grep -c "sch-bench-$bpid " /proc/self/mountinfo)"
check_eq "no stand-in cgroup left" "" "$(ls /sys/fs/cgroup/devices | grep -x "sch-bench-$bpid")"
check_eq "no container left" "" "$(runc list -q | grep -- "^sch-e2e$bpid-")"
e2e_summary
