# A Debian 12 root made with debootstrap from the mirror the host's apt
# uses, with the host's apt configuration: shared by tests/fresh-root (a
# fresh machine) and the systemd end-to-end test (systemd as PID 1).
# Source it; needs root and debootstrap.
debian_suite=bookworm

# The mirror of the host's Debian suite: deb822 .sources stanzas or
# one-line .list entries, as apt reads them.
host_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$debian_suite" 'BEGIN { RS = "" }
		     /(^|\n)Types:[^\n]*deb([ \t]|\n|$)/ && $0 ~ "(^|\n)Suites:[^\n]*[ \t]" s "([ \t]|\n|$)" {
			if (match($0, /(^|\n)URIs:[ \t]*[^ \t\n]+/)) {
				u = substr($0, RSTART, RLENGTH); sub(/^\n?URIs:[ \t]*/, "", u); print u; exit
			}
		     }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$debian_suite" '$1 == "deb" {
			i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++
			if ($i ~ /^\[/ || $i ~ /\]$/) i++
			if ($(i + 1) == s) { print $i; exit }
		     }' "$f"
	done
}

# The host's apt configuration, so that apt in the root reaches the same
# mirror the same way (proxies, options, keys).
copy_apt_config() {  # copy_apt_config ROOT
	local f key
	rm -f "$1/etc/apt/sources.list"
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$1/etc/apt/"
	for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
		 /etc/apt/apt.conf.d/* /etc/apt/trusted.gpg.d/*; do
		[ -f "$f" ] && cp "$f" "$1$f"
	done
	# keys named by Signed-By that a minbase root does not have
	for key in $(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
			 /etc/apt/sources.list 2>/dev/null |
		     grep -oE '(Signed-By:[[:space:]]*|signed-by=)/[^] [:space:]]+' | sed 's/.*[:=][[:space:]]*//'); do
		[ -f "$key" ] && [ ! -e "$1$key" ] && mkdir -p "$1$(dirname "$key")" && cp "$key" "$1$key"
	done
	return 0
}

# debian_proxy: debootstrap does not read apt's proxy settings; give it the
# host's
debian_proxy() {
	eval "$(apt-config shell http_proxy Acquire::http::Proxy https_proxy Acquire::https::Proxy)"
	[ -n "${http_proxy:-}" ] && export http_proxy
	[ -n "${https_proxy:-}" ] && export https_proxy
	return 0
}

# debian_debootstrap ROOT LOG: a minbase Debian 12 root; its own mounts
# (proc, sys) stay in a namespace that goes with it. Prints why on failure.
debian_debootstrap() {
	local root=$1 log=$2 mirror
	mirror=$(host_mirror | head -n 1)
	if [ -z "$mirror" ]; then
		echo "no $debian_suite mirror in the host's apt sources"
		return 1
	fi
	debian_proxy
	echo "# debootstrap --variant=minbase $debian_suite from $mirror"
	if ! unshare -m debootstrap --variant=minbase "$debian_suite" "$root" "$mirror" >"$log" 2>&1; then
		tail -n 20 "$log"
		echo "debootstrap failed"
		return 1
	fi
}
