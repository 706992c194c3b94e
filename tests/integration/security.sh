# Process security settings as the container sees them: capabilities, no_new_privs, rlimits,
# seccomp (and its listener), oom_score_adj, scheduler, I/O priority, personality, CPU affinity,
# memory policy. Where runc supports a setting, the same bundle is run with runc as well.

# Run the bundle with runc (1.1 on Debian 12): stdout in $ROUT, status in $RSTATUS.
run_runc() {
    command -v runc >/dev/null || skip "runc is not installed"
    set +e
    ROUT=$(runc --root "$T/runc" run --bundle "$BUNDLE" "r$ID" 2>"$T/runc.err" </dev/null)
    RSTATUS=$?
    set -e
}

caps_of() { echo "$1" | grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):'; }
status_field() { echo "$1" | awk -v k="$2:" '$1 == k {print $2}'; }

# Bit n of CapEff of this shell: 1 when the test runner holds capability n.
holds_cap() { (( (0x$(awk '$1 == "CapEff:" {print $2}' /proc/self/status) >> $1) & 1 )); }

test_default_capabilities_as_runc() {
    make_config grep -E '^Cap|^NoNewPrivs' /proc/self/status
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    # hull spec: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE in bounding/effective/permitted
    assert_eq "$(status_field "$OUT" CapBnd)" 0000000020000420 "CapBnd"
    assert_eq "$(status_field "$OUT" CapEff)" 0000000020000420 "CapEff"
    assert_eq "$(status_field "$OUT" CapPrm)" 0000000020000420 "CapPrm"
    assert_eq "$(status_field "$OUT" CapInh)" 0000000000000000 "CapInh"
    assert_eq "$(status_field "$OUT" CapAmb)" 0000000000000000 "CapAmb"
    assert_eq "$(status_field "$OUT" NoNewPrivs)" 1 "NoNewPrivs"
    run_runc
    assert_eq "$RSTATUS" 0 "runc status ($(cat "$T/runc.err"))"
    assert_eq "$OUT" "$ROUT" "hull and runc see the same capabilities"
}

test_all_five_sets_as_root_match_runc() {
    make_config -f '.process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID", "CAP_SYS_ADMIN"],
        "effective": ["CAP_KILL", "CAP_CHOWN"],
        "permitted": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"],
        "inheritable": ["CAP_KILL", "CAP_NET_RAW"],
        "ambient": ["CAP_KILL"]}' grep -E '^Cap' /proc/self/status
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(status_field "$OUT" CapBnd)" 00000000002020e1 "CapBnd"
    assert_eq "$(status_field "$OUT" CapInh)" 0000000000002020 "CapInh"
    run_runc
    assert_eq "$RSTATUS" 0 "runc status ($(cat "$T/runc.err"))"
    assert_eq "$(caps_of "$OUT")" "$(caps_of "$ROUT")" "hull and runc"
}

test_ambient_capabilities_for_a_user_match_runc() {
    make_config -f '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
        "bounding": ["CAP_NET_BIND_SERVICE", "CAP_KILL", "CAP_CHOWN"],
        "effective": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
        "permitted": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
        "inheritable": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
        "ambient": ["CAP_NET_BIND_SERVICE", "CAP_KILL"]}' sh -c 'id -u; grep -E "^Cap" /proc/self/status'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(echo "$OUT" | head -1)" 1000 "uid"
    # a non-root program keeps only what is ambient
    assert_eq "$(status_field "$OUT" CapAmb)" 0000000000000420 "CapAmb"
    assert_eq "$(status_field "$OUT" CapEff)" 0000000000000420 "CapEff"
    assert_eq "$(status_field "$OUT" CapPrm)" 0000000000000420 "CapPrm"
    assert_eq "$(status_field "$OUT" CapBnd)" 0000000000000421 "CapBnd"
    run_runc
    assert_eq "$RSTATUS" 0 "runc status ($(cat "$T/runc.err"))"
    assert_eq "$OUT" "$ROUT" "hull and runc"
}

