#!/bin/bash
# CDI devices hot-plugged into a running runc container (E2E_CGROUP=v2: on
# a pure cgroup v2 hierarchy, where runc's device program is replaced): a spec in a
# private directory (a loop disk, a second node, a read-only bind mount),
# added by name, re-applied at every start (the hook listed twice), a
# regenerated spec followed (another loop device), removed exactly, a
# spec gone (the container still starts), and a hostile rootfs that
# plants a symlink where a CDI mount goes.
. "$(dirname "$0")/lib.sh"
e2e_require_root

kind=sch-e2e.example.com/disk
specdir=$E2E_TMP/cdi
mkdir -p "$specdir"
hostdir=$E2E_TMP/cdi-data
mkdir -p "$hostdir"
echo cdi-data >"$hostdir/file"
loop1=$(e2e_loop)
loop2=$(e2e_loop)
hex() { stat -c '%t:%T' "$1"; }
dec() { local h; h=$(hex "$1"); printf '%d:%d' "0x${h%:*}" "0x${h#*:}"; }
sum() { head -c 65536 "$1" | md5sum | cut -d' ' -f1; }

# write_spec DISK [WITH_D2]: d1 = DISK at /dev/cdi-disk, /dev/zero at
# /dev/cdi-zero (rw) and $hostdir at /mnt/cdi (ro,nosuid,nodev); d2 =
# /dev/null at /dev/cdi-null; with WITH_D2=no, d2 is not in the spec
write_spec() {
	jq -n --arg kind "$kind" --arg disk "$1" --arg dir "$hostdir" --arg d2 "${2:-yes}" '{
		cdiVersion: "0.5.0", kind: $kind,
		devices: ([{name: "d1", containerEdits: {
			deviceNodes: [{path: "/dev/cdi-disk", hostPath: $disk},
				      {path: "/dev/cdi-zero", hostPath: "/dev/zero", permissions: "rw"}],
			mounts: [{hostPath: $dir, containerPath: "/mnt/cdi",
				  options: ["ro", "nosuid", "nodev", "bind"]}]}}] +
			(if $d2 == "yes" then [{name: "d2", containerEdits: {
				deviceNodes: [{path: "/dev/cdi-null", hostPath: "/dev/null"}]}}] else [] end))
	}' >"$specdir/disk.json"
}
write_spec "$loop1"

id=$(e2e_name cdi)
e2e_bundle "$id"
b=$(e2e_bundle_dir "$id")
# the hook listed twice at prestart, as iSulad's hook-spec merge does
jq '.hooks.prestart += [.hooks.prestart[0]]' "$b/config.json" >"$b/c.json" &&
	mv "$b/c.json" "$b/config.json"
check "container starts with the hook listed twice" e2e_run "$id"
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json

check "add-device of two CDI devices and a plain device" \
	"$TOOL" add-device "$id" "$kind=d1" "$kind=d2" /dev/full:/dev/plain-full --cdi-spec-dir "$specdir"

# in_ctr CMD...: a command inside the container, stderr kept
in_ctr() { e2e_exec "$id" "$@" 2>&1; }
# can_read DISK: a fresh node of DISK's numbers, made from the host in the
# container's /dev, opens for reading inside: the access the cgroup (v1
# devices.* or the v2 device program) gives, not our node
can_read() {
	local node n
	node=/proc/$(e2e_pid "$id")/root/dev/cdi-probe
	n=$(dec "$1")
	rm -f "$node"
	mknod -m 600 "$node" b "${n%:*}" "${n#*:}" && in_ctr head -c 1 /dev/cdi-probe >/dev/null
}

