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
SD_PID=
SD_CG=
SD_CGS=()

# sd_pkgs: what the root holds: systemd, dbus, runc, busybox, and the
# packages of the libraries the hook and the CLI are linked with (as the
# host's dpkg names them), so that a new library of theirs reaches the root
sd_pkgs() {
	local f libs
	libs=$(ldd "$E2E_BUILD/syscontainer-hooks" "$E2E_BUILD/syscontainer-tools" |
		awk '$3 ~ /^\// { print $3 }' | sort -u)
	{
		echo systemd dbus runc busybox-static
		for f in $libs; do dpkg -S "$f" 2>/dev/null || dpkg -S "/usr$f"; done |
			cut -d: -f1
	} | tr ' ' '\n' | sort -u | tr '\n' ' '
}

# sd_apt ROOT PKGS: install into the root (the packages' scripts want
# /proc; it stays in this namespace)
sd_apt() {
	unshare -m sh -c 'mount -t proc proc "$1/proc" &&
		chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get -q update &&
		chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $2' sd "$1" "$2" >"$E2E_TMP/apt.log" 2>&1 && return 0
	tail -n 20 "$E2E_TMP/apt.log"
	return 1
}

# sd_root: the cached root, built when missing, or given the packages it
# lacks (under a lock: two test scripts of one run may want it at once)
sd_root() {
	local tmp=$SD_ROOT.tmp t0=$SECONDS pkgs
	pkgs=$(sd_pkgs) || return 1
	exec 8>"$SD_ROOT.lock"
	flock 8
	if [ -f "$SD_ROOT/.sch-ready" ] && { [ "$(cat "$SD_ROOT/.sch-ready")" = "$pkgs" ] ||
		{ sd_apt "$SD_ROOT" "$pkgs" && echo "$pkgs" >"$SD_ROOT/.sch-ready"; }; }; then
		exec 8>&-
		return 0
	fi
	rm -rf --one-file-system "$tmp" "$SD_ROOT"
	debian_debootstrap "$tmp" "$E2E_TMP/debootstrap.log" || { exec 8>&-; return 1; }
	copy_apt_config "$tmp"
	sd_apt "$tmp" "$pkgs" || { exec 8>&-; return 1; }
	echo "$pkgs" >"$tmp/.sch-ready"
	mv "$tmp" "$SD_ROOT"
	echo "# the systemd root was built in $((SECONDS - t0)) s ($SD_ROOT)"
	exec 8>&-
}

