#!/bin/bash
# Devices of a container in a systemd unit survive `systemctl
# daemon-reload` on cgroup v1 too. systemd boots as PID 1 in legacy cgroup
# v1 mode (systemd.sh, SD_CGROUP=v1: a /sys/fs/cgroup of its own made of
# cgroups of this test under the host's hierarchies, in a cgroup
# namespace, as lxc runs systemd on a v1 host), then in hybrid mode
# (cgroup2 at /sys/fs/cgroup/unified for its tracking, the controllers
# v1, as this host itself runs). Real runc runs there with
# its systemd cgroup driver, and systemd writes the unit's devices.deny
# and devices.allow itself at every reload. Shown: a device added live
# still works after 20 reloads and is in devices.list; removed, it is
# refused after a reload; a restart applies it again and it survives a
# reload. And nothing outside the test's namespaces changes: the kernel's
# hierarchies (/proc/cgroups), the host's cgroup, /sys, /proc and /dev
# mounts, which hierarchies a process is in, and the release agent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/systemd.sh"
e2e_require_root

# What a host-wide change would show: the controllers' hierarchies, the
# mounts of the host's cgroups, /sys, /proc and /dev, the hierarchies
# every process is in, the release agent of name=systemd.
host_view() {
	awk '{ print $1, $2, $4 }' /proc/cgroups
	awk '{ for (i = 7; $i != "-"; i++); t = $(i + 1)
	       if (t ~ /^cgroup/ || $5 ~ "^/(sys|proc|dev)(/|$)") print FILENAME, $4, $5, t, $(i + 3) }' \
		/proc/1/mountinfo /proc/self/mountinfo | sort
	cut -d: -f1,2 /proc/1/cgroup
	cut -d: -f1,2 /proc/self/cgroup
	cat /sys/fs/cgroup/systemd/release_agent 2>&1
}

t_start=$SECONDS
sd_root_or_end
a=$(e2e_loop) b=$(e2e_loop)
na=$(devnum "$a") nb=$(devnum "$b")

# boot_v1 MODE: systemd up in legacy (v1) or hybrid mode, and how it sees
# its cgroups
boot_v1() {
	local n
	SD_CGROUP=$1
	if ! sd_boot "$a" "$b"; then
		not_ok "$1: systemd boots as PID 1 in private namespaces"
		return 1
	fi
	ok "$1: systemd boots as PID 1 in private namespaces"
	check_eq "$1: the host is as it was after the boot" "$host_before" "$(host_view)"
	check_eq "$1: /sys/fs/cgroup is a tmpfs" tmpfs "$(in_sd stat -f -c %T /sys/fs/cgroup)"
	check_eq "$1: the devices hierarchy is cgroup v1" cgroupfs \
		"$(in_sd stat -f -c %T /sys/fs/cgroup/devices)"
	if [ "$1" = hybrid ]; then
		check_eq "hybrid: systemd mounted cgroup2 at unified" cgroup2fs \
			"$(in_sd stat -f -c %T /sys/fs/cgroup/unified)"
	else
		check_fails "v1: no cgroup2 in systemd's view" grep -q ' cgroup2 ' \
			"/proc/$SD_PID/mountinfo"
	fi
	for n in $(awk '$2 == "-" { print $1 }' <<<"$SD_V1"); do
		check_eq "$1: systemd mounted nothing on the place of $n" tmpfs \
			"$(in_sd stat -f -c %T "/sys/fs/cgroup/$n")"
	done
	check_eq "$1: its cgroup v1 mounts are the test's binds" \
		"$(awk '$2 != "-"' <<<"$SD_V1" | grep -c .)" \
		"$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup") n++ } END { print n }' \
			"/proc/$SD_PID/mountinfo")"
}

# devices_v1 MODE: a container under runc's systemd driver, its devices
# through reloads, removal and a restart
devices_v1() {
	local id unit devices pid
	id=$(e2e_name "sd$1")
	unit=sch-$id.scope
	devices=/sys/fs/cgroup/devices/system.slice/$unit
	sd_bundle "$id" "system.slice:sch:$id"
	check "$1: runc --systemd-cgroup starts a container with the hook" \
		sd_start "$id" --systemd-cgroup
	check_eq "$1: its cgroup is the systemd unit $unit" active \
		"$(in_sd systemctl is-active "$unit")"
	pid=$(sd_runc state "$id" | jq .pid)
	check_match "$1: its devices cgroup is the unit's" "devices:/system.slice/$unit" \
		"$(in_sd cat "/proc/$pid/cgroup")"
	check "$1: add-device while it runs" tool add-device "$id" "$a:/dev/data:rw"
	check "$1: the device reads" readable "$id" /dev/data
	check_match "$1: the unit's DeviceAllow= has the device" "/dev/block/$na rw" \
		"$(allow_list "$unit")"
	check_eq "$1: after each of 20 daemon-reloads the device still reads" 0 \
		"$(reload_reads "$id" /dev/data 20)"
	check "$1: and is written" writable "$id" /dev/data
	check_match "$1: systemd's devices.list of the unit has it" "^b $na rw" \
		"$(in_sd cat "$devices/devices.list")"

	check "$1: remove-device" tool remove-device "$id" "$a:/dev/data"
	reload
	check "$1: a node made inside for it after a reload" probe "$id" /dev/probe "$na"
	check_fails "$1: is refused" readable "$id" /dev/probe
	check_fails "$1: devices.list no longer has it" grep -q "^b $na " \
		<(in_sd cat "$devices/devices.list")

	check "$1: add-device again, saved, with an r one" \
		tool add-device "$id" "$a:/dev/data:rw" "$b:/dev/b:r"
	sd_stop_ctr "$id"
	check "$1: the container starts again (systemd driver)" sd_start "$id" --systemd-cgroup
	check "$1: after the restart the device reads" readable "$id" /dev/data
	reload
	check "$1: and still reads after a daemon-reload" readable "$id" /dev/data
	check "$1: the r one reads" readable "$id" /dev/b
	check_fails "$1: and is not written" writable "$id" /dev/b
	run_capture tool check "$id"
	check_eq "$1: check finds it all as saved" 0 "$RC"
	check_match "$1: the unit's DeviceAllow= included" "^$id systemd-unit $unit: ok$" "$(cat "$OUT")"
	check_match "$1: the hook told systemd at prestart" \
		"prestart: systemd unit $unit allows 2 device" "$(cat "$HOOK_LOG")"
	sd_stop_ctr "$id"
}

for mode in v1 hybrid; do
	host_before=$(host_view)
	if boot_v1 "$mode"; then
		devices_v1 "$mode"
		check_eq "$mode: the host is as it was with systemd still up" "$host_before" \
			"$(host_view)"
	fi
	sd_stop
	check_eq "$mode: the host is as it was after systemd stopped" "$host_before" "$(host_view)"
	left=0
	for d in "${SD_CGS[@]}"; do [ -e "$d" ] && left=$((left + 1)); done
	check_eq "$mode: the test's cgroups are gone" 0 "$left"
	SD_PID=
done
echo "# test_systemd_v1: $((SECONDS - t_start)) s in all"
e2e_summary
