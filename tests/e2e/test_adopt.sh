#!/bin/bash
# Ways in for operators: inject our hooks into a plain bundle, import the
# original tool's device_hook.json, podman with example/hooks.d, and the
# hook points that are refused.
. "$(dirname "$0")/lib.sh"
e2e_require_root
top=$(cd "$(dirname "$0")/../.." && pwd)

# --- inject -------------------------------------------------------------------
e2e_new_bundle inj
# a bundle as a runtime user has it: its own hook, none of ours
jq '.hooks = {prestart: [{path: "/bin/true", args: ["true", "own"]}]}' "$b/config.json" >"$b/c" &&
	mv "$b/c" "$b/config.json"
spec=$E2E_TMP/hookspec.json
jq --arg hook "$HOOK" --arg log "$HOOK_LOG" --arg r "$SYSCONTAINER_HOOKS_ROOT" \
	--arg d "$SYSCONTAINER_HOOKS_RUNDIR" '
	(.prestart, .poststop) |= map(.path = $hook | .args += ["--log", $log] |
		.env = ["SYSCONTAINER_HOOKS_ROOT=" + $r, "SYSCONTAINER_HOOKS_RUNDIR=" + $d])' \
	"$top/example/hookspec.json" >"$spec"
check_match "inject adds our two hooks" "^2 hook\(s\) added" \
	"$("$TOOL" inject --bundle "$b" --hookspec "$spec")"
before=$(cat "$b/config.json")
check_match "inject again adds nothing" "^0 hook\(s\) added" \
	"$("$TOOL" inject --bundle "$b" --hookspec "$spec")"
check_eq "config.json unchanged the second time" "$before" "$(cat "$b/config.json")"
check_eq "the bundle's own hook stays first" "/bin/true $HOOK" \
	"$(jq -r '[.hooks.prestart[].path] | join(" ")' "$b/config.json")"
check_eq "the rest of config.json is kept" '["/bin/sleep","100000"]' \
	"$(jq -c .process.args "$b/config.json")"
check "the injected bundle starts" e2e_run "$id"
check "our prestart ran (runtime record)" test -s "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
check "add-device works on it" "$TOOL" add-device "$id" /dev/zero:/dev/inj-zero
e2e_restart "$id"
check "and the device is back after a restart" e2e_exec "$id" test -c /dev/inj-zero
e2e_stop "$id"
run_capture "$TOOL" inject --bundle "$E2E_TMP/nowhere"
expect_output "inject on a missing bundle" 1 "config.json"
echo '{"prestart":[{"path":"relative"}]}' >"$E2E_TMP/bad-spec.json"
run_capture "$TOOL" inject --bundle "$b" --hookspec "$E2E_TMP/bad-spec.json"
expect_output "inject of a hook-spec with a relative path" 1 "absolute"
check_eq "config.json untouched by the refused inject" "$before" "$(cat "$b/config.json")"
# the bundle's own hooks in a shape that is not the spec's: refused, kept
for bad in '.hooks.prestart = {path: "/bin/true"}' '.hooks = [{path: "/bin/true"}]' \
	'.hooks.poststop = "/bin/true"'; do
	printf '%s\n' "$before" | jq "$bad" >"$E2E_TMP/bad-config.json"
	cp "$E2E_TMP/bad-config.json" "$b/config.json"
	run_capture "$TOOL" inject --bundle "$b" --hookspec "$spec"
	expect_output "inject into a config.json with $bad" 1 "is not an (array|object)"
	check "  config.json left as it was" cmp -s "$E2E_TMP/bad-config.json" "$b/config.json"
done
printf '%s\n' "$before" >"$b/config.json"

# with the global --root, the hook is told the same store
id_r=$(e2e_name injroot)
e2e_bundle "$id_r"
br=$(e2e_bundle_dir "$id_r")
alt=$E2E_TMP/alt-root
jq 'del(.hooks)' "$br/config.json" >"$br/c" && mv "$br/c" "$br/config.json"
jq '(.prestart, .poststop) |= map(.env |= map(select(startswith("SYSCONTAINER_HOOKS_ROOT=") | not)))' \
	"$spec" >"$E2E_TMP/spec-noroot.json"
