#!/bin/bash
# Benchmarks of the hook on the container start path (root, after make).
#   bench/run.sh [BUILD_DIR] [RUNS] [hook|start|v2|wrapper|all|systemd|cdi]
# (a) the hook alone against a stand-in container (a process in its own
#     mount and network namespaces and devices cgroup) with 0..1000 saved
#     devices and 1..16 veth nics with 2 routes each, on host bridges as
#     operators attach them (and one row without a bridge to compare), and
#     2 veths on an Open vSwitch bridge (our own ovsdb-server and
#     ovs-vswitchd, tests/e2e/ovs_env.sh) against 2 on a Linux bridge;
# (b) `runc create` of a busybox container (the start path up to the
#     container's first instruction), without the hook, with the hook and
#     nothing saved, and with 10 devices, 2 bridged nics and 4 routes.
# (c) syscontainer-runtime's own cost: the wrapper in front of /bin/true
#     against /bin/true alone, on a config.json of Docker's size.
# Medians of RUNS runs (default 100; at most 200 for (b)); the third
# argument picks (a), (b), (c) (hook, start, wrapper) or all; "systemd"
# (not in all) times the hook for a container in a systemd unit, with
# systemd as PID 1 in private namespaces (bench/systemd.sh).
# "cdi" (not in all) times only the rows of 10 devices and 10 CDI devices.
set -u
E2E_BUILD=${1:-build}
RUNS=${2:-100}
PART=${3:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/e2e/lib.sh"
e2e_require_root
bench=$E2E_TMP/hookbench
# runtime records live on a tmpfs, as /run/syscontainer-hooks does in
# production (here /run may be on the root file system, where replacing a
# file forces a write-out of its data)
export SYSCONTAINER_HOOKS_RUNDIR=$E2E_TMP/rundir
mkdir -p "$SYSCONTAINER_HOOKS_RUNDIR"
mount -t tmpfs -o mode=0700 "sch-bench-$$" "$SYSCONTAINER_HOOKS_RUNDIR" || exit 1
E2E_CLEANUPS+=("umount -l $SYSCONTAINER_HOOKS_RUNDIR")
cc -O2 -o "$bench" "$top/bench/hookbench.c" || exit 1

# --- the stand-in container -------------------------------------------
b=$E2E_TMP/standin
mkdir -p "$b/rootfs/dev"
# its own mount and network namespaces, as a runtime would declare them:
# the hook gives no interface to a container in the host's namespace
echo '{"ociVersion":"1.0.2","root":{"path":"rootfs"},"process":{"env":[]},
  "linux":{"namespaces":[{"type":"mount"},{"type":"network"}]}}' >"$b/config.json"
unshare -m -n --propagation private sh -c \
	"mount -t tmpfs tmpfs '$b/rootfs/dev' && exec sleep 100000" &
pid=$!
E2E_CLEANUPS+=("kill -9 $pid; sleep 0.2")
for i in $(seq 50); do grep -q "$b/rootfs/dev" "/proc/$pid/mountinfo" 2>/dev/null && break; sleep 0.05; done
cg=/sys/fs/cgroup/devices/sch-bench-$$
mkdir -p "$cg" && echo "$pid" >"$cg/cgroup.procs"
E2E_CLEANUPS+=("rmdir $cg")

# poststop ID: the cleanup after a timed prestart. The stand-in lives on
# where a container would have ended, and poststop leaves alone the record
# of an instance that still runs (a start refused because its id is taken
# ends with a poststop too): the record goes first, and poststop cleans
# after hook.json and the namespace pin.
poststop() {
	echo "rm -f '$SYSCONTAINER_HOOKS_RUNDIR/$1/record.json'; '$HOOK' --state poststop" \
		"--log '$E2E_TMP/bench.log' <'$E2E_TMP/$1.post'"
}

state() {  # state ID [PID]
	jq -nc --arg id "$1" --arg b "$b" --argjson pid "${2:-0}" \
		'{ociVersion:"1.0.2", id:$id, bundle:$b, status:"creating"} + (if $pid > 0 then {pid:$pid} else {} end)'
}

# two throw-away bridges for the host ends of the veths
br0=sbb0_$$
br1=sbb1_$$
E2E_CLEANUPS+=("ip link del $br0" "ip link del $br1")
ip link add "$br0" type bridge && ip link add "$br1" type bridge || exit 1
. "$top/tests/e2e/ovs_env.sh"
ovsbr=sbo_$$

