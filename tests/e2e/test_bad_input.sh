#!/bin/bash
# Bad input to the CLI and to the hook, against a real running container that
# already has one device and one path saved. Every refusal must: exit with the
# documented status (2 usage error, 1 runtime failure), print exactly one
# non-empty line on stderr that names the offending value, print nothing on
# stdout, and change nothing: the saved hook.json and the runtime record stay
# byte for byte the same, and no node or mount appears in the container.
# E2E_VERBOSE=1 prints each case's exit status and stderr as a "#" line.
. "$(dirname "$0")/lib.sh"
e2e_require_root

id=$(e2e_name bad)
e2e_bundle "$id"
check "$RUNTIME container starts with the hook" e2e_run "$id"
pid=$(e2e_pid "$id")
bundle=$(e2e_bundle_dir "$id")

saved_dir=$E2E_TMP/saved-dir
other_dir=$E2E_TMP/other-dir
mkdir -p "$saved_dir" "$other_dir"
check "add-device /dev/null:/dev/saved-null" \
	"$TOOL" add-device "$id" /dev/null:/dev/saved-null
check "add-path $saved_dir:/mnt/saved" "$TOOL" add-path "$id" "$saved_dir:/mnt/saved"

store=$SYSCONTAINER_HOOKS_ROOT/$id/hook.json
record=$SYSCONTAINER_HOOKS_RUNDIR/$id/record.json
check "hook.json saved" test -s "$store"
check "runtime record written" test -s "$record"
cp "$store" "$E2E_TMP/hook.json.before"
cp "$record" "$E2E_TMP/record.json.before"

# what a container shows: device nodes, mount points, mounts
ctr_nodes() { e2e_exec "$1" ls -a /dev /mnt 2>&1; }
ctr_mounts() { e2e_exec "$1" cat /proc/self/mounts 2>&1; }

# The state watched by cli_case: a container, its hook.json and a copy of it.
W_ID= W_STORE= W_COPY= W_NODES= W_MOUNTS=
watch_target() {
	W_ID=$1 W_STORE=$2 W_COPY=$3
	W_NODES=$(ctr_nodes "$W_ID")
	W_MOUNTS=$(ctr_mounts "$W_ID")
}

# cli_case "RC|PATTERN|DESCRIPTION|ARG|ARG...": "<empty>" stands for "".
cli_case() {
	local f a args=() rc pattern what
	IFS='|' read -r -a f <<<"$1"
	rc=${f[0]} pattern=${f[1]} what=${f[2]}
	for a in "${f[@]:3}"; do
		[ "$a" = "<empty>" ] && a=
		args+=("$a")
	done
	# bounded: a FIFO given as a file must not hang the suite either
	run_capture timeout 20 "$TOOL" "${args[@]}"
	expect_output "$what" "$rc" "$pattern"
	check "$what: $(basename "$W_STORE") unchanged" cmp -s "$W_COPY" "$W_STORE"
	check_eq "$what: no new node in the container" "$W_NODES" "$(ctr_nodes "$W_ID")"
	check_eq "$what: no new mount in the container" "$W_MOUNTS" "$(ctr_mounts "$W_ID")"
}

long_id=$(printf 'a%.0s' $(seq 129))
missing=$E2E_TMP/does-not-exist
# files that are not regular files: refused unopened, never waited on
fifo=$E2E_TMP/a-fifo
mkfifo "$fifo"
fifo_bundle=$E2E_TMP/bundle-fifo
mkdir -p "$fifo_bundle"
mkfifo "$fifo_bundle/config.json"
# not under the e2e name prefix, which a later case finds ambiguous
fifo_id=fifo-store-$E2E_TAG
mkdir -p -m 0700 "$SYSCONTAINER_HOOKS_ROOT/$fifo_id"
mkfifo "$SYSCONTAINER_HOOKS_ROOT/$fifo_id/hook.json"

# files for import, each refused whole (checked before the saved state is
# looked at, so the running container's state names the refusal)
imports=$E2E_TMP/imports
mkdir -p "$imports"
dev='"Type":"c","Major":1,"Minor":5,"PathOnHost":"/dev/zero","CgroupPermissions":"rwm"'
printf '{"deviceToAdd":[{%s,"PathInContainer":"/dev/d"},{%s,"PathInContainer":"/dev/d"}]}' \
	"$dev" "$dev" >"$imports/dup-device.json"