test_no_capabilities_object_means_none() {
    make_config -f 'del(.process.capabilities)' grep -E '^Cap' /proc/self/status
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    for k in CapInh CapPrm CapEff CapBnd CapAmb; do
        assert_eq "$(status_field "$OUT" $k)" 0000000000000000 "$k"
    done
    run_runc
    assert_eq "$(caps_of "$OUT")" "$(caps_of "$ROUT")" "hull and runc"
}

test_unknown_capability_is_rejected_with_its_name() {
    make_config -f '.process.capabilities.bounding += ["CAP_FOO"]' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "a config with CAP_FOO ran"
    assert_contains "$ERR" 'unknown capability "CAP_FOO"'
    [ -z "$(hull list -q)" ] || fail "failed create left state"
}

test_capability_hull_lacks_is_left_out_with_a_warning() {
    holds_cap 24 && skip "this machine grants CAP_SYS_RESOURCE: nothing to leave out"
    make_config -f '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_SYS_RESOURCE"], "effective": ["CAP_KILL", "CAP_SYS_RESOURCE"], "permitted": ["CAP_KILL", "CAP_SYS_RESOURCE"]}' \
        grep -E '^CapEff' /proc/self/status
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(status_field "$OUT" CapEff)" 0000000000000020 "CapEff: CAP_KILL only"
    assert_contains "$ERR" "CAP_SYS_RESOURCE cannot be granted (hull does not hold it)"
}

test_no_new_privileges_off_and_on() {
    make_config -f '.process.noNewPrivileges = false' grep NoNewPrivs /proc/self/status
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(status_field "$OUT" NoNewPrivs)" 0 "NoNewPrivs off"
    make_config -f '.process.noNewPrivileges = true' grep NoNewPrivs /proc/self/status
    run_container
    assert_eq "$(status_field "$OUT" NoNewPrivs)" 1 "NoNewPrivs on"
}

test_rlimits_lowered_inside() {
    make_config -f '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096}]' \
        sh -c 'ulimit -n; ulimit -Hn; ulimit -Hc'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
        assert_eq "$OUT" "$(printf '100\n200\n8')" "soft/hard nofile, hard core (in 512-byte blocks)"
    run_runc
    assert_eq "$ROUT" "$OUT" "runc"
}

test_rlimit_above_hard_limit_fails_with_the_values() {
    hard=$(ulimit -Hn)
    want=$((hard + 1000))
    make_config -f ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": $want}]" sh -c 'ulimit -Hn'
    run_container
    if holds_cap 24; then
        assert_eq "$STATUS" 0 "status with CAP_SYS_RESOURCE ($ERR)"
        assert_eq "$OUT" "$want" "raised hard limit"
        return
    fi
    [ "$STATUS" -ne 0 ] || fail "raising the hard limit without CAP_SYS_RESOURCE worked: $OUT"
    assert_contains "$ERR" "rlimit RLIMIT_NOFILE: cannot raise the hard limit to $want (the current hard limit is $hard and raising it needs CAP_SYS_RESOURCE)"
}

test_unknown_rlimit_type_is_rejected() {
    make_config -f '.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "RLIMIT_FOO accepted"
    assert_contains "$ERR" 'unknown rlimit type "RLIMIT_FOO"'
}

test_seccomp_errno_rules_block_with_the_errno_asked() {
    make_config -f '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["rmdir", "no_such_syscall_hull"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        {"names": ["unlink", "unlinkat"], "action": "SCMP_ACT_ERRNO"}]}' \
        sh -c 'grep -E "^Seccomp:" /proc/self/status; mkdir /dev/shm/x 2>&1; rmdir /dev/shm 2>&1; touch /dev/shm/f; rm /dev/shm/f 2>&1; echo done'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(status_field "$OUT" Seccomp)" 2 "Seccomp mode"
    assert_contains "$OUT" "can't create directory '/dev/shm/x': Operation not permitted"
    assert_contains "$OUT" "rmdir: '/dev/shm': Function not implemented"
    assert_contains "$OUT" "can't remove '/dev/shm/f': Operation not permitted"
    assert_contains "$OUT" "done"
    run_runc
    assert_eq "$ROUT" "$OUT" "runc"
}

