# Our own Open vSwitch for a test or the benchmark: an ovsdb-server and an
# ovs-vswitchd on private paths under $E2E_TMP (a fresh database), with the
# userspace datapath (bridges of datapath_type netdev: there is no OVS
# kernel module here). Both are stopped by their pids at cleanup. Source
# after lib.sh; ovs_start exports SYSCONTAINER_HOOKS_OVSDB for the CLI, and
# the hook is given it in its env (ovs_bundle_env).
# The userspace datapath makes one host-wide tap link, ovs-netdev: a
# second ovs-vswitchd on the host cannot open it. So one test at a time
# (on the whole machine) holds OVS_LOCK while its daemons run.
OVS_LOCK=/run/lock/syscontainer-hooks-e2e-ovs.lock
OVS_DIR=$E2E_TMP/ovs
OVS_SOCK=$OVS_DIR/db.sock

vsctl() { ovs-vsctl --db="unix:$OVS_SOCK" --timeout=10 "$@"; }

ovs_stop() {
	local p brs
	[ -n "${OVS_LOCK_FD:-}" ] || return 0
	# the bridges first, so that ovs-vswitchd takes down their tap links
	# (waiting for it: killed before it gets there, it leaves them)
	brs=$(vsctl list-br 2>/dev/null)
	for p in $brs; do vsctl del-br "$p"; done
	for p in vswitchd ovsdb; do
		[ -s "$OVS_DIR/$p.pid" ] && kill "$(cat "$OVS_DIR/$p.pid")"
	done
	sleep 0.3
	for p in vswitchd ovsdb; do
		[ -s "$OVS_DIR/$p.pid" ] && kill -9 "$(cat "$OVS_DIR/$p.pid")" 2>/dev/null
		rm -f "$OVS_DIR/$p.pid"
	done
	# a tap link its ovs-vswitchd left all the same: the name is ours
	for p in $brs; do ip link del "$p" 2>/dev/null; done
	exec {OVS_LOCK_FD}>&-
	OVS_LOCK_FD=
	return 0
}

ovs_start() {
	if ! command -v ovsdb-server >/dev/null || ! command -v ovs-vswitchd >/dev/null; then
		echo "not ok - Open vSwitch is not installed (make deps installs openvswitch-switch)"
		return 1
	fi
	mkdir -p "$OVS_DIR" /var/run/openvswitch /run/lock
	rm -f "$OVS_DIR/conf.db"
	ovsdb-tool create "$OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	exec {OVS_LOCK_FD}>>"$OVS_LOCK"
	if ! flock -w 900 "$OVS_LOCK_FD"; then
		echo "# another test's ovs-vswitchd held $OVS_LOCK for 15 minutes"
		return 1
	fi
	E2E_CLEANUPS+=("ovs_stop")
	# the daemons do not inherit the lock: it goes with this shell
	ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_SOCK" --pidfile="$OVS_DIR/ovsdb.pid" \
		--unixctl="$OVS_DIR/ovsdb.ctl" --log-file="$OVS_DIR/ovsdb.log" --detach \
		{OVS_LOCK_FD}>&- || return 1
	vsctl --no-wait init || return 1
	ovs-vswitchd "unix:$OVS_SOCK" --pidfile="$OVS_DIR/vswitchd.pid" \
		--unixctl="$OVS_DIR/vswitchd.ctl" --log-file="$OVS_DIR/vswitchd.log" --detach \
		{OVS_LOCK_FD}>&- || return 1
	export SYSCONTAINER_HOOKS_OVSDB=$OVS_SOCK
}

# ovs_add_br NAME: an Open vSwitch bridge on the userspace datapath, up
ovs_add_br() {
	vsctl add-br "$1" -- set bridge "$1" datapath_type=netdev && ip link set "$1" up
}

# ovs_bundle_env BUNDLE: the hooks of BUNDLE's config.json get the socket
ovs_bundle_env() {
	local f=$1/config.json
	jq --arg s "SYSCONTAINER_HOOKS_OVSDB=$OVS_SOCK" \
		'.hooks |= with_entries(.value |= map(.env += [$s]))' "$f" >"$f.new" && mv "$f.new" "$f"
}
