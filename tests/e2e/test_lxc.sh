#!/bin/bash
# iSulad's default runtime, lcr: openEuler's liblxc runs the OCI hooks
# itself, with lcr's state ({"ociVersion":"", no status, "pid": -1 at
# poststop, "root": lxc's rootfs.mount}) written late into a non-blocking
# stdin, a bare environment, and (from lxc 5.0.2-8) prestart after
# pivot_root. Real lxc containers (lxc-start) run our hook from
# lxc.hook.start-host, which runs at that moment in the host namespaces,
# and from lxc.hook.post-stop, both behind lcr-hook-runner, which does
# what liblxc's OCI hook runner does.
. "$(dirname "$0")/lib.sh"
e2e_require_root
e2e_require_helper lcr-hook-runner

RUNNER=$E2E_BUILD/tests/lcr-hook-runner
LXCPATH=$E2E_TMP/lxcpath
mkdir -p "$LXCPATH"
s=$$                            # keeps interface names under 15 characters
br=schlb$s
net=10.$((200 + s % 50)).$((s % 250 + 1)).0
gw=${net%.0}.1
ctr_ip=${net%.0}.2
LXC_IDS=()


lxc_monitor() { pgrep -f "^\[lxc monitor\] $LXCPATH $1\$"; }
lxc_pid() { lxc-info -n "$1" -P "$LXCPATH" -pH 2>/dev/null; }
in_lxc() { local id=$1; shift; lxc-attach -n "$id" -P "$LXCPATH" --clear-env -- "$@"; }

# lxc_down ID: stop and wait until the monitor (which runs post-stop) is gone
lxc_down() {
	local id=$1 i
	lxc-stop -n "$id" -P "$LXCPATH" -k >/dev/null 2>&1
	for i in $(seq 100); do
		[ -z "$(lxc_monitor "$id")" ] && return 0
		sleep 0.05
	done
	return 1
}
lxc_up() { lxc-start -n "$1" -P "$LXCPATH" -l INFO -o "$E2E_TMP/$1.lxc.log"; }

# the hook's own environment (an iSulad hook-spec "env")
hook_env() {
	echo "--env SYSCONTAINER_HOOKS_ROOT=$SYSCONTAINER_HOOKS_ROOT" \
	     "--env SYSCONTAINER_HOOKS_RUNDIR=$SYSCONTAINER_HOOKS_RUNDIR" \
	     "--env SYSCONTAINER_HOOKS_UDEV_RULES=$SYSCONTAINER_HOOKS_UDEV_RULES"
}

# lxc_ctr ID TIMES DELAY_MS: a container whose start-host and post-stop
# hooks list our hook TIMES times; its bundle holds a full config.json
# (iSulad writes one at every start), rootfs path as root.path
lxc_ctr() {
	local id=$1 times=$2 delay=$3 d=$E2E_TMP/lxc/$1 i stage
	mkdir -p "$d/bundle"
	e2e_rootfs "$d/rootfs"
	(cd "$d/bundle" && runc spec && jq --arg r "$d/rootfs" '.root.path = $r' config.json >c &&
		mv c config.json)
	{
		echo "lxc.uts.name = $id"
		echo "lxc.rootfs.path = dir:$d/rootfs"
		echo "lxc.net.0.type = empty"
		echo "lxc.apparmor.profile = unconfined"
		echo "lxc.init.cmd = /bin/sleep 100000"
		echo "lxc.cgroup.devices.deny = a"
		echo "lxc.cgroup.devices.allow = c 1:3 rwm"
		echo "lxc.cgroup.devices.allow = c 1:5 rwm"
		echo "lxc.cgroup.devices.allow = c 136:* rwm"
		echo "lxc.cgroup.devices.allow = c 5:2 rwm"
		echo "lxc.hook.version = 1"
		for i in $(seq "$times"); do
			for stage in prestart:start-host poststop:post-stop; do
				echo "lxc.hook.${stage#*:} = $RUNNER --stage ${stage%:*} --bundle $d/bundle" \
				     "--delay-ms $delay $(hook_env) -- $HOOK syscontainer-hooks" \
				     "--state ${stage%:*} --log $HOOK_LOG"
			done
		done
	} >"$d/config"
	mkdir -p "$LXCPATH/$id"
	cp "$d/config" "$LXCPATH/$id/config"
	LXC_IDS+=("$id")
	E2E_CLEANUPS+=("lxc-stop -n $id -P $LXCPATH -k")
}

