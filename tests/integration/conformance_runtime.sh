# runtime.md of runtime-spec v1.3.0, clause by clause (tests/CONFORMANCE.md maps each clause to
# its test). Where runc runs the same bundle, its observable result is the reference.
source "$TESTS_DIR/conformance/helpers.sh"

# hull's exit status without a container id, and runc's for the same command.
no_id_status() {
    set +e
    hull "$@" >/dev/null 2>&1; local rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "hull $* without an id succeeded"
    if have_runc; then
        set +e; runc_cmd "$@" >/dev/null 2>&1; local r=$?; set -e
        assert_eq "$rc" "$r" "exit status of '$*' without an id (hull vs runc)"
    fi
}

test_runtime_query_state_without_id_is_an_error() { no_id_status state; }
test_runtime_start_without_id_is_an_error() { no_id_status start; }
test_runtime_kill_without_id_is_an_error() { no_id_status kill; }
test_runtime_delete_without_id_is_an_error() { no_id_status delete; }

test_runtime_create_without_id_or_bundle_is_an_error() {
    no_id_status create --bundle "$BUNDLE"
    # a bundle path that is not a bundle (no config.json)
    mkdir -p "$T/empty"
    ! hull create --bundle "$T/empty" "$ID" 2>/dev/null || fail "create without a config.json succeeded"
    [ -z "$(hull list -q)" ] || fail "state left behind"
}

test_runtime_query_state_of_missing_container_is_an_error() {
    set +e
    hull state "no-such-$ID" >/dev/null 2>&1; rc=$?
    runc_cmd state "no-such-$ID" >/dev/null 2>&1; r=$?
    set -e
    [ "$rc" -ne 0 ] || fail "state of a missing container succeeded"
    have_runc && assert_eq "$rc" "$r" "exit status (hull vs runc)"
    true
}

# The state in every status validates against schema/state-schema.json, with the fields
# runtime.md requires: ociVersion (SemVer), id, status (one of the four), pid for created and
# running, bundle absolute.
check_state() {
    local want=$1 s
    s=$(hull state "$ID")
    echo "$s" > "$T/state.json"
    python3 -W ignore - "$OCI_SCHEMA_DIR/state-schema.json" "$T/state.json" <<'PY' || fail "state does not validate: $s"
import json, sys, jsonschema, os
schema_path = sys.argv[1]
schema = json.load(open(schema_path))
base = "file://" + os.path.dirname(os.path.abspath(schema_path)) + "/"
resolver = jsonschema.RefResolver(base, schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema, resolver=resolver)
PY
    echo "$s" | jq -e '.ociVersion | test("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$")' >/dev/null || fail "ociVersion is not SemVer: $s"
    assert_eq "$(echo "$s" | jq -r .id)" "$ID" "id"
    assert_eq "$(echo "$s" | jq -r .status)" "$want" "status"
    assert_eq "$(echo "$s" | jq -r .bundle)" "$BUNDLE" "bundle (absolute)"
    case $want in created|running)
        [ "$(echo "$s" | jq -r .pid)" -gt 0 ] || fail "no pid while $want: $s" ;;
    esac
}
OCI_SCHEMA_DIR=${OCI_SCHEMA_DIR:-/work/shared/reference/runtime-spec-v1.3.0/schema}

test_runtime_state_has_required_fields_and_matches_schema() {
    [ -f "$OCI_SCHEMA_DIR/state-schema.json" ] || skip "no runtime-spec schemas in $OCI_SCHEMA_DIR"
    python3 -c 'import jsonschema' 2>/dev/null || skip "python3 jsonschema not installed"
    make_config sleep 100
    hull create --bundle "$BUNDLE" "$ID" </dev/null
    check_state created
    hull start "$ID"
    check_state running
    hull kill "$ID" KILL
    wait_for_status stopped
    check_state stopped
}

test_runtime_state_status_values_are_the_spec_ones() {
    # Every status hull reports over a whole lifecycle is one of the spec's four.
    make_config sleep 1
    hull create --bundle "$BUNDLE" "$ID"
    seen=$(state_field "$ID" status)
    hull start "$ID"
    for i in $(seq 30); do seen="$seen $(state_field "$ID" status)"; sleep 0.05; done
    for s in $seen; do
        case $s in creating|created|running|stopped) ;; *) fail "status $s is not one of the spec's" ;; esac
    done
    assert_contains "$seen" stopped "statuses seen"
}