printf '{"deviceToAdd":[{%s,"PathInContainer":"/dev/d"},{%s,"PathInContainer":"/dev/./d"}]}' \
	"$dev" "$dev" >"$imports/dup-device-unclean.json"
printf '{"bindToAdd":["%s:/mnt/b:rw","%s:/mnt/b:ro"]}' "$saved_dir" "$other_dir" \
	>"$imports/dup-bind.json"
nic='"Ip":"10.9.0.2/24","Mac":"","Mtu":1500,"Qlen":1000,"Type":"veth","Bridge":""'
printf '{"networkInterfaces":[{%s,"HostNicName":"a1","CtrNicName":"eth1"},{%s,"HostNicName":"a2","CtrNicName":"eth1"}]}' \
	"$nic" "$nic" >"$imports/dup-nic.json"
printf '{"deviceToAdd":[{%s,"PathInContainer":"/dev/d","Bogus":1}]}' "$dev" \
	>"$imports/unknown-field.json"
printf '{"deviceToAdd":[{%s,"PathInContainer":"/dev/d","major":2}]}' "$dev" \
	>"$imports/repeated-field.json"
printf '{"readBps":[{"major":7,"minor":0,"path":"/dev/loop0"}]}' >"$imports/qos-no-value.json"
printf '{"readBps":[{"Major":7,"minor":0,"path":"/dev/loop0","value":"1","major":7}]}' \
	>"$imports/qos-repeated.json"
# bundles for inject whose own hooks are malformed
inject_bundle() {
	mkdir -p "$E2E_TMP/inject-$1"
	printf '%s' "$2" >"$E2E_TMP/inject-$1/config.json"
	echo "$E2E_TMP/inject-$1"
}
prestart_object=$(inject_bundle prestart-object '{"hooks":{"prestart":{"path":"/bin/true"}}}')
hooks_array=$(inject_bundle hooks-array '{"hooks":[{"path":"/bin/true"}]}')

