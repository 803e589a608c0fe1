#!/bin/bash
# The flags of every command, from its table (the flag lines of its --help
# are made from it): the man page names exactly those in the command's
# section (global flags aside), with their short forms; the bash completion
# offers exactly those; and any other flag (another command's, an
# abbreviation, an unknown one, -p where there is no --pretty) gets one
# uniform line on stderr, exit 2, nothing on stdout and nothing in the store.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
man=$top/man/syscontainer-tools.1
completion=$top/completion/syscontainer-tools

commands=$("$TOOL" --help | awk '/^Commands:/ {on=1; next} on && NF == 0 {on=0} on {print $1}')
globals=$("$TOOL" --help | awk '/^Global flags/ {on=1; next} on && NF == 0 {on=0} on' |
	grep -oE -- '--[a-z][a-z-]+' | sort -u)
check "--help lists the commands" test -n "$commands"
check "--help lists the global flags" test -n "$globals"

# help_flags CMD: the long flags of the flag lines ("  [-x, ]--name ...")
help_flags() {
	"$TOOL" "$1" --help | grep -oE -- '^  (-[a-z], )?--[a-z][a-z-]+' |
		grep -oE -- '--[a-z][a-z-]+' | sort -u
}
# man_section CMD: the lines of CMD's entry under COMMANDS
man_section() {
	awk -v cmd="$1" '
		/^\.SH / { sect = $2; cur = ""; next }
		sect == "COMMANDS" && /^\.BI "[a-z][a-z-]* / {
			cur = substr($2, 2)
		}
		sect == "COMMANDS" && cur == cmd' "$man"
}
# man_flags CMD: the long flags named there, global flags left out: those
# of its header line and of the lines that start with a flag (".B \-\-force",
# ".BI \-\-ip " ADDR/N"); a flag in quoted text ("list \-\-json") is a
# reference to another command's
man_flags() {
	man_section "$1" | grep -E '^\.BI "[a-z]|^\.[BIR]+ [("]* ?\\-' |
		grep -oE -- '\\-\\-[a-z](\\-|[a-z])*' | sed 's/\\//g' | sort -u |
		grep -vxF -- "$globals"
}
comp_flags() {
	bash -c '. "$0"; COMP_WORDS=(syscontainer-tools "$1" c1 --); COMP_CWORD=3
		_syscontainer_tools; printf "%s\n" "${COMPREPLY[@]}"' "$completion" "$1" |
		grep -vx -- --help | sort -u
}

all_flags=
for cmd in $commands; do
	flags=$(help_flags "$cmd")
	all_flags+=" $flags"
	check_eq "$cmd: the man page names the flags of its table" "$(echo $flags)" \
		"$(echo $(man_flags "$cmd"))"
	check_eq "$cmd: completion offers the flags of its table" "$(echo $flags)" \
		"$(echo $(comp_flags "$cmd"))"
	usage=$("$TOOL" "$cmd" --help | head -1 | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	check_eq "$cmd: the usage line names flags of its table only" "" \
		"$(comm -23 <(echo "$usage") <(echo "$flags") | xargs)"
	# short forms: "-p, --pretty" in --help is "\-p, \-\-pretty" in the man page
	for pair in $("$TOOL" "$cmd" --help | grep -oE -- '^  -[a-z], --[a-z-]+' | tr -d ' '); do
		roff=$(printf '%s' "$pair" | sed 's/-/\\-/g; s/,/, /')
		check "$cmd: the man page names $pair" grep -qF -- "$roff" <(man_section "$cmd")
	done
done

# Flags a command does not take: one line, the same wording for each.
store_before=$(ls -A "$SYSCONTAINER_HOOKS_ROOT" 2>/dev/null)
all_flags=$(printf '%s\n' $all_flags -p -f -x --no-such-flag | sort -u)
for cmd in $commands; do
	own=$(help_flags "$cmd")
	first=
	for flag in $all_flags; do
		grep -qxF -- "$flag" <<<"$own" && continue
		[ "$flag" = -p ] && grep -qx -- --pretty <<<"$own" && continue
		[ "$flag" = -f ] && grep -qx -- --filter <<<"$own" && continue
		case $cmd in
		inject) args=(--bundle "$E2E_TMP") ;;
		udev-partition) args=(add c1 sdb1 sdb /data) ;;
		*) args=(c1) ;;
		esac
		"$TOOL" "$cmd" "${args[@]}" "$flag" >"$OUT" 2>"$ERR"
		RC=$?
		want="syscontainer-tools $cmd: unknown flag '$flag' (see 'syscontainer-tools $cmd --help')"
		if [ -z "$first" ]; then
			first=1
			check_eq "$cmd $flag: exit status 2" 2 "$RC"
			check_eq "$cmd $flag: the one line" "$want" "$(cat "$ERR")"
			check_eq "$cmd $flag: nothing on stdout" "" "$(cat "$OUT")"
		elif [ "$RC:$(cat "$ERR")" != "2:$want" ] || [ -s "$OUT" ]; then
			not_ok "$cmd $flag: exit $RC, stderr '$(cat "$ERR")'"
		fi
	done
	ok "$cmd: every flag outside its table refused with the same line"
done

# an abbreviation of a flag of the table is not that flag
for c in "list-device|--pre" "import|-f" "add-device|--update" "list-nic|--fil" "remove-device|-f"; do
	IFS='|' read -r cmd flag <<<"$c"
	"$TOOL" "$cmd" c1 x "$flag" >"$OUT" 2>"$ERR"
	RC=$?
	check_eq "$cmd $flag: an abbreviation is an unknown flag" \
		"2:syscontainer-tools $cmd: unknown flag '$flag' (see 'syscontainer-tools $cmd --help')" \
		"$RC:$(cat "$ERR")"
done
"$TOOL" --ro "$E2E_TMP" list c1 >"$OUT" 2>"$ERR"
check_eq "global --ro: an abbreviation is an unknown global flag" \
	"2:syscontainer-tools: unknown global flag: '--ro' (see 'syscontainer-tools --help')" \
	"$?:$(cat "$ERR")"
# a flag of the table without its value
"$TOOL" add-nic c1 --ip >"$OUT" 2>"$ERR"
check_eq "add-nic --ip without a value" \
	"2:syscontainer-tools add-nic: flag '--ip' needs a value (see 'syscontainer-tools add-nic --help')" \
	"$?:$(cat "$ERR")"
check_eq "nothing made in the store by the refused flags" "$store_before" \
	"$(ls -A "$SYSCONTAINER_HOOKS_ROOT" 2>/dev/null)"
e2e_summary
