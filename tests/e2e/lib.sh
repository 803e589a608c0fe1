# Shared helpers for the end-to-end tests: a busybox rootfs, bundles whose
# config.json runs our hook, real runc/crun containers, assertions, and a
# cleanup that runs even when a test fails. Source it; needs root.
set -u

# E2E_CGROUP=v2: the script runs again in a private mount namespace where
# only a cgroup2 hierarchy is mounted at /sys/fs/cgroup, as on a pure
# cgroup v2 host; runc, the hook and the CLI all run there, and runc makes
# its device program for each container.
E2E_CGROUP=${E2E_CGROUP:-v1}
if [ "$E2E_CGROUP" = v2 ] && [ -z "${E2E_IN_V2_NS:-}" ]; then
	export E2E_IN_V2_NS=1 E2E_CGROUP
	exec unshare -m --propagation private bash -c 'umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup && exec bash "$0" "$@" ||
		{ echo "not ok - a cgroup2 mount namespace cannot be made here"; exit 1; }' "$0" "$@"
fi

E2E_BUILD=$(cd "${E2E_BUILD:-build}" && pwd)
HOOK=$E2E_BUILD/syscontainer-hooks
TOOL=$E2E_BUILD/syscontainer-tools
WRAPPER=$E2E_BUILD/syscontainer-runtime
RUNTIME=${RUNTIME:-runc}
E2E_TMP=$(mktemp -d /tmp/sch-e2e.XXXXXX)
export SYSCONTAINER_HOOKS_ROOT=$E2E_TMP/store
export SYSCONTAINER_HOOKS_RUNDIR=$E2E_TMP/run
# the tests never write the host's udev rules
export SYSCONTAINER_HOOKS_UDEV_RULES=$E2E_TMP/99-syscontainer-tools.rules
HOOK_LOG=$E2E_TMP/hook.log
# Without syslog (none runs here) the CLI's lines go to $RUNDIR.log, and
# the run that makes that file says so on stderr once; made here, so that
# the notice is not in the stderr the tests compare (test_log.sh checks it)
: >"$SYSCONTAINER_HOOKS_RUNDIR.log"
E2E_PASS=0
E2E_FAIL=0
E2E_SKIP=0
E2E_CONTAINERS=()
E2E_CLEANUPS=()
# unique per run, so a crashed earlier run never collides with this one
E2E_TAG=e2e$$

e2e_name() { echo "sch-$E2E_TAG-$1"; }

ok() { E2E_PASS=$((E2E_PASS + 1)); echo "ok - $*"; }
not_ok() { E2E_FAIL=$((E2E_FAIL + 1)); echo "not ok - $*"; }
# skip "description" "why": a check this machine cannot make; counted and
# named in tests/run-all's summary, never taken for a pass
skip() { E2E_SKIP=$((E2E_SKIP + 1)); echo "ok - $1 # SKIP $2"; }

# check "description" command...: passes when the command succeeds
check() {
	local what=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else not_ok "$what"; fi
}
# check_fails "description" command...: passes when the command fails
check_fails() {
	local what=$1; shift
	if "$@" >/dev/null 2>&1; then not_ok "$what"; else ok "$what"; fi
}
check_eq() {
	local what=$1 want=$2 got=$3
	if [ "$want" = "$got" ]; then ok "$what"; else not_ok "$what (want '$want', got '$got')"; fi
}
check_match() {
	local what=$1 pattern=$2 got=$3
	if printf '%s' "$got" | grep -Eq -- "$pattern"; then ok "$what"
	else not_ok "$what ('$got' does not match /$pattern/)"; fi
}

# rt ARGS...: the runtime. crun 1.8 refuses hybrid cgroups, so it runs in
# a private mount namespace without the cgroup2 mount.
rt() {
	if [ "$RUNTIME" = crun ]; then
		unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun "$@"' crun "$@"
	else
		runc "$@"
	fi
}