cli_cases=(
	# add-device: malformed specs and flags (usage errors)
	"2|empty|add-device: empty spec|add-device|$id|<empty>"
	"2|'dev/zero'|add-device: relative host path|add-device|$id|dev/zero:/dev/rel"
	"2|'dev/rel'|add-device: relative container path|add-device|$id|/dev/zero:dev/rel"
	"2|/dev/zero:/a:rw:x|add-device: 4 parts|add-device|$id|/dev/zero:/a:rw:x"
	"2|'rwx'|add-device: perms rwx|add-device|$id|/dev/zero:/dev/z1:rwx"
	"2|'rr'|add-device: perms rr|add-device|$id|/dev/zero:/dev/z1:rr"
	"2|/dev/zero:/'|add-device: container path /|add-device|$id|/dev/zero:/"
	"2|/dev/twice|add-device: same container path twice|add-device|$id|/dev/zero:/dev/twice|/dev/null:/dev/twice"
	"2|--no-such-flag|add-device: unknown flag|add-device|$id|/dev/zero:/dev/z2|--no-such-flag"
	"1|/dev/zero is not a block device|add-device: QoS of a char device|add-device|$id|/dev/zero:/dev/z3|--device-read-bps|/dev/zero:1mb"
	"1|/dev/zero is not a block device|add-device: --follow-partition of a char device|add-device|$id|/dev/zero:/dev/z3|--follow-partition"
	"2||add-device: only the container|add-device|$id"
	# add-device: runtime failures
	"1|/dev/saved-null|add-device: container path already saved|add-device|$id|/dev/zero:/dev/saved-null"
	"1|/dev/does-not-exist|add-device: missing host device|add-device|$id|/dev/does-not-exist"
	"1|/etc/hostname|add-device: host regular file|add-device|$id|/etc/hostname:/dev/hn"
	# add-path: malformed specs (usage errors)
	"2|$other_dir|add-path: 1 part|add-path|$id|$other_dir"
	"2|$other_dir:/mnt/x:rw:x|add-path: 4 parts|add-path|$id|$other_dir:/mnt/x:rw:x"
	"2|'rx'|add-path: option rx|add-path|$id|$other_dir:/mnt/x:rx"
	"2|ro,rw|add-path: options ro,rw|add-path|$id|$other_dir:/mnt/x:ro,rw"
	"2|':/mnt/x'|add-path: empty host part|add-path|$id|:/mnt/x"
	"2|'mnt/x'|add-path: relative container path|add-path|$id|$other_dir:mnt/x"
	"2||add-path: only the container|add-path|$id"
	# add-path: runtime failures
	"1|/mnt/saved|add-path: container path already saved|add-path|$id|$other_dir:/mnt/saved"
	"1|$missing|add-path: missing host path|add-path|$id|$missing:/mnt/x"
	# container ids
	"2|\.\./x|id ../x (add-device)|add-device|../x|/dev/zero:/dev/z4"
	"2|\.\./x|id ../x (remove-path)|remove-path|../x|$saved_dir:/mnt/saved"
	"2|empty|id empty (add-device)|add-device|<empty>|/dev/zero:/dev/z4"
	"2|empty|id empty (list-device)|list-device|<empty>"
	"2|longer than 128|id of 129 characters (add-device)|add-device|$long_id|/dev/zero:/dev/z4"
	"2|a/b|id a/b (add-device)|add-device|a/b|/dev/zero:/dev/z4"
	"2|a/b|id a/b (list)|list|a/b"
	"1|nosuchcontainer is unknown|unknown id (add-device)|add-device|nosuchcontainer|/dev/zero:/dev/z4"
	"1|nosuchcontainer is unknown|unknown id (add-path)|add-path|nosuchcontainer|$other_dir:/mnt/x"
	# removing what was never added
	"1|/dev/never-added|remove-device: never added|remove-device|$id|/dev/zero:/dev/never-added"
	"1|/mnt/never|remove-path: never added|remove-path|$id|$other_dir:/mnt/never"
	# global flags: one line, and where they go
	"2|unknown global flag.*'--bogus'|global: unknown flag|--bogus|list|$id"
	"2|missing value: '--root'|global: --root without a value|--root"
	"2|no command given|global: a flag and no command|--root|$E2E_TMP"
	"2|'--root' is a global flag: give it before the command|global flag after the command|list|$id|--root|$E2E_TMP"
	"2|'--log' is a global flag|global --log after the command|add-device|$id|/dev/zero:/dev/z4|--log|$E2E_TMP/x.log"
	# ids that name no container: the commands that only read or remove refuse them
	"1|nosuchcontainer is unknown|unknown id (list)|list|nosuchcontainer"
	"1|nosuchcontainer is unknown|unknown id (list --json)|list|nosuchcontainer|--json"
	"1|nosuchcontainer is unknown|unknown id (list-device)|list-device|nosuchcontainer"
	"1|nosuchcontainer is unknown|unknown id (list-path)|list-path|nosuchcontainer"
	"1|nosuchcontainer is unknown|unknown id (list-nic)|list-nic|nosuchcontainer"
	"1|nosuchcontainer is unknown|unknown id (list-route)|list-route|nosuchcontainer"
	"1|nosuchcontainer is unknown|unknown id (remove-path)|remove-path|nosuchcontainer|$other_dir:/mnt/x"
	# QoS values: the units a rate takes are those --help names
	"2|kb, mb, gb, tb or pb|add-device: rate with a bad unit|add-device|$id|/dev/zero:/dev/z5|--device-read-bps|/dev/zero:1xb"
	"2|kb, mb, gb, tb or pb|update-device: rate with a bad unit|update-device|$id|--device-write-bps|/dev/zero:1.2.3"
	# import: refused whole
	"1|both use container path /dev/d|import: two devices at one container path|import|$id|$imports/dup-device.json"
	"1|both use container path /dev/d|import: the same container path spelled twice|import|$id|$imports/dup-device-unclean.json"
	"1|both use container path /mnt/b|import: two paths at one container path|import|$id|$imports/dup-bind.json"
	"1|both name eth1|import: two interfaces with one name|import|$id|$imports/dup-nic.json"
	"1|unknown field \"Bogus\"|import: an unknown field|import|$id|$imports/unknown-field.json"
	"1|repeated field \"major\"|import: Major and major in one device|import|$id|$imports/repeated-field.json"
	"1|readBps\[0\]: value|import: a QoS entry without a value|import|$id|$imports/qos-no-value.json"
	"1|repeated field \"major\"|import: Major and major in one QoS entry|import|$id|$imports/qos-repeated.json"
	# inject: a bundle's own hooks it cannot read are refused, never replaced
	"1|hooks.prestart\" is not an array|inject: prestart is an object|inject|--bundle|$prestart_object"
	"1|\"hooks\" is not an object|inject: hooks is an array|inject|--bundle|$hooks_array"
	# not regular files where a file is read
	"1|$fifo is a FIFO, not a regular file|import: a FIFO as the file|import|$(e2e_name imp)|$fifo"
	"1|/dev/null is a character device|import: a device node as the file|import|$(e2e_name imp)|/dev/null"
	"1|$E2E_TMP is a directory|import: a directory as the file|import|$(e2e_name imp)|$E2E_TMP"
	"1|config.json is a FIFO|inject: config.json a FIFO|inject|--bundle|$fifo_bundle"
	"1|hook.json is a FIFO|list: hook.json a FIFO|list|$fifo_id"
	# check: one container or --all, flags that go together
	"2|needs exactly one of CONTAINER and --all|check: neither a container nor --all|check"
	"2|needs exactly one of CONTAINER and --all|check: a container and --all|check|$id|--all"
	"2|takes one container, or --all|check: two containers|check|$id|$id"
	"2|--pretty goes with --json|check: --pretty without --json|check|$id|--pretty"
	"2|--no-such-flag|check: unknown flag|check|$id|--no-such-flag"
	"2|a/b|check: id a/b|check|a/b"
	"2|a/b|check --fix: id a/b|check|a/b|--fix"
	"1|nosuchcontainer is unknown|check: unknown id|check|nosuchcontainer"
	"1|nosuchcontainer is unknown|check --fix --json: unknown id|check|nosuchcontainer|--fix|--json"
	"1|hook.json is a FIFO|check: hook.json a FIFO|check|$fifo_id"
)