# expect_d1 WHEN DISK: the nodes and mount of d1, with DISK as its disk
expect_d1() {
	local when=$1 disk=$2
	check_eq "$when: /dev/cdi-disk is block $(hex "$disk")" "block special file $(hex "$disk")" \
		"$(in_ctr stat -c '%F %t:%T' /dev/cdi-disk)"
	check_eq "$when: the container reads $disk's data" "$(sum "$disk")" \
		"$(in_ctr sh -c 'head -c 65536 /dev/cdi-disk | md5sum' | cut -d' ' -f1)"
	check_eq "$when: /dev/cdi-zero is char 1:5" "character special file 1:5" \
		"$(in_ctr stat -c '%F %t:%T' /dev/cdi-zero)"
	check_eq "$when: /dev/cdi-zero reads zeros" "0000000 000000 000000
0000004" "$(in_ctr sh -c 'head -c 4 /dev/cdi-zero | od')"
	check "$when: the cgroup lets the container read $disk" can_read "$disk"
	check_eq "$when: /mnt/cdi shows the host directory" cdi-data "$(in_ctr cat /mnt/cdi/file)"
	check_match "$when: /mnt/cdi is read-only" "Read-only file system" \
		"$(in_ctr sh -c 'echo x > /mnt/cdi/new')"
	check_eq "$when: /mnt/cdi is mounted once, ro,nosuid,nodev" "1 ro,nosuid,nodev" \
		"$(in_ctr cat /proc/self/mountinfo | awk '$5 == "/mnt/cdi" {n++; split($6, o, ",");
			f = o[1]; for (i in o) if (o[i] == "nosuid" || o[i] == "nodev") g[o[i]] = 1}
			END {print n, f (g["nosuid"] ? ",nosuid" : "") (g["nodev"] ? ",nodev" : "")}')"
}
expect_others() {
	local when=$1
	check_eq "$when: /dev/cdi-null (d2) is char 1:3" "character special file 1:3" \
		"$(in_ctr stat -c '%F %t:%T' /dev/cdi-null)"
	check_eq "$when: /dev/plain-full is char 1:7" "character special file 1:7" \
		"$(in_ctr stat -c '%F %t:%T' /dev/plain-full)"
}
expect_d1 "hot add" "$loop1"
expect_others "hot add"
check_eq "hook.json names both CDI devices, with their places" \
	"$kind=d1 /dev/cdi-disk,/dev/cdi-zero /mnt/cdi $specdir|$kind=d2 /dev/cdi-null  $specdir" \
	"$(jq -r '[.cdiDevices[] | "\(.Name) \(.DeviceNodes | join(",")) \(.Mounts | join(",")) \(.SpecDirs | join(","))"] | join("|")' "$store")"
check_match "list shows the CDI devices" "cdi devices \(2\):.*$kind=d1.*node +/dev/cdi-disk.*mount +/mnt/cdi" \
	"$("$TOOL" list "$id" | tr '\n' ' ')"
check_match "list --json shows the resolved nodes" "\"PathOnHost\":\"$loop1\",\"PathInContainer\":\"/dev/cdi-disk\"" \
	"$("$TOOL" list "$id" --json)"

run_capture "$TOOL" check "$id"
check_eq "check: the CDI items are as saved (exit 0)" 0 "$RC"
check_match "  it names the CDI node" "device /dev/cdi-disk \($loop1\): ok" "$(cat "$OUT")"
in_ctr rm /dev/cdi-zero
run_capture "$TOOL" check "$id"
check_eq "check: a CDI node removed inside is drift (exit 1)" 1 "$RC"
check_match "  named" "device /dev/cdi-zero \(/dev/zero\): node missing" "$(cat "$OUT")"
check "check --fix puts it back" "$TOOL" check "$id" --fix
check_eq "  /dev/cdi-zero is char 1:5 again" "character special file 1:5" \
	"$(in_ctr stat -c '%F %t:%T' /dev/cdi-zero)"

before=$(md5sum <"$store")
e2e_restart "$id"
check "restart (the hook runs twice)" test -n "$(e2e_pid "$id")"
expect_d1 "restart" "$loop1"
expect_others "restart"
check_eq "restart with the same spec leaves hook.json as it was" "$before" "$(md5sum <"$store")"

# the spec is regenerated: d1's disk is now loop2
write_spec "$loop2"
run_capture "$TOOL" check "$id"
check_eq "check: a regenerated spec is drift (exit 1)" 1 "$RC"
check_match "  named, with what the next start applies" \
	"cdi $kind=d1: the spec now gives /dev/cdi-disk=$loop2, .* not /dev/cdi-disk=$loop1" "$(cat "$OUT")"
e2e_restart "$id"
expect_d1 "spec now names $loop2" "$loop2"
check "check: after the restart, as saved" "$TOOL" check "$id"
check_fails "the cgroup does not let the container read the old disk" can_read "$loop1"
check_eq "hook.json saves $loop2 as applied" "$loop2" \
	"$(jq -r '.deviceToAdd[] | select(.PathInContainer == "/dev/cdi-disk") | .PathOnHost' "$store")"