# save N devices (/dev/zero at /dev/zI) and M nics with 2 routes each; the
# nics take turns on the bridges given (none: no bridge)
save() {  # save ID N M [BRIDGE...]
	local id=$1 n=$2 m=$3
	shift 3
	mkdir -p "$SYSCONTAINER_HOOKS_ROOT/$id"
	jq -nc --argjson n "$n" --argjson m "$m" --arg s "$$" --args '{
	  deviceToAdd: [range($n) | {Type:"c", Major:1, Minor:5, PathOnHost:"/dev/zero",
	                PathInContainer:"/dev/z\(.)", CgroupPermissions:"rwm", Parent:""}],
	  networkInterfaces: [range($m) | {Ip:"10.61.\(.).2/24", Mac:"", Mtu:1500, Qlen:1000,
	                Type:"veth", Bridge:(if $ARGS.positional == [] then ""
	                else $ARGS.positional[. % ($ARGS.positional | length)] end), HostNicName:"bh\($s)_\(.)", CtrNicName:"eth\(. + 1)"}],
	  networkRoute: [range($m) as $i | {dest:"10.62.\($i).0/24", src:"", gw:"", dev:"eth\($i + 1)"},
	                {dest:"10.63.\($i).0/24", src:"", gw:"10.61.\($i).1", dev:""}]
	}' "$@" >"$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"
}

hook_row() {  # hook_row LABEL N M [BRIDGE...]
	local id=bench-$2-$3-$# r
	save "$id" "${@:2}"
	state "$id" "$pid" >"$E2E_TMP/$id.pre"
	state "$id" >"$E2E_TMP/$id.post"
	r=$("$bench" "$RUNS" "$E2E_TMP/$id.pre" "$HOOK" --state prestart --log "$E2E_TMP/bench.log" \
		-- sh -c "$(poststop "$id")")
	printf '| hook prestart, %-28s | %s |\n' "$1" "$r"
}

# N CDI devices saved by name, as add-device leaves them: one spec file of
# N devices in a directory of this run (device dI: /dev/zero at /dev/cdiI),
# each looked up again by the hook at every start. Timed in the same
# rounds as N devices saved as paths (bench-N-0-3, made by hook_row
# before), so that both see the same machine. BENCH_HOOK_BEFORE=BINARY:
# an older hook on the same hook.json, in the same rounds ("before").
cdi_row() {  # cdi_row LABEL N
	local id=bench-cdi-$2 dir=$E2E_TMP/cdi
	mkdir -p "$dir" "$SYSCONTAINER_HOOKS_ROOT/$id"
	jq -n --argjson n "$2" '{cdiVersion: "0.5.0", kind: "bench.example.com/dev",
	  devices: [range($n) | {name: "d\(.)", containerEdits: {deviceNodes: [{path: "/dev/cdi\(.)",
	            hostPath: "/dev/zero"}]}}]}' >"$dir/bench.json"
	jq -nc --argjson n "$2" --arg dir "$dir" '{
	  deviceToAdd: [range($n) | {Type:"c", Major:1, Minor:5, PathOnHost:"/dev/zero",
	                PathInContainer:"/dev/cdi\(.)", CgroupPermissions:"rwm", Parent:""}],
	  cdiDevices: [range($n) | {Name:"bench.example.com/dev=d\(.)", SpecDirs:[$dir],
	                DeviceNodes:["/dev/cdi\(.)"], Mounts:[], NetDevices:[]}]
	}' >"$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"
	state "$id" "$pid" >"$E2E_TMP/$id.pre"
	state "$id" >"$E2E_TMP/$id.post"
	rm -f "$E2E_TMP/cdi.0" "$E2E_TMP/cdi.1" "$E2E_TMP/cdi.2"
	for round in $(seq "$RUNS"); do
		"$bench" 1 "$E2E_TMP/bench-$2-0-3.pre" "$HOOK" --state prestart --log "$E2E_TMP/bench.log" \
			-- sh -c "$(poststop "bench-$2-0-3")" >>"$E2E_TMP/cdi.0" || exit 1
		"$bench" 1 "$E2E_TMP/$id.pre" "$HOOK" --state prestart --log "$E2E_TMP/bench.log" \
			-- sh -c "$(poststop "$id")" >>"$E2E_TMP/cdi.1" || exit 1
		[ -z "${BENCH_HOOK_BEFORE:-}" ] ||
			"$bench" 1 "$E2E_TMP/$id.pre" "$BENCH_HOOK_BEFORE" --state prestart \
				--log "$E2E_TMP/bench.log" -- sh -c "$(poststop "$id")" >>"$E2E_TMP/cdi.2" || exit 1
	done
	printf '| hook prestart, %-28s | %s |\n' "$2 devices (same rounds)" "$(stats "$E2E_TMP/cdi.0")" \
		"$1" "$(stats "$E2E_TMP/cdi.1")"
	[ -z "${BENCH_HOOK_BEFORE:-}" ] ||
		printf '| hook prestart, %-28s | %s |\n' "$1, before" "$(stats "$E2E_TMP/cdi.2")"
}

