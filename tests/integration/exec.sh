# exec: a new process in every namespace of a running container; terminals.

test_exec_joins_namespaces_and_passes_status() {
    make_config -f '.hostname = "exec-box"' sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    out=$(hull exec "$ID" sh -c 'echo $(hostname) $$; readlink /proc/1/exe')
    assert_eq "$out" "exec-box 2
/bin/busybox" "hostname, pid in the container's pid namespace, pid 1 visible"
    init=$(state_field "$ID" pid)
    for ns in mnt pid uts ipc net cgroup; do
        want=$(readlink /proc/$init/ns/$ns)
        got=$(hull exec "$ID" readlink /proc/self/ns/$ns)
        assert_eq "$got" "$want" "$ns namespace of the exec'd process"
    done
    set +e
    hull exec "$ID" sh -c 'exit 7'
    rc=$?
    set -e
    assert_eq "$rc" 7 "exit status of exec"
}

test_exec_user_env_cwd_and_process_file() {
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    out=$(hull exec -u 1000:1000 --additional-gids 5 --cwd /tmp -e FOO=bar "$ID" sh -c 'echo $(id -u) $(id -g) $(id -G) $(pwd) $FOO')
    assert_eq "$out" "1000 1000 1000 5 /tmp bar" "user, groups, cwd and env"
    cat > "$T/process.json" <<'JSON'
{"args": ["sh", "-c", "echo from-process-file $A"], "env": ["A=1", "PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}
JSON
    assert_eq "$(hull exec --process "$T/process.json" "$ID")" "from-process-file 1" "exec --process"
}

test_exec_detach_and_pid_file() {
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    hull exec -d --pid-file "$T/exec.pid" "$ID" sleep 50
    pid=$(cat "$T/exec.pid")
    [ -d "/proc/$pid" ] || fail "detached exec process $pid not running"
    assert_eq "$(readlink /proc/$pid/ns/pid)" "$(readlink /proc/$(state_field "$ID" pid)/ns/pid)" "pid namespace"
}

test_exec_errors() {
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    set +e
    msg=$(hull exec "$ID" no-such-cmd 2>&1); rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "exec of a missing command succeeded"
    assert_contains "$msg" 'exec: "no-such-cmd": executable file not found in $PATH'
    hull kill "$ID" KILL
    wait_for_status stopped
    set +e
    msg=$(hull exec "$ID" true 2>&1)
    set -e
    assert_contains "$msg" "cannot exec in a stopped container"
}

test_run_and_exec_with_a_terminal() {
    command -v script >/dev/null || skip "script (util-linux) is not installed"
    make_config -f '.process.terminal = true' sh -c 'tty; stty size; exit 5'
    out=$(script -qec "stty cols 91 rows 27; $HULL --root $STATE_ROOT run --bundle $BUNDLE $ID; echo rc=\$?" /dev/null | tr -d '\r\000')
    assert_contains "$out" "/dev/pts/0" "tty of the container"
    assert_contains "$out" "27 91" "window size passed on"
    assert_contains "$out" "rc=5" "exit status through the terminal"
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    out=$(script -qec "$HULL --root $STATE_ROOT exec -t $ID sh -c 'tty; exit 4'; echo rc=\$?" /dev/null | tr -d '\r\000')
    assert_contains "$out" "/dev/pts/" "tty of exec -t"
    assert_contains "$out" "rc=4" "exit status of exec -t"
}

test_console_socket_receives_the_pty_master() {
    command -v python3 >/dev/null || skip "python3 is needed for the console socket receiver"
    cat > "$T/recv.py" <<'PY'
import socket, sys, os, array
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[2], "w").close()
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 1)
os.write(fds[0], b"echo via-console-socket; exit\n")
out = b""
while b"via-console-socket\r\n" not in out.replace(b"echo via", b""):
    chunk = os.read(fds[0], 4096)
    if not chunk: break
    out += chunk
print(msg.decode(), "got-output" if b"via-console-socket" in out else "no-output")
PY
    python3 "$T/recv.py" "$T/console.sock" "$T/ready" > "$T/recv.out" &
    for i in $(seq 50); do [ -e "$T/ready" ] && break; sleep 0.05; done
    make_config -f '.process.terminal = true' sh
    hull create --console-socket "$T/console.sock" --bundle "$BUNDLE" "$ID"
    hull start "$ID"
    wait
    assert_eq "$(cat "$T/recv.out")" "/dev/pts/0 got-output" "pty name and a shell on the received master"
}