expect_others "spec now names $loop2"

run_capture "$TOOL" remove-device "$id" :/dev/cdi-disk
check_eq "a plain remove of a CDI node is refused" 1 "$RC"
check_match "  naming the CDI device" "came with CDI device $kind=d1" "$(cat "$ERR")"

run_capture "$TOOL" remove-path "$id" "$hostdir:/mnt/cdi"
expect_output "a remove-path of a CDI mount" 1 "/mnt/cdi of container $id came with CDI device $kind=d1"
check "remove-device of d1" "$TOOL" remove-device "$id" "$kind=d1"
check_fails "remove: /dev/cdi-disk is gone" in_ctr test -e /dev/cdi-disk
check_fails "remove: /dev/cdi-zero is gone" in_ctr test -e /dev/cdi-zero
check_fails "remove: /mnt/cdi is not mounted" grep -q " /mnt/cdi " <(in_ctr cat /proc/self/mountinfo)
check_fails "remove: the cgroup does not let the container read the disk" can_read "$loop2"
expect_others "remove of d1"
check_eq "hook.json keeps d2 and the plain device only" "$kind=d2 /dev/cdi-null,/dev/plain-full" \
	"$(jq -r '[.cdiDevices[].Name] + [[.deviceToAdd[].PathInContainer] | sort | join(",")] | join(" ")' "$store")"
check_eq "hook.json has no path left" "0" "$(jq '.bindToAdd // [] | length' "$store")"
e2e_restart "$id"
check_fails "restart after remove: d1 is not back" in_ctr test -e /dev/cdi-disk
expect_others "restart after remove"

# the spec loses d2: a warning, the container still starts without it
write_spec "$loop2" no
e2e_restart "$id"
check "restart with d2 gone from the spec" test -n "$(e2e_pid "$id")"
check_match "the hook warns that d2 is skipped" "CDI device $kind=d2 skipped" "$(cat "$HOOK_LOG")"
check_fails "d2's node is not there" in_ctr test -e /dev/cdi-null
check_eq "the plain device is" "character special file 1:7" "$(in_ctr stat -c '%F %t:%T' /dev/plain-full)"
check_eq "d2 stays saved, with nothing applied" "$kind=d2 0" \
	"$(jq -r '.cdiDevices[] | "\(.Name) \(.DeviceNodes | length)"' "$store")"
write_spec "$loop2"
e2e_restart "$id"
check_eq "d2 back in the spec: applied again" "character special file 1:3" \
	"$(in_ctr stat -c '%F %t:%T' /dev/cdi-null)"

# netDevices (spec 1.1): one end of a throw-away veth pair of this test
# is lent to the container under another name, and given back
nic=cdia$$
E2E_CLEANUPS+=("ip link del cdib$$")
ip link add "$nic" type veth peer name "cdib$$"
# (a YAML spec file)
cat >"$specdir/net.yaml" <<EOF
cdiVersion: "1.1.0"
kind: sch-e2e.example.com/net
devices:
  - name: n1
    containerEdits:
      netDevices:
        - hostInterfaceName: $nic
          name: cdinet0
EOF
check "add-device of a CDI device with a netDevice" \
	"$TOOL" add-device "$id" sch-e2e.example.com/net=n1 --cdi-spec-dir "$specdir"
check "netDevice: cdinet0 is in the container" in_ctr ip link show cdinet0
check_fails "netDevice: $nic is no longer on the host" ip link show "$nic"
e2e_restart "$id"
check "netDevice: cdinet0 is in the container after a restart" in_ctr ip link show cdinet0
run_capture "$TOOL" remove-nic "$id" --name cdinet0
expect_output "a remove-nic of a CDI interface" 1 "interface cdinet0 of container $id came with CDI device"
check "remove-device of the netDevice's CDI device" "$TOOL" remove-device "$id" sch-e2e.example.com/net=n1
check_fails "netDevice: cdinet0 has left the container" in_ctr ip link show cdinet0
check "netDevice: $nic is back on the host" ip link show "$nic"
check_eq "hook.json keeps no interface" 0 "$(jq '.networkInterfaces // [] | length' "$store")"

