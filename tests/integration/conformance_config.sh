# config.md of runtime-spec v1.3.0, clause by clause (see tests/CONFORMANCE.md). Invalid or
# missing REQUIRED values must be errors (config.md "Valid values"); settings must be visible
# inside the container. Mount options are compared with runc where runc knows the option.
source "$TESTS_DIR/conformance/helpers.sh"

# ---- Root
test_config_root_readonly_true_and_false() {
    make_config -f '.root.readonly = true' sh -c 'touch /x 2>/dev/null && echo rw || echo ro'
    run_container
    assert_eq "$OUT" ro "root.readonly true"
    make_config -f '.root.readonly = false' sh -c 'touch /hull-conf-x 2>/dev/null && rm /hull-conf-x && echo rw || echo ro'
    cp -a "$ROOTFS" "$T/rootfs"; ROOTFS=$T/rootfs
    make_config -f '.root.readonly = false' sh -c 'touch /hull-conf-x 2>/dev/null && echo rw || echo ro'
    run_container
    assert_eq "$OUT" rw "root.readonly false"
}
test_config_root_path_must_exist() { expect_create_error '.root.path = "/nonexistent/hull-rootfs"'; }
test_config_root_path_that_is_not_a_directory_is_an_error() { expect_create_error '.root.path = "/etc/passwd"'; }
test_config_root_missing_is_an_error() { expect_create_error 'del(.root)'; }

# ---- Mounts
test_config_mounts_in_listed_order() {
    make_config -f '.mounts += [{"destination": "/m", "type": "tmpfs", "source": "a", "options": ["size=1m"]}, {"destination": "/m/sub", "type": "tmpfs", "source": "b", "options": ["size=2m"]}]' \
        sh -c 'awk "\$5 == \"/m\" || \$5 == \"/m/sub\" {print \$5}" /proc/self/mountinfo; [ -d /m/sub ] && echo visible'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(printf '/m\n/m/sub\nvisible')" "mount order"
    run_runc
    assert_eq "$ROUT" "$OUT" "runc"
}
test_config_mounts_relative_destination_is_relative_to_root() {
    make_config -f '.mounts += [{"destination": "rel/dir", "type": "tmpfs", "source": "tmpfs"}]' \
        sh -c 'awk "\$5 == \"/rel/dir\" {print \$5}" /proc/self/mountinfo'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" /rel/dir "mount point"
}

# ---- Linux mount options: mount_case NAME MOUNT-JSON WHERE PRESENT ABSENT
# The mount is at /o; WHERE is the mount point whose mountinfo line is checked (/o, or /o/pos,
# /o/neg: sub-mounts of the bind source, made on the host: pos plain, neg with every flag).
bind_source() {
    mkdir -p "$T/src/pos" "$T/src/neg"
    # $T/src a shared mount of its own: a bind of it under a slave root is then a slave
    mount --bind "$T/src" "$T/src"; mount --make-shared "$T/src"
    mount -t tmpfs -o size=1m hullpos "$T/src/pos"
    mount -t tmpfs -o size=1m,ro,nodev,nosuid,noexec,noatime,nodiratime,nosymfollow hullneg "$T/src/neg"
    mount --make-private "$T/src/neg"; mount --make-shared "$T/src/pos"
    trap 'umount -l "$T/src/pos" "$T/src/neg" 2>/dev/null || true; umount -l "$T/src" 2>/dev/null || true; cleanup_test' EXIT
}
mount_case() {
    local mount=$1 where=$2 present=$3 absent=$4 propagation=${5:-}
    case $mount in *'"$SRC"'*) bind_source ;; esac
    mount=${mount//\"\$SRC\"/\"$T/src\"}
    make_config -f ".mounts += [$mount] ${propagation:+| .linux.rootfsPropagation = \"$propagation\"}" cat /proc/self/mountinfo
    run_container
    rtokens=""
    if have_runc; then
        run_runc
        if [ "$RSTATUS" -eq 0 ]; then rtokens=" $(mount_tokens "$(mountinfo_line "$ROUT" "$where")")"; echo "runc: $rtokens"
        else echo "runc cannot run this mount (no reference): $RERR"; fi
    fi
    assert_eq "$STATUS" 0 "status ($ERR)"
    line=$(mountinfo_line "$OUT" "$where")
    [ -n "$line" ] || fail "no mount at $where"
    tokens=" $(mount_tokens "$line")"
    echo "hull: $tokens"
    for t in $present; do case "$tokens" in *" $t "*) ;; *) fail "$where: expected $t in: $tokens" ;; esac; done
    for t in $absent; do case "$tokens" in *" $t "*) fail "$where: did not expect $t in: $tokens" ;; esac; done
    # runc 1.1 makes a tmpfs read-only per mount only (super:rw); mount(8) and hull set the
    # superblock read-only too: that token is left out of the comparison.
    if [ -n "$rtokens" ]; then
        assert_eq "${tokens/ super:ro / super:rw }" "${rtokens/ super:ro / super:rw }" "mount tokens of $where (hull vs runc)"
    fi
}
tmpfs_with() { printf '{"destination": "/o", "type": "tmpfs", "source": "tmpfs", "options": %s}' "$1"; }
bind_with() { printf '{"destination": "/o", "type": "bind", "source": "$SRC", "options": %s}' "$1"; }

