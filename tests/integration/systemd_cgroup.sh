# hull --systemd-cgroup against the real systemd (PID 1) on a pure cgroup v2 host, and the
# cgroupfs driver's eBPF device program there. This host has neither: these run in the test VM
# (make check-vm) and skip here with the reason.

sd_unit() { echo "hull-$ID.scope"; }
sd_dir() { echo "/sys/fs/cgroup/system.slice/$(sd_unit)"; }
sd_prop() { systemctl show -p "$1" --value "$(sd_unit)"; }

need_systemd_v2() {
    need_systemd_pid1
    need_pure_v2
    command -v systemctl >/dev/null || vm_skip "no systemctl"
}

# The loop devices the device tests use (the loop module makes loop0..7 when loaded).
need_loop_devices() {
    [ -e /dev/loop1 ] || modprobe loop 2>/dev/null || true
    [ -e /dev/loop0 ] && [ -e /dev/loop1 ] || vm_skip "no /dev/loop0 and /dev/loop1 for the device test"
}

# A config whose cgroup is the systemd scope hull-$ID.scope in system.slice; jq filter $1 is
# applied after the process args (the rest).
sd_config() {
    local filter=$1
    shift
    make_config -f ".linux.cgroupsPath = \"system.slice:hull:$ID\" | $filter" "$@"
}

test_systemd_cgroup_scope_has_the_unit_properties() {
    need_systemd_v2
    sd_config '.linux.resources = {"memory": {"limit": 67108864, "reservation": 33554432, "swap": 100663296},
        "pids": {"limit": 50}, "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"}}
        | .annotations = {"org.systemd.property.TimeoutStopUSec": "uint64 5000000"}' sleep 1000
    hull --systemd-cgroup run -d --bundle "$BUNDLE" "$ID" </dev/null
    pid=$(state_field "$ID" pid)
    assert_eq "$(systemctl is-active "$(sd_unit)")" active "the scope"
    assert_eq "$(sd_prop Slice)" system.slice "Slice"
    assert_eq "$(sd_prop Delegate)" yes "Delegate"
    assert_eq "$(sd_prop MemoryMax)" 67108864 "MemoryMax"
    assert_eq "$(sd_prop MemoryLow)" 33554432 "MemoryLow"
    assert_eq "$(sd_prop MemorySwapMax)" 33554432 "MemorySwapMax (swap - limit)"
    assert_eq "$(sd_prop TasksMax)" 50 "TasksMax"
    assert_eq "$(sd_prop CPUWeight)" 59 "CPUWeight (shares 512)"
    assert_eq "$(sd_prop CPUQuotaPerSecUSec)" 500ms "CPUQuotaPerSecUSec"
    assert_eq "$(sd_prop AllowedCPUs)" 0 "AllowedCPUs"
    assert_eq "$(sd_prop DevicePolicy)" strict "DevicePolicy"
    assert_eq "$(sd_prop TimeoutStopUSec)" 5s "TimeoutStopUSec from the annotation"
    local d
    d=$(sd_dir)
    assert_eq "$(cat "$d/memory.max")" 67108864 "memory.max"
    assert_eq "$(cat "$d/memory.low")" 33554432 "memory.low"
    assert_eq "$(cat "$d/memory.swap.max")" 33554432 "memory.swap.max"
    assert_eq "$(cat "$d/pids.max")" 50 "pids.max"
    assert_eq "$(cat "$d/cpu.weight")" 59 "cpu.weight"
    assert_eq "$(cat "$d/cpu.max")" "50000 100000" "cpu.max"
    assert_eq "$(cat "$d/cpuset.cpus")" 0 "cpuset.cpus"
    assert_eq "$(grep '^0::' "/proc/$pid/cgroup")" "0::/system.slice/$(sd_unit)" "the init's cgroup"
    grep -qx "$pid" "$d/cgroup.procs" || fail "init $pid not in $d/cgroup.procs"
    # Its cgroup namespace is rooted at the scope.
    assert_eq "$(hull exec "$ID" cat /proc/self/cgroup)" "0::/" "the container's view of its cgroup"
    assert_eq "$(hull exec "$ID" cat /sys/fs/cgroup/memory.max)" 67108864 "memory.max seen inside"
}