bundle_with() {  # bundle_with ID none|true|ours
	e2e_bundle "$1"
	local c=$(e2e_bundle_dir "$1")/config.json
	jq --arg how "$2" 'if $how == "none" then del(.hooks)
		elif $how == "true" then .hooks = {prestart: [{path: "/bin/true"}]}
		else . end' "$c" >"$c.new" && mv "$c.new" "$c"
}
# median, min, p90 of the times (ms) in a file, as hookbench prints them
stats() { sort -n "$1" | awk '{a[NR]=$1} END {printf "median %.3f ms  min %.3f ms  p90 %.3f ms  (%d runs)",
	a[int((NR+1)/2)], a[1], a[int(NR*9/10)], NR}'; }
part() { [ "$PART" = all ] || [ "$PART" = "$1" ]; }

echo "| what | wall time |"
echo "| --- | --- |"
# cdi (not in all): the two rows of CDI devices alone
if [ "$PART" = cdi ]; then
	hook_row "10 devices" 10 0
	cdi_row "10 CDI devices, by name" 10
fi
if part hook; then
# The floor, in the same rounds as the hook with nothing saved: what any
# exec costs on this machine at this moment (the load of a shared machine
# moves all four rows together).
printf 'int main(void) { return 0; }\n' >"$E2E_TMP/empty.c"
cc -O2 -static -o "$E2E_TMP/empty-static" "$E2E_TMP/empty.c" || exit 1
save bench-0-0 0 0
state bench-0-0 "$pid" >"$E2E_TMP/bench-0-0.pre"
state bench-0-0 >"$E2E_TMP/bench-0-0.post"
# poststop after each prestart: a prestart that finds the record of its
# own instance has nothing to do (the hook listed twice), which is row 4
post0=$(poststop bench-0-0)
for round in $(seq "$RUNS"); do
	"$bench" 1 - "$E2E_TMP/empty-static" >>"$E2E_TMP/floor.0"
	"$bench" 1 - /bin/true >>"$E2E_TMP/floor.1"
	"$bench" 1 - "$HOOK" --version >>"$E2E_TMP/floor.2"
	"$bench" 1 "$E2E_TMP/bench-0-0.pre" "$HOOK" --state prestart --log "$E2E_TMP/bench.log" \
		-- sh -c "$post0" >>"$E2E_TMP/floor.3" || exit 1
	"$HOOK" --state prestart --log "$E2E_TMP/bench.log" <"$E2E_TMP/bench-0-0.pre" || exit 1
	"$bench" 1 "$E2E_TMP/bench-0-0.pre" "$HOOK" --state prestart --log "$E2E_TMP/bench.log" \
		-- sh -c "$post0" >>"$E2E_TMP/floor.4" || exit 1
done
floor_labels=("exec of an empty static program" "exec of /bin/true (dynamic, libc only)"
	      "syscontainer-hooks --version" "hook prestart, nothing saved"
	      "hook prestart again, same instance")
for k in 0 1 2 3 4; do
	printf '| %-43s | %s |\n' "${floor_labels[$k]}" "$(stats "$E2E_TMP/floor.$k")"
