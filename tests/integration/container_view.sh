# What the container sees: hostname, pid 1, user, mounts, environment, cwd, devices, root.

test_hostname_and_pid1() {
    make_config -f '.hostname = "box1" | .domainname = "example.org"' sh -c 'echo $(hostname) $(cat /proc/sys/kernel/domainname) $$'
    run_container
    assert_eq "$STATUS" 0 "status"
    assert_eq "$OUT" "box1 example.org 1" "hostname, domainname and pid"
}

test_user_uid_gid_groups_umask() {
    make_config -f '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 65534], "umask": 63}' \
        sh -c 'id -u; id -g; id -G; umask'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(echo "$OUT" | sed -n 1p)" 1000 "uid"
    assert_eq "$(echo "$OUT" | sed -n 2p)" 1000 "gid"
    assert_eq "$(echo "$OUT" | sed -n 3p)" "1000 5 65534" "groups"
    assert_eq "$(echo "$OUT" | sed -n 4p)" 0077 "umask"
}

test_env_cwd_and_path_lookup() {
    make_config -f '.process.env = ["PATH=/bin", "FOO=bar baz"] | .process.cwd = "/tmp/work"' sh -c 'echo "$FOO|$(pwd)|$HOME"'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "bar baz|/tmp/work|/root" "env, created cwd and HOME from /etc/passwd"
}

test_missing_executable_fails_create_with_runc_words() {
    make_config no-such-program
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "create with a missing program succeeded"
    assert_contains "$msg" 'exec: "no-such-program": executable file not found in $PATH'
    [ -z "$(hull list -q)" ] || fail "failed create left state"
}

test_mounts_seen_in_mountinfo() {
    mkdir -p "$T/shared"
    echo from-host > "$T/shared/file"
    make_config cat /proc/self/mountinfo /data/file
    jq --arg src "$T/shared" '.mounts += [{"destination": "/data", "type": "bind", "source": $src, "options": ["rbind", "ro", "nosuid"]}, {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "noexec"]}]' \
        "$BUNDLE/config.json" > "$T/c.json" && mv "$T/c.json" "$BUNDLE/config.json"
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    mnt() { echo "$OUT" | awk -v d="$1" '$5 == d'; }
    echo "$OUT" | awk '$5 == "/" && $6 ~ /^ro,/' | grep -q . || fail "root not read-only: $(echo "$OUT" | awk '$5 == "/"')"
    mnt /proc | grep -q ' - proc ' || fail "no /proc mount"
    mnt /dev | grep -q ' - tmpfs ' || fail "no /dev tmpfs"
    mnt /dev/pts | grep -q ' - devpts ' || fail "no devpts"
    mnt /dev/shm | grep -q ' - tmpfs ' || fail "no /dev/shm"
    mnt /dev/mqueue | grep -q ' - mqueue ' || fail "no mqueue"
    mnt /sys | grep -Eq '^([^ ]+ ){5}ro,.* - sysfs ' || fail "no read-only sysfs"
    mnt /data | grep -Eq '^([^ ]+ ){5}ro,nosuid' || fail "bind mount not ro,nosuid: $(mnt /data)"
    mnt /scratch | grep -Eq '^([^ ]+ ){5}rw,[^ ]*noexec.* - tmpfs ' || fail "tmpfs not noexec: $(mnt /scratch)"
    echo "$OUT" | grep -q '^from-host$' || fail "bind mount content not visible"
}

test_default_devices_and_links() {
    make_config sh -c 'for d in null zero full random urandom tty; do [ -c /dev/$d ] || echo missing $d; done; for l in fd stdin ptmx; do readlink /dev/$l; done; echo x > /dev/null && echo ok'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(printf '/proc/self/fd\n/proc/self/fd/0\npts/ptmx\nok')" "devices and links"
}

test_masked_and_readonly_paths() {
    make_config sh -c 'cat /proc/timer_list 2>&1 | wc -c; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo writable || echo readonly'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(printf '0\n0\nreadonly')" "masked timer_list, masked /sys/firmware, read-only /proc/sys"
}