test_config_mount_option_async() { mount_case "$(tmpfs_with '["sync", "async"]')" /o "" "super:sync"; }
test_config_mount_option_atime() { mount_case "$(tmpfs_with '["noatime", "atime"]')" /o "" "noatime"; }
test_config_mount_option_bind() { mount_case "$(bind_with '["bind"]')" /o "rw" ""; [ -z "$(mountinfo_line "$OUT" /o/pos)" ] || fail "bind (not rbind) took the sub-mount along"; }
test_config_mount_option_defaults() { mount_case "$(tmpfs_with '["defaults"]')" /o "rw" "ro nosuid nodev noexec"; }
test_config_mount_option_dev() { mount_case "$(tmpfs_with '["nodev", "dev"]')" /o "" "nodev"; }
test_config_mount_option_diratime() { mount_case "$(tmpfs_with '["nodiratime", "diratime"]')" /o "" "nodiratime"; }
test_config_mount_option_dirsync() { mount_case "$(tmpfs_with '["dirsync"]')" /o "super:dirsync" ""; }
test_config_mount_option_exec() { mount_case "$(tmpfs_with '["noexec", "exec"]')" /o "" "noexec"; }
test_config_mount_option_iversion() { mount_case "$(tmpfs_with '["iversion"]')" /o "rw" ""; }
test_config_mount_option_lazytime() { mount_case "$(tmpfs_with '["lazytime"]')" /o "super:lazytime" ""; }
test_config_mount_option_loud() { mount_case "$(tmpfs_with '["silent", "loud"]')" /o "rw" ""; }
test_config_mount_option_noatime() { mount_case "$(tmpfs_with '["noatime"]')" /o "noatime" "relatime"; }
test_config_mount_option_nodev() { mount_case "$(tmpfs_with '["nodev"]')" /o "nodev" ""; }
test_config_mount_option_nodiratime() { mount_case "$(tmpfs_with '["nodiratime"]')" /o "nodiratime" ""; }
test_config_mount_option_noexec() { mount_case "$(tmpfs_with '["noexec"]')" /o "noexec" ""; }
test_config_mount_option_noiversion() { mount_case "$(tmpfs_with '["iversion", "noiversion"]')" /o "rw" ""; }
test_config_mount_option_nolazytime() { mount_case "$(tmpfs_with '["lazytime", "nolazytime"]')" /o "" "super:lazytime"; }
test_config_mount_option_norelatime() { mount_case "$(tmpfs_with '["strictatime", "relatime", "norelatime"]')" /o "rw" "noatime"; }
test_config_mount_option_nostrictatime() { mount_case "$(tmpfs_with '["strictatime", "nostrictatime"]')" /o "relatime" ""; }
test_config_mount_option_nosuid() { mount_case "$(tmpfs_with '["nosuid"]')" /o "nosuid" ""; }
test_config_mount_option_nosymfollow() { mount_case "$(tmpfs_with '["nosymfollow"]')" /o "nosymfollow" ""; }
test_config_mount_option_private() { mount_case "$(bind_with '["bind", "shared", "private"]')" /o "" "shared: master: unbindable"; }
test_config_mount_option_ratime() { skip "known gap: ratime on an rbind leaves noatime on sub-mounts (runc refuses the mount: no reference)"; mount_case "$(bind_with '["rbind", "ratime"]')" /o/neg "" "noatime"; }
test_config_mount_option_rbind() { mount_case "$(bind_with '["rbind"]')" /o/pos "rw" ""; }
test_config_mount_option_rdev() { mount_case "$(bind_with '["rbind", "rdev"]')" /o/neg "" "nodev"; }
test_config_mount_option_rdiratime() { mount_case "$(bind_with '["rbind", "rdiratime"]')" /o/neg "" "nodiratime"; }
test_config_mount_option_relatime() { skip "known gap: [noatime, relatime] — mount(8) takes the last, runc (the reference) keeps noatime; hull follows runc"; mount_case "$(tmpfs_with '["noatime", "relatime"]')" /o "relatime" "noatime"; }
test_config_mount_option_remount() {
    skip "known gap: a remount entry drops the earlier tmpfs data (size=); runc keeps it"
    mount_case "$(tmpfs_with '["size=1m"]'), {\"destination\": \"/o\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"remount\", \"ro\"]}" /o "ro" ""
    assert_eq "$(echo "$OUT" | awk '$5 == "/o"' | wc -l)" 1 "mounts at /o (remount changes the one mount)"
}
test_config_mount_option_rexec() { mount_case "$(bind_with '["rbind", "rexec"]')" /o/neg "" "noexec"; }
test_config_mount_option_rnoatime() { mount_case "$(bind_with '["rbind", "rnoatime"]')" /o/pos "noatime" ""; }
test_config_mount_option_rnodiratime() { mount_case "$(bind_with '["rbind", "rnodiratime"]')" /o/pos "nodiratime" ""; }
test_config_mount_option_rnoexec() { mount_case "$(bind_with '["rbind", "rnoexec"]')" /o/pos "noexec" ""; }
test_config_mount_option_rnorelatime() { mount_case "$(bind_with '["rbind", "rnorelatime"]')" /o/pos "rw" "noatime"; }
test_config_mount_option_rnostrictatime() { mount_case "$(bind_with '["rbind", "rstrictatime", "rnostrictatime"]')" /o/pos "rw" ""; }
test_config_mount_option_rnosuid() { mount_case "$(bind_with '["rbind", "rnosuid"]')" /o/pos "nosuid" ""; }
test_config_mount_option_rnosymfollow() { mount_case "$(bind_with '["rbind", "rnosymfollow"]')" /o/pos "nosymfollow" ""; }
test_config_mount_option_ro() { mount_case "$(tmpfs_with '["ro"]')" /o "ro" "rw"; }
test_config_mount_option_rprivate() { mount_case "$(bind_with '["rbind", "rshared", "rprivate"]')" /o/pos "" "shared: master:"; }
test_config_mount_option_rrelatime() { mount_case "$(bind_with '["rbind", "rrelatime"]')" /o/neg "relatime" "noatime"; }
test_config_mount_option_rro() { mount_case "$(bind_with '["rbind", "rro"]')" /o/pos "ro" ""; }
test_config_mount_option_rrw() { mount_case "$(bind_with '["rbind", "rrw"]')" /o/neg "rw" "ro"; }
test_config_mount_option_rshared() { mount_case "$(bind_with '["rbind", "rshared"]')" /o/pos "shared:" ""; }
test_config_mount_option_rslave() { mount_case "$(bind_with '["rbind", "rshared", "rslave"]')" /o/pos "master:" "shared:" slave; }
test_config_mount_option_rstrictatime() { mount_case "$(bind_with '["rbind", "rstrictatime"]')" /o/neg "" "noatime relatime"; }
test_config_mount_option_rsuid() { mount_case "$(bind_with '["rbind", "rsuid"]')" /o/neg "" "nosuid"; }
test_config_mount_option_rsymfollow() { mount_case "$(bind_with '["rbind", "rsymfollow"]')" /o/neg "" "nosymfollow"; }
test_config_mount_option_runbindable() { mount_case "$(bind_with '["rbind", "runbindable"]')" /o/pos "unbindable" ""; }
test_config_mount_option_rw() { mount_case "$(tmpfs_with '["ro", "rw"]')" /o "rw" "ro"; }
test_config_mount_option_shared() { mount_case "$(bind_with '["bind", "shared"]')" /o "shared:" ""; }
test_config_mount_option_silent() { mount_case "$(tmpfs_with '["loud", "silent"]')" /o "rw" ""; }
test_config_mount_option_slave() { mount_case "$(bind_with '["bind", "shared", "slave"]')" /o "master:" "shared:" slave; }
test_config_mount_option_strictatime() { mount_case "$(tmpfs_with '["strictatime"]')" /o "" "relatime noatime"; }
test_config_mount_option_suid() { mount_case "$(tmpfs_with '["nosuid", "suid"]')" /o "" "nosuid"; }
test_config_mount_option_symfollow() { mount_case "$(tmpfs_with '["nosymfollow", "symfollow"]')" /o "" "nosymfollow"; }
test_config_mount_option_sync() { mount_case "$(tmpfs_with '["sync"]')" /o "super:sync" ""; }
test_config_mount_option_unbindable() { mount_case "$(bind_with '["bind", "unbindable"]')" /o "unbindable" ""; }
test_config_mount_unknown_option_goes_to_the_filesystem() { mount_case "$(tmpfs_with '["size=1m", "mode=700"]')" /o "super:size=1024k super:mode=700" ""; }
test_config_mount_option_known_to_mount8_as_mount8() { mount_case "$(tmpfs_with '["nosuid", "nodev", "noexec", "relatime", "ro"]')" /o "ro nosuid nodev noexec relatime" ""; }

