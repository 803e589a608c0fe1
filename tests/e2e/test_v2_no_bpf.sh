#!/bin/bash
# A cgroup v2 host whose policy refuses BPF: real runc on a pure cgroup v2
# hierarchy, our hook run under a seccomp filter that fails every bpf(2)
# call with EPERM (the stand-in for such a host: runc itself needs BPF
# here, so the refusal can only be put on the hook). With a device saved
# the start fails with one line that says BPF is not permitted; with
# nothing saved the hook never calls bpf(2) and the container starts.
E2E_CGROUP=v2
. "$(dirname "$0")/lib.sh"
e2e_require_root
e2e_require_helper devctl
DEVCTL=$E2E_BUILD/tests/devctl

id=$(e2e_name nobpf)
e2e_bundle "$id"
c=$(e2e_bundle_dir "$id")/config.json
jq --arg d "$DEVCTL" '.hooks.prestart[0] |= (.args = ["devctl", "nobpf", .path] + .args[1:] | .path = $d)' \
	"$c" >"$c.new" && mv "$c.new" "$c"
check_eq "the prestart hook runs under devctl nobpf" "$DEVCTL nobpf" \
	"$(jq -r '.hooks.prestart[0] | .path + " " + .args[1]' "$c")"
check_match "and that refuses bpf(2)" "not permitted" "$("$DEVCTL" nobpf "$(command -v bpftool)" prog show 2>&1)"

loop=$(e2e_loop)
hex=$(stat -c '%t:%T' "$loop")
mkdir -p "$SYSCONTAINER_HOOKS_ROOT/$id"
jq -nc --arg l "$loop" --argjson maj "$((0x${hex%:*}))" --argjson min "$((0x${hex#*:}))" \
	'{deviceToAdd: [{Type:"b", Major:$maj, Minor:$min, PathOnHost:$l,
	  PathInContainer:"/dev/xdisk", CgroupPermissions:"rw", Parent:""}]}' \
	>"$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"

check_fails "a device saved, BPF refused: the start fails" e2e_run "$id"
err=$(grep -o 'syscontainer-hooks: [^"]*' "$E2E_TMP/$id.err" | sed 's/\\n$//')
[ "${E2E_VERBOSE:-0}" = 1 ] && echo "# $err"
check_match "the hook's error names the container, its cgroup and the refusal" \
	"^syscontainer-hooks: prestart $id: cgroup /sys/fs/cgroup/[^:]*$id: .*\(BPF not permitted here\): Operation not permitted$" \
	"$err"
check_eq "the hook's error is one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
check_fails "runc did not keep the container" runc state "$id"
check_fails "no runtime record is left" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id"
check_eq "the device stays saved for a start where BPF works" 1 \
	"$(jq '.deviceToAdd | length' "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json")"

echo '{}' >"$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"
check "nothing saved, BPF refused: the container starts (the hook leaves BPF alone)" e2e_run "$id"
check "/dev/null works in it" e2e_exec "$id" sh -c 'echo x >/dev/null'
e2e_stop "$id"
e2e_summary
