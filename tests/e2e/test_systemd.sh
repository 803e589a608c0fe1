#!/bin/bash
# Devices of a container whose cgroup is a systemd unit survive `systemctl
# daemon-reload`. systemd runs as PID 1 in private namespaces (systemd.sh),
# real runc runs there with its systemd cgroup driver (cgroupsPath
# "system.slice:sch:ID" makes the unit sch-ID.scope), and systemd rebuilds
# the unit's device program from its DeviceAllow= at every reload: a
# device granted from outside systemd is then refused, unless systemd
# was told of it too. Shown here: a device added live still works after
# 20 reloads; removed, it stays refused after a reload; a restart applies
# it again and it still works after a reload; a permission change follows
# (rw to r); the runtime's own entries stay; no bus, or a unit that is
# not the container's, is one warning and no failure; `check` finds a
# DeviceAllow= set back by hand and `check --fix` mends it; the hook listed
# twice at prestart leaves one entry per device and keeps runc's entries
# as runc's alone; and under runc's
# cgroupfs driver nothing at all is sent to systemd and nothing changes.
# Every container can make device nodes (CAP_MKNOD), so a node made inside
# tells what the device rules allow.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/systemd.sh"
e2e_require_root

t_start=$SECONDS
sd_root_or_end
a=$(e2e_loop) b=$(e2e_loop) c=$(e2e_loop)
if ! check "systemd boots as PID 1 in private namespaces and is running" sd_boot "$a" "$b" "$c"; then
	e2e_summary
	exit 1
fi
echo "# systemd is up $((SECONDS - t_start)) s after the start of the test"

# every SetUnitProperties call seen on the bus, from here on
in_sd busctl monitor --match "type='method_call',member='SetUnitProperties'" \
	>"$E2E_TMP/bus.log" 2>&1 &
E2E_CLEANUPS+=("kill $!")

na=$(devnum "$a") nb=$(devnum "$b")

# --- runc's systemd cgroup driver ---
id=$(e2e_name sd)
unit=sch-$id.scope
sd_bundle "$id" "system.slice:sch:$id"
check "runc --systemd-cgroup starts a container with the hook" sd_start "$id" --systemd-cgroup
check_eq "its cgroup is the systemd unit $unit" active "$(in_sd systemctl is-active "$unit")"
check_eq "runc made the unit restrict devices" DevicePolicy=strict \
	"$(in_sd systemctl show -p DevicePolicy "$unit")"
check "add-device while it runs" tool add-device "$id" "$a:/dev/data:rw"
check "the device reads" readable "$id" /dev/data
check "a node made inside for it" probe "$id" /dev/probe "$na"
check "and reads" readable "$id" /dev/probe
check_match "the unit's DeviceAllow= has the device" "/dev/block/$na rw" "$(allow_list "$unit")"
check_eq "after each of 20 daemon-reloads the device still reads" 0 \
	"$(reload_reads "$id" /dev/data 20)"
check "and is written" writable "$id" /dev/data

check "remove-device" tool remove-device "$id" "$a:/dev/data"
reload
check "a node made inside for it after a reload" probe "$id" /dev/probe "$na"
check_fails "is refused" readable "$id" /dev/probe
check_fails "the unit's DeviceAllow= no longer has it" grep -q "/dev/block/$na " <(allow_list "$unit")

check "add-device again, saved" tool add-device "$id" "$a:/dev/data:rw"
sd_stop_ctr "$id"
check "the container starts again (systemd driver)" sd_start "$id" --systemd-cgroup
check "after the restart the device reads" readable "$id" /dev/data
reload
check "and still reads after a daemon-reload" readable "$id" /dev/data
check_match "the hook told systemd at prestart" "prestart: systemd unit $unit allows 1 device" \
	"$(cat "$HOOK_LOG")"
record=$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json
check_match "the record keeps runc's own entries" '"/dev/char/1:3 rwm"' \
	"$(jq -c .systemdBaseline "$record")"

# a permission change: one device number at rw and at r; the rw one goes
check "the same device twice: r and rw" tool add-device "$id" "$b:/dev/b-r:r" "$b:/dev/b-rw:rw"
check_match "DeviceAllow= has the union, rw" "/dev/block/$nb rw" "$(allow_list "$unit")"
check "the rw one removed" tool remove-device "$id" "$b:/dev/b-rw"
check_match "DeviceAllow= has r left" "/dev/block/$nb r( |$)" "$(allow_list "$unit")"
reload
check "after a reload the r one reads" readable "$id" /dev/b-r
check_fails "and is not written" writable "$id" /dev/b-r