test_no_host_fd_leaks_into_container() {
    make_config sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
    exec 7>"$T/leak"
    run_container
    exec 7>&-
    assert_eq "$STATUS" 0 "status ($ERR)"
    # 0 1 2 and the fd ls itself opens (3)
    assert_eq "$OUT" "0 1 2 3 " "open descriptors in the container"
}

test_preserve_fds_passes_extra_descriptors() {
    make_config sh -c 'cat <&3'
    echo through-fd-3 > "$T/in"
    set +e
    OUT=$(hull run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$T/in" </dev/null)
    STATUS=$?
    set -e
    assert_eq "$STATUS" 0 "status"
    assert_eq "$OUT" through-fd-3 "preserved fd 3"
}

test_no_pivot_uses_chroot() {
    make_config sh -c 'cat /etc/group | head -1'
    set +e
    OUT=$(hull run --no-pivot --bundle "$BUNDLE" "$ID" </dev/null)
    STATUS=$?
    set -e
    assert_eq "$STATUS" 0 "status"
    assert_eq "$OUT" "root:x:0:" "file from the container's root"
}

test_user_namespace_maps() {
    # The mapped root is nobody on the host: its rootfs path must be traversable by all.
    chmod 755 "$T"
    cp -a "$ROOTFS" "$T/rootfs"
    ROOTFS=$T/rootfs
    make_config -f '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .mounts |= map(select(.type != "cgroup"))' \
        sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    echo "$OUT" | head -1 | grep -Eq '^ *0 *100000 *65536$' || fail "uid_map: $OUT"
    assert_eq "$(echo "$OUT" | tail -1)" 0 "uid in the user namespace"
}

test_relative_root_path() {
    mkdir -p "$BUNDLE"
    ln -s "$ROOTFS" "$BUNDLE/rootfs"
    make_config -f '.root.path = "rootfs"' echo relative
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" relative "output"
}

test_non_executable_program_fails_create() {
    make_config /etc/passwd
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1); rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "create of a non-executable program succeeded"
    assert_contains "$msg" 'exec: "/etc/passwd": permission denied'
}

test_sysctl_applied_before_readonly_proc_sys() {
    make_config -f '.linux.sysctl = {"net.ipv4.ping_group_range": "0 0", "kernel.shmmax": "12345678"}' \
        sh -c 'cat /proc/sys/net/ipv4/ping_group_range /proc/sys/kernel/shmmax'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(echo "$OUT" | tr -s ' \t' ' ')" "0 0
12345678" "sysctls in the container"
}

test_lsm_label_requested_but_not_available() {
    if [ -d /sys/kernel/security/apparmor ]; then skip "AppArmor is enabled here: the refusal cannot be shown"; fi
    make_config -f '.process.apparmorProfile = "hull-test"' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1 </dev/null); rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "an AppArmor profile was accepted on a host without AppArmor"
    assert_contains "$msg" 'AppArmor profile "hull-test" requested, but AppArmor is not enabled on this host'
    [ -z "$(ls "$STATE_ROOT" 2>/dev/null)" ] || fail "state left behind"
    if [ -d /sys/fs/selinux ]; then skip "SELinux is enabled here"; fi
    make_config -f '.process.selinuxLabel = "system_u:system_r:container_t:s0"' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1 </dev/null)
    set -e
    assert_contains "$msg" "SELinux label \"system_u:system_r:container_t:s0\" requested, but SELinux is not enabled"
}

test_sysctl_outside_the_container_namespaces_is_refused() {
    make_config -f '.linux.sysctl = {"vm.swappiness": "10"}' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1 </dev/null); rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "a host-wide sysctl was accepted"
    assert_contains "$msg" 'sysctl "vm.swappiness" is not in a separate kernel namespace'
    make_config -f '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}' true
    set +e
    msg=$(hull create --bundle "$BUNDLE" "$ID" 2>&1 </dev/null)
    set -e
    assert_contains "$msg" "needs the container's own network namespace"
    [ -z "$(ls "$STATE_ROOT" 2>/dev/null)" ] || fail "state left behind"
}
