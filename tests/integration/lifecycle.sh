# Lifecycle: create, start, state, kill, delete, run; runtime.md's operations.

test_create_start_state_kill_delete() {
    make_config sh -c 'echo started > /dev/shm/flag; sleep 100'
    hull create --bundle "$BUNDLE" --pid-file "$T/pid" "$ID"
    assert_eq "$(state_field "$ID" status)" created "status after create"
    pid=$(state_field "$ID" pid)
    assert_eq "$(cat "$T/pid")" "$pid" "pid file"
    assert_eq "$(state_field "$ID" bundle)" "$BUNDLE" "bundle"
    assert_eq "$(state_field "$ID" id)" "$ID" "id"
    [ -d "/proc/$pid" ] || fail "init process $pid not alive after create"
    # Not started: the program has not run yet (it would have written its flag).
    hull start "$ID"
    assert_eq "$(state_field "$ID" status)" running "status after start"
    hull kill "$ID" KILL
    wait_for_status stopped
    assert_eq "$(state_field "$ID" pid)" 0 "pid when stopped"
    hull delete "$ID"
    ! hull state "$ID" 2>/dev/null || fail "state still exists after delete"
}

test_state_json_has_runc_shape() {
    make_config -f '.annotations = {"org.example": "x"}' sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    keys=$(hull state "$ID" | jq -r 'keys_unsorted | join(",")')
    assert_eq "$keys" "ociVersion,id,pid,status,bundle,rootfs,created,annotations,owner" "state keys"
    assert_eq "$(state_field "$ID" 'annotations["org.example"]')" x "annotation"
    created=$(state_field "$ID" created)
    [[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]] || fail "created is not RFC 3339: $created"
}

test_run_exit_status_passes_through() {
    make_config sh -c 'exit 3'
    run_container
    assert_eq "$STATUS" 3 "exit status of run"
    make_config sleep 100
    (set +e; hull run --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1; echo $? > "$T/status") &
    for i in $(seq 100); do [ "$(state_field "$ID" status 2>/dev/null)" = running ] && break; sleep 0.05; done
    hull kill "$ID" KILL
    wait
    assert_eq "$(cat "$T/status")" 137 "exit status of run when the container is killed by SIGKILL"
    # run deletes the container once it has exited
    [ -z "$(hull list -q)" ] || fail "run left a container behind: $(hull list -q)"
}

test_run_output_and_detach() {
    make_config echo hello
    run_container
    assert_eq "$OUT" hello "output of run"
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    assert_eq "$(state_field "$ID" status)" running "status after run -d"
    hull delete --force "$ID"
    [ -z "$(hull list -q)" ] || fail "delete --force left the container"
}

test_delete_running_needs_force() {
    make_config sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    hull start "$ID"
    set +e
    msg=$(hull delete "$ID" 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "delete of a running container succeeded"
    assert_contains "$msg" "cannot delete container $ID that is not stopped: running"
    pid=$(state_field "$ID" pid)
    hull delete --force "$ID"
    # The process may vanish between the two checks: a missing status file is gone too.
    st=$(grep '^State:' "/proc/$pid/status" 2>/dev/null || true)
    [ -z "$st" ] || [[ "$st" == *Z* ]] || fail "init $pid survived delete --force ($st)"
}

test_delete_created_container_kills_it() {
    make_config sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    ! hull delete "$ID" 2>/dev/null || fail "delete of a created container without --force succeeded (runtime.md: not stopped)"
    assert_eq "$(state_field "$ID" status)" created "status after the refused delete"
    hull delete --force "$ID"
    for i in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.05; done
    [ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" || fail "created init $pid survived delete"
}

test_kill_signal_by_name_and_number_default_term() {
    make_config sh -c 'trap "echo got-usr1 > /dev/shm/sig; exit 10" USR1; while :; do sleep 0.1; done'
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    sleep 0.3
    hull kill "$ID" 10
    wait_for_status stopped
    hull delete "$ID"
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    hull kill "$ID"   # SIGTERM by default: pid 1 ignores it unless handled, so use KILL after
    hull kill "$ID" SIGKILL
    wait_for_status stopped
    set +e
    msg=$(hull kill "$ID" KILL 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "kill of a stopped container succeeded"
    assert_contains "$msg" "container not running"
    ! hull kill "$ID" NOSUCHSIG 2>/dev/null || fail "an unknown signal was accepted"
}

test_kill_all_reaches_every_process() {
    make_config sh -c 'sleep 100 & sleep 100 & wait'
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    sleep 0.3
    pid=$(state_field "$ID" pid)
    children=$(pgrep -P "$pid" | wc -l)
    assert_eq "$children" 2 "processes in the container"
    hull kill --all "$ID" KILL
    wait_for_status stopped
}

test_two_creates_of_one_id_never_both_succeed() {
    make_config sleep 100
    ok=0
    for i in 1 2 3 4; do
        (hull create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 && echo ok >> "$T/results") &
    done
    wait
    assert_eq "$(wc -l < "$T/results")" 1 "successful concurrent creates"
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1)
    set -e
    assert_contains "$msg" "container with id exists: $ID"
}

test_list_shows_containers() {
    make_config sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    assert_eq "$(hull list -q)" "$ID" "list -q"
    hull list | head -1 | grep -q '^ID  *PID  *STATUS  *BUNDLE  *CREATED  *OWNER$' || fail "list header: $(hull list | head -1)"
    hull list | grep -q "^$ID  *[0-9][0-9]*  *created  *$BUNDLE " || fail "list row: $(hull list)"
    assert_eq "$(hull list --format json | jq -r '.[0].status')" created "list json status"
    assert_eq "$(hull list --format json | jq -r '.[0].owner')" root "list json owner"
}

test_start_twice_is_refused() {
    make_config sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    hull start "$ID"
    set +e
    msg=$(hull start "$ID" 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "second start succeeded"
    assert_contains "$msg" "cannot start an already running container"
}