watch_target "$id" "$store" "$E2E_TMP/hook.json.before"
for c in "${cli_cases[@]}"; do
	cli_case "$c"
done
check "runtime record unchanged by the CLI cases" cmp -s "$E2E_TMP/record.json.before" "$record"
check_fails "no state directory created for nosuchcontainer" \
	test -e "$SYSCONTAINER_HOOKS_ROOT/nosuchcontainer"

# A mistyped id with the flags that let a command save for a container that
# is not running: the command fails, and no state directory or lock is left
# that would make the typo a known container from then on.
typo=typo-$E2E_TAG
store_list=$(ls -A "$SYSCONTAINER_HOOKS_ROOT")
typo_cases=(
	"1|/dev/does-not-exist|typo, add-device --update-config-only: a missing device|add-device|$typo|/dev/does-not-exist|--update-config-only"
	"1|not a block device|typo, add-device --update-config-only: QoS of a char device|add-device|$typo|/dev/zero:/dev/z|--update-config-only|--device-read-bps|/dev/zero:1mb"
	"1|not a block device|typo, add-device --update-config-only --follow-partition of a char device|add-device|$typo|/dev/zero:/dev/z|--update-config-only|--follow-partition"
	"1|eth9 is not an interface added|typo, add-route --update-config-only over no interface|add-route|$typo|--dest|10.9.0.0/16|--dev|eth9|--update-config-only"
	"1|$missing|typo, import of a missing file|import|$typo|$missing"
	"1|both use container path /dev/d|typo, import of a refused file|import|$typo|$imports/dup-device.json"
)
for c in "${typo_cases[@]}"; do
	cli_case "$c"
	IFS='|' read -r _ _ what _ <<<"$c"
	check_fails "$what: no state directory or lock for the typo" \
		test -e "$SYSCONTAINER_HOOKS_ROOT/$typo"
	check_eq "$what: nothing new in the store" "$store_list" "$(ls -A "$SYSCONTAINER_HOOKS_ROOT")"
done
check_eq "inject left the bundle with a prestart object as it was" \
	'{"hooks":{"prestart":{"path":"/bin/true"}}}' "$(cat "$prestart_object/config.json")"
check_eq "inject left the bundle with a hooks array as it was" \
	'{"hooks":[{"path":"/bin/true"}]}' "$(cat "$hooks_array/config.json")"
check_match "the saved device is still listed" '"PathInContainer":"/dev/saved-null"' \
	"$("$TOOL" list-device "$id" 2>&1)"