test_seccomp_kill_process_kills_with_sigsys() {
    make_config -f '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["sethostname"], "action": "SCMP_ACT_KILL_PROCESS"}]}' \
        sh -c 'echo before; exec hostname x'
    run_container
    assert_eq "$STATUS" 159 "exit status (128 + SIGSYS) ($ERR)"
    assert_eq "$OUT" before "output"
}

test_seccomp_default_errno_and_allow_list() {
    # A deny-by-default filter that allows what busybox echo and hull's last steps need.
    allow='["read","write","writev","exit","exit_group","brk","mmap","munmap","mprotect","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64","getrandom","execve","uname","readlinkat","readlink","rt_sigaction","rt_sigprocmask","rt_sigreturn","getpid","getppid","getuid","geteuid","getgid","getegid","ioctl","fcntl","close","recvmsg","sendmsg","newfstatat","fstat","sched_setaffinity","futex","prctl","openat","stat","access","faccessat","faccessat2","lseek"]'
    make_config -f ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"syscalls\": [{\"names\": $allow, \"action\": \"SCMP_ACT_ALLOW\"}]}" \
        mkdir /tmp/y
    run_container
    assert_eq "$STATUS" 1 "mkdir's status ($ERR)"
    assert_contains "$ERR" "mkdir: can't create directory '/tmp/y': Function not implemented"
}

test_seccomp_argument_conditions() {
    # personality: MASKED_EQ (arg0 & 0xff) == PER_LINUX32 refused with EINVAL. setpriority: two
    # conditions on one index become two rules (runc), so renice 4 and 12 are refused, 6 is not.
    make_config -f '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 255, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["setpriority"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 2, "value": 10, "op": "SCMP_CMP_GE"}, {"index": 2, "value": 4, "op": "SCMP_CMP_EQ"}]}]}' \
        sh -c 'linux32 uname -m 2>&1; linux64 uname -m; for n in 4 6 12; do renice $n -p $$ >/dev/null 2>&1 && echo renice $n ok || echo renice $n refused; done'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(printf 'linux32: personality(0x8): Invalid argument\nx86_64\nrenice 4 refused\nrenice 6 ok\nrenice 12 refused')" "output"
    run_runc
    assert_eq "$ROUT" "$OUT" "runc"
}

test_seccomp_without_no_new_privs_and_flags() {
    make_config -f '.process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}, {"names": ["getpid"], "action": "SCMP_ACT_LOG"}]}' \
        sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/z 2>&1 || true'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(status_field "$OUT" NoNewPrivs)" 0 "NoNewPrivs"
    assert_eq "$(status_field "$OUT" Seccomp)" 2 "Seccomp"
    assert_contains "$OUT" "Operation not permitted"
}

test_seccomp_errno_ret_with_wrong_action_is_rejected() {
    make_config -f '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 5}]}' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "errnoRet with SCMP_ACT_KILL accepted"
    assert_contains "$ERR" "linux.seccomp: syscalls[0]: action SCMP_ACT_KILL: errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE"
}

# A listener at linux.seccomp.listenerPath gets the container process state and the notify fd.
# It closes the fd at once: the notified syscall (mkdir) then fails with ENOSYS.
test_seccomp_notify_listener_gets_state_and_fd() {
    command -v python3 >/dev/null || skip "python3 is needed for the listener"
    cat > "$T/agent.py" <<'PY'
import json, os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(out + ".ready", "w").close()
c, _ = s.accept()
data, fds, _, _ = socket.recv_fds(c, 65536, 4)
while True:
    more = c.recv(65536)
    if not more:
        break
    data += more
links = [os.readlink("/proc/self/fd/%d" % fd) for fd in fds]
with open(out + ".tmp", "w") as f:
    json.dump({"state": json.loads(data), "links": links}, f)
os.rename(out + ".tmp", out)
for fd in fds:
    os.close(fd)
PY
    python3 "$T/agent.py" "$T/agent.sock" "$T/agent.json" &
    agent=$!
    for _ in $(seq 100); do [ -e "$T/agent.json.ready" ] && break; sleep 0.05; done
    make_config -f ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$T/agent.sock\", \"listenerMetadata\": \"meta-1\", \"flags\": [\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"], \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]} | .annotations = {\"k\": \"v\"}" \
        sh -c 'mkdir /tmp/n 2>&1; echo end'
    run_container
    wait "$agent" || fail "the listener failed"
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(printf "mkdir: can't create directory '/tmp/n': Function not implemented\nend")" "output"
    j=$(cat "$T/agent.json")
    assert_eq "$(echo "$j" | jq -r '.links[0]')" "anon_inode:seccomp notify" "the fd is a seccomp notify fd"
    assert_eq "$(echo "$j" | jq -c '.state.fds')" '["seccompFd"]' "fds"
    assert_eq "$(echo "$j" | jq -r '.state.metadata')" meta-1 "metadata"
    assert_eq "$(echo "$j" | jq -r '.state.ociVersion')" 1.3.0 "ociVersion"
    assert_eq "$(echo "$j" | jq -r '.state.state.id')" "$ID" "state.id"
    assert_eq "$(echo "$j" | jq -r '.state.state.bundle')" "$BUNDLE" "state.bundle"
    [ "$(echo "$j" | jq -r '.state.pid')" -gt 0 ] || fail "pid: $j"
    assert_eq "$(echo "$j" | jq -r '.state.pid')" "$(echo "$j" | jq -r '.state.state.pid')" "pid and state.pid"
}

