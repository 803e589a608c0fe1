#!/bin/bash
# The same CDI spec applied by podman at create (--device vendor/class=name,
# with our hook) and by our hot add into a running runc container: the
# container gets the same nodes (type, numbers, path, mode) and the same
# mount. podman 4.3 reads CDI specs from /etc/cdi and /var/run/cdi only (it
# has no cdi_spec_dirs setting), and resolves cdiVersion up to 0.5.0: the
# spec is a file of this test in /var/run/cdi, removed at the end; our hot
# add reads it from the same default directories (no --cdi-spec-dir).
. "$(dirname "$0")/lib.sh"
e2e_require_root
if ! command -v podman >/dev/null; then
	not_ok "podman is not installed (make deps installs it)"
	e2e_summary
	exit
fi

kind=sch-$E2E_TAG.example.com/disk
hostdir=$E2E_TMP/cdi-data
mkdir -p "$hostdir"
echo cdi-data >"$hostdir/file"
loop=$(e2e_loop)
[ -d /var/run/cdi ] || { mkdir -p /var/run/cdi && E2E_CLEANUPS+=("rmdir /var/run/cdi"); }
spec=/var/run/cdi/sch-$E2E_TAG.json
# first: the cleanups run in order, the file before its directory
E2E_CLEANUPS=("rm -f $spec" "${E2E_CLEANUPS[@]}")
jq -n --arg kind "$kind" --arg disk "$loop" --arg dir "$hostdir" '{
	cdiVersion: "0.5.0", kind: $kind,
	devices: [{name: "d1", containerEdits: {
		deviceNodes: [{path: "/dev/cdi-disk", hostPath: $disk},
			      {path: "/dev/cdi-zero", hostPath: "/dev/zero", permissions: "rw", fileMode: 416}],
		mounts: [{hostPath: $dir, containerPath: "/mnt/cdi", options: ["ro", "nosuid", "nodev", "bind"]}]}}]
}' >"$spec"

# what a container shows of the device: its nodes (and the mode of the one
# whose spec gives fileMode 0640) and the mount; a node without fileMode
# gets the host node's mode from us, 0666 from podman
nodes='stat -c "%n %F %t:%T" /dev/cdi-disk /dev/cdi-zero; stat -c %a /dev/cdi-zero; cat /mnt/cdi/file'

name=$(e2e_name cdipm)
e2e_podman_run "podman starts $name with the hook" "$name" # (a plain one: the hook is in place)
pm rm -f -t 0 "$name" >/dev/null 2>&1
E2E_CLEANUPS+=("podman rm -f -t 0 $name-cdi")
check "podman runs a container with --device $kind=d1 and our hook" \
	pm run -d --name "$name-cdi" --network none --ulimit nofile=1024:1024 \
	--ulimit nproc=1024:1024 --device "$kind=d1" --rootfs "$E2E_TMP/podman-rootfs" /bin/sleep 100000
from_podman=$(pm exec "$name-cdi" sh -c "$nodes" 2>&1)
check_match "podman's container has the CDI disk" "^/dev/cdi-disk block special file" "$from_podman"

id=$(e2e_name cdirunc)
e2e_bundle "$id"
check "runc container starts" e2e_run "$id"
check "hot add of $kind=d1 from the default directories" "$TOOL" add-device "$id" "$kind=d1"
from_us=$(e2e_exec "$id" sh -c "$nodes" 2>&1)
echo "# podman: $(echo "$from_podman" | tr '\n' ';')"
echo "# hot add: $(echo "$from_us" | tr '\n' ';')"
check_eq "the hot add gives the nodes and the mount podman gives" "$from_podman" "$from_us"
check_match "both are the loop device $(stat -c '%t:%T' "$loop")" \
	"^/dev/cdi-disk block special file $(stat -c '%t:%T' "$loop")$" "$from_us"
check_eq "both mount /mnt/cdi read-only" "1 1" \
	"$(pm exec "$name-cdi" sh -c 'touch /mnt/cdi/x' 2>&1 | grep -c Read-only) $(e2e_exec "$id" sh -c 'touch /mnt/cdi/x' 2>&1 | grep -c Read-only)"

e2e_stop "$id"
pm rm -f -t 0 "$name-cdi" >/dev/null 2>&1
e2e_summary