# the spec's top-level edits, shared by two devices of it: applied once,
# kept while one of them stays
jq -n '{cdiVersion: "0.5.0", kind: "sch-e2e.example.com/shared",
	containerEdits: {deviceNodes: [{path: "/dev/cdi-common", hostPath: "/dev/null"}]},
	devices: [{name: "s1", containerEdits: {deviceNodes: [{path: "/dev/cdi-s1", hostPath: "/dev/zero"}]}},
		  {name: "s2", containerEdits: {deviceNodes: [{path: "/dev/cdi-s2", hostPath: "/dev/zero"}]}}]}' \
	>"$specdir/shared.json"
check "add s1 (with the spec's common node)" \
	"$TOOL" add-device "$id" sch-e2e.example.com/shared=s1 --cdi-spec-dir "$specdir"
check "add s2 in another command: the common node is shared, not refused" \
	"$TOOL" add-device "$id" sch-e2e.example.com/shared=s2 --cdi-spec-dir "$specdir"
check_eq "  saved once" 1 "$(jq '[.deviceToAdd[] | select(.PathInContainer == "/dev/cdi-common")] | length' "$store")"
e2e_restart "$id"
check "  both and the common node after a restart" in_ctr test -c /dev/cdi-common -a -c /dev/cdi-s1 -a -c /dev/cdi-s2
# d2, s1 and s2 are saved with one spec directory and looked up together:
# a name among them that no longer resolves is skipped alone
cp "$specdir/shared.json" "$E2E_TMP/shared.json"
jq 'del(.devices[1])' "$E2E_TMP/shared.json" >"$specdir/shared.json"
e2e_restart "$id"
check_match "s2 gone from its spec: the hook warns that s2 is skipped" \
	"CDI device sch-e2e.example.com/shared=s2 skipped: .*not found in $specdir" "$(cat "$HOOK_LOG")"
check "  d2, s1 and the common node, looked up with it, apply" \
	in_ctr test -c /dev/cdi-null -a -c /dev/cdi-common -a -c /dev/cdi-s1
check_fails "  s2's node is not there" in_ctr test -e /dev/cdi-s2
run_capture "$TOOL" check "$id"
check_match "  check: s2 does not resolve now, naming where it looked" \
	"cdi sch-e2e.example.com/shared=s2: does not resolve now (.*not found in $specdir)" "$(cat "$OUT")"
check_fails "  check: d2 and s1, looked up with it, are as saved" \
	grep -E "cdi ($kind=d2|sch-e2e.example.com/shared=s1): (does|the spec)" "$OUT"
cp "$E2E_TMP/shared.json" "$specdir/shared.json"
e2e_restart "$id"
check "  s2 back in its spec: applied again" in_ctr test -c /dev/cdi-s2
check "remove s1" "$TOOL" remove-device "$id" sch-e2e.example.com/shared=s1
check_fails "  its own node is gone" in_ctr test -e /dev/cdi-s1
check "  the common node stays for s2" in_ctr test -c /dev/cdi-common
check "remove s2" "$TOOL" remove-device "$id" sch-e2e.example.com/shared=s2
check_fails "  the common node went with the last of them" in_ctr test -e /dev/cdi-common
check_eq "  nothing of them saved" 0 "$(jq '[.deviceToAdd[] | select(.PathInContainer | startswith("/dev/cdi-s") or . == "/dev/cdi-common")] | length' "$store")"

# all or nothing: a device whose interface is not there fails after its
# node and mount went in; both are taken out again, nothing is saved
jq -n --arg dir "$hostdir" '{cdiVersion: "1.1.0", kind: "sch-e2e.example.com/half", devices: [{name: "h1",
	containerEdits: {deviceNodes: [{path: "/dev/cdi-half", hostPath: "/dev/null"}],
	mounts: [{hostPath: $dir, containerPath: "/mnt/cdi-half"}],
	netDevices: [{hostInterfaceName: "cdinone'$$'", name: "cdihalf0"}]}}]}' >"$specdir/half.json"