test_seccomp_notify_without_listener_path_is_rejected() {
    make_config -f '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "SCMP_ACT_NOTIFY without listenerPath accepted"
    assert_contains "$ERR" "SCMP_ACT_NOTIFY is used but linux.seccomp.listenerPath is not set"
}

test_oom_score_adj_raised_and_lowering_refused() {
    cur=$(cat /proc/self/oom_score_adj)
    up=$((cur + 100 > 1000 ? 1000 : cur + 100))
    make_config -f ".process.oomScoreAdj = $up" cat /proc/self/oom_score_adj
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$up" "oom_score_adj"
    run_runc
    assert_eq "$ROUT" "$up" "runc's oom_score_adj"

    [ "$cur" -gt -1000 ] || skip "oom_score_adj is already -1000: nothing to lower"
    down=$((cur - 100 < -1000 ? -1000 : cur - 100))
    make_config -f ".process.oomScoreAdj = $down" cat /proc/self/oom_score_adj
    run_container
    if holds_cap 24; then
        assert_eq "$OUT" "$down" "lowered with CAP_SYS_RESOURCE"
        return
    fi
    [ "$STATUS" -ne 0 ] || fail "lowering oom_score_adj without CAP_SYS_RESOURCE worked: $OUT"
    assert_contains "$ERR" "oomScoreAdj: cannot set oom_score_adj to $down (the current value is $cur and lowering it needs CAP_SYS_RESOURCE)"
}

test_personality_linux32_and_flags() {
    make_config -f '.linux.personality = {"domain": "LINUX32", "flags": ["ADDR_NO_RANDOMIZE"]}' sh -c 'uname -m; cat /proc/self/personality'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(printf 'i686\n00040008')" "uname -m and personality"
    make_config -f '.linux.personality = {"domain": "LINUX"}' uname -m
    run_container
    assert_eq "$OUT" "$(uname -m)" "LINUX"
    make_config -f '.linux.personality = {"domain": "LINUX", "flags": ["NOPE"]}' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "unknown personality flag accepted"
    assert_contains "$ERR" 'personality: unknown flag "NOPE"'
}

# /proc/<pid>/stat after the command name: field 19 nice, 40 rt_priority, 41 policy.
stat_fields() { echo "$1" | sed 's/^.*) //' | awk '{print $17, $38, $39}'; }

test_scheduler_batch_and_fifo() {
    make_config -f '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}' cat /proc/self/stat
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(stat_fields "$OUT")" "7 0 3" "nice, rt priority, policy"
    make_config -f '.process.scheduler = {"policy": "SCHED_IDLE"}' cat /proc/self/stat
    run_container
    assert_eq "$(stat_fields "$OUT")" "0 0 5" "SCHED_IDLE"
    make_config -f '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}' cat /proc/self/stat
    run_container
    if [ "$STATUS" -ne 0 ]; then
        # RT group scheduling without an RT budget for the cgroup refuses SCHED_FIFO
        assert_contains "$ERR" "scheduler: sched_setattr policy SCHED_FIFO priority 10 flags [SCHED_FLAG_RESET_ON_FORK]"
    else
        assert_eq "$(stat_fields "$OUT")" "0 10 1" "SCHED_FIFO priority 10"
    fi
    make_config -f '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 3}' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "priority with SCHED_OTHER accepted"
    assert_contains "$ERR" "scheduler: priority can only be set for SCHED_FIFO or SCHED_RR, not SCHED_OTHER"
}

