# The hook's prestart for a container whose cgroup is a systemd unit
# (bench/run.sh systemd; sourced by it). systemd runs as PID 1 in private
# namespaces (tests/e2e/systemd.sh: the cached Debian root in the build
# directory, built the first time); the stand-in container, a process in
# its own mount namespace with a tmpfs /dev in its rootfs, runs in a
# transient scope named after its id, with DevicePolicy=strict and one
# runtime entry in DeviceAllow= (/dev/char/1:3), as runc's systemd driver
# makes it. Rows: nothing saved; 5 devices of 5 numbers that DeviceAllow=
# lacks (after each run, untimed, the list is set back to the runtime's
# entry, so every run reads it and sets it); the same devices already
# there (a read, no change); and the same 5 devices for a stand-in whose
# cgroup is no unit (nothing asked: the cost of the rest of the work).
# Each run is followed, untimed, by a poststop after its record is gone,
# as the other rows do. The hook's own figure for telling systemd (its
# log line "systemd unit ... (T us)") comes from the same runs.
. "$top/tests/e2e/systemd.sh"
sd_root || exit 1
sd_boot || { echo "systemd did not boot"; exit 1; }
sdb=$E2E_TMP/sd-standin
mkdir -p "$sdb/rootfs/dev"
cp "$b/config.json" "$sdb/config.json"
sd_id=benchsd$$
sd_unit=sch-$sd_id.scope
# the stand-in in the unit, and one in a plain cgroup (not jobs of this
# shell: they end with systemd, killed)
(in_sd systemd-run --quiet --scope --unit="$sd_unit" -p DevicePolicy=strict \
	-p "DeviceAllow=/dev/char/1:3 rwm" unshare -m --propagation private sh -c \
	"mount -t tmpfs tmpfs '$sdb/rootfs/dev' && exec sleep 100$$" </dev/null >/dev/null 2>&1 &)
(in_sd sh -c "mkdir /sys/fs/cgroup/sch-bench && echo \$\$ >/sys/fs/cgroup/sch-bench/cgroup.procs &&
	exec unshare -m --propagation private sh -c \"mount -t tmpfs tmpfs '$sdb/rootfs/dev' &&
	exec sleep 101$$\"" </dev/null >/dev/null 2>&1 &)
# ns_pid SECONDS: the pid in systemd's pid namespace of "sleep SECONDS"
ns_pid() {
	local p
	p=$(pgrep -x -f "sleep $1") && awk '$1 == "NSpid:" { print $NF }' "/proc/$p/status"
}
for i in $(seq 50); do
	sd_pid=$(ns_pid "100$$") fs_pid=$(ns_pid "101$$")
	[ -n "$sd_pid" ] && [ -n "$fs_pid" ] && break
	sleep 0.1
