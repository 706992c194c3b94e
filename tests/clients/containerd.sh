# containerd 1.6 with its runc shim (containerd-shim-runc-v2), driven by ctr with
# --runc-binary: a private containerd per test (own root, state and sockets under $T, CRI plugin
# off; it starts in about 0.1 s) with the test image imported.
# What the shim asks of the runtime (from /work/shared/reference/clients.md), cwd = the bundle,
# G = --root <runc-root>/<ns> --log <state>/.../log.json --log-format json:
#   G create --bundle B --pid-file B/init.pid [--console-socket S] ID; G start ID
#   G exec --process F [--console-socket S] --detach --pid-file P ID; G ps --format json ID
#   G pause ID; G resume ID; G kill [--all] ID SIG; G delete [--force] ID

task_pid() { $CTR task ls | awk -v id="$1" '$1 == id { print $2 }'; }

# ns_pids ID: host pids of every process in the task's pid namespace (without asking the runtime).
ns_pids() {
    local ns p
    ns=$(readlink "/proc/$(task_pid "$1")/ns/pid") || return 1
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/pid" 2>/dev/null)" != "$ns" ] || echo "${p#/proc/}"
    done
}

ns_has_pids() { [ "$(ns_pids "$1" | wc -w)" -ge "$2" ]; }

task_status_is() { [ "$($CTR task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }')" = "$2" ]; }

