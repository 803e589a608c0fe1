#!/bin/bash
# make install lays out the expected tree under DESTDIR and PREFIX; both man
# pages render without warnings and name every flag the programs accept;
# the completion completes; the installed programs run.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=$E2E_TMP/dest

check "make install DESTDIR PREFIX=/usr" make -s -C "$top" install BUILD="$E2E_BUILD" \
	DESTDIR="$dest" PREFIX=/usr
for f in usr/bin/syscontainer-hooks usr/bin/syscontainer-tools usr/bin/syscontainer-runtime \
	usr/share/man/man1/syscontainer-hooks.1 usr/share/man/man1/syscontainer-tools.1 \
	usr/share/man/man1/syscontainer-runtime.1 \
	usr/share/syscontainer-hooks/hookspec.json \
	usr/share/syscontainer-hooks/hooks.d/syscontainer-hooks.json \
	usr/share/bash-completion/completions/syscontainer-tools \
	usr/share/bash-completion/completions/syscontainer-hooks \
	etc/syscontainer-hooks/modules.allow; do
	check "installed $f" test -e "$dest/$f"
done
check "binaries are executable" test -x "$dest/usr/bin/syscontainer-tools" -a -x "$dest/usr/bin/syscontainer-hooks" \
	-a -x "$dest/usr/bin/syscontainer-runtime"
check_match "installed hookspec points at the installed hook" '"/usr/bin/syscontainer-hooks"' \
	"$(cat "$dest/usr/share/syscontainer-hooks/hookspec.json")"
check_match "installed hooks.d file too" '"/usr/bin/syscontainer-hooks"' \
	"$(cat "$dest/usr/share/syscontainer-hooks/hooks.d/syscontainer-hooks.json")"
check_match "--version of the tool" "^syscontainer-tools [0-9]" "$("$dest/usr/bin/syscontainer-tools" --version)"
check_match "--version of the hook" "^syscontainer-hooks [0-9]" "$("$dest/usr/bin/syscontainer-hooks" --version)"
check "an existing modules.allow is not overwritten" sh -c "
	echo keep >'$dest/etc/syscontainer-hooks/modules.allow' &&
	make -s -C '$top' install BUILD='$E2E_BUILD' DESTDIR='$dest' PREFIX=/usr &&
	grep -qx keep '$dest/etc/syscontainer-hooks/modules.allow'"

# the install script that make install runs, as the DaemonSet runs it
k8s=$top/example/kubernetes
dest2=$E2E_TMP/dest2
check "install.sh --root --hooks-dir" sh "$k8s/install.sh" --build "$E2E_BUILD" --root "$dest2" \
	--hooks-dir /etc/containers/oci/hooks.d
check_match "  the hooks.d file in --hooks-dir names the installed hook" '"/usr/local/bin/syscontainer-hooks"' \
	"$(cat "$dest2/etc/containers/oci/hooks.d/syscontainer-hooks.json" 2>&1)"
check "  the same tree as make install, under its prefix" sh -c "cd '$dest' && find . -type f | sed 's|/usr/|/P/|' | sort >'$E2E_TMP/t1' &&
	cd '$dest2' && find . -type f ! -path './etc/containers/*' | sed 's|/usr/local/|/P/|' | sort >'$E2E_TMP/t2' &&
	cmp -s '$E2E_TMP/t1' '$E2E_TMP/t2'"
find "$dest2" -type f -exec md5sum {} + | sort >"$E2E_TMP/sum1"
check "  run again" sh "$k8s/install.sh" --build "$E2E_BUILD" --root "$dest2" --hooks-dir /etc/containers/oci/hooks.d
check_eq "  nothing changed, no temporary file left" "" \
	"$(find "$dest2" -type f -exec md5sum {} + | sort | diff - "$E2E_TMP/sum1")"