test_systemd_cgroup_update_pause_and_delete() {
    need_systemd_v2
    sd_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}' \
        sleep 1000
    hull --systemd-cgroup run -d --bundle "$BUNDLE" "$ID" </dev/null
    pid=$(state_field "$ID" pid)
    local d
    d=$(sd_dir)
    hull --systemd-cgroup update --memory 128m --pids-limit 60 "$ID"
    assert_eq "$(sd_prop MemoryMax)" 134217728 "MemoryMax after update"
    assert_eq "$(sd_prop TasksMax)" 60 "TasksMax after update"
    assert_eq "$(cat "$d/memory.max")" 134217728 "memory.max after update"
    assert_eq "$(cat "$d/pids.max")" 60 "pids.max after update"
    hull --systemd-cgroup pause "$ID"
    assert_eq "$(state_field "$ID" status)" paused "status after pause"
    assert_eq "$(cat "$d/cgroup.freeze")" 1 "cgroup.freeze after pause"
    grep -qx "frozen 1" "$d/cgroup.events" || fail "cgroup.events after pause: $(cat "$d/cgroup.events")"
    hull --systemd-cgroup resume "$ID"
    assert_eq "$(state_field "$ID" status)" running "status after resume"
    assert_eq "$(cat "$d/cgroup.freeze")" 0 "cgroup.freeze after resume"
    assert_contains "$(hull --systemd-cgroup ps "$ID")" "$pid" "ps"
    assert_eq "$(hull --systemd-cgroup ps --format json "$ID" | jq -c .)" "[$pid]" "ps --format json"
    hull --systemd-cgroup delete --force "$ID"
    state=$(systemctl show -p ActiveState --value "$(sd_unit)")
    [ "$state" = inactive ] || [ "$state" = failed ] || fail "the scope after delete is $state"
    [ ! -d "$d" ] || fail "the scope's cgroup $d is left after delete"
    [ -z "$(hull list -q)" ] || fail "hull list after delete: $(hull list)"
}

test_systemd_cgroup_memory_and_pids_limits_are_enforced() {
    need_systemd_v2
    sd_config '.linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}}' sh -c "$ALLOC_160M"
    set +e
    OUT=$(hull --systemd-cgroup run --bundle "$BUNDLE" "$ID" 2>"$T/stderr" </dev/null)
    STATUS=$?
    set -e
    assert_eq "$STATUS" 137 "a process past its memory limit is killed ($(cat "$T/stderr"))"
    [[ "$OUT" != *survived* ]] || fail "the allocation survived the limit"
    state=$(systemctl show -p ActiveState --value "$(sd_unit)")
    [ "$state" != active ] || fail "the scope is still active after run"
    sd_config '.linux.resources = {"pids": {"limit": 10}}' sh -c 'for i in $(seq 20); do sleep 100 & done; echo all-forked'
    set +e
    OUT=$(hull --systemd-cgroup run --bundle "$BUNDLE" "$ID" 2>"$T/stderr" </dev/null)
    STATUS=$?
    set -e
    [ "$STATUS" -ne 0 ] || fail "20 processes under TasksMax=10: $OUT"
    assert_contains "$(cat "$T/stderr")" "can't fork" "the shell's fork failure"
}

# The device rules of the config allow /dev/loop1 (read) and deny the rest but the defaults.
devices_config() {
    make_config -f "$1"' | .linux.devices = [
            {"path": "/dev/loop0", "type": "b", "major": 7, "minor": 0, "fileMode": 432},
            {"path": "/dev/loop1", "type": "b", "major": 7, "minor": 1, "fileMode": 432}]
        | .linux.resources.devices = [{"allow": false, "access": "rwm"},
            {"allow": true, "type": "b", "major": 7, "minor": 1, "access": "r"}]' \
        sh -c 'head -c1 /dev/loop0 >/dev/null 2>&1; echo loop0=$?; head -c1 /dev/loop1 >/dev/null; echo loop1=$?; echo x > /dev/null; echo null=$?'
}

check_device_output() {
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_contains "$OUT" "loop0=1" "a device the rules deny"
    assert_contains "$OUT" "loop1=0" "a device the rules allow"
    assert_contains "$OUT" "null=0" "a default device"
}

test_systemd_cgroup_devices_deny_what_is_not_allowed() {
    need_systemd_v2
    need_loop_devices
    devices_config ".linux.cgroupsPath = \"system.slice:hull:$ID\""
    set +e
    OUT=$(hull --systemd-cgroup run --bundle "$BUNDLE" "$ID" 2>"$T/stderr" </dev/null)
    STATUS=$?
    set -e
    ERR=$(cat "$T/stderr")
    check_device_output
}

test_v2_host_devices_deny_what_is_not_allowed() {
    need_pure_v2
    need_loop_devices
    devices_config ".linux.cgroupsPath = \"/hull-test/$ID\""
    run_container
    check_device_output
    [ ! -d "/sys/fs/cgroup/hull-test/$ID" ] || fail "the cgroup is left after run"
}