e2e_rootfs() {
	local dir=$1 a
	mkdir -p "$dir"/bin "$dir"/dev "$dir"/proc "$dir"/sys "$dir"/tmp "$dir"/etc "$dir"/mnt
	cp /bin/busybox "$dir"/bin/busybox
	for a in sh ls cat dd stat sleep mount grep head tail od wc test touch echo \
		 readlink mkdir rm ip ping true false id sync md5sum ln; do
		ln -sf busybox "$dir/bin/$a"
	done
	echo "root:x:0:0:root:/:/bin/sh" >"$dir"/etc/passwd
}

# e2e_bundle ID: a bundle whose config.json has our hook at prestart and
# poststop and runs "sleep" as the container's process.
e2e_bundle() {
	local id=$1 b=$E2E_TMP/bundles/$1
	mkdir -p "$b"
	e2e_rootfs "$b/rootfs"
	(cd "$b" && runc spec && mv config.json spec.json)
	local env
	env=$(jq -nc --arg r "$SYSCONTAINER_HOOKS_ROOT" --arg d "$SYSCONTAINER_HOOKS_RUNDIR" \
		--arg u "$SYSCONTAINER_HOOKS_UDEV_RULES" \
		'["SYSCONTAINER_HOOKS_ROOT=" + $r, "SYSCONTAINER_HOOKS_RUNDIR=" + $d,
		  "SYSCONTAINER_HOOKS_UDEV_RULES=" + $u]')
	jq --arg hook "$HOOK" --arg log "$HOOK_LOG" --argjson env "$env" --arg cg "/sch-e2e/$id" '
		.process.terminal = false |
		.process.args = ["/bin/sleep", "100000"] |
		.root.readonly = false |
		.linux.cgroupsPath = $cg |
		.hooks = {
		  prestart: [{path: $hook, args: ["syscontainer-hooks", "--state", "prestart", "--log", $log], env: $env}],
		  poststop: [{path: $hook, args: ["syscontainer-hooks", "--state", "poststop", "--log", $log], env: $env}]
		}' "$b/spec.json" >"$b/config.json"
	rm "$b/spec.json"
}

# e2e_wrapper_conf [RUNTIME]: syscontainer-runtime's runtime.json for this
# test (exported as $SYSCONTAINER_RUNTIME_CONFIG): the real RUNTIME (default
# runc) and a hook-spec whose hooks use this test's store, records, rules
# file and log
e2e_wrapper_conf() {
	local top spec=$E2E_TMP/wrapper-hookspec.json
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	jq --arg hook "$HOOK" --arg log "$HOOK_LOG" --arg r "$SYSCONTAINER_HOOKS_ROOT" \
		--arg d "$SYSCONTAINER_HOOKS_RUNDIR" --arg u "$SYSCONTAINER_HOOKS_UDEV_RULES" '
		(.prestart, .poststop) |= map(.path = $hook | .args += ["--log", $log] |
			.env = ["SYSCONTAINER_HOOKS_ROOT=" + $r, "SYSCONTAINER_HOOKS_RUNDIR=" + $d,
				"SYSCONTAINER_HOOKS_UDEV_RULES=" + $u])' \
		"$top/example/hookspec.json" >"$spec"
	jq -n --arg rt "${1:-runc}" --arg spec "$spec" '{runtime: $rt, hookspec: $spec}' \
		>"$E2E_TMP/runtime.json"
	export SYSCONTAINER_RUNTIME_CONFIG=$E2E_TMP/runtime.json
}

e2e_bundle_dir() { echo "$E2E_TMP/bundles/$1"; }

# e2e_new_bundle PREFIX: the bundle of a fresh container named
# $(e2e_name PREFIX); sets id to that name and b to the bundle's directory
e2e_new_bundle() {
	id=$(e2e_name "$1")
	e2e_bundle "$id"
	b=$(e2e_bundle_dir "$id")
}

# e2e_run ID: start the container detached; stderr kept in $E2E_TMP/ID.err
e2e_run() {
	local id=$1
	E2E_CONTAINERS+=("$id")
	(cd "$(e2e_bundle_dir "$id")" && rt run -d "$id" </dev/null >/dev/null 2>"$E2E_TMP/$id.err")
}