run_capture sh "$k8s/install.sh" --bogus
expect_output "install.sh with an unknown argument" 2 "unknown argument '--bogus'"
run_capture sh "$k8s/install.sh" --build "$E2E_TMP/nowhere" --root "$E2E_TMP/dest3"
expect_output "install.sh without a build" 1 "is not built"
check_fails "  installs nothing" test -e "$E2E_TMP/dest3"
check "daemonset.yaml parses" python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' \
	"$k8s/daemonset.yaml"
check_eq "  its init container runs install.sh on the node's root, privileged" \
	"install.sh --root /host --hooks-dir /etc/containers/oci/hooks.d --check True /" \
	"$(python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]
c = d["initContainers"][0]; a = c["command"]
print(a[0].split("/")[-1], *a[3:], c["securityContext"]["privileged"], d["volumes"][0]["hostPath"]["path"])' "$k8s/daemonset.yaml" 2>&1)"
check_eq "isulad-daemon.json names the installed hook-spec" "/usr/local/share/syscontainer-hooks/hookspec.json" \
	"$(jq -r '."hook-spec"' "$k8s/isulad-daemon.json")"

for page in syscontainer-hooks syscontainer-tools syscontainer-runtime; do
	man1=$dest/usr/share/man/man1/$page.1
	check_match "man -l $page renders" "^${page^^}\(1\)" "$(MANWIDTH=80 man -l "$man1" 2>/dev/null | head -1)"
	check_eq "$page.1 has no groff warnings" "" "$(groff -man -Tutf8 -ww -z "$man1" 2>&1)"
done

# every long flag of --help is in the man page
page=$(MANWIDTH=200 man -l "$dest/usr/share/man/man1/syscontainer-tools.1" 2>/dev/null)
for cmd in $("$TOOL" --help | awk '/^Commands:/ {on=1; next} on && NF == 0 {on=0} on {print $1}'); do
	for flag in $("$TOOL" "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		check_match "man page names $cmd $flag" "${flag}" "$page"
	done
done
hpage=$(MANWIDTH=200 man -l "$dest/usr/share/man/man1/syscontainer-hooks.1" 2>/dev/null)
for flag in $("$HOOK" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	check_match "hook man page names $flag" "${flag}" "$hpage"
done

# completion
comp() {  # comp WORDS...: what completion offers for the last word
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _syscontainer_tools
		printf "%s\n" "${COMPREPLY[@]}"' \
		"$dest/usr/share/bash-completion/completions/syscontainer-tools" "$@"
}
check_match "completion offers commands" "^add-device$" "$(comp syscontainer-tools add-d)"
check_match "completion offers flags of a command" "^--follow-partition$" \
	"$(comp syscontainer-tools add-device c1 --fol)"
check_match "completion offers nic types" "^veth$" "$(comp syscontainer-tools add-nic c1 --type v)"
# ids from the store the line names with the global --root, not the default one
croot=$E2E_TMP/comp-root
mkdir -p "$croot/sch-comp-one" "$croot/sch-comp-two"
check_eq "completion offers the ids under --root DIR" "sch-comp-one sch-comp-two" \
	"$(comp syscontainer-tools --root "$croot" list sch-comp | xargs)"
check_eq "completion offers the ids under --root=DIR" "sch-comp-one sch-comp-two" \
	"$(comp syscontainer-tools --root = "$croot" list sch-comp | xargs)"
# every flag completion offers for a command is in that command's --help
for cmd in $("$TOOL" --help | awk '/^Commands:/ {on=1; next} on && NF == 0 {on=0} on {print $1}'); do
	help=$("$TOOL" "$cmd" --help)
	for flag in $(comp syscontainer-tools "$cmd" c1 -- | grep -vx -- --help); do
		check_match "$cmd --help names $flag" "$flag" "$help"
	done
done
check_match "hook man SYNOPSIS names --with-relabel" "--with-relabel" \
	"$(printf '%s\n' "$hpage" | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p')"
e2e_summary
