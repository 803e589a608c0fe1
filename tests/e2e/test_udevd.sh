#!/bin/bash
# Partition following with a real systemd-udevd, under a store that is not
# the default one (given with --root, not in the environment udevd has):
# a partition made on the host while the container runs appears inside
# within 2 s, a deleted one disappears, for rules written by the CLI and
# by the hook, and poststop removes the rule.
#
# When no udevd runs, the test starts its own and stops it by pid. That
# daemon runs in a mount namespace where the distribution's rule
# directories are hidden: it sees only /run/udev/rules.d, where our rules
# file is, so it does nothing to the devices of tests running beside this
# one while it listens to every uevent of the machine.
. "$(dirname "$0")/lib.sh"
e2e_require_root

UDEVD=/lib/systemd/systemd-udevd
if [ ! -x "$UDEVD" ]; then
	not_ok "systemd-udevd is installed (Debian package udev)"
	e2e_summary
	exit 1
fi

# the rules file where udevd reads it, under a name of this run only
rules=/run/udev/rules.d/99-sch-$E2E_TAG.rules
export SYSCONTAINER_HOOKS_UDEV_RULES=$rules
had_run_udev=0
[ -e /run/udev ] && had_run_udev=1
mkdir -p /run/udev/rules.d
E2E_CLEANUPS+=("rm -f '$rules'")

udevd_pid=
stop_udevd() {
	[ -n "$udevd_pid" ] || return 0
	kill "$udevd_pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$udevd_pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$udevd_pid" 2>/dev/null
	udevd_pid=
	# what our daemon made under /run, when there was nothing before it
	if [ "$had_run_udev" = 0 ] && ! pgrep -x systemd-udevd >/dev/null; then
		rm -rf /run/udev
	fi
}
if pgrep -x systemd-udevd >/dev/null; then
	echo "# using the udevd that runs already"
else
	mkdir -p "$E2E_TMP/no-rules"
	unshare -m --propagation slave sh -c '
		for d in /usr/lib/udev/rules.d /etc/udev/rules.d; do mount --bind "$0" "$d" || exit 1; done
		exec "$1" --resolve-names=never' "$E2E_TMP/no-rules" "$UDEVD" \
		>"$E2E_TMP/udevd.log" 2>&1 </dev/null &
	udevd_pid=$!
	E2E_CLEANUPS+=("stop_udevd")
	for _ in $(seq 50); do udevadm control --ping -t 1 >/dev/null 2>&1 && break; sleep 0.1; done
fi
check "udevd answers" udevadm control --ping -t 2

# the store: --root for the hook and the CLI, not in any environment
store=$E2E_TMP/store-by-flag
cli_log=$E2E_TMP/cli.log
tool() { "$TOOL" --root "$store" --log "$cli_log" "$@"; }
id=$(e2e_name udevd)
e2e_bundle "$id"
cfg=$(e2e_bundle_dir "$id")/config.json
jq --arg s "$store" '
	.hooks |= with_entries(.value |= map(
		.args += ["--root", $s] |
		.env |= map(select(startswith("SYSCONTAINER_HOOKS_ROOT=") | not))))' \
	"$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
# a second container whose store comes from SYSCONTAINER_HOOKS_ROOT (the
# hook's env and the CLI's) follows the same disk
env_store=$SYSCONTAINER_HOOKS_ROOT
id2=$(e2e_name udevd-env)
e2e_bundle "$id2"
unset SYSCONTAINER_HOOKS_ROOT