e2e_stop() {
	local id=$1 i
	rt kill "$id" KILL >/dev/null 2>&1
	for i in $(seq 50); do
		rt state "$id" 2>/dev/null | grep -q '"status": "stopped"' && break
		sleep 0.1
	done
	rt delete "$id" >/dev/null 2>&1 || rt delete -f "$id" >/dev/null 2>&1
}

e2e_restart() { e2e_stop "$1"; e2e_run "$1"; }

e2e_pid() { rt state "$1" | jq -r .pid; }

# e2e_exec ID CMD...: run a command inside the container
e2e_exec() { local id=$1; shift; rt exec "$id" "$@"; }

# e2e_loop: a loop device over a fresh 8 MiB file under $E2E_TMP; the
# cleanup detaches every loop device backed by a file there
e2e_loop() {
	local f
	f=$(mktemp "$E2E_TMP/disk.XXXXXX")
	dd if=/dev/urandom of="$f" bs=1M count=8 status=none
	losetup --find --show "$f"
}

# e2e_bridge NAME ADDR/PREFIX: a throw-away bridge of this test with that
# address, up (checked); the cleanup removes it
e2e_bridge() {
	E2E_CLEANUPS+=("ip link del $1")
	ip link add "$1" type bridge && ip addr add "$2" dev "$1" && ip link set "$1" up
	check "test bridge $1 is up" ip link show "$1" up
}

# e2e_bridge_net NAME N: $net, a /24 of 10.N+x.y.0 picked by this test's
# pid (N + 0..49: each script its own N), $gw its .1, and bridge NAME on $gw
e2e_bridge_net() {
	net=10.$(($2 + $$ % 50)).$(($$ % 250)).0
	gw=${net%.0}.1
	e2e_bridge "$1" "$gw/24"
}

# pm ARGS...: podman on runc with our hook from $E2E_TMP/hooks.d: the
# example hooks.d file pointed at this test's store, record dir and log.
# --hooks-dir is podman's global flag: every start reads the hooks anew.
pm() { podman --hooks-dir "$E2E_TMP/hooks.d" --runtime runc --cgroup-manager cgroupfs "$@"; }

# e2e_podman_run WHAT NAME: check WHAT: podman runs container NAME (a
# busybox rootfs, no network) with the hook; the cleanup removes it.
# $pm_id is its id, the one the runtime and the hook see.
e2e_podman_run() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	mkdir -p "$E2E_TMP/hooks.d"
	jq --arg hook "$HOOK" --arg log "$HOOK_LOG" --arg r "$SYSCONTAINER_HOOKS_ROOT" \
		--arg d "$SYSCONTAINER_HOOKS_RUNDIR" '
		.hook.path = $hook | .hook.args += ["--log", $log] |
		.hook.env = ["SYSCONTAINER_HOOKS_ROOT=" + $r, "SYSCONTAINER_HOOKS_RUNDIR=" + $d]' \
		"$top/example/hooks.d/syscontainer-hooks.json" >"$E2E_TMP/hooks.d/syscontainer-hooks.json"
	[ -d "$E2E_TMP/podman-rootfs" ] || e2e_rootfs "$E2E_TMP/podman-rootfs"
	E2E_CLEANUPS+=("podman rm -f -t 0 $2")
	check "$1" pm run -d --name "$2" --network none --ulimit nofile=1024:1024 \
		--ulimit nproc=1024:1024 --rootfs "$E2E_TMP/podman-rootfs" /bin/sleep 100000
	pm_id=$(pm inspect -f '{{.Id}}' "$2" 2>/dev/null)
}

# e2e_part_disk SIZE: a loop device (printed) over a fresh SIZE image
# under $E2E_TMP with a DOS table of two 8 MiB partitions, p1 and p2; the
# cleanup detaches it
e2e_part_disk() {
	local img loop
	img=$(mktemp "$E2E_TMP/disk.XXXXXX")
	truncate -s "$1" "$img"
	printf 'label: dos\n,8M\n,8M\n' | sfdisk -q "$img" >/dev/null
	loop=$(losetup --find --show --partscan "$img")
	# kernels without partition table parsers: add them with BLKPG
	[ -b "${loop}p1" ] || partx -a "$loop" >/dev/null 2>&1
	echo "$loop"
}

