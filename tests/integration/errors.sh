# Bad input: one clear line, a non-zero exit, nothing left behind.

test_bad_config_names_file_and_path() {
    make_config -f '.process.args = [12]' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "bad config accepted"
    assert_contains "$msg" "config.json: .process.args[0]: expected a string, got 12"
    [ -z "$(ls "$STATE_ROOT" 2>/dev/null)" ] || fail "state left after a rejected config"
}

test_failed_mount_leaves_nothing_behind() {
    make_config -f '.mounts += [{"destination": "/x", "type": "nosuchfs", "source": "none"}]' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "create with a bad mount succeeded"
    assert_contains "$msg" "create \"$ID\": mount nosuchfs \"none\" on \"$ROOTFS/x\": no such device"
    [ -z "$(ls "$STATE_ROOT" 2>/dev/null)" ] || fail "state directory left behind"
    ! pgrep -f "hull.*$ID" >/dev/null || fail "process left behind"
}

test_json_log_format_as_runc() {
    make_config -f '.mounts += [{"destination": "/x", "type": "nosuchfs", "source": "none"}]' true
    ! "$HULL" --root "$STATE_ROOT" --log "$T/log.json" --log-format json create --bundle "$BUNDLE" "$ID" 2>/dev/null || fail "create succeeded"
    line=$(tail -1 "$T/log.json")
    assert_eq "$(echo "$line" | jq -r .level)" error "level"
    assert_contains "$(echo "$line" | jq -r .msg)" "no such device" "msg"
    echo "$line" | jq -e '.time | test("^[0-9]{4}-")' >/dev/null || fail "time: $line"
}

test_missing_container_and_usage_errors() {
    set +e
    msg=$(hull state nosuch 2>&1); rc=$?
    set -e
    [ "$rc" -eq 1 ] || fail "state of a missing container exited $rc"
    assert_contains "$msg" "container does not exist"
    hull delete --force nosuch
    ! hull bogus-command 2>/dev/null || fail "unknown command accepted"
    ! hull create 2>/dev/null || fail "create without an id accepted"
    ! hull create --no-such-flag x 2>/dev/null || fail "unknown flag accepted"
    hull create --help | grep -q -- '--bundle' || fail "create --help"
    ! hull create --bundle "$BUNDLE" "bad/id" 2>/dev/null || fail "an id with / was accepted"
}

test_missing_rootfs_is_reported() {
    make_config -f '.root.path = "/nonexistent/rootfs"' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1)
    set -e
    assert_contains "$msg" 'rootfs "/nonexistent/rootfs": no such file or directory'
}