before=$(md5sum <"$store")
mounts_before=$(in_ctr cat /proc/self/mountinfo | wc -l)
run_capture "$TOOL" add-device "$id" sch-e2e.example.com/half=h1 --cdi-spec-dir "$specdir"
expect_output "a CDI device whose interface is missing" 1 "cdinone$$"
check_fails "  its node was taken out again" in_ctr test -e /dev/cdi-half
check_eq "  its mount was taken out again" "$mounts_before" "$(in_ctr cat /proc/self/mountinfo | wc -l)"
check_eq "  hook.json untouched" "$before" "$(md5sum <"$store")"

# an edit that cannot apply live: refused, or skipped with a warning
jq -n '{cdiVersion: "0.5.0", kind: "sch-e2e.example.com/env", devices: [{name: "e1",
	containerEdits: {env: ["A=1"], deviceNodes: [{path: "/dev/cdi-env", hostPath: "/dev/null"}]}}]}' \
	>"$specdir/env.json"
run_capture "$TOOL" add-device "$id" sch-e2e.example.com/env=e1 --cdi-spec-dir "$specdir"
expect_output "env without --ignore-unsupported" 1 "env.json: devices\[0\].containerEdits.env: cannot apply"
run_capture "$TOOL" add-device "$id" sch-e2e.example.com/env=e1 --cdi-spec-dir "$specdir" --ignore-unsupported
check_eq "env with --ignore-unsupported: added" 0 "$RC"
check_match "  with a warning naming the edit" "warning: .*env.json: devices\[0\].containerEdits.env.*skipped" \
	"$(cat "$ERR")"
check "  its node is there" in_ctr test -c /dev/cdi-env
e2e_restart "$id"
check "  and after a restart (the flag is saved)" in_ctr test -c /dev/cdi-env
check "remove it" "$TOOL" remove-device "$id" sch-e2e.example.com/env=e1

# a hostile rootfs: /mnt/cdi replaced by a symlink to a host directory
check "add d1 again" "$TOOL" add-device "$id" "$kind=d1" --cdi-spec-dir "$specdir"
e2e_stop "$id"
victim=$E2E_TMP/victim
mkdir -p "$victim"
rmdir "$b/rootfs/mnt/cdi" && ln -s "$victim" "$b/rootfs/mnt/cdi"
check_fails "restart with /mnt/cdi -> a host directory fails" e2e_run "$id"
check_match "  with the one-line error naming the symlink" "prestart $id: /mnt/cdi is a symlink" \
	"$(cat "$E2E_TMP/$id.err")"
check_fails "  and nothing is mounted on the host directory" mountpoint -q "$victim"
rt delete -f "$id" >/dev/null 2>&1
rm "$b/rootfs/mnt/cdi" && mkdir "$b/rootfs/mnt/cdi"
check "restart with the symlink gone" e2e_run "$id"
# live: the container plants a symlink where a new CDI mount goes
jq --arg kind "$kind" --arg dir "$hostdir" '.devices += [{name: "d3", containerEdits: {
	mounts: [{hostPath: $dir, containerPath: "/mnt/evil/sub"}]}}]' "$specdir/disk.json" >"$specdir/d.new" &&
	mv "$specdir/d.new" "$specdir/disk.json"
check "the container makes /mnt/evil -> / and /dev/evil -> /etc" \
	in_ctr sh -c 'ln -s / /mnt/evil && ln -s /etc /dev/evil'
before=$(md5sum <"$store")
run_capture "$TOOL" add-device "$id" "$kind=d3" --cdi-spec-dir "$specdir"
expect_output "live CDI mount through a symlink" 1 "/mnt/evil is a symlink"
check_eq "  hook.json untouched" "$before" "$(md5sum <"$store")"
check_fails "  nothing mounted at the host's /sub" mountpoint -q /sub
jq --arg kind "$kind" '.devices += [{name: "d4", containerEdits: {
	deviceNodes: [{path: "/dev/evil/cdi-null", hostPath: "/dev/null"}]}}]' "$specdir/disk.json" >"$specdir/d.new" &&
	mv "$specdir/d.new" "$specdir/disk.json"
run_capture "$TOOL" add-device "$id" "$kind=d4" --cdi-spec-dir "$specdir"
expect_output "live CDI node through a symlink" 1 "/dev/evil is a symlink"
check_eq "  hook.json untouched" "$before" "$(md5sum <"$store")"
check_fails "  no node at the host's /etc/cdi-null" test -e /etc/cdi-null

e2e_stop "$id"
e2e_summary