done
hook_row "10 devices" 10 0
cdi_row "10 CDI devices, by name" 10
hook_row "100 devices" 100 0
hook_row "1000 devices" 1000 0
hook_row "1 bridged veth + 2 routes" 0 1 "$br0"
hook_row "4 veths, no bridge, + 8 routes" 0 4
hook_row "4 bridged veths + 8 routes" 0 4 "$br0"
hook_row "16 veths on 2 bridges + 32 rt" 0 16 "$br0" "$br1"
hook_row "10 devices, 2 bridged nics, 4 rt" 10 2 "$br0"
# an Open vSwitch bridge, on our own ovsdb-server and ovs-vswitchd
# (userspace datapath; one per machine, so they run for these rows only):
# the hook adds the ports over ovsdb's JSON-RPC
ovs_start && ovs_add_br "$ovsbr" || exit 1
hook_row "2 veths on a Linux bridge + 4 rt" 0 2 "$br0"
hook_row "2 veths on an OVS bridge + 4 rt" 0 2 "$ovsbr"
ovs_stop
# instructions do not move with the machine's load (user space only;
# the hardware counters of perf stat are not always there, in a VM)
if command -v valgrind >/dev/null; then
	id=bench-0-0
	for what in "--version" "--state prestart"; do
		valgrind --tool=callgrind --callgrind-out-file="$E2E_TMP/cg.out" "$HOOK" $what \
			--log "$E2E_TMP/bench.log" <"$E2E_TMP/$id.pre" >/dev/null 2>"$E2E_TMP/cg.err"
		n=$(sed -n 's/.*Collected : *//p' "$E2E_TMP/cg.err")
		printf '| %-43s | %s instructions |\n' "callgrind: syscontainer-hooks $what" "${n:-?}"
	done
fi
fi

if part start; then
# --- container start ----------------------------------------------------
# `runc create` returns once the container is set up and its prestart hooks
# ran: the start path. The delete (and poststop) after it is not timed.
# The bundles take turns, so drift on the machine touches all of them
# alike; each row is the median of its runs. "/bin/true as the hook" is
# what the runtime itself spends on running any hook.
ids=("$(e2e_name nohook)" "$(e2e_name true)" "$(e2e_name empty)" "$(e2e_name full)")
labels=("no hook" "/bin/true as the hook" "hook, nothing saved" "hook, 10 dev 2 nic 4 rt")
bundle_with "${ids[0]}" none
bundle_with "${ids[1]}" true
bundle_with "${ids[2]}" ours
bundle_with "${ids[3]}" ours
save "${ids[3]}" 10 2 "$br0" "$br1"
starts=$((RUNS < 200 ? RUNS : 200))
for round in $(seq "$starts"); do
	for k in 0 1 2 3; do
		E2E_CONTAINERS+=("${ids[$k]}")
		"$bench" 1 - runc create --bundle "$(e2e_bundle_dir "${ids[$k]}")" "${ids[$k]}" \
			-- runc delete -f "${ids[$k]}" >>"$E2E_TMP/start.$k" || exit 1
	done
done
# the median, and the mean of the middle half (steadier on a noisy machine)
median() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }
midmean() { sort -n "$1" | awk '{a[NR]=$1} END {for (i = int(NR/4) + 1; i <= NR - int(NR/4); i++) {s += a[i]; n++}
	printf "%.2f", s / n}'; }
base=$(median "$E2E_TMP/start.0")
base_mid=$(midmean "$E2E_TMP/start.0")
for k in 0 1 2 3; do
	m=$(median "$E2E_TMP/start.$k")
	mm=$(midmean "$E2E_TMP/start.$k")
	printf '| runc create, %-27s | median %s ms (x%s), middle-half mean %s ms (x%s), %d runs |\n' \
		"${labels[$k]}" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.3f", a / b}')" \
		"$mm" "$(awk -v a="$mm" -v b="$base_mid" 'BEGIN {printf "%.3f", a / b}')" "$starts"
done
fi

# --- syscontainer-runtime ------------------------------------------------
# What the wrapper adds to a create: it reads runtime.json and config.json,
# merges our hooks, writes config.json back (no fsync: the engine writes
# the bundle anew at every start) and execs the runtime, here /bin/true,
# so that its row minus the /bin/true row is the wrapper's own cost. The
# config.json has Docker's size: Docker puts its whole seccomp profile
# (about 350 system calls) in it, on one line as Go writes JSON, in a
# bundle on a tmpfs as /run is. After each "hooks put in" run the bundle
# gets its hookless config.json back, untimed.
if part wrapper; then
wb=$SYSCONTAINER_HOOKS_RUNDIR/wrapper-bundle
mkdir -p "$wb"
(cd "$wb" && runc spec)
jq -c '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64"],
	syscalls: [range(350) | {names: ["syscall_\(.)"], action: "SCMP_ACT_ALLOW"}]}' \
	"$wb/config.json" >"$wb/plain.json"
