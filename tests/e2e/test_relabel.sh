#!/bin/bash
# --with-relabel. This kernel has no SELinux, so the host's SELinux is
# stood in for by its config file (SYSCONTAINER_HOOKS_SELINUX_CONFIG); the
# libselinux labelling is tried and reported as not possible here. Checked:
# the files the container gets for systemd and upstart inits, the first-boot
# markers, the unit removed at poststop, nothing done when the host or the
# container has SELinux off, the host's config never changed, and a symlink
# planted in the rootfs refused.
. "$(dirname "$0")/lib.sh"
e2e_require_root
host_cfg=$E2E_TMP/host-selinux-config
export SYSCONTAINER_HOOKS_SELINUX_CONFIG=$host_cfg

relabel_bundle() {  # relabel_bundle ID INIT-LINK-TARGET|-
	e2e_bundle "$1"
	local b
	b=$(e2e_bundle_dir "$1")
	mkdir -p "$b/rootfs/etc/selinux" "$b/rootfs/sbin" "$b/rootfs/usr/bin"
	printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$b/rootfs/etc/selinux/config"
	if [ "$2" = - ]; then cp /bin/busybox "$b/rootfs/sbin/init"; else ln -s "$2" "$b/rootfs/sbin/init"; fi
	jq --arg c "$host_cfg" '(.hooks.prestart[0], .hooks.poststop[0]) |=
		(.args += ["--with-relabel"] | .env += ["SYSCONTAINER_HOOKS_SELINUX_CONFIG=" + $c])' \
		"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
}

printf '# host\nSELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$host_cfg"
host_sum=$(md5sum <"$host_cfg")

id=$(e2e_name rl)
relabel_bundle "$id" /lib/systemd/systemd
r=$(e2e_bundle_dir "$id")/rootfs
unit=$r/etc/systemd/system/multi-user.target.wants/autorelabel.service
check "systemd container starts with --with-relabel" e2e_run "$id"
check_eq "relabel script written, mode 700" "700" "$(stat -c %a "$r/usr/bin/autorelabel_container" 2>&1)"
check_match "the script relabels and reboots once" "restorecon -R /" "$(cat "$r/usr/bin/autorelabel_container")"
check_fails "the script never changes the SELinux mode" grep -q setenforce "$r/usr/bin/autorelabel_container"
check_match "systemd unit written" "ExecStart=/usr/bin/autorelabel_container" "$(cat "$unit" 2>&1)"
check "first start: /.container_autorelabel made" test -e "$r/.container_autorelabel"
check "first start: /.autorelabel moved to /.autorelabel_in_container" \
	test -e "$r/.autorelabel_in_container" -a ! -e "$r/.autorelabel"
check_match "the log says what was done and that labels are not possible here" \
	"relabel: systemd unit .* written, script not labelled \(no SELinux labels" "$(cat "$HOOK_LOG")"
check_fails "no upstart job for a systemd init" test -e "$r/etc/init/autorelabel.conf"
e2e_stop "$id"
check_fails "poststop removed the unit" test -e "$unit"
rm -f "$r/.autorelabel_in_container"       # as the script does after relabelling
check "second start" e2e_run "$id"
check_fails "second start: no new relabel (not a first start)" test -e "$r/.autorelabel_in_container"
e2e_stop "$id"

id2=$(e2e_name rlup)
relabel_bundle "$id2" -
r2=$(e2e_bundle_dir "$id2")/rootfs
check "upstart container starts" e2e_run "$id2"
check_match "upstart job written" "exec /usr/bin/autorelabel_container" \
	"$(cat "$r2/etc/init/autorelabel.conf" 2>&1)"
check_fails "no systemd unit for an upstart init" \
	test -e "$r2/etc/systemd/system/multi-user.target.wants/autorelabel.service"
e2e_stop "$id2"
check_fails "poststop removed the upstart job" test -e "$r2/etc/init/autorelabel.conf"

# container with SELinux off: nothing written
id3=$(e2e_name rloff)
relabel_bundle "$id3" /lib/systemd/systemd
r3=$(e2e_bundle_dir "$id3")/rootfs
echo SELINUX=disabled >"$r3/etc/selinux/config"
check "container with SELinux disabled starts" e2e_run "$id3"
check_fails "nothing written into it" test -e "$r3/usr/bin/autorelabel_container"
check_match "the log says why" "SELinux is disabled in the container" "$(cat "$HOOK_LOG")"
e2e_stop "$id3"

# host with SELinux off: nothing done at all
echo SELINUX=disabled >"$host_cfg"
id4=$(e2e_name rlhost)
relabel_bundle "$id4" /lib/systemd/systemd
r4=$(e2e_bundle_dir "$id4")/rootfs
check "with SELinux disabled on the host the container starts" e2e_run "$id4"
check_fails "and gets nothing" test -e "$r4/.container_autorelabel"
check_match "the log says the host has no SELinux" "SELinux is disabled on this host" "$(cat "$HOOK_LOG")"
e2e_stop "$id4"
printf '# host\nSELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$host_cfg"
check_eq "the host's SELinux config was never changed" "$host_sum" "$(md5sum <"$host_cfg")"

# a symlink planted where the script goes
id5=$(e2e_name rlesc)
relabel_bundle "$id5" /lib/systemd/systemd
r5=$(e2e_bundle_dir "$id5")/rootfs
victim=$E2E_TMP/victim
echo precious >"$victim"
ln -s "$victim" "$r5/usr/bin/autorelabel_container"
check_fails "a symlinked script path fails the start" e2e_run "$id5"
check_match "with a clear error" "autorelabel_container is a symlink" "$(cat "$E2E_TMP/$id5.err")"
check_eq "the symlink's target on the host is untouched" precious "$(cat "$victim")"
rt delete -f "$id5" >/dev/null 2>&1
e2e_summary