check_match "the saved path is still listed" "$saved_dir:/mnt/saved:rw" \
	"$("$TOOL" list-path "$id" 2>&1)"

# --- CDI devices: bad spec files, each in a directory of its own ------------
# (the kind is bad.example.com/x; --cdi-spec-dir DIR points at one case)
cdi=$E2E_TMP/cdi
cdi_spec() {  # cdi_spec CASE FILE TEXT
	mkdir -p "$cdi/$1"
	printf '%s' "$3" >"$cdi/$1/$2"
}
node='{"path":"/dev/cdi-x","hostPath":"/dev/null"}'
good_dev="{\"name\":\"x\",\"containerEdits\":{\"deviceNodes\":[$node]}}"
cdi_spec json bad.json '{"cdiVersion":"0.5.0","kind":"bad.example.com/x","devices":['
cdi_spec yaml bad.yaml "$(printf 'cdiVersion: 0.5.0\nkind: bad.example.com/x\ndevices: [\n  - name: x\n')"
cdi_spec unknown unknown.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[$good_dev],\"bogusField\":1}"
cdi_spec unknown-node unknown-node.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/cdi-x\",\"bogusNode\":1}]}}]}"
cdi_spec kind kind.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x/y\",\"devices\":[$good_dev]}"
cdi_spec version version.json "{\"cdiVersion\":\"9.9.9\",\"kind\":\"bad.example.com/x\",\"devices\":[$good_dev]}"
cdi_spec dup dup.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[$good_dev,$good_dev]}"
cdi_spec nohost nohost.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/cdi-x\",\"hostPath\":\"/dev/sch-no-such-node\"}]}}]}"
cdi_spec nomount nomount.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"mounts\":[{\"hostPath\":\"$missing\",\"containerPath\":\"/mnt/cdi-x\"}]}}]}"
cdi_spec numbers numbers.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/cdi-x\",\"hostPath\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":5}]}}]}"
cdi_spec symlink symlink.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"mounts\":[{\"hostPath\":\"$other_dir\",\"containerPath\":\"/mnt/cdi-link/sub\"}]}}]}"
cdi_spec env env.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"env\":[\"A=1\"],\"deviceNodes\":[$node]}}]}"
cdi_spec tmpfs tmpfs.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"mounts\":[{\"hostPath\":\"/tmp\",\"containerPath\":\"/mnt/cdi-t\",\"type\":\"tmpfs\"}]}}]}"
cdi_spec twice twice.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/cdi-x\",\"hostPath\":\"/dev/zero\"}]},\"devices\":[$good_dev]}"
cdi_spec taken taken.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/saved-null\",\"hostPath\":\"/dev/zero\"}]}}]}"
cdi_spec taken-mount taken.json "{\"cdiVersion\":\"0.5.0\",\"kind\":\"bad.example.com/x\",\"devices\":[{\"name\":\"x\",\"containerEdits\":{\"mounts\":[{\"hostPath\":\"$other_dir\",\"containerPath\":\"/mnt/saved\"}]}}]}"
# the running container plants /mnt/cdi-link -> / (before the watch)
e2e_exec "$id" ln -s / /mnt/cdi-link
cdi_cases=(
	"1|$cdi/json/bad.json|cdi: malformed JSON|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/json"
	"1|$cdi/yaml/bad.yaml|cdi: malformed YAML|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/yaml"
	"1|unknown.json.*bogusField|cdi: unknown field|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/unknown"
	"1|unknown-node.json.*bogusNode|cdi: unknown field of a node|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/unknown-node"
	"1|bad.example.com/x=x: not found in $cdi/kind|cdi: a bad kind|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/kind"
	"1|version.json: cdiVersion: must be a released|cdi: an unsupported cdiVersion|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/version"
	"1|bad.example.com/x=nothere: not found in $cdi/numbers|cdi: a name that is missing|add-device|$id|bad.example.com/x=nothere|--cdi-spec-dir|$cdi/numbers"
	"1|dup.json: devices\[1\].name: device x is given twice|cdi: duplicate device names|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/dup"
	"1|/dev/sch-no-such-node|cdi: a node hostPath that does not exist|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/nohost"
	"1|$missing|cdi: a mount hostPath that does not exist|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/nomount"
	"1|numbers.json.*1:5.*/dev/null is c 1:3|cdi: numbers that are not the host node's|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/numbers"
	"1|/mnt/cdi-link is a symlink|cdi: a container path through a symlink|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/symlink"
	"1|env.json.*env.*--ignore-unsupported|cdi: env (cannot apply live)|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/env"
	"1|tmpfs.json.*tmpfs|cdi: a tmpfs mount|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/tmpfs"
	"1|/dev/cdi-x is edited twice|cdi: one container path twice in a device|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/twice"
	"1|/dev/saved-null of container $id is already used|cdi: a node where a device is saved|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/taken"
	"1|/mnt/saved of container $id is already used|cdi: a mount where a path is saved|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|$cdi/taken-mount"
	"2|given twice|cdi: one name twice|add-device|$id|bad.example.com/x=x|bad.example.com/x=x|--cdi-spec-dir|$cdi/nohost"
	"2|'rel/dir'|cdi: a relative --cdi-spec-dir|add-device|$id|bad.example.com/x=x|--cdi-spec-dir|rel/dir"
	"2|go with CDI device names|cdi: --cdi-spec-dir without a CDI name|add-device|$id|/dev/zero:/dev/z9|--cdi-spec-dir|$cdi/json"
	"2|does not go with CDI|cdi: --follow-partition with a CDI name|add-device|$id|bad.example.com/x=x|--follow-partition"
	"1|bad.example.com/x=x was not added|cdi: remove of a name not added|remove-device|$id|bad.example.com/x=x"
)
watch_target "$id" "$store" "$E2E_TMP/hook.json.before"
for c in "${cdi_cases[@]}"; do
	cli_case "$c"