check_match "inject with the global --root" "^2 hook\(s\) added" \
	"$("$TOOL" --root "$alt" inject --bundle "$br" --hookspec "$E2E_TMP/spec-noroot.json")"
check_eq "  both hooks get --root $alt" "2" \
	"$(jq --arg r "$alt" '[.hooks[][] | .args | index("--root") as $i |
		select($i != null and .[$i + 1] == $r)] | length' "$br/config.json")"
check "  the bundle starts" e2e_run "$id_r"
check "  add-device into the store under --root" \
	"$TOOL" --root "$alt" add-device "$id_r" /dev/zero:/dev/alt-zero
check "  saved there" test -s "$alt/$id_r/hook.json"
e2e_restart "$id_r"
check "  the hook re-adds it from that store at restart" e2e_exec "$id_r" test -c /dev/alt-zero
e2e_stop "$id_r"

# --- import -------------------------------------------------------------------
id2=$(e2e_name imp)
e2e_bundle "$id2"
share=$E2E_TMP/imported
mkdir -p "$share" && echo imported >"$share/f"
# the original tool's file: Go field names, one key in other case
cat >"$E2E_TMP/device_hook.json" <<JSON
{"bindToAdd":["$share:/mnt/imp:rw"],"deviceToAdd":[{"Type":"c","Minor":5,"Major":1,"PathOnHost":"/dev/zero","PathInContainer":"/dev/imp-zero","CgroupPermissions":"rwm","Parent":""}],"readbps":[]}
JSON
check "import the original tool's device_hook.json" \
	"$TOOL" import "$id2" "$E2E_TMP/device_hook.json"
check "the container starts with the imported state" e2e_run "$id2"
check "imported device is there" e2e_exec "$id2" test -c /dev/imp-zero
check_eq "imported path is mounted" imported "$(e2e_exec "$id2" cat /mnt/imp/f 2>&1)"
run_capture "$TOOL" import "$id2" "$E2E_TMP/device_hook.json"
expect_output "a second import without --force" 1 "already has saved state"
echo '{"deviceToAdd":[{"Type":"x"}]}' >"$E2E_TMP/bad_hook.json"
run_capture "$TOOL" import "$(e2e_name imp2)" "$E2E_TMP/bad_hook.json"
expect_output "import of a malformed file" 1 "bad_hook.json"
check_fails "nothing saved for it" test -e "$SYSCONTAINER_HOOKS_ROOT/$(e2e_name imp2)/hook.json"
e2e_stop "$id2"

# QoS entries as the original tool wrote them, and in other spellings: each
# list has its own field names (a device's "Major", a QoS entry's "major")
qos_id=$(e2e_name impqos)
for spelling in major Major MAJOR; do
	cat >"$E2E_TMP/qos_hook.json" <<JSON
{"deviceToAdd":[{"Type":"b","Major":7,"Minor":0,"PathOnHost":"/dev/loop0","PathInContainer":"/dev/q","CgroupPermissions":"rwm","Parent":""}],"readBps":[{"$spelling":7,"minor":0,"path":"/dev/loop0","value":"1048576"}],"writeIops":[{"$spelling":7,"Minor":0,"Path":"/dev/loop0","Value":"100"}],"blkioWeight":[{"$spelling":7,"minor":0,"path":"/dev/loop0","value":"500"}]}
JSON
	run_capture "$TOOL" import --force "$qos_id" "$E2E_TMP/qos_hook.json"
	check_eq "import of QoS entries spelled '$spelling': exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
done
check_eq "  the QoS entries are saved in our spelling" '[7,0,"1048576"]' \
	"$(jq -c '.readBps[0] | [.major, .minor, .value]' "$SYSCONTAINER_HOOKS_ROOT/$qos_id/hook.json")"

# list --json of a container with everything in it imports back to the same
rt_id=$(e2e_name rtrip)
e2e_bundle "$rt_id"
check "round trip: the container starts" e2e_run "$rt_id"
rt_loop=$(e2e_loop)
s=$$
check "round trip: a followed disk with QoS, a char device, a path" sh -c "
	'$TOOL' add-device '$rt_id' --follow-partition '$rt_loop:/dev/rtdisk' \
		--device-read-bps '$rt_loop:1mb' --device-write-iops '$rt_loop:100' &&
	'$TOOL' add-device '$rt_id' /dev/zero:/dev/rt-zero:r &&
	'$TOOL' add-path '$rt_id' '$share:/mnt/rt:ro'"
