#!/bin/bash
# Concurrency and crashes. 50 add-device commands run at once on one
# container while it is restarted: each succeeds (live, or saved while the
# container is between stop and start), each device is saved exactly once,
# and all are in the container afterwards. Then add-device is killed with
# SIGKILL at random moments (CRASH_ROUNDS times, 100 by default; the long
# form is CRASH_ROUNDS=500): hook.json is always whole, valid JSON with the
# old or the new content, and the next write clears temporary files left
# by killed writers.
. "$(dirname "$0")/lib.sh"
e2e_require_root
N=${CONCURRENT_ADDS:-50}
ROUNDS=${CRASH_ROUNDS:-100}

id=$(e2e_name conc)
e2e_bundle "$id"
check "container starts" e2e_run "$id"
store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json

# one saved first: a container with nothing saved is unknown while it is
# between the stop and the start (nothing of it is kept), as a mistyped id
check "add-device /dev/c1 before the others" "$TOOL" add-device "$id" "/dev/zero:/dev/c1"
pids=()
for i in $(seq 2 "$N"); do
	"$TOOL" add-device "$id" "/dev/zero:/dev/c$i" >"$E2E_TMP/add.$i.out" 2>&1 &
	pids+=($!)
	[ "$i" = $((N / 2)) ] && { e2e_restart "$id" & restart=$!; }
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
wait "$restart"
check_eq "all $((N - 1)) concurrent add-device commands succeeded" 0 "$fails"
[ "$fails" = 0 ] || cat "$E2E_TMP"/add.*.out | grep -v "done\|saved" | head -5
check_eq "hook.json holds $N devices" "$N" "$(jq '.deviceToAdd | length' "$store")"
check_eq "each container path exactly once" "$N" \
	"$(jq -r '.deviceToAdd[].PathInContainer' "$store" | sort -u | wc -l)"
missing=0
for i in $(seq "$N"); do e2e_exec "$id" test -c "/dev/c$i" || missing=$((missing + 1)); done
check_eq "all $N devices are in the running container" 0 "$missing"
e2e_restart "$id"
missing=0
for i in $(seq "$N"); do e2e_exec "$id" test -c "/dev/c$i" || missing=$((missing + 1)); done
check_eq "and all are there after one more restart" 0 "$missing"

# killed CMD...: run CMD and SIGKILL it at a random moment (0 to 9 ms)
killed() {
	"$@" >/dev/null 2>&1 &
	local p=$!
	sleep "0.00$((RANDOM % 10))"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

# SIGKILL at random moments
torn=0 wrong=0
count=$(jq '.deviceToAdd | length' "$store")
for i in $(seq "$ROUNDS"); do
	killed "$TOOL" add-device "$id" "/dev/zero:/dev/k$i"
	if ! now=$(jq '.deviceToAdd | length' "$store" 2>/dev/null); then
		torn=$((torn + 1))
		continue
	fi
	# the old content, or the old plus this one device
	if [ "$now" = "$count" ]; then :
	elif [ "$now" = $((count + 1)) ] && jq -e --arg p "/dev/k$i" \
		'.deviceToAdd[-1].PathInContainer == $p' "$store" >/dev/null; then count=$now
	else wrong=$((wrong + 1)); count=$now; fi
done
check_eq "$ROUNDS SIGKILLed add-device: hook.json never torn" 0 "$torn"
check_eq "always the old or the new content" 0 "$wrong"
check "the next add-device succeeds" "$TOOL" add-device "$id" /dev/zero:/dev/after-kills
check_eq "and no temporary file of a killed writer is left" "" \
	"$(ls -A "$SYSCONTAINER_HOOKS_ROOT/$id" | grep -v '^hook.json$')"
echo "# $ROUNDS kills: $((count - N)) adds landed, $((ROUNDS - count + N)) were killed first"

# the same for add-nic, which also creates a veth pair on the host
ours="^k$$x[0-9]+\$"    # the host ends it names
torn=0 wrong=0 nics=0
for i in $(seq $((ROUNDS / 4))); do
	killed "$TOOL" add-nic "$id" --type veth --name "k$$x$i:e$i" --ip "10.250.$i.2/24"
	if ! now=$(jq '.networkInterfaces // [] | length' "$store" 2>/dev/null); then
		torn=$((torn + 1))
	elif [ "$now" != "$nics" ] && [ "$now" != $((nics + 1)) ]; then
		wrong=$((wrong + 1))
	fi
	nics=${now:-$nics}
done
check_eq "$((ROUNDS / 4)) SIGKILLed add-nic: hook.json never torn" 0 "$torn"
check_eq "always the old or the new content" 0 "$wrong"
e2e_stop "$id"
# the kernel tears a dead namespace's links down in the background
for i in $(seq 50); do
	[ -z "$(e2e_links "$ours")" ] && break
	sleep 0.1
done
check_eq "after the stop no veth of a killed add-nic is left on the host" "" "$(e2e_links "$ours")"
e2e_summary
