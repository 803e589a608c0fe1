#!/bin/bash
# Container names wherever the CLI takes an id, resolved by the engine:
# real podman (its API service on a private socket, a podman container
# that runs our hook from --hooks-dir) by --engine, by $SYSCONTAINER_ENGINE
# and detected from the runtime record; iSulad through an "isula" script
# that answers "inspect" as iSulad does (iSulad is not packaged for Debian)
# for a real runc container. Unknown names are reported as unknown, in a
# bad-input table, with nothing changed. Docker names are resolved by a
# real dockerd in test_docker.sh, which runs one.
. "$(dirname "$0")/lib.sh"
e2e_require_root

if ! command -v podman >/dev/null; then
	not_ok "podman is not installed (make deps installs it)"
	e2e_summary
	exit 1
fi

# --- podman: its API service and a container named by us --------------------------
psock=$E2E_TMP/podman.sock
podman system service --time=0 "unix://$psock" >"$E2E_TMP/podman-service.log" 2>&1 &
ppid_=$!
E2E_CLEANUPS+=("kill $ppid_")
for _ in $(seq 50); do [ -S "$psock" ] && break; sleep 0.1; done
check "podman's API service listens on $psock" test -S "$psock"

name=sch-$E2E_TAG-web
e2e_podman_run "podman runs container $name with the hook" "$name"
pid_id=$pm_id
check "the runtime record is under podman's id" test -s "$SYSCONTAINER_HOOKS_RUNDIR/$pid_id/record.json"

export SYSCONTAINER_ENGINE_SOCKET=$psock
run_capture "$TOOL" --engine podman add-device "$name" /dev/zero:/dev/by-name
check_eq "add-device by name with --engine podman: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
check_match "its report names the container's id" "$pid_id" "$(cat "$OUT")"
check "the device is in the podman container" pm exec "$name" test -c /dev/by-name
check "it is saved under podman's id" grep -q /dev/by-name "$SYSCONTAINER_HOOKS_ROOT/$pid_id/hook.json"
check_match "list-device by name with SYSCONTAINER_ENGINE=podman" "/dev/by-name" \
	"$(SYSCONTAINER_ENGINE=podman "$TOOL" list-device "$name" 2>&1)"
# no flag, no variable: the runtime record's bundle is podman's layout
check_match "list-device by name, the engine detected from the runtime record" "/dev/by-name" \
	"$("$TOOL" list-device "$name" 2>&1)"
check_match "list by an id prefix podman knows" "/dev/by-name" \
	"$("$TOOL" --engine podman list "${pid_id:0:12}" 2>&1)"
check "add-path by name" "$TOOL" add-path "$name" "$E2E_TMP:/mnt/by-name"
check "podman restart" pm restart -t 0 "$name"
check "the device is back after the restart" pm exec "$name" test -c /dev/by-name
check "the path is back after the restart" pm exec "$name" test -d /mnt/by-name/hooks.d
check "remove-path by name" "$TOOL" remove-path "$name" "$E2E_TMP:/mnt/by-name"
check "remove-device by name" "$TOOL" remove-device "$name" /dev/zero:/dev/by-name
check_fails "the device is gone from the container" pm exec "$name" test -e /dev/by-name

# --- iSulad: "isula inspect" -------------------------------------------------------
bin=$E2E_TMP/bin
mkdir -p "$bin"
rid=$(e2e_name isl)
# iSulad's answers: the id as a JSON string for a name it has, its own
# words on stderr and status 1 for one it has not
cat >"$bin/isula" <<EOF
#!/bin/sh
echo "\$*" >>"$E2E_TMP/isula.calls"
[ "\$1 \$2 \$3" = 'inspect -f {{json .Id}}' ] || { echo "isula: unexpected: \$*" >&2; exit 3; }
case \$4 in
db-$E2E_TAG) echo '"$rid"' ;;
*) echo "Inspect error: No such image or container or accelerator:\$4" >&2; exit 1 ;;
esac
EOF
chmod 0755 "$bin/isula"
e2e_bundle "$rid"
check "runc container $rid starts" e2e_run "$rid"
run_capture env PATH="$bin:$PATH" "$TOOL" --engine isula add-device "db-$E2E_TAG" /dev/null:/dev/isl-null
check_eq "add-device by iSulad name: exit 0 ($(head -c 200 "$ERR"))" 0 "$RC"
check "the device is in the runc container" e2e_exec "$rid" test -c /dev/isl-null
check_match "isula was asked with inspect -f '{{json .Id}}' NAME" "^inspect -f \{\{json .Id\}\} db-$E2E_TAG$" \
	"$(cat "$E2E_TMP/isula.calls")"
check_match "list by iSulad name via SYSCONTAINER_ENGINE=isula" "/dev/isl-null" \
	"$(PATH="$bin:$PATH" SYSCONTAINER_ENGINE=isula "$TOOL" list-device "db-$E2E_TAG" 2>&1)"
