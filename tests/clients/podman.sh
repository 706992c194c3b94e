# Podman 4.3 with conmon, runtime registered as "hull" by contrib/containers.conf (see
# lib-clients.sh). Every container is labelled hull-test=$TID and removed when the test ends.
# What podman asks of the runtime here (from /work/shared/reference/clients.md):
#   run: create --bundle B --pid-file P [--console-socket S] ID, start ID, delete --force ID
#   exec: exec --pid-file P --process F --detach [--tty --console-socket S] ID
#   stop/kill/rm -f: kill ID 15|9|N;  pause/unpause: pause|resume ID;  update --resources=F ID

podman_status_is() { [ "$(podman inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = "$2" ]; }
podman_logs_have() { podman logs "$1" 2>&1 | grep -q -- "$2"; }
podman_pid() { podman inspect -f '{{.State.Pid}}' "$1"; }

# start_sleeper NAME [run options]: a detached container that sleeps, running when this returns.
start_sleeper() {
    local name=$1
    shift
    prun -d --name "$name" "$@" "$BB_IMAGE" sleep 1000 >/dev/null || fail "podman run -d failed"
    wait_until 10 podman_status_is "$name" running || fail "$name is not running"
}

test_podman_run_output() {
    podman_setup
    out=$(prun --rm "$BB_IMAGE" sh -c 'echo out-line; echo err-line >&2' 2>&1)
    assert_contains "$out" out-line "stdout of podman run"
    assert_contains "$out" err-line "stderr of podman run"
    assert_eq "$(prun --rm "$BB_IMAGE")" hello-from-hull-test "output of the image's CMD"
    assert_eq "$(echo piped-in | prun --rm -i "$BB_IMAGE" cat)" piped-in "stdin of podman run -i"
    assert_eq "$(prun --rm --user 1000 -w /tmp -e FOO=bar "$BB_IMAGE" sh -c 'echo $(id -u) $PWD $FOO')" \
        "1000 /tmp bar" "user, workdir and env"
}

test_podman_run_exit_codes() {
    podman_setup
    for code in 0 3; do
        rc=0
        prun --rm "$BB_IMAGE" sh -c "exit $code" || rc=$?
        assert_eq "$rc" "$code" "exit status of podman run ... exit $code"
    done
    # Killed while attached: 128 + 9.
    prun --rm --name "ht-$TID-k" "$BB_IMAGE" sleep 1000 &
    pid=$!
    wait_until 10 podman_status_is "ht-$TID-k" running || fail "container is not running"
    podman kill "ht-$TID-k" >/dev/null
    rc=0
    wait "$pid" || rc=$?
    assert_eq "$rc" 137 "exit status of podman run when the container is killed"
}

test_podman_run_missing_command_127() {
    podman_setup
    rc=0
    out=$(prun --rm "$BB_IMAGE" /no/such/command 2>&1) || rc=$?
    assert_eq "$rc" 127 "exit status for a missing command (podman said: $out)"
    rc=0
    out=$(prun --rm "$BB_IMAGE" /etc/passwd 2>&1) || rc=$?
    assert_eq "$rc" 126 "exit status for a file that is not executable (podman said: $out)"
}

test_podman_run_tty() {
    need_clients script
    podman_setup
    # A real pty: script(1) gives podman a terminal; what we type goes through conmon's console.
    rc=0
    out=$(printf 'tty\necho typed-$((6*7))\nexit 5\n' \
        | script -qec "podman run -it --rm --label hull-test=$TID $BB_IMAGE sh" /dev/null) || rc=$?
    assert_contains "$out" /dev/pts/ "tty inside podman run -it"
    assert_contains "$out" typed-42 "input typed into podman run -it"
    assert_eq "$rc" 5 "exit status of podman run -it"
}

test_podman_exec() {
    podman_setup
    c=ht-$TID
    start_sleeper "$c"
    assert_eq "$(podman exec "$c" echo exec-ok)" exec-ok "output of podman exec"
    rc=0
    podman exec "$c" sh -c 'exit 5' || rc=$?
    assert_eq "$rc" 5 "exit status of podman exec"
    assert_eq "$(echo via-stdin | podman exec -i "$c" cat)" via-stdin "stdin of podman exec -i"
    assert_eq "$(podman exec --user 1000 --workdir /tmp --env FOO=bar "$c" sh -c 'echo $(id -u) $PWD $FOO')" \
        "1000 /tmp bar" "user, workdir and env of podman exec"
    assert_eq "$(podman exec "$c" sh -c 'readlink /proc/1/exe; cat /proc/1/cmdline | tr "\0" " "')" \
        "$(printf '/bin/busybox\nsleep 1000 ')" "exec runs beside the container's init"
    podman exec -d "$c" sh -c 'echo detached > /tmp/d'
    wait_until 5 podman exec "$c" test -f /tmp/d || fail "podman exec -d did not run"
}

test_podman_exec_tty() {
    need_clients script
    podman_setup
    c=ht-$TID
    start_sleeper "$c"
    out=$(podman exec -t "$c" tty)
    assert_contains "$out" /dev/pts/ "tty of podman exec -t"
    rc=0
    out=$(printf 'tty\necho typed-$((6*7))\nexit 4\n' | script -qec "podman exec -it $c sh" /dev/null) || rc=$?
    assert_contains "$out" /dev/pts/ "tty inside podman exec -it"
    assert_contains "$out" typed-42 "input typed into podman exec -it"
    assert_eq "$rc" 4 "exit status of podman exec -it"
}

test_podman_stop() {
    podman_setup
    c=ht-$TID
    # A program that exits on SIGTERM: stop returns at once, exit status 0.
    prun -d --name "$c" "$BB_IMAGE" sh -c 'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
    wait_until 10 podman_logs_have "$c" ready || fail "container did not start"
    start=$(date +%s)
    podman stop -t 20 "$c" >/dev/null
    [ $(( $(date +%s) - start )) -lt 10 ] || fail "podman stop waited for the timeout: SIGTERM not delivered"
    assert_eq "$(podman_field "$c" '{{.State.ExitCode}}')" 0 "exit code after SIGTERM"
    podman_logs_have "$c" got-term || fail "the container did not see SIGTERM"
    # pid 1 ignores SIGTERM: stop falls back to SIGKILL after the timeout.
    start_sleeper "$c-2"
    podman stop -t 1 "$c-2" >/dev/null
    assert_eq "$(podman_field "$c-2" '{{.State.ExitCode}}')" 137 "exit code after stop -t 1"
    podman start "$c-2" >/dev/null
    wait_until 10 podman_status_is "$c-2" running || fail "podman start of a stopped container"
}

test_podman_kill_signal() {
    podman_setup
    c=ht-$TID
    prun -d --name "$c" "$BB_IMAGE" sh -c 'trap "echo got-usr1" USR1; trap "echo got-hup" HUP; echo ready; while :; do sleep 0.1; done' >/dev/null
    wait_until 10 podman_logs_have "$c" ready || fail "container did not start"
    podman kill -s USR1 "$c" >/dev/null
    wait_until 5 podman_logs_have "$c" got-usr1 || fail "kill -s USR1 not delivered"
    podman kill -s HUP "$c" >/dev/null
    wait_until 5 podman_logs_have "$c" got-hup || fail "kill -s HUP not delivered"
    podman kill "$c" >/dev/null
    assert_eq "$(timeout 20 podman wait "$c")" 137 "exit code after podman kill"
}

test_podman_pause_unpause() {
    podman_setup
    c=ht-$TID
    prun -d --name "$c" "$BB_IMAGE" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done' >/dev/null
    wait_until 10 podman_status_is "$c" running || fail "container is not running"
    pid=$(podman_pid "$c")
    wait_until 5 test -s "/proc/$pid/root/tmp/count" || fail "the counter was never written"
    podman pause "$c" >/dev/null
    assert_eq "$(podman_field "$c" '{{.State.Status}}')" paused "status after pause"
    f=$(cgroup_file "$pid" freezer freezer.state cgroup.freeze)
    [ -z "$f" ] || assert_contains "$(cat "$f")" "$( [ "${f##*/}" = cgroup.freeze ] && echo 1 || echo FROZEN)" "$f"
    n1=$(cat "/proc/$pid/root/tmp/count"); sleep 0.4; n2=$(cat "/proc/$pid/root/tmp/count")
    assert_eq "$n2" "$n1" "the counter while paused"
    podman unpause "$c" >/dev/null
    assert_eq "$(podman_field "$c" '{{.State.Status}}')" running "status after unpause"
    wait_until 5 sh -c "[ \"\$(cat /proc/$pid/root/tmp/count)\" != \"$n1\" ]" || fail "the counter did not move after unpause"
}

test_podman_top() {
    podman_setup
    c=ht-$TID
    start_sleeper "$c"
    podman exec -d "$c" sleep 999
    wait_until 5 sh -c "podman top $c args | grep -q 'sleep 999'" || fail "podman top: $(podman top "$c" 2>&1)"
    assert_contains "$(podman top "$c" pid args)" "sleep 1000" "podman top"
}

test_podman_update() {
    podman_setup
    c=ht-$TID
    start_sleeper "$c" --memory 64m
    pid=$(podman_pid "$c")
    f=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
    [ -n "$f" ] || skip "no memory cgroup for the container (podman ran it without cgroups?)"
    assert_in_spec_cgroup "$pid" memory
    assert_eq "$(cat "$f")" 67108864 "$f after run --memory 64m"
    podman update --memory 128m --memory-swap 256m --cpu-shares 512 "$c" >/dev/null
    assert_eq "$(cat "$f")" 134217728 "$f after update --memory 128m"
    cpu=$(cgroup_file "$pid" cpu cpu.shares cpu.weight)
    if [ -n "$cpu" ]; then
        # cpu.weight: runc 1.1 maps shares linearly (20); crun, runc >= 1.3 and hull as systemd does (59).
        case "${cpu##*/}:$(cat "$cpu")" in cpu.weight:20 | cpu.weight:59 | cpu.shares:512) ;;
            *) fail "$cpu after update --cpu-shares 512: $(cat "$cpu")" ;; esac
    fi
}

test_podman_memory_and_pids_limits() {
    podman_setup
    c=ht-$TID
    start_sleeper "$c" --memory 64m --memory-swap 64m --pids-limit 20
    pid=$(podman_pid "$c")
    mem=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
    pids=$(cgroup_file "$pid" pids pids.max pids.max)
    [ -n "$mem" ] && [ -n "$pids" ] || skip "memory or pids cgroup controller not available for podman here"
    assert_in_spec_cgroup "$pid" memory
    assert_in_spec_cgroup "$pid" pids
    assert_eq "$(cat "$mem")" 67108864 "$mem"
    assert_eq "$(cat "$pids")" 20 "$pids"
    # tail keeps 100 MiB: past the memory limit, the kernel kills it (SIGKILL, 137).
    rc=0
    podman exec "$c" sh -c 'head -c 100m /dev/zero | tail -c 100m >/dev/null' || rc=$?
    assert_eq "$rc" 137 "exit status of a process past --memory 64m"
    out=$(podman exec "$c" sh -c 'for i in $(seq 40); do sleep 1 & done; wait' 2>&1 || true)
    assert_contains "$out" "can't fork" "forking past --pids-limit 20"
}

test_podman_rm_force() {
    podman_setup
    c=ht-$TID
    start_sleeper "$c"
    id=$(podman_field "$c" '{{.Id}}')
    pid=$(podman_pid "$c")
    podman rm -f -t 0 "$c" >/dev/null
    ! podman container exists "$c" || fail "container still exists after rm -f"
    wait_until 5 sh -c "! kill -0 $pid" || fail "init process $pid still alive after rm -f"
    ! "$RUNTIME" list -q 2>/dev/null | grep -qx "$id" || fail "the runtime still lists $id after rm -f"
}