# the runtime's own entry for a device we add and remove stays whole
check "add /dev/null read-only" tool add-device "$id" /dev/null:/dev/null-r:r
check_match "runc's rwm entry for 1:3 is not narrowed" "/dev/char/1:3 rwm" "$(allow_list "$unit")"
check "remove it" tool remove-device "$id" /dev/null:/dev/null-r
reload
check_match "runc's entry for 1:3 stays" "/dev/char/1:3 rwm" "$(allow_list "$unit")"
check "/dev/null is still written after a reload" writable "$id" /dev/null
# check: the unit's DeviceAllow= set back by hand to runc's own entries
# (as a service manager or an operator could) is drift; --fix mends it
set_prop=(set-property --runtime "$unit" DeviceAllow=)
while read -r e; do set_prop+=("DeviceAllow=$e"); done < <(jq -r '.systemdBaseline[]' "$record")
check "DeviceAllow= set back by hand to runc's own entries" in_sd systemctl "${set_prop[@]}"
check_fails "it lacks the device now" grep -q "/dev/block/$na " <(allow_list "$unit")
check_fails "and systemd took the device away" readable "$id" /dev/data
run_capture tool check "$id"
check_eq "check finds drift: exit 1" 1 "$RC"
check_match "it names the unit and the entries DeviceAllow= lacks" \
	"^$id systemd-unit $unit: DeviceAllow= lacks (.*; )?/dev/block/$na rw(;|$)" "$(cat "$OUT")"
check_match "the r device too" "^$id systemd-unit $unit: .*lacks /dev/block/$nb r(;|$)" \
	"$(cat "$OUT")"
check_eq "--json: the item" "systemd-unit $unit false" "$(tool check "$id" --json |
	jq -r '.containers[0].items[] | select(.kind == "systemd-unit") | "\(.kind) \(.name) \(.ok)"')"
run_capture tool check "$id" --fix
check_eq "check --fix: exit 0" 0 "$RC"
check_match "it says the unit was fixed" "^$id systemd-unit $unit: .*; fixed$" "$(cat "$OUT")"
check_match "DeviceAllow= has the device again" "/dev/block/$na rw" "$(allow_list "$unit")"
check "the device reads right away" readable "$id" /dev/data
check_match "runc's entries are still there" "/dev/char/1:3 rwm" "$(allow_list "$unit")"
reload
check "after a reload the device reads" readable "$id" /dev/data
run_capture tool check "$id"
check_eq "a second check exits 0" 0 "$RC"
check_match "the unit is ok" "^$id systemd-unit $unit: ok$" "$(cat "$OUT")"

check "SetUnitProperties with the device went over the bus" grep -q "/dev/block/$na" "$E2E_TMP/bus.log"

# systemd replaces its device program at each change of the unit and
# detaches only the one it attached: our widened copy of it must not stay
# behind, or programs stack up to the kernel's 64 and every attach fails.
# Each cycle changes the unit twice (a device number nothing else holds).
progs() { in_sd "$E2E_BUILD/tests/devctl" info "/sys/fs/cgroup/system.slice/$1" | awk '{ print $2 }'; }
fails=0
for i in $(seq 70); do
	tool add-device "$id" "$c:/dev/cycle:r" >/dev/null &&
		tool remove-device "$id" "$c:/dev/cycle" >/dev/null ||
		fails=$((fails + 1))
done
check_eq "70 add-device and remove-device cycles all succeed" 0 "$fails"
check "then add-device still works" tool add-device "$id" "$c:/dev/cycle:r"
check "and the device reads" readable "$id" /dev/cycle
reload
check "and after a reload" readable "$id" /dev/cycle
n=$(progs "$unit")
check "at most 3 device programs are attached to the unit's cgroup (got $n)" test "$n" -le 3

# the hook listed twice at prestart (iSulad's hook-spec merge): one entry
# per device in DeviceAllow=, and runc's entries alone are kept as its own
id5=$(e2e_name twice)
unit5=sch-$id5.scope
sd_bundle "$id5" "system.slice:sch:$id5"
c=$(e2e_bundle_dir "$id5")/config.json
jq '.hooks.prestart += [.hooks.prestart[0]]' "$c" >"$c.new" && mv "$c.new" "$c"
check "the hook twice at prestart, a device saved before the start" \
	tool add-device --update-config-only "$id5" "$a:/dev/data:rw"
for round in 1 2; do
	check "start $round with the hook twice (systemd driver)" sd_start "$id5" --systemd-cgroup
	check_eq "  one DeviceAllow= entry for the device" 1 \
		"$(allow_list "$unit5" | grep -o "/dev/block/$na [rwm]*" | wc -l)"
	check_eq "  it reads after a reload" 0 "$(reload_reads "$id5" /dev/data 1)"
	check_fails "  the record's runc entries do not hold it" grep -q "/dev/block/$na " \
		<(jq -r '.systemdBaseline[]' "$SYSCONTAINER_HOOKS_RUNDIR/$id5/record.json")
	[ "$round" = 1 ] && sd_stop_ctr "$id5"