check "round trip: a veth with a route" sh -c "
	'$TOOL' add-nic '$rt_id' --type veth --name rt$s:eth1 --ip 10.233.$((s % 250)).2/24 \
		--mac 02:00:00:00:$((s % 90 + 10)):01 --mtu 1400 &&
	'$TOOL' add-route '$rt_id' --dest 10.234.$((s % 250)).0/24 --dev eth1"
"$TOOL" list "$rt_id" --json >"$E2E_TMP/rt.json"
"$TOOL" list "$rt_id" --json --pretty >"$E2E_TMP/rt-pretty.json"
check_eq "round trip: the state holds every kind" \
	"bindToAdd deviceToAdd networkInterfaces networkRoute readBps writeIops true" \
	"$(jq -r '[keys[]] + [.deviceToAdd[0].FollowPartition | tostring] | join(" ")' "$E2E_TMP/rt.json")"
for f in rt rt-pretty; do
	imp=$(e2e_name "imp-$f")
	run_capture "$TOOL" import "$imp" "$E2E_TMP/$f.json"
	check_eq "import of list --json${f#rt}: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
	check_eq "  the imported state is the listed one" "$(cat "$E2E_TMP/rt.json")" \
		"$("$TOOL" list "$imp" --json 2>&1)"
done
e2e_stop "$rt_id"

# the original tool's full file, every list in its order
orig_id=$(e2e_name imporig)
cat >"$E2E_TMP/orig_hook.json" <<JSON
{"bindToAdd":["$share:/mnt/o:rw,rslave"],"deviceToAdd":[{"Type":"c","Minor":5,"Major":1,"PathOnHost":"/dev/zero","PathInContainer":"/dev/oz","CgroupPermissions":"rw","Parent":""}],"readIops":[{"major":7,"minor":0,"path":"/dev/loop0","value":"10"}],"writeIops":[{"major":7,"minor":0,"path":"/dev/loop0","value":"20"}],"readBps":[{"major":7,"minor":0,"path":"/dev/loop0","value":"30"}],"writeBps":[{"major":7,"minor":0,"path":"/dev/loop0","value":"40"}],"blkioWeight":[{"major":7,"minor":0,"path":"/dev/loop0","value":"500"}],"networkInterfaces":[{"Ip":"10.235.0.2/24","Mac":"","Mtu":1500,"Qlen":1000,"Type":"veth","Bridge":"","HostNicName":"vo1","CtrNicName":"eth1"}],"networkRoute":[{"dest":"default","src":"","gw":"10.235.0.1","dev":"eth1"}]}
JSON
run_capture "$TOOL" import "$orig_id" "$E2E_TMP/orig_hook.json"
check_eq "import of every list the original tool writes: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"

# --- hook points ------------------------------------------------------------------
run_capture "$HOOK" --state createContainer
expect_output "--state createContainer is refused" 2 "runs inside the container"
run_capture "$HOOK" --state startContainer
expect_output "--state startContainer is refused" 2 "createRuntime"

# --- podman with hooks.d -------------------------------------------------------------
if ! command -v podman >/dev/null; then
	not_ok "podman is not installed (make deps installs it)"
	e2e_summary
	exit 1
fi
name=sch-$E2E_TAG-podman
e2e_podman_run "podman runs a container with --hooks-dir" "$name"
pid_id=$pm_id
check "the hook's runtime record names podman's container id" \
	test -s "$SYSCONTAINER_HOOKS_RUNDIR/$pid_id/record.json"
check "add-device to the podman container" "$TOOL" add-device "$pid_id" /dev/zero:/dev/pm-zero
check "the device is in it" pm exec "$name" test -c /dev/pm-zero
check "podman restart" pm restart -t 0 "$name"
check "the saved device is re-applied after the restart" pm exec "$name" test -c /dev/pm-zero
check "podman rm" pm rm -f -t 0 "$name"
check_fails "poststop (stage from --state auto) removed the record" \
	test -e "$SYSCONTAINER_HOOKS_RUNDIR/$pid_id/record.json"
e2e_summary
