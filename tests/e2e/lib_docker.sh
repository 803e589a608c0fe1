# Docker for the end-to-end tests (source after lib.sh): a dockerd of the
# test's own (its own data root, exec root, API socket and pid file, no
# iptables, no bridge, the vfs storage driver, its containers' cgroups under
# a parent of the test's own) whose runtime "syscontainer" is
# syscontainer-runtime in front of runc; an image imported from the busybox
# rootfs. The cleanup removes the daemon's containers, stops it by its pid
# (and the containerd it started, by that one's pid file).
DOCKER=/usr/bin/docker
DK=$E2E_TMP/dk
DK_SOCK=$DK/docker.sock
DK_IMAGE=sch-e2e-busybox:$E2E_TAG

dk() { "$DOCKER" -H "unix://$DK_SOCK" "$@"; }

# dk_start: the daemon, ready for "docker run --runtime syscontainer"
dk_start() {
	local i
	if ! command -v dockerd >/dev/null || [ ! -x "$DOCKER" ]; then
		not_ok "dockerd and $DOCKER are installed (Debian docker.io, in the Makefile's DEPS)"
		e2e_summary
		exit 1
	fi
	mkdir -p "$DK"
	e2e_wrapper_conf runc
	jq -n --arg w "$WRAPPER" --arg cg "sch-e2e-dk-$E2E_TAG" '{
		runtimes: {syscontainer: {path: $w}}, iptables: false, ip6tables: false,
		"ip-forward": false, "ip-masq": false, bridge: "none", "storage-driver": "vfs",
		"userland-proxy": false, "exec-opts": ["native.cgroupdriver=cgroupfs"],
		"cgroup-parent": $cg}' >"$DK/daemon.json"
	# dockerd 20.10 makes its old trust key in /etc/docker when there is
	# none: one made by this test goes with it
	[ -e /etc/docker/key.json ] || DK_KEY_MADE=1
	# the wrapper takes its runtime.json from the environment dockerd gives
	# containerd, which gives it to the shim, which runs the runtime
	SYSCONTAINER_RUNTIME_CONFIG=$SYSCONTAINER_RUNTIME_CONFIG dockerd \
		--config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/exec" \
		-H "unix://$DK_SOCK" --pidfile "$DK/docker.pid" >"$DK/dockerd.log" 2>&1 &
	DK_PID=$!
	E2E_CLEANUPS=("dk_stop" "${E2E_CLEANUPS[@]}")
	for i in $(seq 120); do
		dk version >/dev/null 2>&1 && break
		kill -0 "$DK_PID" 2>/dev/null || break
		sleep 0.25
	done
	if ! dk version >/dev/null 2>&1; then
		not_ok "dockerd starts (log: $(tail -3 "$DK/dockerd.log" | tr '\n' ' '))"
		e2e_summary
		exit 1
	fi
	export SYSCONTAINER_ENGINE=docker SYSCONTAINER_ENGINE_SOCKET=$DK_SOCK
	mkdir -p "$DK/img"
	e2e_rootfs "$DK/img"
	tar -C "$DK/img" -c . | dk import - "$DK_IMAGE" >/dev/null
}

# dk_run NAME [DOCKER RUN FLAGS...]: a container of the image running
# "sleep"; prints its full id
dk_run() {
	local name=$1; shift
	dk run -d --runtime syscontainer --network none --name "$name" "$@" "$DK_IMAGE" \
		/bin/sleep 100000
}

dk_stop() {
	local c i cpid
	for c in $(dk ps -aq 2>/dev/null); do dk rm -f "$c" >/dev/null 2>&1; done
	cpid=$(cat "$DK/exec/containerd/containerd.pid" 2>/dev/null)
	kill "$DK_PID" 2>/dev/null
	for i in $(seq 100); do kill -0 "$DK_PID" 2>/dev/null || break; sleep 0.2; done
	kill -9 "$DK_PID" 2>/dev/null
	# dockerd stops the containerd it started; not when it was killed
	if [ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null; then
		kill "$cpid"; sleep 1; kill -9 "$cpid" 2>/dev/null
	fi
	[ "${DK_KEY_MADE:-0}" = 1 ] && rm -f /etc/docker/key.json
	for c in $(e2e_mounts "$DK" | awk '{print $5}' | sort -r); do umount -l "$c"; done
	rmdir /sys/fs/cgroup/*/"sch-e2e-dk-$E2E_TAG"/* /sys/fs/cgroup/*/"sch-e2e-dk-$E2E_TAG" 2>/dev/null
	return 0
}