done
check "remove-device" tool remove-device "$id5" "$a:/dev/data"
check_fails "DeviceAllow= no longer has it" grep -q "/dev/block/$na " <(allow_list "$unit5")
sd_stop_ctr "$id5"

# no bus: a warning, not a failure. The system bus socket is hidden under
# an empty mount.
NO_BUS='mount -t tmpfs none /run/dbus && exec "$0" "$@"'
run_capture in_sd unshare -m sh -c "$NO_BUS" "$TOOL" add-device "$id" "$b:/dev/b-nobus:r"
check_eq "add-device without a bus still exits 0" 0 "$RC"
check_match "and warns on stderr in one line" \
	'^syscontainer-tools add-device: warning: .*daemon-reload: connect to the system bus' \
	"$(cat "$ERR")"
check_eq "one line" 1 "$(wc -l <"$ERR")"
check "and the device reads now" readable "$id" /dev/b-nobus
id2=$(e2e_name nobus)
sd_bundle "$id2" "system.slice:sch:$id2"
c=$(e2e_bundle_dir "$id2")/config.json
jq --arg nobus "$NO_BUS" '.hooks.prestart[0] |= (.args = ["unshare", "-m", "sh", "-c", $nobus,
	.path] + .args[1:] | .path = "/usr/bin/unshare")' "$c" >"$c.new" &&
	mv "$c.new" "$c"
check "a saved device for a container not started yet" \
	tool add-device --update-config-only "$id2" "$a:/dev/data:r"
check "with no bus for the hook, the container still starts" sd_start "$id2" --systemd-cgroup
check "its device reads" readable "$id2" /dev/data
check_eq "the hook warned once, naming the bus" 1 \
	"$(grep -c "warning: $id2: systemd will take the devices away .*connect to the system bus" "$HOOK_LOG")"
sd_stop_ctr "$id2"

# a cgroup inside a unit that is not the container's: warned, not changed
id3=$(e2e_name other)
sd_bundle "$id3" "/system.slice/dbus.service/sch-$id3"
check "a container under cgroupfs inside dbus.service starts" sd_start "$id3"
before=$(allow_list dbus.service)
run_capture tool add-device "$id3" "$b:/dev/b:r"
check_eq "add-device there exits 0" 0 "$RC"
check_match "and warns that dbus.service is not the container's" \
	"inside dbus.service, which is not the container's" "$(cat "$ERR")"
check_eq "dbus.service's DeviceAllow= is untouched" "$before" "$(allow_list dbus.service)"
sd_stop_ctr "$id3"

# --- runc's cgroupfs driver: nothing sent, nothing changes ---
calls_before=$(grep -c 'Member=SetUnitProperties' "$E2E_TMP/bus.log")
units_before=$(in_sd systemctl list-units --all --type=scope,service --no-legend --plain | awk '{print $1}' | sort)
id4=$(e2e_name fs)
sd_bundle "$id4" "/sch-e2e/$id4"
check "runc with the cgroupfs driver starts a container" sd_start "$id4"
check "add-device" tool add-device "$id4" "$a:/dev/data:rw" "$b:/dev/b:r"
fails=0
for i in $(seq 3); do
	reload
	readable "$id4" /dev/data && readable "$id4" /dev/b || fails=$((fails + 1))
done
check_eq "the devices read after each of 3 reloads" 0 "$fails"
check "remove-device" tool remove-device "$id4" "$b:/dev/b"
sd_stop_ctr "$id4"
check "it starts again" sd_start "$id4"
check "the device reads after the restart" readable "$id4" /dev/data
sleep 0.3   # the monitor prints what it saw
check_eq "not one SetUnitProperties call was made for it" "$calls_before" \
	"$(grep -c 'Member=SetUnitProperties' "$E2E_TMP/bus.log")"
check_eq "systemd's scopes and services are the same" "$units_before" \
	"$(in_sd systemctl list-units --all --type=scope,service --no-legend --plain | awk '{print $1}' | sort)"
check_fails "its record holds no systemd entries" jq -e 'has("systemdBaseline")' \
	"$SYSCONTAINER_HOOKS_RUNDIR/$id4/record.json"
sd_stop_ctr "$id4"
sd_stop_ctr "$id"
echo "# test_systemd: $((SECONDS - t_start)) s in all"
e2e_summary
