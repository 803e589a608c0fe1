#!/bin/bash
# A short demonstration on a real runc container: a busybox container with
# syscontainer-hooks in its config.json gets a device (a loop device standing
# in for a disk), a host directory and a veth interface on a bridge while it
# runs, is restarted, and still has all three. Run as root after building:
# example/demo.sh [BUILD_DIR]
set -u
E2E_BUILD=${1:-build}
. "$(dirname "$0")/../tests/e2e/lib.sh"
e2e_require_root

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "demo FAILED: $*" >&2; exit 1; }
# run CMD...: show it, run it, stop the demo when it fails
run() { printf '$ %s\n' "$*"; "$@" || fail "$*"; }
# expect WHAT PATTERN CMD...: run it, show its output, which must match PATTERN
expect() {
	local what=$1 pattern=$2 out
	shift 2
	printf '$ %s\n' "$*"
	out=$("$@" 2>&1) || { printf '%s\n' "$out"; fail "$what: $*"; }
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -Eq -- "$pattern" || fail "$what: no /$pattern/ in the output"
	echo "ok - $what"
}

id=demo-$$
step "a busybox container whose config.json runs syscontainer-hooks at prestart/poststop"
e2e_bundle "$id"
jq '.hooks' "$(e2e_bundle_dir "$id")/config.json"
e2e_run "$id" || { cat "$E2E_TMP/$id.err"; exit 1; }
echo "container $id running, pid $(e2e_pid "$id")"

step "a loop device stands in for a disk; a host directory to share"
disk=$(e2e_loop)
share=$E2E_TMP/share
mkdir -p "$share" && echo "hello from the host" >"$share/greeting"
echo "disk: $disk  share: $share"

br=demobr$$
ip link add "$br" type bridge && ip addr add 10.250.0.1/24 dev "$br" && ip link set "$br" up
E2E_CLEANUPS+=("ip link del $br")
echo "bridge: $br 10.250.0.1/24"

step "add them to the running container"
run "$TOOL" add-device "$id" "$disk:/dev/data-disk:rw" || exit 1
run "$TOOL" add-path "$id" "$share:/mnt/share:ro" || exit 1
run "$TOOL" add-nic "$id" --type veth --name "dv$$:eth1" --ip 10.250.0.2/24 --bridge "$br" || exit 1
run "$TOOL" add-route "$id" --dest default --gw 10.250.0.1 || exit 1
run "$TOOL" list "$id"

in_net() { nsenter -t "$(e2e_pid "$id")" -n "$@"; }
# the node's type, major and minor (hex) as the host has them
node=$(stat -c 'b %t:%T' "$disk")
checks() {  # checks WHEN: what the container must show
	expect "$1: /dev/data-disk is $disk ($node)" "^$node\$" \
		rt exec "$id" sh -c 'test -b /dev/data-disk && echo "b $(stat -c %t:%T /dev/data-disk)"'
	expect "$1: the host directory is shared" '^hello from the host$' \
		rt exec "$id" cat /mnt/share/greeting
	expect "$1: the disk reads" '^1048576$' \
		rt exec "$id" sh -c 'head -c 1048576 /dev/data-disk | wc -c'
	expect "$1: eth1 has its address" 'inet 10\.250\.0\.2/24' in_net ip -4 -o addr show dev eth1
	expect "$1: the default route goes over the bridge" '^default via 10\.250\.0\.1 dev eth1' in_net ip route
	expect "$1: the container answers over the bridge" ' 0% packet loss' \
		busybox ping -c 1 -W 2 10.250.0.2
}
step "inside the container"
checks "live"

step "restart: runc delete, then runc run with the same id"
e2e_restart "$id" || { cat "$E2E_TMP/$id.err"; exit 1; }
echo "container $id running again, pid $(e2e_pid "$id")"

step "inside the restarted container, with nothing done by hand"
checks "after the restart"

step "the hook's log"
cat "$HOOK_LOG"
e2e_stop "$id"
echo
echo "demo done: the device, the path and the interface came back after the restart"
