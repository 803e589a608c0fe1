#!/bin/bash
# containerd 1.6 (Debian) with syscontainer-runtime as the runc binary: a
# containerd of the test's own (its own socket, root, state and opt
# directories, the CRI plugin off); "ctr run --runc-binary
# syscontainer-runtime --rootfs DIR"; a device and a host path added by id
# survive two task restarts (containerd writes a new bundle for each task:
# the wrapper puts the hooks back into it); nothing left mounted after.
. "$(dirname "$0")/lib.sh"
e2e_require_root
CD=$E2E_TMP/cd
CD_SOCK=$CD/containerd.sock
NS=sch-e2e-$E2E_TAG
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	not_ok "containerd and ctr are installed (Debian containerd, in the Makefile's DEPS)"
	e2e_summary
	exit 1
fi
mkdir -p "$CD"
e2e_wrapper_conf runc
cat >"$CD/config.toml" <<CONF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CD_SOCK"
[ttrpc]
  address = "$CD/ttrpc.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CD/opt"
CONF
SYSCONTAINER_RUNTIME_CONFIG=$SYSCONTAINER_RUNTIME_CONFIG \
	containerd --config "$CD/config.toml" >"$CD/containerd.log" 2>&1 &
CD_PID=$!
c() { ctr --address "$CD_SOCK" -n "$NS" "$@"; }
cd_stop() {
	local t i
	for t in $(c task ls -q 2>/dev/null); do c task kill -s KILL "$t"; done
	sleep 0.5
	for t in $(c task ls -q 2>/dev/null); do c task delete -f "$t"; done
	for t in $(c container ls -q 2>/dev/null); do c container delete "$t"; done
	kill "$CD_PID"
	for i in $(seq 50); do kill -0 "$CD_PID" 2>/dev/null || break; sleep 0.2; done
	kill -9 "$CD_PID" 2>/dev/null
	for t in $(e2e_mounts "$CD" | awk '{print $5}' | sort -r); do umount -l "$t"; done
	return 0
}
E2E_CLEANUPS=("cd_stop" "${E2E_CLEANUPS[@]}")
for i in $(seq 80); do c version >/dev/null 2>&1 && break; sleep 0.25; done
check "our containerd answers" c version

id=$(e2e_name ctrd)
rootfs=$E2E_TMP/rootfs
e2e_rootfs "$rootfs"
mkdir -p "$E2E_TMP/share" && echo "from the host" >"$E2E_TMP/share/hello"
task_start() { c task start -d "$id" </dev/null >/dev/null 2>"$E2E_TMP/start.err"; }
task_stop() {
	local i
	c task kill -s KILL "$id" >/dev/null 2>&1
	for i in $(seq 50); do
		c task ls | grep -q "^$id .*STOPPED" && break
		sleep 0.1
	done
	c task delete "$id" >/dev/null 2>&1
}
check "ctr run --runc-binary syscontainer-runtime --rootfs DIR" \
	c run -d --null-io --runc-binary "$WRAPPER" --cgroup "/sch-e2e/$id" --rootfs "$rootfs" "$id" \
	/bin/sleep 100000
check "our prestart ran under containerd (runtime record)" \
	test -s "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
check "add-device by id" "$TOOL" add-device "$id" /dev/zero:/dev/cz
check "add-path by id" "$TOOL" add-path "$id" "$E2E_TMP/share:/mnt/share"
both_back() {  # both_back WHEN
	check_eq "$1: /dev/cz is the host's /dev/zero (1:5)" "1:5" \
		"$(c task exec --exec-id "x$RANDOM" "$id" /bin/stat -c '%t:%T' /dev/cz 2>&1)"
	check_eq "$1: the host path is there" "from the host" \
		"$(c task exec --exec-id "x$RANDOM" "$id" /bin/cat /mnt/share/hello 2>&1)"
}
both_back "added live"
for n in 1 2; do
	task_stop
	check_fails "  task $n stopped: the record is gone" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json"
	check "task restart ($n)" task_start
	both_back "after task restart $n"
done
task_stop
c container delete "$id" >/dev/null 2>&1
check_eq "nothing of the container left in the host's mount table" "" \
	"$(grep -F -e "/$id/" -e "$SYSCONTAINER_HOOKS_RUNDIR" -e "$rootfs" /proc/self/mountinfo)"
e2e_summary
