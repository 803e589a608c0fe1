#!/bin/bash
# --with-relabel against a rootfs that plants device nodes and FIFOs where
# the hook reads or writes its files. A container's root with CAP_MKNOD can
# make a node of a host disk in its own rootfs; at the next start the hook
# must not write its relabel script onto that disk, nor open the node, nor
# wait on a FIFO. Checked at every path the hook reads or writes inside the
# rootfs and at the host's SELinux config, with a char node, a block node of
# a real loop disk and a FIFO: the start is refused in bounded time with one
# line naming the path and what it is, the loop disk's bytes are unchanged,
# and the planted entry is left as it was. The shape of the attack runs
# first: the container itself makes the node, then is restarted.
# SELinux is stood in for by its config file (no SELinux in this kernel).
# Before the fix a FIFO held the start until the hook's 30 s deadline, so
# every case is timed.
. "$(dirname "$0")/lib.sh"
e2e_require_root
host_cfg=$E2E_TMP/host-selinux-config
export SYSCONTAINER_HOOKS_SELINUX_CONFIG=$host_cfg
printf '# host\nSELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$host_cfg"

SCRIPT=/usr/bin/autorelabel_container
UNIT=/etc/systemd/system/multi-user.target.wants/autorelabel.service
JOB=/etc/init/autorelabel.conf
RELABEL_FILES=("$SCRIPT" "$UNIT" "$JOB" /.autorelabel /.container_autorelabel
	/.autorelabel_in_container)

loop=$(e2e_loop)
read -r maj min < <(stat -c '%t %T' "$loop")
maj=$((16#$maj)) min=$((16#$min))
disk_sum=$(md5sum <"$loop")
check "a loop disk $loop ($maj:$min) to protect" test -b "$loop"

# relabel_bundle ID systemd|upstart [extra jq filter]
relabel_bundle() {
	local b
	e2e_bundle "$1"
	b=$(e2e_bundle_dir "$1")
	mkdir -p "$b/rootfs/etc/selinux" "$b/rootfs/sbin" "$b/rootfs/usr/bin"
	ln -sf busybox "$b/rootfs/bin/mknod"
	printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$b/rootfs/etc/selinux/config"
	if [ "$2" = systemd ]; then ln -s /lib/systemd/systemd "$b/rootfs/sbin/init"
	else cp /bin/busybox "$b/rootfs/sbin/init"; fi
	jq --arg c "$host_cfg" '(.hooks.prestart[0], .hooks.poststop[0]) |=
		(.args += ["--with-relabel"] | .env += ["SYSCONTAINER_HOOKS_SELINUX_CONFIG=" + $c])' \
		"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	if [ -n "${3:-}" ]; then
		jq "$3" "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	fi
}

# plant FILE fifo|char|block: what the container leaves at FILE
plant() {
	rm -f "$1"
	case $2 in
	fifo) mkfifo "$1" ;;
	char) mknod "$1" c 1 3 ;;
	block) mknod "$1" b "$maj" "$min" ;;
	esac
}

# what FILE is, as stat says ("fifo", "character special file", ...)
kind_of() { stat -c %F "$1" 2>&1; }

kind_words() {
	case $1 in
	fifo) echo "a FIFO" ;;
	char) echo "a character device" ;;
	block) echo "a block device" ;;
	esac
}

# --- the attack as it happens: the container's root makes the node ----------
id=$(e2e_name rlmk)
relabel_bundle "$id" systemd '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
r=$(e2e_bundle_dir "$id")/rootfs
check "container with CAP_MKNOD starts with --with-relabel" e2e_run "$id"
check "the relabel script was written" test -f "$r$SCRIPT"
check "the container's root replaces it with a node of host disk $maj:$min" \
	e2e_exec "$id" sh -c "rm -f $SCRIPT && mknod $SCRIPT b $maj $min"
check "the node is a block device in the rootfs" test -b "$r$SCRIPT"
e2e_stop "$id"
t0=$(date +%s%N)
check_fails "the restart is refused" e2e_run "$id"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "refused in bounded time ($ms ms)" test "$ms" -lt 10000
check_match "with one clear line naming the path and the kind" \
	"$SCRIPT in the container is a block device, not a regular file; refused" \
	"$(cat "$E2E_TMP/$id.err")"