idmap_case() {
    local opt=$1
    mkdir -p "$T/idsrc"; echo x > "$T/idsrc/f"; chown 1000:1000 "$T/idsrc/f"
    make_config -f ".mounts += [{\"destination\": \"/id\", \"type\": \"bind\", \"source\": \"$T/idsrc\", \"options\": [\"rbind\", \"$opt\"], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}]" \
        sh -c 'stat -c "%u:%g" /id/f; grep " /id " /proc/self/mountinfo'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(echo "$OUT" | head -1)" 0:0 "owner of a file owned by 1000 on the host, through the $opt mount"
    assert_contains "$OUT" "idmapped" "mountinfo of /id"
}
test_config_mount_option_idmap_applies_the_mount_mappings() { skip "known gap: hull has no idmapped mounts yet (it refuses them at create with a clear error)"; idmap_case idmap; }
test_config_mount_option_ridmap_applies_the_mount_mappings() { skip "known gap: hull has no idmapped mounts yet (it refuses them at create with a clear error)"; idmap_case ridmap; }
test_config_mount_idmap_without_mappings_or_userns_is_an_error() {
    mkdir -p "$T/idsrc"
    expect_create_error ".mounts += [{\"destination\": \"/id\", \"type\": \"bind\", \"source\": \"$T/idsrc\", \"options\": [\"rbind\", \"idmap\"]}]"
}
test_config_mount_uid_mappings_without_gid_mappings_is_an_error() {
    mkdir -p "$T/idsrc"
    expect_create_error ".mounts += [{\"destination\": \"/id\", \"type\": \"bind\", \"source\": \"$T/idsrc\", \"options\": [\"rbind\", \"idmap\"], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}]"
}
test_config_mount_gid_mappings_without_uid_mappings_is_an_error() {
    mkdir -p "$T/idsrc"
    expect_create_error ".mounts += [{\"destination\": \"/id\", \"type\": \"bind\", \"source\": \"$T/idsrc\", \"options\": [\"rbind\", \"idmap\"], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}]"
}
test_config_mount_destination_missing_is_an_error() { expect_create_error '.mounts += [{"type": "tmpfs", "source": "tmpfs"}]'; }

