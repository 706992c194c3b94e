# The cgroup managers (src/runtime/cgroups) against this host's cgroup files, through the
# test-only tests/cgroup-driver.cpp (`make check` or `make cgroup-driver` builds it; these tests
# build it once when it is missing).
# v1 tests need a v1 or hybrid host; v2 tests run in a private mount namespace with cgroup2
# mounted on /sys/fs/cgroup (the host's mounts are never touched).

cg_prepare() {
    local dir
    dir=$(dirname "$HULL")
    DRIVER=${CGROUP_DRIVER:-$dir/cgroup-driver}
    if [ ! -x "$DRIVER" ] && [ -f "$dir/Makefile" ]; then make -s -C "$dir" cgroup-driver >/dev/null 2>&1 || true; fi
    [ -x "$DRIVER" ] || skip "no cgroup-driver next to $HULL (make check or make cgroup-driver builds it)"
    CGROOT=/hull-cgtest-$$-$RANDOM
    PIDS_TO_KILL=""
    export DRIVER CGROOT T
    trap cg_cleanup EXIT
}

# What a test may leave when it fails: its processes, the cgroups below $CGROOT, its systemd
# unit's cgroup and the slices made for it.
cg_remove_leftovers() {
    local p d
    for p in $PIDS_TO_KILL; do kill -9 "$p" 2>/dev/null || true; done
    sleep 0.1
    for d in /sys/fs/cgroup/*"$CGROOT" /sys/fs/cgroup/unified"$CGROOT" /sys/fs/cgroup"$CGROOT" \
             /sys/fs/cgroup/*/system.slice/"hull-$ID.scope" /sys/fs/cgroup/system.slice/"hull-$ID.scope"; do
        [ -d "$d" ] || continue
        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    [ -z "${SLICES_BEFORE+x}" ] || remove_new_slices
}

cg_cleanup() {
    cg_remove_leftovers
    cleanup_test
}

host_mode() {
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then echo v2
    elif [ -d /sys/fs/cgroup/unified ] && [ "$(stat -fc %T /sys/fs/cgroup/unified)" = cgroup2fs ]; then echo hybrid
    else echo v1; fi
}

need_v1() {
    cg_prepare
    [ "$(host_mode)" != v2 ] || skip "this host has no cgroup v1 hierarchies"
}

# cg_config NAME PATH JQ-RESOURCES [JQ-EXTRA]: $T/NAME.json, hull's default spec with
# linux.cgroupsPath and linux.resources set.
cg_config() {
    rm -f "$T/config.json"
    "$HULL" spec --bundle "$T" >/dev/null
    jq --arg p "$2" ".linux.cgroupsPath = \$p | .linux.resources = ($3) | ${4:-.}" "$T/config.json" > "$T/$1.json"
}

# cg_create NAME ID: create from $T/NAME.json, state in $T/NAME.state.
cg_create() { "$DRIVER" create "$2" "$T/$1.json" > "$T/$1.state"; }

# A process in the background, remembered for the cleanup.
bg_sleep() {
    sleep 1000 &
    BG=$!
    PIDS_TO_KILL="$PIDS_TO_KILL $BG"
}

cg_file() { cat "$1/$2"; }

assert_file() { assert_eq "$(cat "$1/$2")" "$3" "$2 of $1"; }

# ---------------------------------------------------------------- cgroup v1 (and hybrid)