test_io_priority_class_and_level() {
    make_config -f '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}' ionice -p 1
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "best-effort: prio 6" "ionice"
    make_config -f '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}' ionice -p 1
    run_container
    assert_eq "$OUT" "idle" "ionice"
}

test_exec_cpu_affinity_initial_and_final() {
    [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
    make_config -f '.process.execCPUAffinity = {"initial": "0", "final": "1"}' grep Cpus_allowed_list /proc/self/status
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(status_field "$OUT" Cpus_allowed_list)" 1 "final affinity"
    make_config -f '.process.execCPUAffinity = {"initial": "0"}' grep Cpus_allowed_list /proc/self/status
    run_container
    assert_eq "$(status_field "$OUT" Cpus_allowed_list)" 0 "initial affinity when there is no final"
    make_config -f '.process.execCPUAffinity = {"final": "0-1"}' grep Cpus_allowed_list /proc/self/status
    run_container
    assert_eq "$(status_field "$OUT" Cpus_allowed_list)" 0-1 "final 0-1"
    make_config -f '.process.execCPUAffinity = {"initial": "1-0"}' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "a backwards CPU range was accepted"
    assert_contains "$ERR" 'execCPUAffinity.initial: invalid CPU list "1-0": range 1-0 runs backwards'
}

test_memory_policy_bind_and_interleave() {
    [ -e /proc/self/numa_maps ] || skip "kernel without NUMA (no /proc/self/numa_maps)"
    make_config -f '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0"}' sh -c 'head -1 /proc/self/numa_maps'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_contains "$OUT" " interleave:0 " "numa_maps"
    make_config -f '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}' sh -c 'head -1 /proc/self/numa_maps'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_contains "$OUT" " bind=static:0 " "numa_maps"
    make_config -f '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "63"}' true
    run_container
    [ "$STATUS" -ne 0 ] || fail "a node that does not exist was accepted"
    assert_contains "$ERR" 'memoryPolicy: set_mempolicy MPOL_BIND nodes "63"'
}

# hull exec goes through the same prepare_process: the process object's own capabilities,
# rlimits and CPU affinity, and the container's seccomp filter.
test_exec_process_gets_its_security_settings() {
    make_config -f '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}' sleep 30
    hull create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$T/create.err" || fail "create: $(cat "$T/create.err")"
    hull start "$ID"
    wait_for_status running
    jq -n '{"cwd": "/", "args": ["sh", "-c", "grep -E \"^(CapEff|CapBnd|NoNewPrivs|Seccomp):\" /proc/self/status; ulimit -n; mkdir /dev/shm/q 2>&1 || true"],
            "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}, "noNewPrivileges": true,
            "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]},
            "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 64, "hard": 64}]}' > "$T/process.json"
    set +e
    OUT=$(hull exec --process "$T/process.json" "$ID" 2>"$T/exec.err" </dev/null)
    STATUS=$?
    set -e
    assert_eq "$STATUS" 0 "exec status ($(cat "$T/exec.err"))"
    assert_eq "$(status_field "$OUT" CapEff)" 0000000000000020 "CapEff (no_new_privs: no more than permitted)"
    assert_eq "$(status_field "$OUT" CapBnd)" 0000000000000021 "CapBnd"
    assert_eq "$(status_field "$OUT" NoNewPrivs)" 1 "NoNewPrivs"
    assert_eq "$(status_field "$OUT" Seccomp)" 2 "Seccomp"
    assert_contains "$OUT" "$(printf '\n64\n')" "ulimit -n"
    assert_contains "$OUT" "can't create directory '/dev/shm/q': Operation not permitted"
}
