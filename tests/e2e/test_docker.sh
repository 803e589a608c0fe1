#!/bin/bash
# Docker 20.10 (Debian docker.io) with syscontainer-runtime as a runtime:
# a dockerd of the test's own; "docker run --runtime syscontainer"; a
# device, a host path and a veth on a bridge added by docker's full id, a
# unique prefix of it and the container's name; "docker restart" twice
# with everything back each time (docker writes a new config.json at every
# start: the wrapper puts the hooks back into it); "docker stop" leaves no
# host link; "docker rm"; nothing left in the host's mount table. Names are
# resolved by this dockerd: add-device, remove-path and remove-device by
# name, and a name docker does not have is one line naming docker.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_docker.sh"
e2e_require_root
dk_start
mounts_before=$(e2e_mounts | wc -l)

name=$(e2e_name dk)
br=sdb$$
hnic=sdh$$
E2E_CLEANUPS+=("ip link del $br" "ip link del $hnic")
ip link add "$br" type bridge && ip link set "$br" up
mkdir -p "$E2E_TMP/share" && echo "from the host" >"$E2E_TMP/share/hello"

id=$(dk_run "$name" 2>"$E2E_TMP/run.err")
check_match "docker run --runtime syscontainer gives a full id" '^[0-9a-f]{64}$' "$id"
[ -n "$id" ] || { echo "# $(cat "$E2E_TMP/run.err")"; e2e_summary; exit 1; }
check "our prestart ran under docker (runtime record under the full id)" \
	test -s "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
check_eq "the bundle docker wrote has our hooks after its own" "$HOOK" \
	"$(jq -r '.hooks.prestart[-1].path' "$DK/exec/containerd/daemon/io.containerd.runtime.v2.task/moby/$id/config.json" 2>/dev/null ||
	   jq -r '.hooks.prestart[-1].path' "$(find "$DK/exec" -path "*/$id/config.json" | head -1)")"

# --- add by full id, unique prefix, name ---------------------------------------
check "add-device by the full docker id" "$TOOL" add-device "$id" /dev/zero:/dev/dz
check "add-path by a unique prefix of the id (12, as docker ps shows)" \
	"$TOOL" add-path "${id:0:12}" "$E2E_TMP/share:/mnt/share:ro"
check "add-nic by the container's name (veth on a bridge)" "$TOOL" add-nic "$name" \
	--type veth --name "$hnic:eth1" --ip 10.77.$(( $$ % 200 )).2/24 --bridge "$br"
check_eq "the state is kept under the full id" "$id" "$(ls "$SYSCONTAINER_HOOKS_ROOT")"

all_back() {  # all_back WHEN
	check_eq "$1: /dev/dz is the host's /dev/zero (1:5)" "1:5" \
		"$(dk exec "$name" stat -c '%t:%T' /dev/dz 2>&1)"
	check_eq "$1: the host path is mounted read-only" "from the host" \
		"$(dk exec "$name" cat /mnt/share/hello 2>&1)"
	check_fails "$1: and it is read-only" dk exec "$name" touch /mnt/share/x
	check_match "$1: eth1 has its address" "inet 10\.77\.$(( $$ % 200 ))\.2/24" \
		"$(dk exec "$name" ip -4 addr show eth1 2>&1)"
	check_eq "$1: the host end is on the bridge" "$hnic" \
		"$(ip -o link show master "$br" | awk -F': ' '{print $2}' | sed 's/@.*//')"
}
all_back "added live"
listed=$("$TOOL" list "$name" 2>&1)
for what in /dev/dz /mnt/share "$hnic"; do
	check_match "list by name shows $what" "$what" "$listed"
done

for n in 1 2; do
	check "docker restart ($n)" dk restart -t 1 "$name"
	check_eq "  restart $n: the same id" "$id" "$(dk inspect -f '{{.Id}}' "$name")"
	all_back "after restart $n"
done

# --- names through this dockerd's API -----------------------------------------
check "add-device by the docker name" "$TOOL" add-device "$name" /dev/null:/dev/by-name
check "  the device is in the container" dk exec "$name" test -c /dev/by-name
check "  it is saved under the full id" grep -q /dev/by-name "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"
check "remove-path by the docker name" "$TOOL" remove-path "$name" "$E2E_TMP/share:/mnt/share:ro"
check_fails "  the host path is gone from the container" dk exec "$name" cat /mnt/share/hello
check_fails "  and from the saved state" grep -q /mnt/share "$SYSCONTAINER_HOOKS_ROOT/$id/hook.json"
check "remove-device by the docker name" "$TOOL" remove-device "$name" /dev/null:/dev/by-name
check_fails "  the device is gone from the container" dk exec "$name" test -e /dev/by-name
ghost=ghost-$E2E_TAG
for how in "--engine docker" ""; do
	# shellcheck disable=SC2086  # $how is one flag and its value, or nothing
	run_capture "$TOOL" $how add-device "$ghost" /dev/zero:/dev/gz
	expect_output "add-device of a name docker does not have${how:+ ($how)}" 1 \
		"container $ghost is unknown: .*; docker has no container of that name or id"
done
check_eq "  nothing saved for it" "$id" "$(ls "$SYSCONTAINER_HOOKS_ROOT")"

# --- stop, rm -----------------------------------------------------------------
check "docker stop" dk stop -t 1 "$name"
check_eq "after the stop no host link is left" "" "$(e2e_links "^$hnic\$")"
check_fails "  the runtime record is gone" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
check "  the bridge is still there, empty" test -z "$(ip -o link show master "$br")"
check "docker rm" dk rm "$name"
check_eq "nothing of the container left in the host's mount table" "" \
	"$(grep -F -e "$id" -e "$SYSCONTAINER_HOOKS_RUNDIR" /proc/self/mountinfo)"
check_eq "no mount of this test's directory more than before the container" "$mounts_before" \
	"$(e2e_mounts | wc -l)"
e2e_summary