test_v1_resources_are_written() {
    need_v1
    cg_config r "$CGROOT/c" '{
        "memory": {"limit": 67108864, "swap": 67108864, "reservation": 33554432, "swappiness": 10,
                   "kernel": 1048576},
        "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 10000, "cpus": "0", "mems": "0",
                "idle": 0},
        "pids": {"limit": 20},
        "blockIO": {"weight": 300, "throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 1048576}],
                    "throttleWriteIOPSDevice": [{"major": 7, "minor": 0, "rate": 100}]},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
        "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "b", "major": 7, "minor": 0, "access": "r"}]
    }'
    "$DRIVER" create c "$T/r.json" > "$T/r.state" 2>"$T/err"
    assert_contains "$(cat "$T/err")" "memory.kernel is ignored" "warning"
    local m=/sys/fs/cgroup/memory$CGROOT/c cpu=/sys/fs/cgroup/cpu$CGROOT/c
    [ -d "$m" ] || m=$(ls -d /sys/fs/cgroup/*memory*"$CGROOT"/c | head -1)
    [ -d "$cpu" ] || cpu=$(ls -d /sys/fs/cgroup/cpu,cpuacct"$CGROOT"/c)
    assert_file "$m" memory.limit_in_bytes 67108864
    assert_file "$m" memory.soft_limit_in_bytes 33554432
    assert_file "$m" memory.swappiness 10
    [ ! -f "$m/memory.memsw.limit_in_bytes" ] || assert_file "$m" memory.memsw.limit_in_bytes 67108864
    assert_file "$cpu" cpu.shares 512
    assert_file "$cpu" cpu.cfs_quota_us 50000
    assert_file "$cpu" cpu.cfs_period_us 100000
    [ ! -f "$cpu/cpu.cfs_burst_us" ] || assert_file "$cpu" cpu.cfs_burst_us 10000
    assert_file "/sys/fs/cgroup/cpuset$CGROOT/c" cpuset.cpus 0
    assert_file "/sys/fs/cgroup/cpuset$CGROOT/c" cpuset.mems 0
    assert_file "/sys/fs/cgroup/pids$CGROOT/c" pids.max 20
    local b=/sys/fs/cgroup/blkio$CGROOT/c
    if [ -f "$b/blkio.weight" ]; then assert_file "$b" blkio.weight 300; else assert_file "$b" blkio.bfq.weight 300; fi
    assert_file "$b" blkio.throttle.read_bps_device "7:0 1048576"
    assert_file "$b" blkio.throttle.write_iops_device "7:0 100"
    # Deny all, the rule, then runc's default devices.
    assert_eq "$(head -3 "/sys/fs/cgroup/devices$CGROOT/c/devices.list" | tr '\n' ,)" "b 7:0 r,c *:* m,b *:* m," "devices.list"
    grep -qx 'c 1:3 rwm' "/sys/fs/cgroup/devices$CGROOT/c/devices.list" || fail "/dev/null is not allowed"
    # hugetlb: a v1 hierarchy, or on a hybrid host whose v2 hierarchy has it, the v2 files.
    if [ -d "/sys/fs/cgroup/hugetlb$CGROOT/c" ]; then
        assert_file "/sys/fs/cgroup/hugetlb$CGROOT/c" hugetlb.2MB.limit_in_bytes 4194304
    else
        assert_file "/sys/fs/cgroup/unified$CGROOT/c" hugetlb.2MB.max 4194304
        assert_file "/sys/fs/cgroup/unified$CGROOT/c" hugetlb.2MB.rsvd.max 4194304
    fi
    assert_eq "$("$DRIVER" driver "$T/r.state")" v1 "driver"
    assert_eq "$("$DRIVER" path "$T/r.state")" "$m" "path"
    "$DRIVER" destroy "$T/r.state"
}

test_v1_process_joins_every_hierarchy() {
    need_v1
    cg_config j "$CGROOT/j" '{}'
    cg_create j j
    out=$("$DRIVER" run "$T/j.state" -- cat /proc/self/cgroup)
    assert_contains "$out" "exit 0"
    local n
    n=$(grep -c ":$CGROOT/j\$" <<<"$out")
    # Every line of /proc/self/cgroup (v1 hierarchies, and the v2 one on a hybrid host).
    assert_eq "$n" "$(grep -c . /proc/self/cgroup)" "hierarchies the process is in"
    # exec --cgroup: a sub-cgroup where it exists (memory here), the container's cgroup elsewhere.
    mkdir "/sys/fs/cgroup/memory$CGROOT/j/sub"
    bg_sleep
    "$DRIVER" add-to "$T/j.state" "$BG" /sub
    grep -qx "[0-9]*:memory:$CGROOT/j/sub" /proc/$BG/cgroup || fail "not in the memory sub-cgroup: $(cat /proc/$BG/cgroup)"
    grep -qx "[0-9]*:pids:$CGROOT/j" /proc/$BG/cgroup || fail "not in the container's pids cgroup: $(cat /proc/$BG/cgroup)"
    ! "$DRIVER" add-to "$T/j.state" "$BG" nosuch 2>"$T/err" || fail "a missing sub-cgroup was accepted"
    assert_contains "$(cat "$T/err")" 'sub-cgroup "nosuch" of the container does not exist in any hierarchy'
    ! "$DRIVER" add-to "$T/j.state" "$BG" ../../x 2>"$T/err" || fail "a sub-cgroup with .. was accepted"
    assert_contains "$(cat "$T/err")" "is not allowed"
    kill -9 "$BG"
    assert_eq "$("$DRIVER" oom "$T/j.state")" 0 "OOM kills"
    "$DRIVER" destroy "$T/j.state"
}

test_v1_memory_limit_is_enforced() {
    need_v1
    cg_config m "$CGROOT/m" '{"memory": {"limit": 33554432, "swap": 33554432}}'
    cg_create m m
    # tail keeps all of a line in memory: 100 MiB without a newline goes past the limit.
    out=$("$DRIVER" run "$T/m.state" -- sh -c 'head -c 100M /dev/zero | tail >/dev/null; echo "tail=$?"')
    assert_contains "$out" "tail=137" "tail past the memory limit"
    local m=/sys/fs/cgroup/memory$CGROOT/m
    kills=$(awk '$1 == "oom_kill" {print $2}' "$m/memory.oom_control")
    [ "${kills:-0}" -ge 1 ] || fail "memory.oom_control counts no OOM kill: $(cat "$m/memory.oom_control")"
    assert_eq "$("$DRIVER" oom "$T/m.state")" "$kills" "oom_kill_count"
    # Within the limit the same thing works.
    out=$("$DRIVER" run "$T/m.state" -- sh -c 'head -c 1M /dev/zero | tail >/dev/null; echo "tail=$?"')
    assert_contains "$out" "tail=0" "tail within the memory limit"
    "$DRIVER" destroy "$T/m.state"
}

test_v1_pids_limit_is_enforced() {
    need_v1
    cg_config p "$CGROOT/p" '{"pids": {"limit": 4}}'
    cg_create p p
    out=$("$DRIVER" run "$T/p.state" -- sh -c 'for i in 1 2 3 4 5 6; do sleep 0.5 & done; wait' 2>&1)
    assert_contains "$out" "fork" "fork refused past pids.max"
    events=$(awk '$1 == "max" {print $2}' "/sys/fs/cgroup/pids$CGROOT/p/pids.events")
    [ "${events:-0}" -ge 1 ] || fail "pids.events max is ${events:-0}"
    "$DRIVER" destroy "$T/p.state"
}

test_v1_freeze_and_thaw() {
    need_v1
    cg_config f "$CGROOT/f" '{}'
    cg_create f f
    sh -c "while :; do echo x >> $T/counter; sleep 0.05; done" &
    PIDS_TO_KILL="$PIDS_TO_KILL $!"
    "$DRIVER" add "$T/f.state" $!
    sleep 0.3
    "$DRIVER" freeze "$T/f.state"
    assert_eq "$("$DRIVER" frozen "$T/f.state")" true "frozen after freeze"
    assert_file "/sys/fs/cgroup/freezer$CGROOT/f" freezer.state FROZEN
    a=$(wc -l < "$T/counter")
    sleep 0.4
    b=$(wc -l < "$T/counter")
    assert_eq "$b" "$a" "lines written while frozen"
    "$DRIVER" thaw "$T/f.state"
    assert_eq "$("$DRIVER" frozen "$T/f.state")" false "frozen after thaw"
    sleep 0.4
    c=$(wc -l < "$T/counter")
    [ "$c" -gt "$b" ] || fail "no progress after thaw ($b -> $c)"
    "$DRIVER" kill "$T/f.state" 9
    for i in $(seq 50); do [ -z "$("$DRIVER" pids "$T/f.state")" ] && break; sleep 0.05; done
    "$DRIVER" destroy "$T/f.state"
}

test_v1_devices_are_enforced() {
    need_v1
    [ -e /dev/loop0 ] && [ -e /dev/loop1 ] || skip "no /dev/loop0 and /dev/loop1"
    cg_config d "$CGROOT/d" '{"devices": [{"allow": true, "type": "b", "major": 7, "minor": 1, "access": "r"}]}'
    cg_create d d
    out=$("$DRIVER" run "$T/d.state" -- sh -c 'head -c1 /dev/loop0 >/dev/null 2>&1; echo loop0=$?; head -c1 /dev/loop1 >/dev/null; echo loop1=$?; echo x > /dev/null; echo null=$?' 2>&1)
    assert_contains "$out" "loop0=1" "a device the rules do not allow"
    assert_contains "$out" "loop1=0" "a device a rule allows"
    assert_contains "$out" "null=0" "a default device"
    "$DRIVER" destroy "$T/d.state"
}

test_v1_update_reorders_memory_and_swap() {
    need_v1
    [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "no swap accounting (memory.memsw.limit_in_bytes)"
    cg_config u "$CGROOT/u" '{"memory": {"limit": 33554432, "swap": 67108864}, "cpu": {"quota": 20000, "period": 100000}}'
    cg_create u u
    local m=/sys/fs/cgroup/memory$CGROOT/u
    # Raising both past the old memory+swap works only if memsw is written first...
    cg_config u2 "$CGROOT/u" '{"memory": {"limit": 134217728, "swap": 268435456}, "cpu": {"quota": 300000, "period": 200000}}'
    "$DRIVER" update "$T/u.state" "$T/u2.json"
    assert_file "$m" memory.limit_in_bytes 134217728
    assert_file "$m" memory.memsw.limit_in_bytes 268435456
    assert_file "/sys/fs/cgroup/cpu$CGROOT/u" cpu.cfs_quota_us 300000
    assert_file "/sys/fs/cgroup/cpu$CGROOT/u" cpu.cfs_period_us 200000
    # ...and lowering both below the old limit only if the limit is written first.
    cg_config u3 "$CGROOT/u" '{"memory": {"limit": 16777216, "swap": 16777216}}'
    "$DRIVER" update "$T/u.state" "$T/u3.json"
    assert_file "$m" memory.limit_in_bytes 16777216
    assert_file "$m" memory.memsw.limit_in_bytes 16777216
    "$DRIVER" destroy "$T/u.state"
}

test_v1_kill_all_then_destroy_leaves_nothing() {
    need_v1
    cg_config k "$CGROOT/k" '{}'
    cg_create k k
    bg_sleep; "$DRIVER" add "$T/k.state" "$BG"
    bg_sleep; "$DRIVER" add "$T/k.state" "$BG"
    assert_eq "$("$DRIVER" pids "$T/k.state" | wc -l)" 2 "processes in the cgroup"
    "$DRIVER" kill "$T/k.state" 9
    for i in $(seq 50); do [ -z "$("$DRIVER" pids "$T/k.state")" ] && break; sleep 0.05; done
    assert_eq "$("$DRIVER" pids "$T/k.state")" "" "processes after kill"
    "$DRIVER" destroy "$T/k.state"
    left=$(ls -d /sys/fs/cgroup/*"$CGROOT"/k /sys/fs/cgroup/unified"$CGROOT"/k 2>/dev/null || true)
    assert_eq "$left" "" "cgroup directories after destroy"
}

test_v1_refuses_a_cgroup_with_processes() {
    need_v1
    cg_config e "$CGROOT/e" '{}'
    cg_create e e
    bg_sleep; "$DRIVER" add "$T/e.state" "$BG"
    ! "$DRIVER" create e2 "$T/e.json" > /dev/null 2>"$T/err" || fail "create in a cgroup with a process succeeded"
    assert_contains "$(cat "$T/err")" "is not empty: 1 process(es) in it"
    kill -9 "$BG"
}

test_v1_errors_name_the_setting_and_undo_create() {
    need_v1
    cg_config s "$CGROOT/bad" '{"cpu": {"shares": 1}}'
    ! "$DRIVER" create bad "$T/s.json" > /dev/null 2>"$T/err" || fail "cpu.shares 1 was accepted"
    assert_contains "$(cat "$T/err")" "cpu.shares 1 is out of range: the kernel set 2"
    left=$(ls -d /sys/fs/cgroup/*"$CGROOT"/bad 2>/dev/null || true)
    assert_eq "$left" "" "directories left by a failed create"
    cg_config h "$CGROOT/bad" '{"hugepageLimits": [{"pageSize": "3MB", "limit": 1}]}'
    ! "$DRIVER" create bad "$T/h.json" > /dev/null 2>"$T/err" || fail "a 3MB page size was accepted"
    assert_contains "$(cat "$T/err")" "pageSize \"3MB\" is not a huge page size of this kernel"
    if [ "$(host_mode)" = hybrid ]; then
        cg_config u "$CGROOT/bad" '{"unified": {"memory.high": "1G"}}'
        ! "$DRIVER" create bad "$T/u.json" > /dev/null 2>"$T/err" || fail "unified memory.high was accepted"
        assert_contains "$(cat "$T/err")" "unified \"memory.high\": the memory controller is not available in /sys/fs/cgroup/unified$CGROOT/bad"
    fi
}

test_v1_stats() {
    need_v1
    cg_config st "$CGROOT/st" '{"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
    cg_create st st
    "$DRIVER" run "$T/st.state" -- sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done' > /dev/null
    bg_sleep; "$DRIVER" add "$T/st.state" "$BG"
    "$DRIVER" stats "$T/st.state" > "$T/stats.json"
    assert_eq "$(jq .memory.usage.limit "$T/stats.json")" 67108864 "memory limit"
    assert_eq "$(jq .pids.limit "$T/stats.json")" 50 "pids limit"
    assert_eq "$(jq .pids.current "$T/stats.json")" 1 "pids current"
    [ "$(jq .cpu.usage.total "$T/stats.json")" -gt 0 ] || fail "no cpu usage: $(cat "$T/stats.json")"
    [ "$(jq '.cpu.usage.percpu | length' "$T/stats.json")" -ge 1 ] || fail "no per-CPU usage"
    [ "$(jq .memory.usage.max "$T/stats.json")" -gt 0 ] || fail "no memory high-water mark"
    jq -e '.memory.raw.rss != null' "$T/stats.json" > /dev/null || fail "no memory.stat in raw"
    kill -9 "$BG"
}

# ---------------------------------------------------------------- systemd

test_systemd_driver_names_the_bus_it_tried() {
    cg_prepare
    [ "$(ps -p 1 -o comm=)" != systemd ] || skip "systemd is PID 1 here: the driver would really run"
    cg_config sd "system.slice:hull:$ID" '{"memory": {"limit": 33554432}}' '.annotations = {"org.systemd.property.CollectMode": "'"'"'inactive-or-failed'"'"'"}'
    ! "$DRIVER" --systemd create "$ID" "$T/sd.json" > /dev/null 2>"$T/err" || fail "the systemd driver worked without systemd"
    assert_contains "$(cat "$T/err")" "connect to systemd: the system bus at unix:path=/run/dbus/system_bus_socket"
    assert_contains "$(cat "$T/err")" "unix:path=/run/systemd/private"
    assert_contains "$(cat "$T/err")" "needs systemd as PID 1"
    env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR=/nonexistent "$DRIVER" --systemd --rootless create "$ID" "$T/sd.json" > /dev/null 2>"$T/err" && fail "user bus"
    assert_contains "$(cat "$T/err")" "connect to the systemd user bus at unix:path=/nonexistent/bus"
    cg_config sd2 "/not/slice/form" '{}'
    ! "$DRIVER" --systemd create "$ID" "$T/sd2.json" > /dev/null 2>"$T/err" || fail "bad cgroupsPath accepted"
    assert_contains "$(cat "$T/err")" "expects \"slice:prefix:name\""
}

# The live part of the systemd driver against tests/fake-systemd.cpp, which answers on a socket
# of its own what systemd answers (DBUS_SYSTEM_BUS_ADDRESS points the driver there).
start_fake_systemd() {
    local dir
    dir=$(dirname "$HULL")
    FAKE=${FAKE_SYSTEMD:-$dir/fake-systemd}
    if [ ! -x "$FAKE" ] && [ -f "$dir/Makefile" ]; then make -s -C "$dir" fake-systemd >/dev/null 2>&1 || true; fi
    [ -x "$FAKE" ] || skip "no fake-systemd next to $HULL (make check or make fake-systemd builds it)"
    "$FAKE" "$T/bus.sock" "$T/fake.log" &
    PIDS_TO_KILL="$PIDS_TO_KILL $!"
    for i in $(seq 50); do [ -S "$T/bus.sock" ] && break; sleep 0.02; done
    export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock
}

# The slices a test's units went into, removed afterwards when the test made them.
note_slices() {
    SLICES_BEFORE=$(ls -d /sys/fs/cgroup/*/system.slice /sys/fs/cgroup/system.slice 2>/dev/null || true)
}
remove_new_slices() {
    local d
    for d in /sys/fs/cgroup/*/system.slice /sys/fs/cgroup/system.slice; do
        [ -d "$d" ] || continue
        grep -qxF "$d" <<<"$SLICES_BEFORE" || rmdir "$d" 2>/dev/null || true
    done
}

test_systemd_driver_against_a_stand_in_systemd() {
    need_v1
    [ "$(ps -p 1 -o comm=)" != systemd ] || skip "systemd is PID 1 here: use the real one"
    note_slices
    start_fake_systemd
    local unit=hull-$ID.scope
    cg_config s "system.slice:hull:$ID" '{"memory": {"limit": 33554432}, "pids": {"limit": 10}, "cpu": {"shares": 512}}' \
        '.annotations = {"org.systemd.property.TimeoutStopSec": "uint64 5"}'
    bg_sleep
    "$DRIVER" --systemd create "$ID" "$T/s.json" "$BG" > "$T/s.state" || { remove_new_slices; fail "create"; }
    grep -q '"inner":{"driver":"v1"' "$T/s.state" || fail "state without the unit's cgroup: $(cat "$T/s.state")"
    # The process is in the unit's cgroup in every hierarchy; the fs side wrote what systemd
    # would not (a v1 systemd sets few of these files itself).
    assert_eq "$(grep -vc ":/system.slice/$unit\$" /proc/$BG/cgroup)" 0 "lines of /proc/$BG/cgroup outside the unit"
    assert_file "/sys/fs/cgroup/memory/system.slice/$unit" memory.limit_in_bytes 33554432
    assert_file "/sys/fs/cgroup/pids/system.slice/$unit" pids.max 10
    assert_file "/sys/fs/cgroup/cpu/system.slice/$unit" cpu.shares 512
    # What systemd was asked, decoded on its side.
    local log
    log=$(tr -d '\n\t ' < "$T/fake.log")
    for want in 'STRING"'"$unit"'";STRING"replace";' 'STRING"Slice";VARIANT"s"{STRING"system.slice";}' \
                'STRING"Delegate";VARIANT"b"{BOOLEANtrue;}' 'STRING"PIDs";VARIANT"au"{ARRAY"u"{UINT32'"$BG"';}' \
                'STRING"MemoryLimit";VARIANT"t"{UINT6433554432;}' 'STRING"TasksMax";VARIANT"t"{UINT6410;}' \
                'STRING"CPUShares";VARIANT"t"{UINT64512;}' 'STRING"DevicePolicy";VARIANT"s"{STRING"strict";}' \
                'STRING"TimeoutStopUSec";VARIANT"t"{UINT645000000;}'; do
        assert_contains "$log" "$want" "StartTransientUnit"
    done
    grep -q "CALL org.freedesktop.systemd1.Manager.Subscribe" "$T/fake.log" || fail "no Subscribe before waiting for the job"
    cg_config s2 "system.slice:hull:$ID" '{"memory": {"limit": 67108864}}'
    "$DRIVER" update "$T/s.state" "$T/s2.json"
    assert_contains "$(tr -d '\n\t ' < "$T/fake.log")" 'STRING"MemoryLimit";VARIANT"t"{UINT6467108864;}' "SetUnitProperties"
    assert_file "/sys/fs/cgroup/memory/system.slice/$unit" memory.limit_in_bytes 67108864
    "$DRIVER" freeze "$T/s.state"
    assert_eq "$("$DRIVER" frozen "$T/s.state")" true frozen
    "$DRIVER" thaw "$T/s.state"
    "$DRIVER" destroy "$T/s.state"
    grep -q "CALL org.freedesktop.systemd1.Manager.StopUnit" "$T/fake.log" || fail "no StopUnit"
    for i in $(seq 50); do kill -0 "$BG" 2>/dev/null || break; sleep 0.05; done
    ! kill -0 "$BG" 2>/dev/null || fail "the unit's process survived StopUnit"
    left=$(ls -d /sys/fs/cgroup/*/system.slice/"$unit" 2>/dev/null || true)
    assert_eq "$left" "" "cgroups left after destroy"
    # A second start of the same name works (a stopped unit is forgotten).
    bg_sleep
    "$DRIVER" --systemd create "$ID" "$T/s.json" "$BG" > "$T/s.state"
    "$DRIVER" destroy "$T/s.state"
    remove_new_slices
}