test_ps_lists_the_container_processes() {
    make_config sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    hull exec -d --pid-file "$T/exec.pid" "$ID" sleep 50
    init=$(state_field "$ID" pid)
    assert_eq "$(hull ps --format json "$ID")" "[$init,$(cat "$T/exec.pid")]" "ps --format json"
    out=$(hull ps "$ID")
    assert_eq "$(echo "$out" | head -1 | awk '{print $2}')" PID "ps header"
    assert_eq "$(echo "$out" | tail -n +2 | awk '{print $2}' | sort -n | tr '\n' ' ')" "$(printf '%s\n' "$init" "$(cat "$T/exec.pid")" | sort -n | tr '\n' ' ')" "ps rows"
    assert_eq "$(hull ps "$ID" -o pid,comm | tail -n +2 | awk '{print $2}' | sort -u)" sleep "ps with ps options"
}

test_listen_fds_and_notify_socket_reach_the_container() {
    command -v python3 >/dev/null || skip "python3 is needed for the notify socket"
    make_config sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; [ -S "$NOTIFY_SOCKET" ] && stat -c %i "$NOTIFY_SOCKET"'
    echo socket-activated > "$T/fd3"
    python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' "$T/notify.sock"
    chmod 755 "$T"
    out=$(LISTEN_FDS=1 NOTIFY_SOCKET=$T/notify.sock hull run --bundle "$BUNDLE" "$ID" 3<"$T/fd3" </dev/null)
    assert_eq "$out" "1 1
socket-activated
$(stat -c %i "$T/notify.sock")" "LISTEN_FDS, LISTEN_PID, fd 3, and the supervisor's notify socket inside"
}

# exec --cgroup SUB: the process joins the sub-cgroup SUB of the container's cgroup (made by
# whoever manages it, as with runc), in every hierarchy that has it.
test_exec_into_a_sub_cgroup() {
    local cg=/hull-test/$ID dirs=() d
    make_config -f ".linux.cgroupsPath = \"$cg\"" sleep 100
    hull run -d --bundle "$BUNDLE" "$ID" </dev/null
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        dirs=("/sys/fs/cgroup$cg")
    else
        for d in /sys/fs/cgroup/memory /sys/fs/cgroup/pids; do [ -d "$d$cg" ] && dirs+=("$d$cg"); done
    fi
    [ "${#dirs[@]}" -gt 0 ] || fail "no cgroup directory for $cg"
    for d in "${dirs[@]}"; do mkdir "$d/sub"; done
    hull exec -d --pid-file "$T/exec.pid" --cgroup sub "$ID" sleep 50
    pid=$(cat "$T/exec.pid")
    for d in "${dirs[@]}"; do
        grep -qx "$pid" "$d/sub/cgroup.procs" || fail "exec'd process $pid is not in $d/sub ($(cat /proc/$pid/cgroup))"
    done
    # Inside, its cgroup namespace is the container's: the sub-cgroup shows as /sub.
    assert_contains "$(hull exec --cgroup :sub "$ID" cat /proc/self/cgroup)" ":/sub" "cgroup seen inside"
    ! hull exec --cgroup missing "$ID" true 2>"$T/err" || fail "a missing sub-cgroup was accepted"
    assert_contains "$(cat "$T/err")" "sub-cgroup \"missing\" of the container does not exist"
    set +e
    hull exec --cgroup memory:sub "$ID" true 2>"$T/err"
    rc=$?
    set -e
    assert_eq "$rc" 1 "exit status of a per-controller --cgroup"
    assert_contains "$(cat "$T/err")" "for some controllers only is not supported"
    kill -9 "$pid"
    hull delete --force "$ID"
    for d in "${dirs[@]}"; do [ ! -d "$d" ] || fail "$d left after delete"; done
}
