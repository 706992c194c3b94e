# Hooks: each kind at its moment of the lifecycle, with the state on stdin.

# A hook that appends "<name> <status> <pid> <mount ns>" to $T/hooks.log.
write_hook_script() {
    cat > "$T/hook.sh" <<'SH'
#!/bin/sh
state=$(cat)
status=$(echo "$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
pid=$(echo "$state" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
echo "$1 $status $pid $(readlink /proc/self/ns/mnt)" >> "$2"
SH
    chmod 755 "$T/hook.sh"
    chmod 755 "$T"
}

hook_json() {  # kind path-of-log
    printf '{"path": "%s", "args": ["hook.sh", "%s", "%s"]}' "$T/hook.sh" "$1" "$2"
}

test_hooks_run_in_order_with_state() {
    write_hook_script
    log=$T/hooks.log
    # startContainer runs inside the container: give it the script and a log there.
    mkdir -p "$T/share"
    cp "$T/hook.sh" "$T/share/hook.sh"
    make_config sh -c 'sleep 0.2'
    jq --arg h "$T/hook.sh" --arg log "$log" --arg share "$T/share" '
        .mounts += [{"destination": "/share", "type": "bind", "source": $share, "options": ["rbind"]}] |
        .hooks = {
          "prestart": [{"path": $h, "args": ["hook.sh", "prestart", $log]}],
          "createRuntime": [{"path": $h, "args": ["hook.sh", "createRuntime", $log]}],
          "createContainer": [{"path": $h, "args": ["hook.sh", "createContainer", $log]}],
          "startContainer": [{"path": "/share/hook.sh", "args": ["hook.sh", "startContainer", "/share/start.log"]}],
          "poststart": [{"path": $h, "args": ["hook.sh", "poststart", $log]}],
          "poststop": [{"path": $h, "args": ["hook.sh", "poststop", $log]}]
        }' "$BUNDLE/config.json" > "$T/c.json" && mv "$T/c.json" "$BUNDLE/config.json"
    hull create --bundle "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    host_mnt=$(readlink /proc/self/ns/mnt)
    ctr_mnt=$(readlink /proc/$pid/ns/mnt)
    assert_eq "$(cut -d' ' -f1-3 "$log" | tr '\n' ,)" "prestart creating $pid,createRuntime creating $pid,createContainer creating $pid," "hooks of create"
    assert_eq "$(sed -n 1p "$log" | cut -d' ' -f4)" "$host_mnt" "prestart runs in the runtime's mount namespace"
    assert_eq "$(sed -n 3p "$log" | cut -d' ' -f4)" "$ctr_mnt" "createContainer runs in the container's mount namespace"
    hull start "$ID"
    assert_eq "$(sed -n 4p "$log" | cut -d' ' -f1-3)" "poststart running $pid" "poststart"
    wait_for_status stopped
    assert_eq "$(cut -d' ' -f1-2 "$T/share/start.log")" "startContainer created" "startContainer, inside the container"
    hull delete "$ID"
    assert_eq "$(sed -n 5p "$log" | cut -d' ' -f1-2)" "poststop stopped" "poststop after delete"
}

test_failing_create_hook_fails_create_and_cleans_up() {
    make_config -f '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo broken >&2; exit 3"]}]}' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "create with a failing hook succeeded"
    assert_contains "$msg" 'createRuntime hook "/bin/sh" exited with status 3'
    [ -z "$(ls "$STATE_ROOT" 2>/dev/null)" ] || fail "state left behind"
}

test_hook_timeout_and_failing_poststart() {
    make_config -f '.hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "10"], "timeout": 1}]}' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1)
    set -e
    assert_contains "$msg" 'prestart hook "/bin/sleep" timed out after 1 seconds'
    make_config -f '.hooks = {"poststart": [{"path": "/bin/false"}]}' sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    set +e
    msg=$(hull start "$ID" 2>&1); rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "start with a failing poststart hook succeeded (spec 1.3.0: it fails the operation)"
    assert_contains "$msg" 'poststart hook "/bin/false" exited with status 1'
}

test_failing_poststop_only_warns() {
    make_config -f '.hooks = {"poststop": [{"path": "/bin/false"}]}' true
    hull create --bundle "$BUNDLE" "$ID"
    msg=$(hull delete --force "$ID" 2>&1)
    assert_contains "$msg" "warning"
    ! hull state "$ID" 2>/dev/null || fail "delete did not complete"
}