E2E_CLEANUPS+=("ip link del vhl$s" "ip link del vht$s" "ip link del vhr$s")
e2e_bridge "$br" "$gw/24"
loop=$(e2e_loop)
check "loop device $loop for the test" test -b "$loop"
loop_mm=$(stat -c '%t:%T' "$loop")
hostdir=$E2E_TMP/shared
mkdir -p "$hostdir" && echo "from the host $s" >"$hostdir/hello"

# ---- the hook alone, fed by the runner as liblxc feeds it ----
bare=$E2E_TMP/bare
mkdir -p "$bare"
e2e_rootfs "$bare/rootfs"
(cd "$bare" && runc spec)
lone() {  # lone STAGE HOOK-STATE [LXC_PID]: our hook behind the runner
	env -i PATH="$PATH" LXC_NAME="$(e2e_name lone)" LXC_PID="${3-}" \
		LXC_ROOTFS_MOUNT=/usr/lib/x86_64-linux-gnu/lxc/rootfs \
		"$RUNNER" --stage "$1" --bundle "$bare" --delay-ms 300 $(hook_env) -- \
		"$HOOK" syscontainer-hooks --state "$2" --log "$E2E_TMP/lone.log"
}
run_capture lone poststop poststop 0
check_eq "poststop, pid -1 and LXC_PID 0 (a failed start), state 300 ms late: done" 0 "$RC"
run_capture lone poststop poststop 4194304
check_eq "poststop again, another LXC_PID: quiet" "0:" "$RC:$(cat "$ERR")"
run_capture lone poststop auto 1
expect_output "--state auto with lcr's state (no status)" 1 'auto.*"status".*--state prestart'
run_capture lone poststop poststop 12x
expect_output "a malformed LXC_PID" 1 "LXC_PID '12x'"

# ---- prestart after pivot_root: real lxc ----
id=$(e2e_name lxc)
# a state written 1 s after the hook started: read in full, not EAGAIN
lxc_ctr "$id" 1 1000
rootfs=$E2E_TMP/lxc/$id/rootfs
# the rootfs holds a directory named like lxc's rootfs.mount: after
# pivot_root that path is the container's own, not its root
mount_dir=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/lxc/rootfs
mkdir -p "$rootfs$mount_dir/dev" "$rootfs$mount_dir/srv"

check "lxc-start with nothing saved (state 1 s late on a non-blocking stdin)" lxc_up "$id"
pid=$(lxc_pid "$id")
record=$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json
check_eq "the runtime record has lxc's pid" "$pid" "$(jq -r .pid "$record" 2>/dev/null)"
check_eq "the record's root is / of the mount namespace (after pivot_root)" "/" \
	"$(jq -r .rootfs "$record" 2>/dev/null)"
check "the CLI finds the lxc container (list)" "$TOOL" list "$id"

check_fails "before add-device, the device cgroup refuses the loop device" \
	in_lxc "$id" /bin/sh -c "mknod /tmp/pre b $((0x${loop_mm%:*})) $((0x${loop_mm#*:})) &&
		dd if=/tmp/pre of=/dev/null bs=512 count=1"
check "add-device through the CLI" "$TOOL" add-device "$id" "$loop:/dev/lcrdisk:rw"
check "add-path through the CLI" "$TOOL" add-path "$id" "$hostdir:/srv/shared:ro"
check "add-nic veth through the CLI" "$TOOL" add-nic "$id" --type veth --name "vhl$s:eth1" \
	--ip "$ctr_ip/24" --bridge "$br"
check "add-route through the CLI" "$TOOL" add-route "$id" --dest "10.98.$((s % 250)).0/24" \
	--gw "$gw" --dev eth1