# ---- Process
test_config_process_console_size_ignored_without_terminal() {
    make_config -f '.process.terminal = false | .process.consoleSize = {"height": 10, "width": 20}' sh -c 'stty size 2>&1 || true; echo ok'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_contains "$OUT" ok "output"
    case "$OUT" in *"10 20"*) fail "consoleSize applied without a terminal" ;; esac
}
test_config_process_console_size_height_and_width_required() {
    expect_create_error '.process.terminal = true | .process.consoleSize = {"width": 20}'
}
test_config_process_cwd_must_be_absolute() { expect_create_error '.process.cwd = "tmp"'; }
test_config_process_cwd_missing_is_an_error() { expect_create_error 'del(.process.cwd)'; }
test_config_process_args_empty_is_an_error() { expect_create_error '.process.args = []'; }
test_config_process_args_use_execvp_semantics() {
    make_config -f '.process.env = ["PATH=/usr/bin:/bin"]' sh -c 'echo $0'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" sh "argv[0] looked up in PATH"
}
test_config_process_rlimit_unknown_type_is_an_error() { expect_create_error '.process.rlimits = [{"type": "RLIMIT_NOPE", "soft": 1, "hard": 1}]'; }
test_config_process_rlimit_type_missing_is_an_error() { expect_create_error '.process.rlimits = [{"soft": 1, "hard": 1}]'; }
test_config_process_rlimit_soft_missing_is_an_error() { expect_create_error '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 100}]'; }
test_config_process_rlimit_hard_missing_is_an_error() { expect_create_error '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100}]'; }
test_config_process_rlimit_duplicate_type_is_an_error() { expect_create_error '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100}, {"type": "RLIMIT_NOFILE", "soft": 50, "hard": 50}]'; }
test_config_process_rlimits_match_the_configured_values() {
    make_config -f '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 77, "hard": 88}, {"type": "RLIMIT_NPROC", "soft": 500, "hard": 600}, {"type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608}]' \
        sh -c 'grep -E "^Max (open files|processes|stack size)" /proc/self/limits'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(echo "$OUT" | awk '{print $(NF-2), $(NF-1)}' | tr '\n' ' ')" "4194304 8388608 500 600 77 88 " "soft and hard of stack, nproc, nofile"
    run_runc
    assert_eq "$ROUT" "$OUT" "runc"
}
test_config_process_user_uid_missing_is_an_error() { expect_create_error 'del(.process.user.uid)'; }
test_config_process_user_gid_missing_is_an_error() { expect_create_error 'del(.process.user.gid)'; }
test_config_process_oom_score_adj_unset_is_unchanged() {
    make_config -f 'del(.process.oomScoreAdj)' cat /proc/self/oom_score_adj
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(cat /proc/self/oom_score_adj)" "oom_score_adj (the runtime's)"
}
test_config_process_scheduler_policy_missing_is_an_error() { expect_create_error '.process.scheduler = {"nice": 1}'; }
test_config_process_io_priority_class_missing_is_an_error() { expect_create_error '.process.ioPriority = {"priority": 1}'; }
test_config_process_io_priority_priority_missing_is_an_error() { expect_create_error '.process.ioPriority = {"class": "IOPRIO_CLASS_BE"}'; }
test_config_process_no_exec_cpu_affinity_keeps_the_kernel_affinity() {
    make_config grep Cpus_allowed_list /proc/self/status
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" "$(grep Cpus_allowed_list /proc/self/status)" "affinity without execCPUAffinity"
}

# ---- Hooks
test_config_hook_path_must_be_absolute() { expect_create_error '.hooks = {"createRuntime": [{"path": "bin/true"}]}'; }
test_config_hook_path_missing_is_an_error() { expect_create_error '.hooks = {"createRuntime": [{"args": ["true"]}]}'; }
test_config_hook_timeout_must_be_greater_than_zero() { expect_create_error '.hooks = {"createRuntime": [{"path": "/bin/true", "timeout": 0}]}'; }
test_config_hooks_of_one_kind_run_in_listed_order_with_state_on_stdin() {
    chmod 755 "$T"
    make_config -f ".hooks = {\"createRuntime\": [
        {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo one \$(jq -r .id) >> $T/order\"]},
        {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo two \$(jq -r .status) >> $T/order\"]},
        {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo three >> $T/order\"]}]}" true
    hull create --bundle "$BUNDLE" "$ID"
    assert_eq "$(cat "$T/order" | tr '\n' ,)" "one $ID,two creating,three," "hooks in order, with the state on stdin"
}
test_config_hook_path_resolves_in_the_runtime_namespace() {
    # A createRuntime hook at a path that exists only on the host, not in the rootfs.
    chmod 755 "$T"
    printf '#!/bin/sh\ntouch %s/ran\n' "$T" > "$T/host-only-hook"; chmod 755 "$T/host-only-hook"
    make_config -f ".hooks = {\"prestart\": [{\"path\": \"$T/host-only-hook\"}], \"createRuntime\": [{\"path\": \"$T/host-only-hook\"}], \"poststart\": [{\"path\": \"$T/host-only-hook\"}], \"poststop\": [{\"path\": \"$T/host-only-hook\"}]}" true
    hull create --bundle "$BUNDLE" "$ID"
    [ -e "$T/ran" ] || fail "the prestart/createRuntime hooks at a host path did not run"
    rm "$T/ran"
    hull delete --force "$ID"
    [ -e "$T/ran" ] || fail "the poststop hook at a host path did not run"
}
test_config_create_container_hook_path_resolves_in_the_container() {
    # /bin/busybox-only path: exists in the rootfs; the hook must see the container's root.
    mkdir -p "$T/share"
    # Before pivot_root, in the container's mount namespace: it sees the container's mounts.
    chmod 755 "$T"
    make_config -f ".mounts += [{\"destination\": \"/share\", \"type\": \"bind\", \"source\": \"$T/share\", \"options\": [\"rbind\"]}] | .hooks = {\"createContainer\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"readlink /proc/self/ns/mnt > $T/ns; grep -c ' $ROOTFS/share ' /proc/self/mountinfo > $T/seen\"]}]}" true
    hull create --bundle "$BUNDLE" "$ID"
    pid=$(state_field "$ID" pid)
    assert_eq "$(cat "$T/ns")" "$(readlink /proc/$pid/ns/mnt)" "createContainer hook's mount namespace"
    [ "$(cat "$T/seen")" -ge 1 ] || fail "the createContainer hook does not see the container's mounts"
}
test_config_poststart_runs_before_start_returns() {
    chmod 755 "$T"
    make_config -f ".hooks = {\"poststart\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"sleep 0.3; jq -r .status > $T/poststart\"]}]}" sleep 100
    hull create --bundle "$BUNDLE" "$ID"
    hull start "$ID"
    assert_eq "$(cat "$T/poststart" 2>/dev/null)" running "poststart done (with the running state) when start returns"
}
test_config_poststop_runs_after_delete_before_it_returns() {
    chmod 755 "$T"
    make_config -f ".hooks = {\"poststop\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"sleep 0.3; jq -r .status > $T/poststop; ls $STATE_ROOT > $T/left\"]}]}" true
    hull create --bundle "$BUNDLE" "$ID"
    hull start "$ID"; wait_for_status stopped
    hull delete "$ID"
    assert_eq "$(cat "$T/poststop" 2>/dev/null)" stopped "poststop done when delete returns"
}

# ---- Annotations, extensibility, valid values
test_config_annotations_empty_key_is_an_error() { expect_create_error '.annotations = {"": "x"}'; }
test_config_annotations_non_string_value_is_an_error() { expect_create_error '.annotations = {"org.example.n": 5}'; }
test_config_annotations_not_a_map_is_an_error() { expect_create_error '.annotations = ["a", "b"]'; }
test_config_unknown_annotation_keys_and_properties_are_ignored() {
    make_config -f '.annotations = {"com.example.unknown.key": "v"} | .hullUnknownTopLevel = {"a": 1} | .process.hullUnknown = true | .linux.hullUnknown = [1]' echo ran
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$OUT" ran "output"
}
test_config_invalid_values_are_errors() {
    expect_create_error '.ociVersion = "not-semver"'
}