: >"$E2E_TMP/isula.calls"
check "an exact id is not sent to the engine" env PATH="$bin:$PATH" "$TOOL" --engine isula list "$rid"
check_eq "isula was not run for it" "" "$(cat "$E2E_TMP/isula.calls")"

# --- unknown names: one line that says unknown, nothing changed ---------------------
store_before=$(cd "$SYSCONTAINER_HOOKS_ROOT" && ls)
hook_before=$(cat "$SYSCONTAINER_HOOKS_ROOT/$rid/hook.json")
ghost=ghost-$E2E_TAG
name_cases=(
	"add-device|$ghost|/dev/zero:/dev/z"
	"remove-device|$ghost|/dev/zero:/dev/z"
	"update-device|$ghost|--device-read-bps|/dev/zero:1mb"
	"list-device|$ghost"
	"add-path|$ghost|$E2E_TMP:/mnt/x"
	"remove-path|$ghost|$E2E_TMP:/mnt/x"
	"list-path|$ghost"
	"add-nic|$ghost|--type|veth|--name|eth9|--ip|10.9.9.2/24"
	"remove-nic|$ghost|--name|eth9"
	"update-nic|$ghost|--name|eth9|--mtu|1400"
	"list-nic|$ghost"
	"add-route|$ghost|--dest|default|--gw|10.9.9.1"
	"remove-route|$ghost|--dest|default"
	"list-route|$ghost"
	"list|$ghost"
)
for engine in podman isula; do
	for c in "${name_cases[@]}"; do
		IFS='|' read -r -a args <<<"$c"
		run_capture env PATH="$bin:$PATH" timeout 20 "$TOOL" --engine "$engine" "${args[@]}"
		expect_output "$engine: ${args[0]} of an unknown name" 1 \
			"container $ghost is unknown: .*; $engine has no container of that name or id"
		check_fails "$engine: ${args[0]}: not worded as 'not added'" grep -q "not added" "$ERR"
	done
done
check_eq "no state made for the unknown name" "$store_before" "$(cd "$SYSCONTAINER_HOOKS_ROOT" && ls)"
check_eq "the isula container's state unchanged" "$hook_before" \
	"$(cat "$SYSCONTAINER_HOOKS_ROOT/$rid/hook.json")"
# an engine that cannot be asked is a failure, never "unknown"
run_capture env SYSCONTAINER_ENGINE_SOCKET="$E2E_TMP/none.sock" "$TOOL" --engine docker \
	remove-path "$ghost" "$E2E_TMP:/mnt/x"
expect_output "docker engine unreachable" 1 "resolve $ghost: ask docker: connect to $E2E_TMP/none.sock"
run_capture "$TOOL" --engine lxd list "$ghost"
expect_output "--engine lxd" 2 "unknown engine 'lxd' \(isula, docker or podman\)"
run_capture env SYSCONTAINER_ENGINE=rkt "$TOOL" list "$ghost"
expect_output "SYSCONTAINER_ENGINE=rkt" 2 "SYSCONTAINER_ENGINE: unknown engine 'rkt'"

# two engines detected from the runtime records (podman's container and an
# iSulad-looking record), neither can be asked: one line, the first one's
# failure (iSulad is asked first)
fake=$(e2e_name isl-rec)
mkdir -p "$SYSCONTAINER_HOOKS_RUNDIR/$fake"
E2E_CLEANUPS+=("rm -rf $SYSCONTAINER_HOOKS_RUNDIR/$fake")
jq --arg id "$fake" '.id = $id | .bundle = "/var/lib/isulad/engines/lcr/" + $id' \
	"$SYSCONTAINER_HOOKS_RUNDIR/$rid/record.json" >"$SYSCONTAINER_HOOKS_RUNDIR/$fake/record.json"
mkdir -p "$E2E_TMP/bin-down"
printf '#!/bin/sh\necho "Cannot connect to the isulad daemon" >&2\nexit 1\n' >"$E2E_TMP/bin-down/isula"
chmod 0755 "$E2E_TMP/bin-down/isula"
run_capture env PATH="$E2E_TMP/bin-down:$PATH" SYSCONTAINER_ENGINE_SOCKET="$E2E_TMP/none.sock" \
	"$TOOL" list "$ghost"
expect_output "isula and podman both unreachable: the first failure, isula's" 1 \
	"resolve $ghost: isula inspect $ghost failed: Cannot connect to the isulad daemon"
check_fails "  podman's failure is not in that line" grep -q "none.sock" "$ERR"
rm -rf "${SYSCONTAINER_HOOKS_RUNDIR:?}/$fake"

e2e_stop "$rid"
check "podman rm" pm rm -f -t 0 "$name"
e2e_summary