test_runtime_state_id_is_unique() {
    make_config sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    set +e
    hull create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1; rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "a second container with id $ID was created"
    assert_eq "$(hull list -q)" "$ID" "containers"
    assert_eq "$(state_field "$ID" pid)" "$pid" "the first container is untouched"
    [ -d "/proc/$pid" ] || fail "the first container's init died"
}

test_runtime_create_invalid_id_is_an_error() {
    make_config true
    for bad in "a/b" ".." "" "-x"; do
        set +e
        hull create --bundle "$BUNDLE" "$bad" >/dev/null 2>&1; rc=$?
        set -e
        [ "$rc" -ne 0 ] || { hull delete --force -- "$bad" >/dev/null 2>&1; fail "create accepted the id '$bad'"; }
    done
    [ -z "$(hull list -q)" ] || fail "a container was created: $(hull list -q)"
}

# The program must not run at create; it runs at start; updates to config.json after create
# have no effect.
test_runtime_create_does_not_run_the_program() {
    mkdir -p "$T/share"
    make_config -f ".mounts += [{\"destination\": \"/share\", \"type\": \"bind\", \"source\": \"$T/share\", \"options\": [\"rbind\"]}]" sh -c 'echo ran > /share/flag'
    hull create --bundle "$BUNDLE" "$ID"
    sleep 0.3
    [ ! -e "$T/share/flag" ] || fail "the program ran at create"
    hull start "$ID"
    for i in $(seq 40); do [ -e "$T/share/flag" ] && break; sleep 0.05; done
    assert_eq "$(cat "$T/share/flag" 2>/dev/null)" ran "the program ran at start"
}

test_runtime_config_updates_after_create_do_not_affect_the_container() {
    mkdir -p "$T/share"
    make_config -f ".hostname = \"before\" | .mounts += [{\"destination\": \"/share\", \"type\": \"bind\", \"source\": \"$T/share\", \"options\": [\"rbind\"]}]" sh -c 'echo "$(hostname) original" > /share/out'
    hull create --bundle "$BUNDLE" "$ID"
    jq '.process.args = ["sh", "-c", "echo changed > /share/out"] | .hostname = "after"' "$BUNDLE/config.json" > "$T/c.json"
    mv "$T/c.json" "$BUNDLE/config.json"
    hull start "$ID"
    wait_for_status stopped
    assert_eq "$(cat "$T/share/out")" "before original" "what ran"
}

test_runtime_create_applies_config_before_start() {
    # Everything but process is in place once create returns: hostname, mounts, namespaces.
    make_config -f '.hostname = "applied" | .mounts += [{"destination": "/applied", "type": "tmpfs", "source": "tmpfs"}]' sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    assert_eq "$(nsenter -t "$pid" -u hostname)" applied "hostname after create"
    grep -q ' /applied ' "/proc/$pid/mountinfo" || fail "tmpfs not mounted after create"
    [ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] || fail "no pid namespace after create"
}

test_runtime_start_of_a_not_created_container_errors_without_effect() {
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    pid=$(state_field "$ID" pid)
    set +e; hull start "$ID" >/dev/null 2>&1; rc=$?; set -e
    [ "$rc" -ne 0 ] || fail "start of a running container succeeded"
    assert_eq "$(state_field "$ID" status)" running "status after the refused start"
    assert_eq "$(state_field "$ID" pid)" "$pid" "pid after the refused start"
    assert_eq "$(pgrep -P "$pid" | wc -l)" 0 "no second program in the container"
    hull kill "$ID" KILL
    wait_for_status stopped
    set +e; hull start "$ID" >/dev/null 2>&1; rc2=$?; set -e
    [ "$rc2" -ne 0 ] || fail "start of a stopped container succeeded"
    assert_eq "$(state_field "$ID" status)" stopped "status after the refused start"
    if have_runc; then
        runc_cmd run -d --bundle "$BUNDLE" "r$ID" </dev/null >/dev/null 2>&1
        set +e; runc_cmd start "r$ID" >/dev/null 2>&1; r=$?; set -e
        runc_cmd delete -f "r$ID"
        assert_eq "$rc" "$r" "exit status of start of a running container (hull vs runc)"
    fi
}

