# The container's cgroup through hull's commands: limits from config.json, pause/resume,
# update, events, ps, delete. This host has v1 controllers (hybrid); a pure v2 host runs the
# same tests with the v2 files.

cg_file() {  # controller file -> path of the container's file on the host
    local ctrl=$1 file=$2 rel
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        echo "/sys/fs/cgroup$CG_PATH/$file"
    else
        echo "/sys/fs/cgroup/$ctrl$CG_PATH/$file"
    fi
}

v2_host() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }


test_limits_from_config_in_cgroup_files() {
    CG_PATH=/hull-test/$ID
    make_config sleep 100
    jq --arg p "$CG_PATH" '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20} | .linux.resources.cpu = {"shares": 512}' \
        "$BUNDLE/config.json" > "$T/c.json" && mv "$T/c.json" "$BUNDLE/config.json"
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    pid=$(state_field "$ID" pid)
    if v2_host; then
        assert_eq "$(cat "$(cg_file memory memory.max)")" 67108864 "memory.max"
        assert_eq "$(cat "$(cg_file pids pids.max)")" 20 "pids.max"
    else
        assert_eq "$(cat "$(cg_file memory memory.limit_in_bytes)")" 67108864 "memory.limit_in_bytes"
        assert_eq "$(cat "$(cg_file pids pids.max)")" 20 "pids.max"
        assert_eq "$(cat "$(cg_file cpu cpu.shares)")" 512 "cpu.shares"
        grep -qx "$pid" "$(cg_file memory cgroup.procs)" || fail "init $pid not in the memory cgroup"
    fi
    # inside: the container sees its own cgroup (cgroup namespace) as /
    # inside: its cgroup namespace is rooted at its own cgroup
    inside=$(hull exec "$ID" cat /proc/self/cgroup | grep -E ':memory:|^0::' | head -1)
    assert_eq "${inside#*:*:}" "/" "the container's view of its cgroup ($inside)"
}

test_memory_and_pids_limits_are_enforced() {
    CG_PATH=/hull-test/$ID
    make_config sh -c "$ALLOC_160M"
    jq --arg p "$CG_PATH" '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 33554432, "swap": 33554432}' \
        "$BUNDLE/config.json" > "$T/c.json" && mv "$T/c.json" "$BUNDLE/config.json"
    run_container
    assert_eq "$STATUS" 137 "a process past its memory limit is killed"
    [[ "$OUT" != *survived* ]] || fail "the allocation survived the limit"
    make_config sh -c 'for i in $(seq 20); do sleep 100 & done; echo all-forked'
    jq --arg p "$CG_PATH" '.linux.cgroupsPath = $p | .linux.resources.pids = {"limit": 10}' \
        "$BUNDLE/config.json" > "$T/c.json" && mv "$T/c.json" "$BUNDLE/config.json"
    run_container
    [ "$STATUS" -ne 0 ] || fail "20 processes under a pids limit of 10: $OUT"
    assert_contains "$ERR" "can't fork" "the shell's fork failure"
}

test_pause_resume_update_events_delete() {
    CG_PATH=/hull-test/$ID
    make_config sh -c 'while :; do sleep 0.1; done'
    jq --arg p "$CG_PATH" '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 67108864}' \
        "$BUNDLE/config.json" > "$T/c.json" && mv "$T/c.json" "$BUNDLE/config.json"
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    hull pause "$ID"
    assert_eq "$(state_field "$ID" status)" paused "status after pause"
    pid=$(state_field "$ID" pid)
    grep -q '^State:.*(stopped)\|^State:.*D\|^State:.*S' /proc/$pid/status
    v2_host || assert_eq "$(cat "$(cg_file freezer freezer.state)")" FROZEN "freezer.state"
    ! hull pause "$ID" 2>/dev/null || fail "pause of a paused container succeeded"
    hull resume "$ID"
    assert_eq "$(state_field "$ID" status)" running "status after resume"
    ! hull resume "$ID" 2>/dev/null || fail "resume of a running container succeeded"

    hull update --memory 48m --pids-limit 30 "$ID"
    if v2_host; then f=$(cg_file memory memory.max); else f=$(cg_file memory memory.limit_in_bytes); fi
    assert_eq "$(cat "$f")" $((48 * 1024 * 1024)) "memory limit after update"
    assert_eq "$(cat "$(cg_file pids pids.max)")" 30 "pids limit after update"
    echo '{"pids": {"limit": 40}}' | hull update --resources - "$ID"
    assert_eq "$(cat "$(cg_file pids pids.max)")" 40 "pids limit after update --resources -"

    ev=$(hull events --stats "$ID")
    assert_eq "$(echo "$ev" | jq -r .type)" stats "events type"
    assert_eq "$(echo "$ev" | jq -r .id)" "$ID" "events id"
    [ "$(echo "$ev" | jq '.data.memory.usage.usage')" -gt 0 ] || fail "no memory usage in events: $ev"
    [ "$(echo "$ev" | jq '.data.pids.current')" -ge 1 ] || fail "no pids in events: $ev"

    hull delete --force "$ID"
    [ ! -e "$f" ] || fail "cgroup $(dirname "$f") left after delete"
}