# sd_root_or_end: the root is there, or the test ends here
sd_root_or_end() {
	sd_root && return 0
	not_ok "a Debian 12 root with systemd is built (see above)"
	e2e_summary
	exit 1
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
if [ -z "${SD_V1:-}" ]; then
	mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
else
	# legacy cgroup v1 (sd_v1_layout): systemd mounts no hierarchy on
	# a mount point already there; each line must be one before it starts
	mount -t tmpfs -o mode=0755 cgroup "$root/sys/fs/cgroup"
	while read -r name dir; do
		[ -n "$name" ] || continue
		mkdir "$root/sys/fs/cgroup/$name"
		if [ "$dir" = - ]; then
			mount -t tmpfs -o ro,mode=0555 none "$root/sys/fs/cgroup/$name"
		else
			mount --bind "$dir" "$root/sys/fs/cgroup/$name"
		fi
		mountpoint -q "$root/sys/fs/cgroup/$name"
	done <<<"$SD_V1"
fi
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

# Legacy cgroup v1 (SD_CGROUP=v1), as lxc gives it to a system container
# on a v1 host: systemd finds /sys/fs/cgroup a tmpfs with, for each
# hierarchy mounted on the host, a cgroup of the test's own under this
# shell's cgroup there, bind-mounted; and it is in a cgroup namespace
# rooted at those cgroups. systemd mounts every v1 controller the kernel
# has (/proc/cgroups) at /sys/fs/cgroup/NAME unless NAME is a mount point
# already (mount_one in systemd's mount-setup.c); a controller mounted
# nowhere on the host would be bound to a new v1 hierarchy for the whole
# machine, so each of those gets an empty read-only tmpfs at its place
# instead. The name=systemd hierarchy must exist on the host: mounting
# one would create a hierarchy for every process of the machine (a new
# line in each /proc/PID/cgroup), so without it the test does not boot.

# sd_v1_hierarchies: "FIELD MOUNTPOINT CGROUP" for each v1 hierarchy
# mounted here, FIELD as /proc/self/cgroup names it (cpu, name=systemd)
sd_v1_hierarchies() {
	awk 'NR == FNR { split($0, a, ":"); if (a[2] != "") f[a[2]] = a[3]; next }
	     { for (i = 7; $i != "-"; i++); if ($(i + 1) != "cgroup" || $4 != "/") next
	       split("", has); n = split($(i + 3), o, ",")
	       for (k = 1; k <= n; k++) has[o[k]] = 1
	       for (F in f) {
		       m = split(F, c, ","); ok = !(F in seen)
		       for (k = 1; k <= m; k++) if (!(c[k] in has)) ok = 0
		       if (ok) { seen[F] = 1; print F, $5, f[F] }
	       } }' /proc/self/cgroup /proc/self/mountinfo
}

# sd_v1_wanted: where systemd mounts each controller of the kernel (its
# join of cpu with cpuacct and net_cls with net_prio)
sd_v1_wanted() {
	awk 'NR > 1 && $4 == 1 { on[$1] = 1 }
	     END { j["cpu"] = "cpuacct"; j["cpuacct"] = "cpu"
		   j["net_cls"] = "net_prio"; j["net_prio"] = "net_cls"
		   for (c in on) {
			   o = (c in j) ? j[c] : ""
			   if (o in on) print (c < o ? c "," o : o "," c); else print c
		   } }' /proc/cgroups | sort -u
}

# sd_v1_layout: makes the test's cgroups (SD_CGS) and sets SD_V1, the
# "NAME DIR" lines of SD_BOOT (DIR "-": an empty read-only tmpfs)
sd_v1_layout() {
	local field mnt path dir name
	SD_V1=
	while read -r field mnt path; do
		dir=$mnt${path%/}/sch-$E2E_TAG-systemd
		mkdir "$dir" || return 1
		SD_CGS+=("$dir")
		if [ -f "$dir/cpuset.cpus" ]; then
			cat "${dir%/*}/cpuset.cpus" >"$dir/cpuset.cpus" &&
				cat "${dir%/*}/cpuset.mems" >"$dir/cpuset.mems" || return 1
		fi
		SD_V1+="${field#name=} $dir"$'\n'
	done < <(sd_v1_hierarchies)
	grep -q '^systemd ' <<<"$SD_V1" || {
		echo "# no name=systemd hierarchy on this host: mounting one would add a" \
			"hierarchy to every process of the machine"
		return 1
	}
	# legacy: systemd mounts no cgroup2 at unified (hybrid) when that is
	# a mount point too
	[ "$SD_CGROUP" = hybrid ] || SD_V1+="unified -"$'\n'
	for name in $(sd_v1_wanted); do
		grep -q "^$name " <<<"$SD_V1" || SD_V1+="$name -"$'\n'
	done
}

# sd_boot [DEVICE...]: boot systemd, with these host devices in its /dev;
# SD_PID is its pid here. No getty: the test needs no login, and a tty is
# not to be taken from the host. SD_CGROUP=v1: legacy cgroup v1 (above).
sd_boot() {
	local cg2 i state u
	cg2=$(sd_cgroup2)
	[ -n "$cg2" ] || { echo "# no cgroup2 hierarchy on this host"; return 1; }
	SD_CG=$cg2/sch-$E2E_TAG-systemd
	mkdir "$SD_CG" || return 1
	SD_CGS=("$SD_CG")
	E2E_CLEANUPS+=("sd_stop")
	SD_V1=
	case "${SD_CGROUP:=v2}" in v1|hybrid) sd_v1_layout || return 1 ;; esac
	for u in console-getty.service getty.target; do
		ln -sfn /dev/null "$SD_ROOT/etc/systemd/system/$u"
	done
	(for u in "${SD_CGS[@]}"; do echo "$BASHPID" >"$u/cgroup.procs" || exit 1; done &&
		SD_V1=$SD_V1 exec unshare -C -m -p -f --propagation private bash -c "$SD_BOOT" sd \
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
	local i d
	[ -n "$SD_PID" ] && kill -KILL "$SD_PID" 2>/dev/null
	for i in $(seq 50); do
		[ -n "$SD_PID" ] && [ -e "/proc/$SD_PID" ] || break
		sleep 0.1
	done
	for d in "${SD_CGS[@]}"; do
		for i in $(seq 50); do
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -e "$d" ] || break
			sleep 0.1
		done
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

# Helpers of the tests that run containers under it. Every container can
# make device nodes (CAP_MKNOD), so a node made inside tells what the
# device rules allow.
devnum() { stat -c '%t %T' "$1" | { read -r a b; echo "$((0x$a)):$((0x$b))"; }; }
in_ctr() { local id=$1; shift; sd_runc exec "$id" sh -c "$*" </dev/null; }
readable() { in_ctr "$1" "head -c 1 $2 >/dev/null"; }
writable() { in_ctr "$1" "echo x >$2"; }
# probe ID NODE MAJ:MIN: a node made inside by the container itself
probe() { in_ctr "$1" "rm -f $2; /bin/busybox mknod $2 b ${3%:*} ${3#*:}"; }
reload() { in_sd systemctl daemon-reload; }
# reload_reads ID NODE N: after how many of N reloads NODE did not read
reload_reads() {
	local i fails=0
	for i in $(seq "$3"); do
		reload
		readable "$1" "$2" || fails=$((fails + 1))
	done
	echo "$fails"
}
allow_list() { in_sd systemctl show -p DeviceAllow "$1"; }
tool() { in_sd "$TOOL" "$@"; }

# sd_start ID [--systemd-cgroup]
sd_start() {
	local id=$1; shift
	in_sd runc "$@" run -d --bundle "$(e2e_bundle_dir "$id")" "$id" </dev/null >/dev/null \
		2>"$E2E_TMP/$id.err"
}
sd_stop_ctr() {
	local i
	sd_runc kill "$1" KILL >/dev/null 2>&1
	for i in $(seq 50); do
		sd_runc state "$1" 2>/dev/null | grep -q '"status": "stopped"' && break
		sleep 0.1
	done
	sd_runc delete -f "$1" >/dev/null 2>&1
}