test_runtime_start_without_process_is_an_error() {
    make_config -f 'del(.process)' true
    set +e
    hull create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1; c=$?
    s=0; [ "$c" -ne 0 ] || { hull start "$ID" >/dev/null 2>&1; s=$?; }
    set -e
    [ "$c" -ne 0 ] || [ "$s" -ne 0 ] || fail "create and start without process succeeded"
}

test_runtime_kill_of_a_stopped_container_errors_without_effect() {
    make_config true
    hull create --bundle "$BUNDLE" "$ID"
    hull start "$ID"
    wait_for_status stopped
    before=$(hull state "$ID")
    set +e; hull kill "$ID" KILL >/dev/null 2>&1; rc=$?; set -e
    [ "$rc" -ne 0 ] || fail "kill of a stopped container succeeded"
    assert_eq "$(hull state "$ID")" "$before" "state after the refused kill"
    if have_runc; then
        runc_cmd create --bundle "$BUNDLE" "r$ID" </dev/null >/dev/null 2>&1
        runc_cmd start "r$ID"; sleep 0.2
        set +e; runc_cmd kill "r$ID" KILL >/dev/null 2>&1; r=$?; set -e
        runc_cmd delete -f "r$ID"
        assert_eq "$rc" "$r" "exit status (hull vs runc)"
    fi
}

test_runtime_kill_sends_the_signal_to_the_container_process() {
    make_config sh -c 'trap "exit 42" HUP; while :; do sleep 0.05; done'
    hull create --bundle "$BUNDLE" "$ID"
    hull start "$ID"
    sleep 0.2
    pid=$(state_field "$ID" pid)
    hull kill "$ID" HUP
    for i in $(seq 40); do [ -d /proc/$pid ] && ! grep -q '^State:.*Z' /proc/$pid/status || break; sleep 0.05; done
    wait_for_status stopped
    # a created container's process gets the signal too
    make_config sleep 100
    hull delete "$ID"
    hull create --bundle "$BUNDLE" "$ID"
    hull kill "$ID" KILL
    wait_for_status stopped
}

test_runtime_delete_of_a_not_stopped_container_errors_without_effect() {
    make_config sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    set +e; hull delete "$ID" >/dev/null 2>&1; rc=$?; set -e
    [ "$rc" -ne 0 ] || fail "delete of a created container succeeded (runtime.md: it MUST generate an error and have no effect)"
    assert_eq "$(state_field "$ID" status)" created "status after the refused delete"
    hull start "$ID"
    set +e; hull delete "$ID" >/dev/null 2>&1; rc=$?; set -e
    [ "$rc" -ne 0 ] || fail "delete of a running container succeeded"
    assert_eq "$(state_field "$ID" status)" running "status after the refused delete"
    [ -d "/proc/$pid" ] || fail "the container's process died"
}