done
[ -n "$sd_pid" ] && [ -n "$fs_pid" ] || { echo "the stand-ins did not start"; exit 1; }
# sd_save ID: /dev/null, zero, full, random and urandom (five numbers)
sd_save() {
	mkdir -p "$SYSCONTAINER_HOOKS_ROOT/$1"
	jq -nc '{deviceToAdd: [["null",3],["zero",5],["full",7],["random",8],["urandom",9] |
		{Type:"c", Major:1, Minor:.[1], PathOnHost:"/dev/\(.[0])",
		 PathInContainer:"/dev/b\(.[0])", CgroupPermissions:"rw", Parent:""}]}' \
		>"$SYSCONTAINER_HOOKS_ROOT/$1/hook.json"
}
sd_state() {  # sd_state ID [PID]
	jq -nc --arg id "$1" --arg b "$sdb" --argjson pid "${2:-0}" \
		'{ociVersion:"1.0.2", id:$id, bundle:$b, status:"creating"} +
		 (if $pid > 0 then {pid:$pid} else {} end)'
}
fs_id=benchfs$$
sd_save "$sd_id"
sd_save "$fs_id"
mkdir -p "$SYSCONTAINER_HOOKS_ROOT/$sd_id-0"
echo '{}' >"$SYSCONTAINER_HOOKS_ROOT/$sd_id-0/hook.json"
sd_state "$sd_id" "$sd_pid" >"$E2E_TMP/sd.pre"
sd_state "$sd_id-0" "$sd_pid" >"$E2E_TMP/sd0.pre"
sd_state "$fs_id" "$fs_pid" >"$E2E_TMP/fs.pre"
for k in sd sd0 fs; do jq -c 'del(.pid)' "$E2E_TMP/$k.pre" >"$E2E_TMP/$k.post"; done
sd_post() {  # sd_post KEY ID: the untimed cleanup after a run
	echo "rm -f '$SYSCONTAINER_HOOKS_RUNDIR/$2/record.json'; '$HOOK' --state poststop" \
		"--log '$E2E_TMP/sd-post.log' <'$E2E_TMP/$1.post'"
}
reset="systemctl set-property --runtime $sd_unit DeviceAllow= 'DeviceAllow=/dev/char/1:3 rwm'"
# timed KEY PRE ID BINARY LOG: one timed prestart of BINARY into sd.KEY
timed() {
	in_sd "$bench" 1 "$E2E_TMP/$2.pre" "$4" --state prestart --log "$E2E_TMP/$5" \
		-- sh -c "$(sd_post "$2" "$3")" >>"$E2E_TMP/sd.$1"
}
# BENCH_HOOK_BEFORE=BINARY: an older hook, timed in the same rounds (the
# "before" rows), for a comparison that the machine's drift does not skew
hooks=("$HOOK")
if [ -n "${BENCH_HOOK_BEFORE:-}" ]; then
	cp "$BENCH_HOOK_BEFORE" "$E2E_TMP/hook-before" && hooks+=("$E2E_TMP/hook-before") || exit 1
fi
for round in $(seq "$RUNS"); do
	timed 0 sd0 "$sd_id-0" "$HOOK" sd-bench.log || exit 1
	for k in "${!hooks[@]}"; do
		in_sd sh -c "$reset" || exit 1
		timed "1.$k" sd "$sd_id" "${hooks[$k]}" "sd-bench.$k.log" &&
			timed "2.$k" sd "$sd_id" "${hooks[$k]}" "sd-bench.$k.log" || exit 1
	done
	timed 3 fs "$fs_id" "$HOOK" sd-bench.log || exit 1
done
# hook_figures K: the hook's own time for telling systemd, from its log
# (to set, then already there, in turn)
hook_figures() {
	sed -n 's/.*allows 5 device(s) (\([0-9]*\) us)$/\1/p' "$E2E_TMP/sd-bench.$1.log" |
		awk -v f="$E2E_TMP/sd.us" -v k="$1" \
			'{ print $1 / 1000 >(f "." (NR % 2 ? "set" : "there") "." k) }'
}
row() { printf '| %-43s | %s |\n' "$1" "$(stats "$E2E_TMP/$2")"; }
row "hook prestart, systemd unit, nothing saved" sd.0
for k in "${!hooks[@]}"; do
	w=$([ "$k" = 0 ] || echo ", before")
	hook_figures "$k"
	row "hook prestart, unit, 5 dev to set$w" "sd.1.$k"
	row "hook prestart, unit, 5 dev already there$w" "sd.2.$k"
	row "telling systemd, to set (hook's log)$w" "sd.us.set.$k"
	row "telling systemd, already there (hook's log)$w" "sd.us.there.$k"
done
row "hook prestart, no unit (cgroupfs), 5 dev" sd.3
devctl=$E2E_BUILD/tests/devctl
[ -x "$devctl" ] || make -s -C "$top" BUILD="$E2E_BUILD" "$devctl" >/dev/null || exit 1
printf '| %-43s | %s |\n' "cgroup v2: programs on the scope" \
	"$(in_sd "$devctl" info "/sys/fs/cgroup/system.slice/$sd_unit" 2>&1)"
in_sd systemctl show -p DeviceAllow "$sd_unit" | grep -q '/dev/char/1:5 rw' ||
	{ echo "the last run did not set DeviceAllow="; exit 1; }
