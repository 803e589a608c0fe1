# systemd as PID 1 in private namespaces, for the end-to-end tests of
# containers whose cgroup is a systemd unit. Source it after lib.sh.
#
# The Debian 12 root (debootstrap minbase, then systemd, dbus and runc
# from the host's mirror) is built once and kept in the build directory
# ($E2E_BUILD/systemd-root); later runs reuse it. systemd boots in new
# mount, pid and cgroup namespaces: its cgroup tree is a cgroup2 directory
# of its own (sd_boot makes it), so it never sees nor touches the host's
# units or other tests' cgroups. The build and this test's directory are
# bind-mounted at their own paths, so the hook, the CLI and the bundles
# have the same paths inside as outside. Everything goes with the
# namespaces; the cgroup directory is removed by the cleanup.
. "$(dirname "${BASH_SOURCE[0]}")/../debian-root.sh"

SD_ROOT=$E2E_BUILD/systemd-root
SD_PKGS="systemd dbus runc busybox-static libcjson1 libmnl0"
SD_PID=
SD_CG=

# sd_root: the cached root, built when missing (under a lock: two test
# scripts of one run may want it at once)
sd_root() {
	local tmp=$SD_ROOT.tmp t0=$SECONDS
	exec 8>"$SD_ROOT.lock"
	flock 8
	if [ -f "$SD_ROOT/.sch-ready" ] && [ "$(cat "$SD_ROOT/.sch-ready")" = "$SD_PKGS" ]; then
		exec 8>&-
		return 0
	fi
	rm -rf --one-file-system "$tmp" "$SD_ROOT"
	debian_debootstrap "$tmp" "$E2E_TMP/debootstrap.log" || { exec 8>&-; return 1; }
	copy_apt_config "$tmp"
	# the packages' scripts want /proc; it stays in this namespace
	if ! unshare -m sh -c 'mount -t proc proc "$1/proc" &&
		chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get -q update &&
		chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $2' sd "$tmp" "$SD_PKGS" >"$E2E_TMP/apt.log" 2>&1; then
		tail -n 20 "$E2E_TMP/apt.log"
		exec 8>&-
		return 1
	fi
	echo "$SD_PKGS" >"$tmp/.sch-ready"
	mv "$tmp" "$SD_ROOT"
	echo "# the systemd root was built in $((SECONDS - t0)) s ($SD_ROOT)"
	exec 8>&-
}

# What the new namespaces run as their pid 1, then exec systemd. /proc/sys
# and /sys are read-only there, as in a container: systemd then leaves
# host-wide settings alone (sysctl, udev triggers). systemd gets a /dev of
# its own (a tmpfs with the host's basic nodes and the
# devices given, a new devpts): the host's /dev is shared with the whole
# machine, and systemd would make its links there (/dev/log) and open its
# ttys.
SD_BOOT='set -eu
root=$1 build=$2 tmp=$3
shift 3
mount --rbind "$root" "$root"
mount -t proc proc "$root/proc"
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
mount -t sysfs -o ro sysfs "$root/sys"
mount -t tmpfs -o mode=0755 tmpfs "$root/dev"
for n in null zero full random urandom tty "$@"; do
	n=${n#/dev/}
	touch "$root/dev/$n"
	mount --bind "/dev/$n" "$root/dev/$n"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mkdir -p "$root$build" "$root$tmp" "$root/oldroot"
mount --bind "$build" "$root$build"
mount --rbind "$tmp" "$root$tmp"
cd "$root"
pivot_root . oldroot
cd /
umount -l /oldroot
exec env -i container=other /lib/systemd/systemd --system --log-target=console </dev/null'

# The cgroup2 hierarchy of this host: /sys/fs/cgroup, or its hybrid mount.
sd_cgroup2() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then echo /sys/fs/cgroup
	elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		echo /sys/fs/cgroup/unified
	fi
}

# in_sd CMD...: run in systemd's namespaces
in_sd() { nsenter -t "$SD_PID" -m -p -C "$@"; }

# sd_boot [DEVICE...]: boot systemd, with these host devices in its /dev;
# SD_PID is its pid here. No getty: the test needs no login, and a tty is
# not to be taken from the host.
sd_boot() {
	local cg2 i state u
	cg2=$(sd_cgroup2)
	[ -n "$cg2" ] || { echo "# no cgroup2 hierarchy on this host"; return 1; }
	SD_CG=$cg2/sch-$E2E_TAG-systemd
	mkdir "$SD_CG" || return 1
	E2E_CLEANUPS+=("sd_stop")
	for u in console-getty.service getty.target; do
		ln -sfn /dev/null "$SD_ROOT/etc/systemd/system/$u"
	done
	(echo "$BASHPID" >"$SD_CG/cgroup.procs" &&
		exec unshare -C -m -p -f --propagation private bash -c "$SD_BOOT" sd \
			"$SD_ROOT" "$E2E_BUILD" "$E2E_TMP" "$@") >"$E2E_TMP/systemd.log" 2>&1 &
	u=$!
	for i in $(seq 100); do
		SD_PID=$(pgrep -P "$u" | head -n 1)
		if [ -n "$SD_PID" ]; then
			state=$(in_sd systemctl is-system-running 2>/dev/null)
			case "$state" in running|degraded) return 0 ;; esac
		fi
		sleep 0.1
	done
	echo "# systemd did not come up (state '${state:-}'): $(tail -n 5 "$E2E_TMP/systemd.log")"
	return 1
}

# sd_stop: systemd and everything in its namespaces go; then its cgroups
sd_stop() {
	local i
	[ -n "$SD_PID" ] && kill -KILL "$SD_PID" 2>/dev/null
	for i in $(seq 50); do
		[ -n "$SD_PID" ] && [ -e "/proc/$SD_PID" ] || break
		sleep 0.1
	done
	[ -n "$SD_CG" ] || return 0
	for i in $(seq 50); do
		find "$SD_CG" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -e "$SD_CG" ] || return 0
		sleep 0.1
	done
}

# sd_bundle ID CGROUPSPATH: an e2e bundle with CAP_MKNOD (only the device
# rules stand between a node made inside and its device) and the given
# cgroupsPath ("system.slice:sch:ID" for runc's systemd driver)
sd_bundle() {
	local c
	e2e_bundle "$1"
	c=$(e2e_bundle_dir "$1")/config.json
	jq --arg cg "$2" '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"]) |
		.linux.cgroupsPath = $cg' "$c" >"$c.new" && mv "$c.new" "$c"
}

# sd_runc ARGS...: runc inside systemd's namespaces
sd_runc() { in_sd runc "$@"; }