done
e2e_exec "$id" rm /mnt/cdi-link

# --- the hook, fed bad OCI states on stdin -----------------------------------
states=$E2E_TMP/states
mkdir -p "$states"
good="\"id\":\"$id\",\"bundle\":\"$bundle\",\"pid\":$pid"
: >"$states/empty"
printf 'not json' >"$states/not-json"
printf '{%s,"status":"created"' "$good" >"$states/truncated"
printf '[{%s}]' "$good" >"$states/array"
printf '{"bundle":"%s","pid":%d}' "$bundle" "$pid" >"$states/no-id"
printf '{"id":"../x","bundle":"%s","pid":%d}' "$bundle" "$pid" >"$states/id-dotdot"
printf '{"id":"a\\nb","bundle":"%s","pid":%d}' "$bundle" "$pid" >"$states/id-newline"
printf '{"id":"%s","pid":%d}' "$id" "$pid" >"$states/no-bundle"
printf '{"id":"%s","bundle":"bundles/%s","pid":%d}' "$id" "$id" "$pid" >"$states/bundle-relative"
printf '{"id":"%s","bundle":"%s","pid":"%d"}' "$id" "$bundle" "$pid" >"$states/pid-string"
{
	printf '{%s,"pad":"' "$good"
	head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' a
	printf '"}'
} >"$states/big"
# a NUL inside the id: a parser that stops at it would see the running id
printf '{"id":"%s\0x","bundle":"%s","pid":%d}' "$id" "$bundle" "$pid" >"$states/nul"
{
	printf '{%s,"deep":' "$good"
	printf '[%.0s' $(seq 100)
	printf ']%.0s' $(seq 100)
	printf '}'
} >"$states/deep"
check "the big state is over 2 MiB" test "$(stat -c %s "$states/big")" -gt $((2 * 1024 * 1024))

hook_cases=(
	"empty|empty stdin|empty"
	"invalid JSON|not json|not-json"
	"truncated|truncated JSON|truncated"
	"not a JSON object|JSON array|array"
	"\"id\"|id missing|no-id"
	"control character|id with a newline|id-newline"
	"bundle|bundle missing|no-bundle"
	"bundle|bundle relative|bundle-relative"
	"pid|pid as a string|pid-string"
	"1048576|2 MiB state|big"
	"NUL|NUL byte|nul"
	"deeper|nesting 100 levels deep|deep"
)

# hook_run DESC RC PATTERN STATEFILE HOOK-ARGS...
hook_run() {
	local what=$1 rc=$2 pattern=$3 file=$4
	shift 4
	"$HOOK" "$@" --log "$E2E_TMP/bad-hook.log" <"$file" >"$OUT" 2>"$ERR"
	RC=$?
	expect_output "$what" "$rc" "$pattern"
	check "$what: hook.json unchanged" cmp -s "$E2E_TMP/hook.json.before" "$store"
	check "$what: runtime record unchanged" cmp -s "$E2E_TMP/record.json.before" "$record"
}