e2e_wrapper_conf /bin/true
cp "$wb/plain.json" "$wb/config.json"
"$WRAPPER" create --bundle "$wb" x && cp "$wb/config.json" "$wb/hooked.json"
cp "$wb/plain.json" "$wb/config.json"
# wrapper_rows W K: the three rows of wrapper W, into wrap.K, wrap.K+1, wrap.K+2
wrapper_rows() {
	"$bench" 1 - "$1" --root /run/x create --bundle "$wb" --pid-file /run/x/p id \
		-- cp "$wb/plain.json" "$wb/config.json" >>"$E2E_TMP/wrap.$2" || exit 1
	cp "$wb/hooked.json" "$wb/config.json"
	"$bench" 1 - "$1" --root /run/x create --bundle "$wb" --pid-file /run/x/p id \
		>>"$E2E_TMP/wrap.$(($2 + 1))" || exit 1
	"$bench" 1 - "$1" --root /run/x state id >>"$E2E_TMP/wrap.$(($2 + 2))" || exit 1
	cp "$wb/plain.json" "$wb/config.json"
}
# the floor of any wrapper: a static program that only execs the runtime
printf '#include <unistd.h>\nint main(int c, char **v) { (void)c; execv("/bin/true", v); return 1; }\n' \
	>"$E2E_TMP/exec-only.c"
cc -O2 -static -o "$E2E_TMP/exec-only" "$E2E_TMP/exec-only.c" || exit 1
# $WRAPPER_BEFORE: another build of the wrapper (an older one) in the same
# rounds, for a comparison that the load of a shared machine does not skew
for round in $(seq "$RUNS"); do
	"$bench" 1 - /bin/true --root /run/x create --bundle "$wb" --pid-file /run/x/p id \
		>>"$E2E_TMP/wrap.0" || exit 1
	wrapper_rows "$WRAPPER" 1
	[ -z "${WRAPPER_BEFORE:-}" ] || wrapper_rows "$WRAPPER_BEFORE" 4
	"$bench" 1 - "$E2E_TMP/exec-only" create id >>"$E2E_TMP/wrap.7" || exit 1
done
wrap_labels=("/bin/true as the runtime, alone" "syscontainer-runtime create, hooks put in"
	     "syscontainer-runtime create, hooks there" "syscontainer-runtime state (through)"
	     "\$WRAPPER_BEFORE create, hooks put in" "\$WRAPPER_BEFORE create, hooks there"
	     "\$WRAPPER_BEFORE state (through)" "a static program that only execs /bin/true")
# what a row adds to /bin/true alone, run by run (the two runs of a round
# are a few milliseconds apart, so a load that moves both cancels out)
added() { paste "$E2E_TMP/wrap.0" "$1" | awk '{print $2 - $1}' | sort -n |
	awk '{a[NR]=$1} END {printf "adds: median %.3f ms  p90 %.3f ms", a[int((NR+1)/2)], a[int(NR*9/10)]}'; }
for k in 0 7 1 2 3 4 5 6; do
	[ -s "$E2E_TMP/wrap.$k" ] || continue
	printf '| %-43s | %s%s |\n' "${wrap_labels[$k]}" "$(stats "$E2E_TMP/wrap.$k")" \
		"$([ "$k" = 0 ] || printf '; %s' "$(added "$E2E_TMP/wrap.$k")")"
done
printf '| %-43s | %s bytes |\n' "config.json (Docker-sized) before, after" \
	"$(stat -c %s "$wb/plain.json"), $(stat -c %s "$wb/hooked.json")"
# the wrapper's own instructions, up to its exec of the runtime
if command -v valgrind >/dev/null; then
	for what in "state id" "create --bundle $wb id"; do
		cp "$wb/plain.json" "$wb/config.json"
		rm -f "$E2E_TMP/cgw.out"*
		valgrind --tool=callgrind --dump-before=execv --callgrind-out-file="$E2E_TMP/cgw.out" \
			"$WRAPPER" $what >/dev/null 2>&1
		n=$(sed -n 's/^summary: *//p' "$E2E_TMP/cgw.out".1 2>/dev/null)
		printf '| %-43s | %s instructions |\n' "callgrind: syscontainer-runtime ${what%% *}" "${n:-?}"
	done