expect_all() {
	local when=$1 p
	p=$(lxc_pid "$id")
	check_eq "$when: /dev/lcrdisk is the loop device's node" "$loop_mm" \
		"$(in_lxc "$id" /bin/stat -c '%t:%T' /dev/lcrdisk 2>&1)"
	check "$when: the device cgroup lets the container read it" \
		in_lxc "$id" /bin/dd if=/dev/lcrdisk of=/dev/null bs=512 count=1
	check_eq "$when: the host path is mounted at /srv/shared" "from the host $s" \
		"$(in_lxc "$id" /bin/cat /srv/shared/hello 2>&1)"
	check_match "$when: eth1 has $ctr_ip" "inet $ctr_ip/24" \
		"$(nsenter -t "$p" -n ip -o -4 addr show dev eth1 2>&1)"
	check_match "$when: the route is there" "10.98.$((s % 250)).0/24 via $gw dev eth1" \
		"$(nsenter -t "$p" -n ip route 2>&1)"
	check "$when: the host reaches the container over the bridge" busybox ping -c 1 -W 2 "$ctr_ip"
	check_fails "$when: nothing went to the rootfs.mount path inside the container" \
		test -e "$rootfs$mount_dir/dev/lcrdisk"
}
expect_all "live"

check "lxc-stop" lxc_down "$id"
check_fails "poststop (pid -1): no host link vhl$s is left" ip link show "vhl$s"
check_fails "poststop: the runtime record is gone" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id"
check_fails "poststop: no netns pin left mounted" grep -q "$SYSCONTAINER_HOOKS_RUNDIR" /proc/self/mountinfo
check_fails "poststop: no error in the hook's log" grep -q "error: .*$id" "$HOOK_LOG"

check "lxc-start again with everything saved" lxc_up "$id"
expect_all "after lxc-stop and lxc-start"

# ---- the hook listed twice at each stage (iSulad's hook-spec merge) ----
id2=$(e2e_name lxc2)
lxc_ctr "$id2" 2 0
check "lxc-start, hook listed twice" lxc_up "$id2"
check "add-device (twice-listed container)" "$TOOL" add-device "$id2" "$loop:/dev/lcrdisk:rw"
check "add-path (twice-listed container)" "$TOOL" add-path "$id2" "$hostdir:/srv/shared:ro"
check "add-nic (twice-listed container)" "$TOOL" add-nic "$id2" --type veth \
	--name "vht$s:eth1" --ip "${net%.0}.3/24" --bridge "$br"
check "lxc-stop (twice-listed)" lxc_down "$id2"
check_fails "two poststops: no host link vht$s" ip link show "vht$s"
: >"$E2E_TMP/$id2.lxc.log"
check "lxc-start with everything saved, hook listed twice" lxc_up "$id2"
p2=$(lxc_pid "$id2")
check_eq "twice: the device node is there" "$loop_mm" \
	"$(in_lxc "$id2" /bin/stat -c '%t:%T' /dev/lcrdisk 2>&1)"
check_eq "twice: /srv/shared is mounted once" 1 \
	"$(awk '$5 == "/srv/shared"' "/proc/$p2/mountinfo" | wc -l)"
check_eq "twice: one eth1 with its address" 1 \
	"$(nsenter -t "$p2" -n ip -o -4 addr show dev eth1 2>/dev/null | grep -c "${net%.0}.3/24")"
check "lxc-stop (twice-listed, again)" lxc_down "$id2"
check_fails "two poststops again: no host link vht$s" ip link show "vht$s"
check_fails "two poststops: no record" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id2"
check_fails "two poststops: no error in the hook's log" grep -q "error: .*$id2" "$HOOK_LOG"

# ---- 20 restarts of the first container ----
# the state still comes late, 50 ms after the hook started
sed -i 's/--delay-ms 1000/--delay-ms 50/' "$LXCPATH/$id/config"
t0=$(date +%s%N)
restarts=0
for i in $(seq 20); do
	lxc_down "$id" && lxc_up "$id" && in_lxc "$id" /bin/test -b /dev/lcrdisk &&
		in_lxc "$id" /bin/test -e /srv/shared/hello && ip link show "vhl$s" >/dev/null 2>&1 &&
		restarts=$((restarts + 1))