for c in "${hook_cases[@]}"; do
	IFS='|' read -r pattern what file <<<"$c"
	for st in prestart poststop; do
		hook_run "hook $st: $what" 1 "$pattern" "$states/$file" --state "$st"
	done
done

# Ids a runtime may give that cannot name saved state ("../x" from a hostile
# or broken runtime, "a+b" from runc): nothing can be saved for them, so the
# hook does nothing, says so in its log, and makes nothing anywhere.
printf '{"id":"a+b","bundle":"%s","pid":%d}' "$bundle" "$pid" >"$states/id-plus"
for c in "../x|id-dotdot" "a+b|id-plus"; do
	IFS='|' read -r what file <<<"$c"
	for st in prestart poststop; do
		"$HOOK" --state "$st" --log "$E2E_TMP/bad-hook.log" <"$states/$file" >"$OUT" 2>"$ERR"
		check_eq "hook $st: id $what: exit 0, nothing printed" "0" "$?$(cat "$OUT" "$ERR")"
		check_eq "hook $st: id $what: the log says there is nothing to do" 1 \
			"$(grep -cF "$what: the id cannot name saved state, so nothing is saved for it; $st has nothing to do" "$E2E_TMP/bad-hook.log")"
	done
	check "id $what: hook.json unchanged" cmp -s "$E2E_TMP/hook.json.before" "$store"
	check "id $what: runtime record unchanged" cmp -s "$E2E_TMP/record.json.before" "$record"
done
check_fails "id ../x: nothing made beside the store" test -e "$(dirname "$SYSCONTAINER_HOOKS_ROOT")/x"
check_fails "id ../x: nothing made beside the run dir" test -e "$(dirname "$SYSCONTAINER_HOOKS_RUNDIR")/x"
check_fails "id a+b: nothing in the store" test -e "$SYSCONTAINER_HOOKS_ROOT/a+b"

# a valid state whose bundle has no config.json
nocfg_id=$(e2e_name nocfg)
mkdir -p "$E2E_TMP/bundle-nocfg"
printf '{"ociVersion":"1.0.2","id":"%s","status":"created","pid":%d,"bundle":"%s"}' \
	"$nocfg_id" "$pid" "$E2E_TMP/bundle-nocfg" >"$states/nocfg"
hook_run "hook prestart: bundle without config.json" 1 "config\.json" "$states/nocfg" \
	--state prestart
check_fails "hook prestart: no record written for $nocfg_id" \
	test -e "$SYSCONTAINER_HOOKS_RUNDIR/$nocfg_id"

# files the hook reads that are not regular files: refused at once
printf '{"ociVersion":"1.0.2","id":"%s","status":"created","pid":%d,"bundle":"%s"}' \
	"$(e2e_name fifo-cfg)" "$pid" "$fifo_bundle" >"$states/fifo-config"
printf '{"ociVersion":"1.0.2","id":"%s","status":"created","pid":%d,"bundle":"%s"}' \
	"$fifo_id" "$pid" "$bundle" >"$states/fifo-store"
# poststop reads config.json for --with-relabel on a host with SELinux
echo SELINUX=enforcing >"$E2E_TMP/selinux-enforcing"
for st in prestart poststop; do
	SYSCONTAINER_HOOKS_SELINUX_CONFIG=$E2E_TMP/selinux-enforcing \
		hook_run "hook $st: config.json a FIFO" 1 "config\.json is a FIFO, not a regular file" \
		"$states/fifo-config" --state "$st" --with-relabel
done
hook_run "hook prestart: hook.json a FIFO" 1 "hook\.json is a FIFO, not a regular file" \
	"$states/fifo-store" --state prestart
check "hook: the FIFO hook.json is left as it was" test -p "$SYSCONTAINER_HOOKS_ROOT/$fifo_id/hook.json"

# the deadline from the environment: seconds from 1 to 3600
for v in abc 0 -1 3601 1x " 5" 99999999999999999999; do
	SYSCONTAINER_HOOKS_DEADLINE=$v hook_run "hook: SYSCONTAINER_HOOKS_DEADLINE='$v'" 2 \
		"SYSCONTAINER_HOOKS_DEADLINE='$v' is not a number of seconds from 1 to 3600" \
		"$states/fifo-store" --state poststop
