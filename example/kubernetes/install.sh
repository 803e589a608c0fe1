#!/bin/sh
# Install syscontainer-hooks: the hook, the CLI and the runtime wrapper,
# their man pages, the iSulad hook-spec, the OCI hooks.d file, the bash
# completion and the modules allow-list. `make install` runs this script;
# on Kubernetes nodes the DaemonSet's init container runs it with the node's
# root mounted at --root.
#
#   install.sh [--build DIR] [--root DIR] [--prefix DIR] [--sysconfdir DIR]
#              [--hooks-dir DIR] [--check]
#
# --build       where the programs were built (default: build beside the
#               sources this script belongs to)
# --root        install under this directory (DESTDIR; the node's / in the
#               init container)
# --prefix      default /usr/local; BINDIR, MANDIR, DATADIR and COMPDIR in
#               the environment override its parts, as make's variables do
# --hooks-dir   also put the hooks.d file there (CRI-O's hooks_dir, or the
#               directory containerd's NRI hook-injector plugin reads)
# --check       then run the installed programs (in --root, by chroot) to
#               show they load on this system
# Every file is replaced atomically; running it again changes nothing but
# the files it owns; an existing modules.allow is kept.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build root= prefix=/usr/local sysconfdir=/etc hooks_dir= check=0
die() { echo "install.sh: $*" >&2; exit "${2:-1}"; }
need() { [ $# -ge 2 ] || die "$1 needs a value" 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--build) need "$@"; build=$2; shift 2 ;;
	--root) need "$@"; root=$2; shift 2 ;;
	--prefix) need "$@"; prefix=$2; shift 2 ;;
	--sysconfdir) need "$@"; sysconfdir=$2; shift 2 ;;
	--hooks-dir) need "$@"; hooks_dir=$2; shift 2 ;;
	--check) check=1; shift ;;
	*) die "unknown argument '$1' (see the top of $0)" 2 ;;
	esac
done
bindir=${BINDIR:-$prefix/bin}
mandir=${MANDIR:-$prefix/share/man}
datadir=${DATADIR:-$prefix/share/syscontainer-hooks}
compdir=${COMPDIR:-$prefix/share/bash-completion/completions}
programs="syscontainer-hooks syscontainer-tools syscontainer-runtime"
for p in $programs; do
	[ -x "$build/$p" ] || die "$build/$p is not built (make)"
done

# put MODE SRC DEST: DEST replaced atomically by a copy of SRC
put() {
	install -m "$1" "$2" "$3.new.$$" && mv -f "$3.new.$$" "$3"
}
# the hook's path in a hook file: where it is installed, not /usr/local
hookfile() {
	sed "s|/usr/local/bin/|$bindir/|" "$1" >"$2.new.$$" && chmod 0644 "$2.new.$$" &&
		mv -f "$2.new.$$" "$2"
}

install -d "$root$bindir" "$root$mandir/man1" "$root$datadir/hooks.d" "$root$compdir" \
	"$root$sysconfdir/syscontainer-hooks"
for p in $programs; do
	put 0755 "$build/$p" "$root$bindir/$p"
	put 0644 "$top/man/$p.1" "$root$mandir/man1/$p.1"
done
hookfile "$top/example/hookspec.json" "$root$datadir/hookspec.json"
hookfile "$top/example/hooks.d/syscontainer-hooks.json" "$root$datadir/hooks.d/syscontainer-hooks.json"
if [ -n "$hooks_dir" ]; then
	install -d "$root$hooks_dir"
	hookfile "$top/example/hooks.d/syscontainer-hooks.json" "$root$hooks_dir/syscontainer-hooks.json"
fi
put 0644 "$top/completion/syscontainer-tools" "$root$compdir/syscontainer-tools"
ln -sf syscontainer-tools "$root$compdir/syscontainer-hooks"
[ -e "$root$sysconfdir/syscontainer-hooks/modules.allow" ] ||
	put 0644 "$top/example/modules.allow" "$root$sysconfdir/syscontainer-hooks/modules.allow"

if [ "$check" = 1 ]; then
	for p in $programs; do
		[ "$p" = syscontainer-runtime ] && continue     # it would run runc
		if [ -n "$root" ] && [ "$root" != / ]; then
			out=$(chroot "$root" "$bindir/$p" --version 2>&1) || die "$bindir/$p does not run in $root: $out"
		else
			out=$("$bindir/$p" --version 2>&1) || die "$bindir/$p does not run: $out"
		fi
	done
	echo "installed in ${root:-/}: $programs ($out)"
fi