fi
fi

# --- cgroup v2 ------------------------------------------------------------
# The hook against the cgroup of a real runc container on a pure cgroup v2
# hierarchy: a private mount namespace with cgroup2 at /sys/fs/cgroup (held
# by a `sleep`; runc and the timed runs enter it), where runc attaches its
# own device program to the container's cgroup. A second stand-in (its own
# mount namespace, a tmpfs /dev in its rootfs) joins that cgroup, and the
# hook replaces runc's program with ours in front of runc's code. After
# each run (untimed) poststop and `devctl allow CGROUP` with no device put
# runc's program back, so every run does the full work. The v1 rows come
# from the same rounds, against the v1 stand-in above.
if part v2; then
devctl=$E2E_BUILD/tests/devctl
[ -x "$devctl" ] || make -s -C "$top" BUILD="$E2E_BUILD" "$devctl" >/dev/null || exit 1
unshare -m --propagation private sh -c 'umount -l /sys/fs/cgroup &&
	mount -t cgroup2 none /sys/fs/cgroup && exec sleep 100000' &
ns=$!
in_ns() { nsenter -t "$ns" -m "$@"; }
for i in $(seq 50); do [ "$(in_ns stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] && break; sleep 0.05; done
v2id=$(e2e_name v2)
bundle_with "$v2id" none
E2E_CLEANUPS=("nsenter -t $ns -m runc delete -f $v2id; kill $ns" "${E2E_CLEANUPS[@]}")
in_ns runc run -d --bundle "$(e2e_bundle_dir "$v2id")" "$v2id" </dev/null >/dev/null 2>"$E2E_TMP/v2.err" ||
	{ echo "runc run under cgroup v2 failed: $(head -c 300 "$E2E_TMP/v2.err")"; exit 1; }
v2cg=/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$(in_ns runc state "$v2id" | jq -r .pid)/cgroup")
unshare -m --propagation private sh -c "mount -t tmpfs tmpfs '$b/rootfs/dev' && exec sleep 100000" &
pid2=$!
E2E_CLEANUPS=("kill -9 $pid2" "${E2E_CLEANUPS[@]}")
for i in $(seq 50); do grep -q "$b/rootfs/dev" "/proc/$pid2/mountinfo" 2>/dev/null && break; sleep 0.05; done
in_ns sh -c "echo $pid2 >'$v2cg/cgroup.procs'" || exit 1
rows=("v1-0 0 $pid" "v2-0 0 $pid2" "v1-100 100 $pid" "v2-100 100 $pid2")
for r in "${rows[@]}"; do
	set -- $r
	save "bench-$1" "$2" 0
	state "bench-$1" "$3" >"$E2E_TMP/bench-$1.pre"
	state "bench-$1" >"$E2E_TMP/bench-$1.post"
done
for round in $(seq "$RUNS"); do
	for r in "${rows[@]}"; do
		set -- $r
		post=$(poststop "bench-$1")
		case $1 in
		v1-*) "$bench" 1 "$E2E_TMP/bench-$1.pre" "$HOOK" --state prestart \
			--log "$E2E_TMP/bench.log" -- sh -c "$post" ;;
		v2-*) in_ns "$bench" 1 "$E2E_TMP/bench-$1.pre" "$HOOK" --state prestart \
			--log "$E2E_TMP/bench.log" -- sh -c "$post; '$devctl' allow '$v2cg'" ;;
		esac >>"$E2E_TMP/v2.$1" || exit 1
	done
done
v2_labels=("cgroup v1, nothing saved" "cgroup v2, nothing saved" "cgroup v1, 100 devices"
	   "cgroup v2, 100 devices")
for k in 0 1 2 3; do
	set -- ${rows[$k]}
	printf '| hook prestart, %-28s | %s |\n' "${v2_labels[$k]}" "$(stats "$E2E_TMP/v2.$1")"
done
# the program the last v2 run left: ours over runc's, and only one
printf '| %-43s | %s |\n' "cgroup v2: programs on the container" "$(in_ns "$devctl" info "$v2cg" 2>&1)"
fi

# --- systemd as PID 1 (bench/systemd.sh): only when asked for by name ---
if [ "$PART" = systemd ]; then . "$top/bench/systemd.sh"; fi