loop=$(e2e_part_disk 48M)
kname=${loop#/dev/}
check "loop disk $loop has partitions p1 and p2" test -b "${loop}p1" -a -b "${loop}p2"

check "container starts (hook with --root $store)" e2e_run "$id"
check "add-device --follow-partition (CLI with --root and --log)" \
	tool add-device --follow-partition "$id" "$loop:/dev/disk1"
check "second container starts (store from the environment)" e2e_run "$id2"
check "add-device --follow-partition on it (store from the environment)" \
	env SYSCONTAINER_HOOKS_ROOT="$env_store" "$TOOL" add-device --follow-partition "$id2" "$loop:/dev/disk2"
check_match "its rule carries the store from the environment" \
	"--root $env_store udev-partition --rundir $SYSCONTAINER_HOOKS_RUNDIR \\\$env\{ACTION\} $id2 " \
	"$(cat "$rules" 2>/dev/null)"
check_match "the rule carries the store, the runtime directory and the log" \
	"KERNELS==\"$kname\", RUN\+=\"[^ ]*syscontainer-tools --root $store --log $cli_log udev-partition --rundir $SYSCONTAINER_HOOKS_RUNDIR \\\$env\{ACTION\} $id \\\$kernel $kname /dev/disk1\"" \
	"$(cat "$rules" 2>/dev/null)"

# wait_for DESC TEST...: poll the test for 2 s; prints the time it took
wait_for() {
	local what=$1 t0 t1; shift
	t0=$(date +%s%N)
	for _ in $(seq 40); do
		if "$@" >/dev/null 2>&1; then
			t1=$(date +%s%N)
			ok "$what (after $(( (t1 - t0) / 1000000 )) ms)"
			return 0
		fi
		sleep 0.05
	done
	not_ok "$what (not within 2 s)"
}
in_ctr() { e2e_exec "$id" "$@"; }
gone_in_ctr() { ! e2e_exec "$id" test -e "$1"; }
in_ctr2() {  # in_ctr2 HOSTNODE CTRNODE: the second container has it
	[ "$(stat -c '%t:%T' "$1")" = "$(e2e_exec "$id2" stat -c '%t:%T' "$2" 2>/dev/null)" ]
}
gone_in_ctr2() { ! e2e_exec "$id2" test -e "$1"; }
numbers_in_ctr() {  # numbers_in_ctr HOSTNODE CTRNODE: same major:minor
	[ "$(stat -c '%t:%T' "$1")" = "$(e2e_exec "$id" stat -c '%t:%T' "$2" 2>/dev/null)" ]
}
# one partition at a time (BLKPG): a re-read of the whole table would
# also take p1 and p2 away and back
add_part() {
	printf ',8M\n' | sfdisk -q --no-reread --no-tell-kernel --append "$loop" >/dev/null 2>&1
	partx -a --nr 3 "$loop" >/dev/null 2>&1
}
del_part() {
	partx -d --nr 3 "$loop" >/dev/null 2>&1
	sfdisk -q --no-reread --no-tell-kernel --delete "$loop" 3 >/dev/null 2>&1
}

add_part
check "a third partition appeared on the host" test -b "${loop}p3"
wait_for "udevd: /dev/disk1p3 appears in the container within 2 s" numbers_in_ctr "${loop}p3" /dev/disk1p3
wait_for "udevd: and /dev/disk2p3 in the second container" in_ctr2 "${loop}p3" /dev/disk2p3
check_match "the rule's command logged to the CLI's log" "added device /dev/${kname}p3 at /dev/disk1p3" \
	"$(cat "$cli_log" 2>/dev/null)"
check_match "and saved it in the store given with --root" "\"/dev/${kname}p3\"" \
	"$(cat "$store/$id/hook.json")"
del_part
check_fails "the third partition is gone from the host" test -b "${loop}p3"
wait_for "udevd: /dev/disk1p3 disappears from the container within 2 s" gone_in_ctr /dev/disk1p3
check_fails "and from the saved state" grep -q "/dev/${kname}p3" "$store/$id/hook.json"
wait_for "udevd: and from the second container" gone_in_ctr2 /dev/disk2p3
e2e_stop "$id2"
check_fails "poststop of the second container removed its rule" grep -q " $id2 " "$rules"
check "and left the first one's" grep -q " $id " "$rules"

# at restart the hook writes the rule again, with its own log
e2e_restart "$id"
check_match "after restart the hook's rule names the store and the hook's log" \
	"--root $store --log $HOOK_LOG udev-partition --rundir $SYSCONTAINER_HOOKS_RUNDIR " \
	"$(cat "$rules" 2>/dev/null)"
add_part
wait_for "after restart: /dev/disk1p3 appears within 2 s" numbers_in_ctr "${loop}p3" /dev/disk1p3
check_match "the rule's command logged to the hook's log" "added device /dev/${kname}p3" \
	"$(cat "$HOOK_LOG")"
del_part
wait_for "after restart: /dev/disk1p3 disappears within 2 s" gone_in_ctr /dev/disk1p3
check "p1 and p2 stay" in_ctr test -b /dev/disk1p1 -a -b /dev/disk1p2

e2e_stop "$id"
check_fails "poststop removed the rule" grep -q " $id " "$rules"
add_part
sleep 1
check_fails "with the rule gone, a new partition is not saved" \
	grep -q "/dev/${kname}p3" "$store/$id/hook.json"
check_eq "no lock file beside the rules" "" "$(ls /run/udev/rules.d | grep -F "99-sch-$E2E_TAG")"
check_eq "no lock file left under /run/lock" "" \
	"$(ls /run/lock/syscontainer-hooks 2>/dev/null | grep -F "99-sch-$E2E_TAG.rules")"
losetup -d "$loop"
e2e_summary