# Delete removes what create made (state, init, cgroup, mount namespace), nothing else
# (the bind mount's source and its files, a namespace joined by path).
test_runtime_delete_removes_what_create_made_and_nothing_else() {
    mkdir -p "$T/src"; echo keep > "$T/src/file"
    touch "$T/netns"
    unshare --net="$T/netns" true
    trap 'umount "$T/netns" 2>/dev/null || true; cleanup_test' EXIT
    make_config -f ".linux.cgroupsPath = \"/hull-conf-$ID\" | .mounts += [{\"destination\": \"/src\", \"type\": \"bind\", \"source\": \"$T/src\", \"options\": [\"rbind\"]}] | .linux.namespaces |= map(if .type == \"network\" then .path = \"$T/netns\" else . end)" sh -c 'echo x > /src/new; sleep 100'
    hull create --bundle "$BUNDLE" "$ID"
    hull start "$ID"
    pid=$(state_field "$ID" pid)
    mntns=$(readlink /proc/$pid/ns/mnt)
    cg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ || $2 == "" {print $3; exit}' /proc/$pid/cgroup)
    hull kill "$ID" KILL
    wait_for_status stopped
    hull delete "$ID"
    ! hull state "$ID" >/dev/null 2>&1 || fail "state left after delete"
    [ -z "$(ls "$STATE_ROOT" 2>/dev/null)" ] || fail "files left in the state root: $(ls "$STATE_ROOT")"
    [ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" || fail "the init process is left"
    for d in /sys/fs/cgroup/*/; do
        [ ! -d "$d$cg" ] || [ "$cg" = / ] || fail "cgroup $d$cg left after delete"
    done
    assert_eq "$(cat "$T/src/file")" keep "the bind mount's source file"
    [ -e "$T/src/new" ] || fail "a file the container wrote in the bind mount was removed"
    nsenter --net="$T/netns" true || fail "the joined network namespace was destroyed"
}

# A create that fails leaves the environment as it was: no state, no cgroup, no mounts on the
# host, no process, the bundle unchanged.
test_runtime_error_leaves_the_environment_unchanged() {
    make_config -f ".linux.cgroupsPath = \"/hull-conf-$ID\" | .mounts += [{\"destination\": \"/ok\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}, {\"destination\": \"/bad\", \"type\": \"nosuchfs\", \"source\": \"none\"}]" true
    before_mounts=$(awk '{print $5}' /proc/self/mountinfo | sort | md5sum)
    before_bundle=$(find "$BUNDLE" -printf '%p %s %T@\n' | md5sum)
    ! hull create --bundle "$BUNDLE" "$ID" 2>/dev/null || fail "create succeeded"
    [ -z "$(ls "$STATE_ROOT" 2>/dev/null)" ] || fail "state left"
    for d in /sys/fs/cgroup/*/; do [ ! -d "${d}hull-conf-$ID" ] || fail "cgroup ${d}hull-conf-$ID left"; done
    assert_eq "$(awk '{print $5}' /proc/self/mountinfo | sort | md5sum)" "$before_mounts" "host mounts"
    assert_eq "$(find "$BUNDLE" -printf '%p %s %T@\n' | md5sum)" "$before_bundle" "bundle"
    ! pgrep -f "hull.*$ID" >/dev/null || fail "process left"
}

# A failing prestart, createRuntime, createContainer, startContainer or poststart hook: an
# error, the container stopped and destroyed (step 12), and the poststop hooks run (step 13).
failing_hook_case() {
    local kind=$1 op
    chmod 755 "$T"
    rm -f "$T/poststop.ran"
    make_config -f ".hooks = {\"$kind\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"exit 7\"]}], \"poststop\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"touch $T/poststop.ran\"]}]}" sleep 100
    set +e
    hull create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1; rc=$?
    op=create
    if [ "$rc" -eq 0 ]; then op=start; hull start "$ID" >/dev/null 2>&1; rc=$?; fi
    set -e
    case $kind in startContainer|poststart) assert_eq "$op" start "operation that fails" ;; *) assert_eq "$op" create "operation that fails" ;; esac
    [ "$rc" -ne 0 ] || fail "a failing $kind hook did not fail $op"
    st=$(hull state "$ID" 2>/dev/null | jq -r .status || true)
    [ -z "$st" ] || [ "$st" = stopped ] || fail "after a failing $kind hook the container is $st (spec: stopped and destroyed)"
    [ -z "$st" ] || fail "after a failing $kind hook the container was stopped but not destroyed (lifecycle step 12)"
    [ -e "$T/poststop.ran" ] || fail "poststop hooks did not run after a failing $kind hook (lifecycle step 13)"
}
test_runtime_lifecycle_failing_prestart_hook_stops_and_destroys() { failing_hook_case prestart; }
test_runtime_lifecycle_failing_create_runtime_hook_stops_and_destroys() { failing_hook_case createRuntime; }
test_runtime_lifecycle_failing_create_container_hook_stops_and_destroys() { failing_hook_case createContainer; }
test_runtime_lifecycle_failing_start_container_hook_stops_and_destroys() { failing_hook_case startContainer; }
test_runtime_lifecycle_failing_poststart_hook_stops_and_destroys() { failing_hook_case poststart; }

test_runtime_lifecycle_failing_poststop_hook_warns_and_later_hooks_run() {
    chmod 755 "$T"
    make_config -f ".hooks = {\"poststop\": [{\"path\": \"/bin/false\"}, {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"touch $T/second.ran\"]}]}" true
    hull create --bundle "$BUNDLE" "$ID"
    set +e; msg=$(hull delete --force "$ID" 2>&1); rc=$?; set -e
    assert_eq "$rc" 0 "delete with a failing poststop hook ($msg)"
    assert_contains "$msg" warning "delete's output"
    [ -e "$T/second.ran" ] || fail "the poststop hook after the failing one did not run"
    ! hull state "$ID" 2>/dev/null || fail "the container was not deleted"
}