done
t1=$(date +%s%N)
check_eq "20 lxc restarts, each with device, path and nic back" 20 "$restarts"
echo "# 20 lxc-stop/lxc-start cycles: $(( (t1 - t0) / 1000000 )) ms"
expect_all "after 20 restarts"
check "final lxc-stop" lxc_down "$id"
# ---- prestart before pivot_root (older lxc): lcr's state from runc's hooks ----
rid=$(e2e_name runc)
e2e_bundle "$rid"
rb=$(e2e_bundle_dir "$rid")
runner_args() {  # runner_args STAGE: lcr-hook-runner's argv (an OCI hook's args)
	jq -nc --arg b "$rb" --arg stage "$1" --arg hook "$HOOK" --arg log "$HOOK_LOG" \
		--arg r "$SYSCONTAINER_HOOKS_ROOT" --arg d "$SYSCONTAINER_HOOKS_RUNDIR" \
		--arg u "$SYSCONTAINER_HOOKS_UDEV_RULES" \
		'["lcr-hook-runner", "--from-stdin", "--stage", $stage, "--bundle", $b,
		  "--root", ($b + "/rootfs"), "--delay-ms", "200",
		  "--env", "SYSCONTAINER_HOOKS_ROOT=" + $r, "--env", "SYSCONTAINER_HOOKS_RUNDIR=" + $d,
		  "--env", "SYSCONTAINER_HOOKS_UDEV_RULES=" + $u,
		  "--", $hook, "syscontainer-hooks", "--state", $stage, "--log", $log]'
}
jq --arg runner "$RUNNER" --argjson pre "$(runner_args prestart)" \
	--argjson post "$(runner_args poststop)" \
	'.hooks = {prestart: [{path: $runner, args: $pre}], poststop: [{path: $runner, args: $post}]}' \
	"$rb/config.json" >"$rb/c" && mv "$rb/c" "$rb/config.json"
check_match "runc: the hooks are lcr-hook-runner" "lcr-hook-runner.*--from-stdin" \
	"$(jq -c .hooks.prestart "$rb/config.json")"
check "runc start, lcr's state at prestart (before pivot_root)" e2e_run "$rid"
check_eq "runc: the record's root is the rootfs path" "$rb/rootfs" \
	"$(jq -r .rootfs "$SYSCONTAINER_HOOKS_RUNDIR/$rid/record.json" 2>/dev/null)"
check "runc: add-device" "$TOOL" add-device "$rid" "$loop:/dev/lcrdisk:rw"
check "runc: add-path" "$TOOL" add-path "$rid" "$hostdir:/srv/shared:ro"
check "runc: add-nic veth" "$TOOL" add-nic "$rid" --type veth --name "vhr$s:eth1" \
	--ip "${net%.0}.4/24" --bridge "$br"
check "runc: add-route" "$TOOL" add-route "$rid" --dest "10.97.$((s % 250)).0/24" --gw "$gw" --dev eth1
e2e_stop "$rid"
check_fails "runc poststop (pid -1, no LXC_PID): no host link vhr$s" ip link show "vhr$s"
check_fails "runc poststop: the record is gone" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$rid"
check "runc start with everything saved" e2e_run "$rid"
rp=$(e2e_pid "$rid")
check_eq "runc: the device node is back" "$loop_mm" \
	"$(e2e_exec "$rid" /bin/stat -c '%t:%T' /dev/lcrdisk 2>&1)"
check "runc: the device cgroup lets the container read it" \
	e2e_exec "$rid" /bin/dd if=/dev/lcrdisk of=/dev/null bs=512 count=1
check_eq "runc: the path is back" "from the host $s" "$(e2e_exec "$rid" /bin/cat /srv/shared/hello 2>&1)"
check_match "runc: eth1 is back" "inet ${net%.0}.4/24" "$(nsenter -t "$rp" -n ip -o -4 addr show dev eth1 2>&1)"
check_match "runc: the route is back" "10.97.$((s % 250)).0/24 via $gw dev eth1" \
	"$(nsenter -t "$rp" -n ip route 2>&1)"
e2e_stop "$rid"
check_fails "runc poststop again: no host link vhr$s" ip link show "vhr$s"
check_eq "no host link of these containers is left" "" \
	"$(ip -o link show | awk -F': ' '{print $2}' | grep -E "^vh[lrt]$s(@|\$)")"
check_eq "no mount under the test's directories is left" "" "$(grep -F "$E2E_TMP" /proc/self/mountinfo)"
check_eq "no runtime record left" "" "$(ls "$SYSCONTAINER_HOOKS_RUNDIR" 2>/dev/null)"
check_fails "no error in the hook's log over the restarts" grep -q " error: " "$HOOK_LOG"

e2e_summary