done

# poststop of a container never seen: nothing to do, silently
unseen=$(e2e_name never-seen)
printf '{"ociVersion":"1.0.2","id":"%s","status":"stopped","bundle":"%s"}' \
	"$unseen" "$E2E_TMP/bundle-nocfg" >"$states/unseen"
"$HOOK" --state poststop --log "$E2E_TMP/bad-hook.log" <"$states/unseen" >"$OUT" 2>"$ERR"
check_eq "hook poststop of an unknown id: exit status" 0 "$?"
check_eq "hook poststop of an unknown id: stderr empty" "" "$(cat "$ERR")"
check_eq "hook poststop of an unknown id: stdout empty" "" "$(cat "$OUT")"
check "hook poststop of an unknown id: record of $id unchanged" \
	cmp -s "$E2E_TMP/record.json.before" "$record"

# --state values the hook refuses; stdin is a valid state of the running container
printf '{"ociVersion":"1.0.2",%s,"status":"running"}' "$good" >"$states/running"
hook_run "hook --state bogus" 2 "bogus" "$states/running" --state bogus
hook_run "hook --state createContainer" 2 "createContainer" "$states/running" \
	--state createContainer
# flags the hook does not know, or without their value: one line, not the usage
hook_run "hook --bogus" 2 "unknown flag.*'--bogus'.*--help" "$states/running" --state prestart \
	--bogus
for flag in --state --root --log; do
	"$HOOK" --state prestart "$flag" <"$states/running" >"$OUT" 2>"$ERR"
	RC=$?
	expect_output "hook $flag without a value" 2 "missing value: '$flag'"
done

# --- a corrupt hook.json -------------------------------------------------------
id2=$(e2e_name corrupt)
e2e_bundle "$id2"
check "second container starts" e2e_run "$id2"
store2=$SYSCONTAINER_HOOKS_ROOT/$id2/hook.json
mkdir -p "$(dirname "$store2")"
printf '{not json' >"$store2"
printf '{not json' >"$E2E_TMP/corrupt.before"
store2_re=$(printf '%s' "$store2" | sed 's/[.[\*^$()+?{|]/\\&/g')

corrupt_cases=(
	"1|$store2_re|corrupt state: add-device|add-device|$id2|/dev/zero:/dev/z6"
	"1|$store2_re|corrupt state: list|list|$id2"
	"1|$store2_re|corrupt state: list --json|list|$id2|--json"
	"1|$store2_re|corrupt state: list-device|list-device|$id2"
	"1|$store2_re|corrupt state: list-path|list-path|$id2"
	"1|$store2_re|corrupt state: add-path|add-path|$id2|$other_dir:/mnt/x"
	"1|$store2_re|corrupt state: remove-device|remove-device|$id2|/dev/null"
	"1|$store2_re|corrupt state: remove-path|remove-path|$id2|$other_dir:/mnt/x"
	# a prefix of both containers: the candidates, on one line
	"1|prefix 'sch-$E2E_TAG-' is ambiguous: $id, $id2$|ambiguous id prefix (list)|list|sch-$E2E_TAG-"
	"1|prefix 'sch-$E2E_TAG-' is ambiguous: $id, $id2$|ambiguous id prefix (add-device)|add-device|sch-$E2E_TAG-|/dev/zero:/dev/z7"
)
watch_target "$id2" "$store2" "$E2E_TMP/corrupt.before"
for c in "${corrupt_cases[@]}"; do
	cli_case "$c"
done
check_eq "corrupt hook.json left with its bytes" "{not json" "$(cat "$store2")"
check "no temporary file left beside the corrupt hook.json" \
	test "$(ls -A "$(dirname "$store2")" | grep -vx -e hook.json)" = ""

# the first container was not touched by anything above
check "hook.json of $id unchanged at the end" cmp -s "$E2E_TMP/hook.json.before" "$store"
check "runtime record of $id unchanged at the end" cmp -s "$E2E_TMP/record.json.before" "$record"

e2e_stop "$id2"
e2e_stop "$id"
check_fails "poststop removed the runtime record" test -e "$SYSCONTAINER_HOOKS_RUNDIR/$id"
e2e_summary