check_eq "the host disk's bytes are unchanged" "$disk_sum" "$(md5sum <"$loop")"
check "the planted node is left as it was" test -b "$r$SCRIPT"
rt delete -f "$id" >/dev/null 2>&1

# --- every path, every kind, planted in the rootfs ---------------------------
# rows: PATH|INIT|OUTCOME|MARKER. OUTCOME "refused": the start fails naming
# PATH; "started": the hook only tests that PATH exists (a marker it never
# opens), so the start goes on. MARKER: a regular file made first, for the
# paths reached only when it is there (not a first start: /.autorelabel is
# then moved, that is, removed). The entry planted is always left as it was,
# by the start and by the poststop of the failed start.
cases=(
	"/etc/selinux/config|systemd|refused|"
	"$SCRIPT|systemd|refused|"
	"$SCRIPT|upstart|refused|"
	"$UNIT|systemd|refused|"
	"$JOB|upstart|refused|"
	"/.autorelabel|systemd|refused|"
	"/.autorelabel|systemd|refused|/.container_autorelabel"
	"/.autorelabel_in_container|systemd|refused|"
	"/.container_autorelabel|systemd|started|"
)

declare -A bundles
for init in systemd upstart; do
	bundles[$init]=$(e2e_name "rlnode-$init")
	relabel_bundle "${bundles[$init]}" "$init"
done

for row in "${cases[@]}"; do
	IFS='|' read -r path init outcome marker <<<"$row"
	id=${bundles[$init]}
	r=$(e2e_bundle_dir "$id")/rootfs
	for kind in fifo char block; do
		what="$kind at $path ($init init${marker:+, $marker there})"
		for f in "${RELABEL_FILES[@]}"; do rm -f "$r$f"; done
		rm -f "$r/etc/selinux/config"
		printf 'SELINUX=enforcing\n' >"$r/etc/selinux/config"
		[ -n "$marker" ] && : >"$r$marker"
		mkdir -p "$(dirname "$r$path")"
		plant "$r$path" "$kind"
		before=$(kind_of "$r$path")
		t0=$(date +%s%N)
		if [ "$outcome" = refused ]; then
			check_fails "$what: the start is refused" e2e_run "$id"
			check_match "$what: one line naming the path and its kind" \
				"$path in the container is $(kind_words "$kind"), not a regular file" \
				"$(cat "$E2E_TMP/$id.err")"
		else
			check "$what: the start goes on" e2e_run "$id"
			check "$what: the relabel script is written" test -f "$r$SCRIPT"
		fi
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		check "$what: in bounded time ($ms ms)" test "$ms" -lt 10000
		check_eq "$what: the planted entry is left as it was" "$before" "$(kind_of "$r$path")"
		check_eq "$what: the host disk's bytes are unchanged" "$disk_sum" "$(md5sum <"$loop")"
		rt delete -f "$id" >/dev/null 2>&1
	done
done

# --- the host's SELinux config ------------------------------------------------
id=${bundles[systemd]}
r=$(e2e_bundle_dir "$id")/rootfs
for f in "${RELABEL_FILES[@]}"; do rm -f "$r$f"; done
for kind in fifo char block; do
	what="$kind at the host's SELinux config"
	plant "$host_cfg" "$kind"
	t0=$(date +%s%N)
	check_fails "$what: the start is refused" e2e_run "$id"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	check "$what: in bounded time ($ms ms)" test "$ms" -lt 10000
	check_match "$what: one line naming it" \
		"the host's SELinux config: $host_cfg is $(kind_words "$kind"), not a regular file; refused" \
		"$(cat "$E2E_TMP/$id.err")"
	check_fails "$what: nothing written into the container" test -e "$r$SCRIPT"
	check_eq "$what: the host disk's bytes are unchanged" "$disk_sum" "$(md5sum <"$loop")"
	rt delete -f "$id" >/dev/null 2>&1
done
rm -f "$host_cfg"
printf '# host\nSELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$host_cfg"

# the same bundle starts once the rootfs is clean again
check "a clean rootfs starts with --with-relabel" e2e_run "$id"
check "and gets its relabel script" test -f "$r$SCRIPT"
e2e_stop "$id"
check_eq "at the end, the host disk's bytes are unchanged" "$disk_sum" "$(md5sum <"$loop")"
e2e_summary