# ---------------------------------------------------------------- cgroup v2 (private mount namespace)

# in_v2 FUNCTION: run FUNCTION in a new mount namespace with cgroup2 on /sys/fs/cgroup.
in_v2() {
    unshare -m --propagation private bash -c "set -eEuo pipefail
        source '$TESTS_DIR/lib.sh'; source '$TESTS_DIR/integration/cgroups.sh'
        T='$T'; ID='$ID'; DRIVER='$DRIVER'; CGROOT='$CGROOT'; PIDS_TO_KILL=''
        if [ \"\$(stat -fc %T /sys/fs/cgroup)\" != cgroup2fs ]; then mount -t cgroup2 none /sys/fs/cgroup; fi
        trap cg_remove_leftovers EXIT
        $1"
}

need_v2() {
    cg_prepare
    command -v unshare > /dev/null || skip "no unshare(1)"
}

v2_has() { grep -qw "$1" /sys/fs/cgroup/cgroup.controllers; }

v2_clone_into_cgroup_devices_cgroupns() {
    cg_config v "$CGROOT/v" '{"devices": [{"allow": true, "type": "b", "major": 7, "minor": 1, "access": "r"}]}'
    cg_create v v
    assert_eq "$("$DRIVER" driver "$T/v.state")" v2 "driver"
    # clone3 with CLONE_INTO_CGROUP: the child starts in the cgroup.
    out=$("$DRIVER" run "$T/v.state" -- cat /proc/self/cgroup)
    assert_contains "$out" "0::$CGROOT/v"
    # A cgroup namespace made with the clone (or after) has the container's cgroup as its root.
    assert_contains "$("$DRIVER" run "$T/v.state" --clone-newcgroup -- cat /proc/self/cgroup)" "0::/"
    ! grep -q "0::$CGROOT" <<<"$("$DRIVER" run "$T/v.state" --cgroupns -- cat /proc/self/cgroup)" || fail "cgroupns root"
    [ -e /dev/loop0 ] && [ -e /dev/loop1 ] || skip "no /dev/loop0 and /dev/loop1 for the eBPF device test"
    out=$("$DRIVER" run "$T/v.state" -- sh -c 'head -c1 /dev/loop0 >/dev/null 2>&1; echo loop0=$?; head -c1 /dev/loop1 >/dev/null; echo loop1=$?; echo x > /dev/null; echo null=$?; mknod /tmp/hull-cg-null-$$ c 1 3 && echo mknod=$?; rm -f /tmp/hull-cg-null-$$')
    assert_contains "$out" "loop0=1" "a device the eBPF filter denies"
    assert_contains "$out" "loop1=0" "a device the eBPF filter allows"
    assert_contains "$out" "null=0" "a default device"
    assert_contains "$out" "mknod=0" "mknod (c *:* m)"
    mkdir "/sys/fs/cgroup$CGROOT/v/sub"
    bg_sleep
    "$DRIVER" add-to "$T/v.state" "$BG" sub
    assert_eq "$(grep '^0::' /proc/$BG/cgroup)" "0::$CGROOT/v/sub" "exec --cgroup sub"
    ! "$DRIVER" add-to "$T/v.state" "$BG" other 2>"$T/err" || fail "a missing sub-cgroup was accepted"
    assert_contains "$(cat "$T/err")" "sub-cgroup \"other\" of the container does not exist (/sys/fs/cgroup$CGROOT/v/other)"
    kill -9 "$BG"
    for i in $(seq 50); do grep -qx "populated 0" "/sys/fs/cgroup$CGROOT/v/sub/cgroup.events" && break; sleep 0.05; done
    if v2_has memory; then
        assert_eq "$("$DRIVER" oom "$T/v.state")" 0 "OOM kills (none happened)"
    else
        assert_eq "$("$DRIVER" oom "$T/v.state")" none "OOM kills without a memory controller"
    fi
    # An update with device rules replaces the program (not adds one: the old one would still deny).
    cg_config v2 "$CGROOT/v" '{"devices": [{"allow": true, "type": "b", "major": 7, "minor": 0, "access": "r"}]}'
    "$DRIVER" update "$T/v.state" "$T/v2.json"
    out=$("$DRIVER" run "$T/v.state" -- sh -c 'head -c1 /dev/loop0 >/dev/null 2>&1; echo loop0=$?; head -c1 /dev/loop1 >/dev/null 2>&1; echo loop1=$?')
    assert_contains "$out" "loop0=0" "loop0 after the update"
    assert_contains "$out" "loop1=1" "loop1 after the update"
    "$DRIVER" destroy "$T/v.state"
    [ ! -d "/sys/fs/cgroup$CGROOT/v" ] || fail "cgroup left after destroy"
}
test_v2_clone_into_cgroup_devices_cgroupns() { need_v2; in_v2 v2_clone_into_cgroup_devices_cgroupns; }

v2_freeze_kill_destroy() {
    cg_config f "$CGROOT/f" '{}'
    cg_create f f
    sh -c "while :; do echo x >> $T/counter; sleep 0.05; done" &
    PIDS_TO_KILL="$PIDS_TO_KILL $!"
    "$DRIVER" add "$T/f.state" $!
    sleep 0.3
    "$DRIVER" freeze "$T/f.state"
    assert_eq "$("$DRIVER" frozen "$T/f.state")" true "frozen"
    grep -qx "frozen 1" "/sys/fs/cgroup$CGROOT/f/cgroup.events" || fail "cgroup.events: $(cat "/sys/fs/cgroup$CGROOT/f/cgroup.events")"
    a=$(wc -l < "$T/counter"); sleep 0.4; b=$(wc -l < "$T/counter")
    assert_eq "$b" "$a" "lines written while frozen"
    "$DRIVER" thaw "$T/f.state"
    sleep 0.4
    [ "$(wc -l < "$T/counter")" -gt "$b" ] || fail "no progress after thaw"
    # SIGKILL goes through cgroup.kill: every process, the loop's sleep children too.
    "$DRIVER" kill "$T/f.state" 9
    for i in $(seq 50); do grep -qx "populated 0" "/sys/fs/cgroup$CGROOT/f/cgroup.events" && break; sleep 0.05; done
    grep -qx "populated 0" "/sys/fs/cgroup$CGROOT/f/cgroup.events" || fail "processes left after kill"
    # Another signal: frozen, signalled one by one, thawed.
    bg_sleep; "$DRIVER" add "$T/f.state" "$BG"
    "$DRIVER" kill "$T/f.state" 15
    for i in $(seq 50); do kill -0 "$BG" 2>/dev/null || break; sleep 0.05; done
    ! kill -0 "$BG" 2>/dev/null || fail "SIGTERM did not reach $BG"
    assert_eq "$("$DRIVER" frozen "$T/f.state")" false "frozen after kill 15"
    "$DRIVER" destroy "$T/f.state"
    [ ! -d "/sys/fs/cgroup$CGROOT/f" ] || fail "cgroup left after destroy"
}
test_v2_freeze_kill_destroy() { need_v2; in_v2 v2_freeze_kill_destroy; }

v2_hugetlb_and_unified() {
    v2_has hugetlb || skip "no hugetlb controller in the cgroup v2 hierarchy"
    cg_config h "$CGROOT/h" '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}], "unified": {"hugetlb.1GB.max": "1073741824"}}'
    cg_create h h
    local d=/sys/fs/cgroup$CGROOT/h
    grep -qw hugetlb "/sys/fs/cgroup$CGROOT/cgroup.subtree_control" || fail "hugetlb not enabled in the parent"
    assert_file "$d" hugetlb.2MB.max 4194304
    [ ! -f "$d/hugetlb.2MB.rsvd.max" ] || assert_file "$d" hugetlb.2MB.rsvd.max 4194304
    [ ! -f "$d/hugetlb.1GB.max" ] || assert_file "$d" hugetlb.1GB.max 1073741824
    "$DRIVER" stats "$T/h.state" | jq -e '.hugetlb["2MB"].failcnt == 0' > /dev/null || fail "hugetlb stats"
    # Bad unified keys are refused before anything is written.
    cg_config b "$CGROOT/b" '{"unified": {"../hugetlb.2MB.max": "1"}}'
    ! "$DRIVER" create b "$T/b.json" > /dev/null 2>"$T/err" || fail "a unified key with / was accepted"
    assert_contains "$(cat "$T/err")" "no '/'"
    [ ! -d "/sys/fs/cgroup$CGROOT/b" ] || fail "a failed create left its cgroup"
    "$DRIVER" destroy "$T/h.state"
}
test_v2_hugetlb_and_unified() { need_v2; in_v2 v2_hugetlb_and_unified; }

v2_missing_controller_is_an_error() {
    ! v2_has pids || skip "the pids controller is available to cgroup v2 here"
    cg_config p "$CGROOT/p" '{"pids": {"limit": 10}}'
    ! "$DRIVER" create p "$T/p.json" > /dev/null 2>"$T/err" || fail "pids.max without a pids controller was accepted"
    assert_contains "$(cat "$T/err")" "cannot set pids.max: the pids controller is not available in /sys/fs/cgroup$CGROOT/p"
    [ ! -d "/sys/fs/cgroup$CGROOT/p" ] || fail "a failed create left its cgroup"
    cg_config r "$CGROOT/p" '{"cpu": {"realtimeRuntime": 1000}}'
    ! "$DRIVER" create p "$T/r.json" > /dev/null 2>"$T/err" || fail "realtime accepted on v2"
    assert_contains "$(cat "$T/err")" "not supported on cgroup v2"
}
test_v2_missing_controller_is_an_error() { need_v2; in_v2 v2_missing_controller_is_an_error; }

v2_systemd_driver() {
    v2_has hugetlb || skip "no hugetlb controller in the cgroup v2 hierarchy"
    note_slices
    start_fake_systemd
    local unit=hull-$ID.scope
    cg_config s "system.slice:hull:$ID" '{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}],
        "devices": [{"allow": true, "type": "b", "major": 7, "minor": 1, "access": "r"}]}'
    bg_sleep
    "$DRIVER" --systemd create "$ID" "$T/s.json" "$BG" > "$T/s.state" || { remove_new_slices; fail "create"; }
    grep -q '"inner":{"driver":"v2"' "$T/s.state" || fail "state: $(cat "$T/s.state")"
    assert_eq "$(grep '^0::' /proc/$BG/cgroup)" "0::/system.slice/$unit" "cgroup of the unit's process"
    assert_file "/sys/fs/cgroup/system.slice/$unit" hugetlb.2MB.max 2097152
    local log
    log=$(tr -d '\n\t ' < "$T/fake.log")
    assert_contains "$log" 'STRING"IOAccounting";VARIANT"b"{BOOLEANtrue;}' "v2 property names"
    assert_contains "$log" 'STRING"DeviceAllow";VARIANT"a(ss)"{ARRAY"(ss)"{STRUCT"ss"{STRING"/dev/block/7:1";STRING"r";}' "DeviceAllow"
    if [ -e /dev/loop0 ] && [ -e /dev/loop1 ]; then
        out=$("$DRIVER" run "$T/s.state" -- sh -c 'head -c1 /dev/loop0 >/dev/null 2>&1; echo loop0=$?; head -c1 /dev/loop1 >/dev/null; echo loop1=$?')
        assert_contains "$out" "loop0=1" "the unit's eBPF device filter"
        assert_contains "$out" "loop1=0" "the unit's eBPF device filter"
    fi
    "$DRIVER" kill "$T/s.state" 9
    "$DRIVER" destroy "$T/s.state"
    [ ! -d "/sys/fs/cgroup/system.slice/$unit" ] || fail "the unit's cgroup is left"
    remove_new_slices
}
test_v2_systemd_driver() { need_v2; [ "$(ps -p 1 -o comm=)" != systemd ] || skip "systemd is PID 1 here"; in_v2 v2_systemd_driver; }

v2_resources_are_written() {
    local c missing=""
    for c in memory pids cpu; do v2_has $c || missing="$missing $c"; done
    [ -z "$missing" ] || skip "the cgroup v2 hierarchy of this host lacks:$missing (bound to cgroup v1)"
    cg_config r "$CGROOT/r" '{"memory": {"limit": 67108864, "reservation": 1048576}, "pids": {"limit": 4},
                             "cpu": {"shares": 1024, "quota": 50000, "period": 100000}}'
    cg_create r r
    local d=/sys/fs/cgroup$CGROOT/r
    assert_file "$d" memory.max 67108864
    assert_file "$d" memory.low 1048576
    assert_file "$d" pids.max 4
    assert_file "$d" cpu.weight 100
    assert_file "$d" cpu.max "50000 100000"
    out=$("$DRIVER" run "$T/r.state" -- sh -c 'for i in 1 2 3 4 5 6; do sleep 0.5 & done; wait' 2>&1)
    assert_contains "$out" "fork" "fork refused past pids.max"
    "$DRIVER" destroy "$T/r.state"
}
test_v2_resources_are_written() { need_v2; in_v2 v2_resources_are_written; }
