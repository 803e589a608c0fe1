#!/bin/bash
# More hostile rootfs contents before a restart: a symlink at each
# component of a device path and of a bind target, /dev itself a symlink,
# a FIFO where a node goes, and a directory swapped for a symlink over and
# over while the hook runs. Nothing may be created or mounted outside the
# rootfs; each case fails with a clear line or is handled inside the rootfs.
. "$(dirname "$0")/lib.sh"
e2e_require_root
ROUNDS=${RACE_ROUNDS:-20}

e2e_new_bundle esc2
r=$b/rootfs
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
share=$E2E_TMP/share
mkdir -p "$share"
host=$E2E_TMP/host-target        # where an escape would land
save() {  # save JSON: the container's saved state
	mkdir -p "$SYSCONTAINER_HOOKS_ROOT/$id" && echo "$1" >"$store"
}
dev_json='{"deviceToAdd":[{"Type":"c","Major":1,"Minor":5,"PathOnHost":"/dev/zero",
	"PathInContainer":"/mnt/a/b/node","CgroupPermissions":"rwm","Parent":""}]}'
bind_json="{\"bindToAdd\":[\"$share:/mnt/a/b/node:rw\"]}"

for what in device bind; do
	[ $what = device ] && json=$dev_json || json=$bind_json
	for comp in mnt mnt/a mnt/a/b mnt/a/b/node; do
		rm -rf "$r/mnt" "$host" && mkdir -p "$host" "$r/$(dirname "$comp")"
		ln -s "$host" "$r/$comp"
		save "$json"
		if [ $what = device ] && [ $comp = mnt/a/b/node ]; then
			# the last component of a node is replaced inside the rootfs
			check "$what, /$comp a symlink: the start replaces it in the rootfs" e2e_run "$id"
			check "  /$comp is now the device node" test -c "$r/$comp"
		else
			check_fails "$what, /$comp a symlink: the start fails" e2e_run "$id"
			check_match "  with one line naming /$comp" "prestart $id: /$comp is a symlink" \
				"$(cat "$E2E_TMP/$id.err")"
		fi
		check_eq "  nothing appeared in the symlink's host target" "" "$(ls -A "$host")"
		rt delete -f "$id" >/dev/null 2>&1
	done
done

# /dev itself a symlink (a bundle without the /dev tmpfs)
rm -rf "$r/mnt" "$host" && mkdir -p "$host"
jq '.mounts |= map(select(.destination | startswith("/dev") | not))' "$b/config.json" >"$b/nodev.json"
cp "$b/config.json" "$b/withdev.json"
cp "$b/nodev.json" "$b/config.json"
rm -rf "$r/dev" && ln -s "$host" "$r/dev"
save '{"deviceToAdd":[{"Type":"c","Major":1,"Minor":5,"PathOnHost":"/dev/zero","PathInContainer":"/dev/evil","CgroupPermissions":"rwm","Parent":""}]}'
if e2e_run "$id"; then
	not_ok "/dev a symlink: the start fails"
else
	ok "/dev a symlink: the start fails"
fi
check_fails "  no node in the host directory /dev pointed to" test -e "$host/evil"
rt delete -f "$id" >/dev/null 2>&1
rm -f "$r/dev" && mkdir -p "$r/dev"
cp "$b/withdev.json" "$b/config.json"

# a FIFO where a node goes: replaced, never opened (which would hang)
rm -rf "$r/mnt" && mkdir -p "$r/mnt"
mkfifo "$r/mnt/fifo"
save '{"deviceToAdd":[{"Type":"c","Major":1,"Minor":5,"PathOnHost":"/dev/zero","PathInContainer":"/mnt/fifo","CgroupPermissions":"rwm","Parent":""}]}'
t0=$(date +%s)
check "a FIFO at the node's path: the start succeeds" timeout 20 bash -c \
	"cd '$b' && runc run -d '$id' </dev/null >/dev/null 2>&1"
E2E_CONTAINERS+=("$id")
check "  without hanging" test $(( $(date +%s) - t0 )) -lt 10
check "  and the FIFO became the device node" test -c "$r/mnt/fifo"
rt delete -f "$id" >/dev/null 2>&1

# a directory swapped for a symlink and back while the hook runs
rm -rf "$r/mnt" "$host" && mkdir -p "$r/mnt/race" "$host"
save '{"deviceToAdd":[{"Type":"c","Major":1,"Minor":5,"PathOnHost":"/dev/zero","PathInContainer":"/mnt/race/node","CgroupPermissions":"rwm","Parent":""}]}'
( cd "$r/mnt" && while :; do
	mv -T race race.d 2>/dev/null && ln -s "$host" race 2>/dev/null
	[ -L race ] && rm -f race
	mv -T race.d race 2>/dev/null
done ) &
swapper=$!
E2E_CLEANUPS=("kill $swapper" "${E2E_CLEANUPS[@]}")
started=0 refused=0
for i in $(seq "$ROUNDS"); do
	if e2e_run "$id"; then started=$((started + 1)); else refused=$((refused + 1)); fi
	rt delete -f "$id" >/dev/null 2>&1
done
kill "$swapper"; wait "$swapper" 2>/dev/null
echo "# $ROUNDS racing starts: $started started, $refused refused"
check_eq "$ROUNDS racing starts: nothing ever reached the host directory" "" "$(ls -A "$host")"
# an escape mounts in $host or from $share, both in this test's directory
check_eq "no mount left on the host" "" "$(e2e_mounts)"
e2e_summary
