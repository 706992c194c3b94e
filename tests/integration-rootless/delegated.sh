# Rootless containers with cgroup delegation (pure cgroup v2, systemd as PID 1): run by the test
# VM (tests/vm/guest.sh) as the unprivileged user `tester`, inside a scope of the user's systemd
# made with Delegate=yes, so the user owns a cgroup subtree. On any other host these skip.

# A rootless config (hull spec --rootless: the caller's own uid/gid mapped to 0) with the shared
# rootfs, jq filter $1 applied, process args the rest.
rl_config() {
    local filter=$1
    shift
    rm -f "$BUNDLE/config.json"
    "$HULL" spec --rootless --bundle "$BUNDLE"
    local args
    args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
    jq --arg rootfs "$ROOTFS" --argjson args "$args" \
        '.root.path = $rootfs | .process.terminal = false | .process.args = $args | '"$filter" \
        "$BUNDLE/config.json" > "$BUNDLE/config.json.new"
    mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# BASE: the delegated cgroup this test runs in. Its processes move to a leaf ($BASE/tests), so
# BASE can enable controllers for its children (cgroup v2 allows no process in a cgroup that
# does); the container's cgroup is $BASE/hull-$ID.
need_delegation() {
    [ "$(id -u)" != 0 ] || vm_skip "these tests run as an unprivileged user (tests/vm/guest.sh)"
    need_pure_v2
    local own
    own=$(grep '^0::' /proc/self/cgroup | cut -d: -f3)
    [ "$(basename "$own")" != tests ] || own=$(dirname "$own")
    BASE=$own
    local dir=/sys/fs/cgroup$BASE
    [ -w "$dir/cgroup.procs" ] && [ -w "$dir/cgroup.subtree_control" ] || vm_skip "cgroup $BASE is not delegated to $(id -un)"
    for c in memory pids cpu; do
        grep -qw "$c" "$dir/cgroup.controllers" || vm_skip "controller $c is not delegated to $BASE ($(cat "$dir/cgroup.controllers"))"
    done
    mkdir -p "$dir/tests"
    local p
    for p in $(cat "$dir/cgroup.procs"); do echo "$p" > "$dir/tests/cgroup.procs" 2>/dev/null || true; done
    [ -z "$(cat "$dir/cgroup.procs")" ] || fail "processes left in $dir: $(cat "$dir/cgroup.procs")"
    CG_PATH=$BASE/hull-$ID
    CG_DIR=/sys/fs/cgroup$CG_PATH
}

test_delegated_cgroupfs_limits_are_set_and_removed() {
    need_delegation
    rl_config ".linux.cgroupsPath = \"$CG_PATH\" | .linux.resources = {\"memory\": {\"limit\": 67108864},
        \"pids\": {\"limit\": 50}, \"cpu\": {\"shares\": 512}}" sleep 1000
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    pid=$(state_field "$ID" pid)
    assert_eq "$(cat "$CG_DIR/memory.max")" 67108864 "memory.max"
    assert_eq "$(cat "$CG_DIR/pids.max")" 50 "pids.max"
    assert_eq "$(cat "$CG_DIR/cpu.weight")" 59 "cpu.weight (shares 512)"
    assert_eq "$(stat -c %U "$CG_DIR")" "$(id -un)" "owner of the container's cgroup"
    grep -qx "$pid" "$CG_DIR/cgroup.procs" || fail "init $pid is not in $CG_DIR"
    assert_eq "$(hull exec "$ID" id -u)" 0 "uid inside"
    assert_eq "$(hull exec "$ID" cat /sys/fs/cgroup/memory.max)" 67108864 "memory.max seen inside"
    assert_eq "$(hull exec "$ID" cat /sys/fs/cgroup/pids.max)" 50 "pids.max seen inside"
    hull update --memory 96m "$ID"
    assert_eq "$(cat "$CG_DIR/memory.max")" 100663296 "memory.max after update"
    hull delete --force "$ID"
    [ ! -d "$CG_DIR" ] || fail "cgroup $CG_DIR left after delete"
}

test_delegated_memory_and_pids_limits_are_enforced() {
    need_delegation
    rl_config ".linux.cgroupsPath = \"$CG_PATH\" | .linux.resources.memory = {\"limit\": 33554432, \"swap\": 33554432}" \
        sh -c "$ALLOC_160M"
    run_container
    assert_eq "$STATUS" 137 "a process past its memory limit is killed ($ERR)"
    [[ "$OUT" != *survived* ]] || fail "the allocation survived the limit"
    rl_config ".linux.cgroupsPath = \"$CG_PATH\" | .linux.resources.pids = {\"limit\": 10}" \
        sh -c 'for i in $(seq 20); do sleep 100 & done; echo all-forked'
    run_container
    [ "$STATUS" -ne 0 ] || fail "20 processes under a pids limit of 10: $OUT"
    assert_contains "$ERR" "can't fork" "the shell's fork failure"
    [ ! -d "$CG_DIR" ] || fail "cgroup $CG_DIR left after run"
}

test_delegated_systemd_driver_uses_the_user_bus() {
    need_delegation
    need_systemd_pid1
    [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -S "$XDG_RUNTIME_DIR/bus" ] || vm_skip "no user bus at \$XDG_RUNTIME_DIR/bus"
    local unit=hull-$ID.scope
    rl_config ".linux.cgroupsPath = \"user.slice:hull:$ID\" | .linux.resources = {\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 40}}" \
        sleep 1000
    hull --systemd-cgroup run -d --bundle "$BUNDLE" "$ID" </dev/null
    pid=$(state_field "$ID" pid)
    assert_eq "$(systemctl --user is-active "$unit")" active "the scope in the user's systemd"
    assert_eq "$(systemctl --user show -p MemoryMax --value "$unit")" 67108864 "MemoryMax"
    assert_eq "$(systemctl --user show -p TasksMax --value "$unit")" 40 "TasksMax"
    cg=$(grep '^0::' "/proc/$pid/cgroup" | cut -d: -f3)
    case $cg in */user@"$(id -u)".service/user.slice/"$unit") ;; *) fail "the init's cgroup is $cg" ;; esac
    assert_eq "$(cat "/sys/fs/cgroup$cg/memory.max")" 67108864 "memory.max of the scope"
    hull --systemd-cgroup delete --force "$ID"
    [ "$(systemctl --user show -p ActiveState --value "$unit")" != active ] || fail "the scope is active after delete"
    [ ! -d "/sys/fs/cgroup$cg" ] || fail "the scope's cgroup is left after delete"
}