# start_task ID [args...]: ctr run -d, running when this returns (default program: sleep 1000).
start_task() {
    local id=$1
    shift
    [ $# -gt 0 ] || set -- sleep 1000
    $CTR run -d $RUNC_OPTS "$BB_IMAGE" "$id" "$@" >/dev/null || fail "ctr run -d $id failed"
    wait_until 10 task_status_is "$id" RUNNING || fail "task $id is not running: $($CTR task ls 2>&1)"
}

test_containerd_run() {
    containerd_setup
    out=$($CTR run --rm $RUNC_OPTS "$BB_IMAGE" "ht-$TID" sh -c 'echo out-line; echo err-line >&2' 2>&1) \
        || fail "ctr run --runc-binary $RUNTIME failed: $out"
    assert_contains "$out" out-line "stdout of ctr run"
    assert_contains "$out" err-line "stderr of ctr run"
    assert_eq "$($CTR run --rm $RUNC_OPTS "$BB_IMAGE" "ht-$TID")" hello-from-hull-test "output of the image's CMD"
    assert_eq "$($CTR run --rm $RUNC_OPTS --env FOO=bar --cwd /tmp "$BB_IMAGE" "ht-$TID" sh -c 'echo $PWD $FOO')" \
        "/tmp bar" "cwd and env of ctr run"
    grep -q ' create ' "$RT_LOG" || fail "the shim did not call the runtime under test"
}

test_containerd_exit_codes() {
    containerd_setup
    for code in 0 7; do
        rc=0
        $CTR run --rm $RUNC_OPTS "$BB_IMAGE" "ht-$TID" sh -c "exit $code" || rc=$?
        assert_eq "$rc" "$code" "exit status of ctr run ... exit $code"
    done
    # Killed while attached: 128 + 9.
    $CTR run --rm $RUNC_OPTS "$BB_IMAGE" "ht-$TID" sleep 1000 &
    pid=$!
    wait_until 10 task_status_is "ht-$TID" RUNNING || fail "task is not running"
    $CTR task kill -s KILL "ht-$TID"
    rc=0
    wait "$pid" || rc=$?
    assert_eq "$rc" 137 "exit status of ctr run when the task is killed"
}

test_containerd_run_tty() {
    need_clients script
    containerd_setup
    rc=0
    out=$(printf 'tty\necho typed-$((6*7))\nexit 5\n' \
        | script -qec "$CTR run --rm -t $RUNC_OPTS $BB_IMAGE ht-$TID sh" /dev/null) || rc=$?
    assert_contains "$out" /dev/pts/ "tty inside ctr run -t"
    assert_contains "$out" typed-42 "input typed into ctr run -t"
    assert_eq "$rc" 5 "exit status of ctr run -t"
}

test_containerd_exec() {
    containerd_setup
    c=ht-$TID
    start_task "$c"
    assert_eq "$($CTR task exec --exec-id e1 "$c" echo exec-ok)" exec-ok "output of ctr task exec"
    rc=0
    $CTR task exec --exec-id e2 "$c" sh -c 'exit 4' || rc=$?
    assert_eq "$rc" 4 "exit status of ctr task exec"
    assert_eq "$($CTR task exec --exec-id e3 --user 1000 --cwd /tmp "$c" sh -c 'echo $(id -u) $PWD')" "1000 /tmp" \
        "user and cwd of ctr task exec"
    assert_eq "$(echo via-stdin | $CTR task exec --exec-id e4 "$c" cat)" via-stdin "stdin of ctr task exec"
}

test_containerd_exec_tty() {
    need_clients script
    containerd_setup
    c=ht-$TID
    start_task "$c"
    rc=0
    out=$(printf 'tty\necho typed-$((6*7))\nexit 4\n' | script -qec "$CTR task exec -t --exec-id e1 $c sh" /dev/null) || rc=$?
    assert_contains "$out" /dev/pts/ "tty inside ctr task exec -t"
    assert_contains "$out" typed-42 "input typed into ctr task exec -t"
    assert_eq "$rc" 4 "exit status of ctr task exec -t"
}

test_containerd_ps() {
    containerd_setup
    c=ht-$TID
    start_task "$c"
    $CTR task exec --exec-id e1 "$c" sleep 999 &
    wait_until 10 ns_has_pids "$c" 2 || fail "the exec did not start"
    want=$(ns_pids "$c" | sort -n | tr '\n' ' ')
    out=$($CTR task ps "$c" 2>&1) || fail "ctr task ps: $out"
    got=$(echo "$out" | tail -n +2 | awk '{ print $1 }' | sort -n | tr '\n' ' ')
    assert_eq "$got" "$want" "pids listed by ctr task ps"
    assert_contains "$out" "ExecID:e1" "the exec in ctr task ps"
}

test_containerd_pause_resume() {
    containerd_setup
    c=ht-$TID
    start_task "$c" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'
    pid=$(task_pid "$c")
    wait_until 5 test -s "/proc/$pid/root/tmp/count" || fail "the counter was never written"
    $CTR task pause "$c"
    assert_eq "$($CTR task ls | awk -v id="$c" '$1 == id { print $3 }')" PAUSED "status after pause"
    n1=$(cat "/proc/$pid/root/tmp/count"); sleep 0.4; n2=$(cat "/proc/$pid/root/tmp/count")
    assert_eq "$n2" "$n1" "the counter while paused"
    $CTR task resume "$c"
    assert_eq "$($CTR task ls | awk -v id="$c" '$1 == id { print $3 }')" RUNNING "status after resume"
    wait_until 5 sh -c "[ \"\$(cat /proc/$pid/root/tmp/count)\" != \"$n1\" ]" || fail "the counter did not move after resume"
}

test_containerd_kill() {
    containerd_setup
    c=ht-$TID
    start_task "$c" sh -c 'trap "echo got-usr1 > /tmp/usr1" USR1; trap "exit 0" TERM; while :; do sleep 0.1; done'
    sleep 0.3    # the shell sets its traps
    $CTR task kill -s USR1 "$c"
    wait_until 5 $CTR task exec --exec-id e1 "$c" test -f /tmp/usr1 || fail "kill -s USR1 not delivered"
    $CTR task kill "$c"     # SIGTERM
    wait_until 10 task_status_is "$c" STOPPED || fail "task did not stop on SIGTERM"
    out=$($CTR task delete "$c" 2>&1)
    ! grep -q "non-zero exit" <<<"$out" || fail "exit after SIGTERM: $out"
    # pid 1 without a handler ignores SIGTERM; SIGKILL works.
    $CTR containers rm "$c"
    start_task "$c"
    $CTR task kill -s KILL "$c"
    wait_until 10 task_status_is "$c" STOPPED || fail "task did not stop on SIGKILL"
    assert_contains "$($CTR task delete "$c" 2>&1)" "exit code 137" "exit after SIGKILL"
}

test_containerd_kill_all() {
    containerd_setup
    c=ht-$TID
    start_task "$c"
    $CTR task exec --exec-id e1 "$c" sleep 999 &
    wait_until 10 ns_has_pids "$c" 2 || fail "the exec did not start"
    pids=$(ns_pids "$c")
    $CTR task kill -a -s KILL "$c"
    wait_until 10 task_status_is "$c" STOPPED || fail "task did not stop on kill -a"
    for p in $pids; do
        wait_until 5 sh -c "! kill -0 $p" || fail "process $p survived kill -a"
    done
    grep -q ' kill --all ' "$RT_LOG" || grep -q ' kill -a ' "$RT_LOG" || fail "the runtime was not asked to kill --all"
}

test_containerd_delete_force() {
    containerd_setup
    c=ht-$TID
    start_task "$c"
    pid=$(task_pid "$c")
    $CTR task delete -f "$c" >/dev/null 2>&1
    ! $CTR task ls -q | grep -qx "$c" || fail "task still listed after delete -f"
    wait_until 5 sh -c "! kill -0 $pid" || fail "init process $pid still alive after delete -f"
    $CTR containers rm "$c"
    [ -z "$("$RUNTIME" --root "$CTD/runc-root/$CTD_NS" list -q 2>/dev/null)" ] \
        || fail "the runtime still lists: $("$RUNTIME" --root "$CTD/runc-root/$CTD_NS" list -q)"
}

# contrib/containerd-config.toml is valid for containerd (the CRI plugin's runtime options).
test_containerd_config_snippet() {
    need_clients containerd
    clients_setup
    mkdir -p "$T/ctd"
    sed -e "s#/usr/local/bin/hull#$RT#" "$CONTRIB_DIR/containerd-config.toml" > "$T/ctd/config.toml"
    out=$(containerd --config "$T/ctd/config.toml" config dump 2>&1) || fail "containerd rejects the snippet: $out"
    assert_contains "$out" "BinaryName = \"$RT\"" "runtime options of the hull runtime"
    assert_contains "$out" '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull]' "runtime table"
}