# Other tests run beside this one and make and remove their own interfaces
# and mounts: a "nothing left" check looks only at what this test made.
# e2e_links ERE: the host's interfaces (without "@peer") whose names match
e2e_links() {
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E -- "$1" | sort
}
# e2e_mounts [STRING...]: the host's mounts (mountinfo lines) whose root or
# mount point names this test's directory (by its unique name: on a tmpfs
# /tmp a root is shown relative to it) or holds one of the STRINGs
e2e_mounts() {
	local want s
	want=(-e "$(basename "$E2E_TMP")")
	for s in "$@"; do want+=(-e "$s"); done
	grep -F "${want[@]}" /proc/self/mountinfo
}

# devices cgroup directory of a running container
e2e_devices_cgroup() {
	local pid path
	pid=$(e2e_pid "$1")
	path=$(awk -F: '$2 ~ /(^|,)devices(,|$)/ {print $3}' "/proc/$pid/cgroup")
	echo "/sys/fs/cgroup/devices$path"
}

e2e_cleanup() {
	local id dev c
	for c in "${E2E_CLEANUPS[@]}"; do eval "$c" >/dev/null 2>&1; done
	for id in "${E2E_CONTAINERS[@]}"; do rt delete -f "$id" >/dev/null 2>&1; done
	for dev in $(losetup -nO NAME,BACK-FILE | awk -v d="$E2E_TMP/" 'index($2, d) == 1 {print $1}'); do
		losetup -d "$dev" >/dev/null 2>&1
	done
	rmdir /sys/fs/cgroup/*/sch-e2e/* /sys/fs/cgroup/*/sch-e2e 2>/dev/null
	[ "$E2E_CGROUP" = v2 ] && rmdir /sys/fs/cgroup/sch-e2e/"sch-$E2E_TAG"-* 2>/dev/null
	if [ "${E2E_KEEP:-0}" = 1 ]; then echo "# kept $E2E_TMP"; else rm -rf "$E2E_TMP"; fi
}
trap e2e_cleanup EXIT

e2e_summary() {
	echo "$E2E_PASS passed, $E2E_FAIL failed, $E2E_SKIP skipped"
	[ "$E2E_FAIL" -eq 0 ]
}

# Capturing a refused command and checking how it refused.
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err

# run_capture CMD...: run with stdout in $OUT, stderr in $ERR; status in $RC
run_capture() {
	"$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# expect_output DESC RC PATTERN: the status, one stderr line matching
# PATTERN (an extended regex; empty: any), nothing on stdout
expect_output() {
	local what=$1 want_rc=$2 pattern=$3 shown
	shown=$(head -c 400 "$ERR" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')
	[ "${E2E_VERBOSE:-0}" = 1 ] && echo "# $what: exit $RC, stderr: $shown"
	check_eq "$what: exit status" "$want_rc" "$RC"
	if [ "$(wc -l <"$ERR")" -eq 1 ] && [ "$(grep -c . "$ERR")" -eq 1 ]; then
		ok "$what: stderr is one non-empty line"
	else
		not_ok "$what: stderr is one non-empty line (got '$shown')"
	fi
	if [ -n "$pattern" ]; then
		if grep -Eq -- "$pattern" "$ERR"; then ok "$what: stderr names /$pattern/"
		else not_ok "$what: stderr names /$pattern/ (got '$shown')"; fi
	fi
	if [ -s "$OUT" ]; then
		not_ok "$what: stdout is empty (got '$(head -c 200 "$OUT")')"
	else
		ok "$what: stdout is empty"
	fi
}

# e2e_require_helper NAME: the test program NAME that make builds in
# $E2E_BUILD/tests; missing (a build made before it existed), the test
# fails at once and names it, rather than running checks that prove nothing
e2e_require_helper() {
	[ -x "$E2E_BUILD/tests/$1" ] && return 0
	not_ok "the test program $E2E_BUILD/tests/$1 is built (make)"
	e2e_summary
	exit 1
}

# e2e_require_root: the suite creates containers; it must not pass by skipping
e2e_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "not ok - end-to-end tests need root"
		exit 1
	fi
}
