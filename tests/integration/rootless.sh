# Rootless containers: an unprivileged user (hullrl, made here) runs hull on a bundle with a
# user namespace. Every test copies hull and a rootfs into its own $T, which hullrl can read
# (the clone the tests run from may be a mode-0700 directory).

RL_USER=hullrl
RL_SUBIDS=200000:65536

# The user, its /etc/subuid and /etc/subgid ranges (exactly $RL_SUBIDS: useradd may have added
# others), hull in $RL_BIN, a state parent $RL_RUN (XDG_RUNTIME_DIR) and a bundle $RL_BUNDLE
# with its own rootfs, all readable by the user.
rootless_setup() {
    command -v runuser >/dev/null || skip "runuser (util-linux) is not installed"
    command -v newuidmap >/dev/null || skip "newuidmap is not installed (apt-get install uidmap)"
    id -u "$RL_USER" >/dev/null 2>&1 || useradd -M -N -s /bin/sh "$RL_USER"
    local f
    for f in /etc/subuid /etc/subgid; do
        touch "$f"
        if ! grep -qx "$RL_USER:$RL_SUBIDS" "$f" || [ "$(grep -c "^$RL_USER:" "$f")" != 1 ]; then
            sed -i "/^$RL_USER:/d" "$f"
            echo "$RL_USER:$RL_SUBIDS" >> "$f"
        fi
    done
    RL_UID=$(id -u "$RL_USER")
    RL_GID=$(id -g "$RL_USER")
    chmod 755 "$T"
    RL_BIN=$T/bin
    mkdir -p "$RL_BIN"
    cp "$HULL" "$RL_BIN/hull"
    chmod 755 "$RL_BIN" "$RL_BIN/hull"
    RL_RUN=$T/run
    mkdir -p "$RL_RUN"
    chown "$RL_USER" "$RL_RUN"
    chmod 700 "$RL_RUN"
    RL_BUNDLE=$T/rl-bundle
    mkdir -p "$RL_BUNDLE"
    cp -a "$ROOTFS" "$RL_BUNDLE/rootfs"
    chown -R "$RL_USER:" "$RL_BUNDLE"
    trap 'rootless_cleanup; cleanup_test' EXIT
}

rootless_cleanup() {
    local ids id
    ids=$(rl list -q 2>/dev/null || true)
    for id in $ids; do rl delete --force "$id" >/dev/null 2>&1 || true; done
}

# hull as the unprivileged user (no --root: the default state directory).
rl() { (cd "$RL_BUNDLE" && runuser -u "$RL_USER" -- env XDG_RUNTIME_DIR="$RL_RUN" "$RL_BIN/hull" "$@"); }

# $RL_BUNDLE/config.json: `hull spec --rootless` as the user, the rootfs writable, no terminal,
# the args given; a jq filter with -f.
rl_config() {
    local filter='.'
    if [ "${1:-}" = "-f" ]; then filter=$2; shift 2; fi
    rm -f "$RL_BUNDLE/config.json"
    rl spec --rootless
    local args
    args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
    jq --argjson args "$args" \
        '.root.readonly = false | .process.terminal = false | .process.args = $args | '"$filter" \
        "$RL_BUNDLE/config.json" > "$T/config.json.new"
    cat "$T/config.json.new" > "$RL_BUNDLE/config.json"
}

# Run the bundle as the user to completion: $OUT, $STATUS, $ERR (as run_container).
rl_run() {
    set +e
    OUT=$(rl run "$@" "$ID" 2>"$T/stderr" </dev/null)
    STATUS=$?
    set -e
    ERR=$(cat "$T/stderr")
}

# A map of the user's own id to 0 and its subordinate range from 1.
MULTI_MAPS='.linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1}, {"containerID": 1, "hostID": 200000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1}, {"containerID": 1, "hostID": 200000, "size": 65536}]'
multi_maps() { echo "$MULTI_MAPS" | sed "s/\$uid/$RL_UID/; s/\$gid/$RL_GID/"; }

test_rootless_own_id_mapped_to_root() {
    rootless_setup
    rl_config sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; cat /proc/self/setgroups; echo x > /made-inside'
    rl_run
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(echo "$OUT" | sed -n 1,2p | tr '\n' ' ')" "0 0 " "uid and gid inside"
    assert_eq "$(echo "$OUT" | sed -n 3p | tr -s ' ' | sed 's/^ //')" "0 $RL_UID 1" "uid_map"
    assert_eq "$(echo "$OUT" | sed -n 4p | tr -s ' ' | sed 's/^ //')" "0 $RL_GID 1" "gid_map"
    assert_eq "$(echo "$OUT" | sed -n 5p)" "deny" "setgroups (denied before writing gid_map unprivileged)"
    assert_eq "$(stat -c %u:%g "$RL_BUNDLE/rootfs/made-inside")" "$RL_UID:$RL_GID" "owner outside of a file made inside"
    [ -z "$(rl list -q)" ] || fail "run left a container: $(rl list -q)"
}

test_rootless_ranges_through_newuidmap() {
    rootless_setup
    rl_config -f "$(multi_maps) | .process.capabilities.effective += [\"CAP_CHOWN\"]
        | .process.capabilities.permitted += [\"CAP_CHOWN\"] | .process.capabilities.bounding += [\"CAP_CHOWN\"]" \
        sh -c 'cat /proc/self/uid_map /proc/self/gid_map; touch /owned; chown 1000:1000 /owned && cat /proc/self/setgroups'
    rl_run
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_eq "$(echo "$OUT" | sed -n 1,2p | tr -s ' ' | sed 's/^ //')" "0 $RL_UID 1
1 200000 65536" "uid_map"
    assert_eq "$(echo "$OUT" | sed -n 3,4p | tr -s ' ' | sed 's/^ //')" "0 $RL_GID 1
1 200000 65536" "gid_map"
    assert_eq "$(echo "$OUT" | sed -n 5p)" "allow" "setgroups (newgidmap wrote gid_map)"
    assert_eq "$(stat -c %u:%g "$RL_BUNDLE/rootfs/owned")" "200999:200999" "owner outside of a file chowned to 1000 inside"
}

test_rootless_range_not_in_subuid_fails_clearly() {
    rootless_setup
    rl_config -f "$(multi_maps) | .linux.uidMappings[1].hostID = 400000" true
    rl_run
    [ "$STATUS" != 0 ] || fail "a map beyond the user's /etc/subuid range ran"
    assert_contains "$ERR" "write uid_map: newuidmap " "error"
    assert_contains "$ERR" "/etc/subuid" "error"
    assert_contains "$ERR" "not allowed" "newuidmap's own message"
    assert_eq "$(rl list -q)" "" "containers left"
    [ -z "$(ls -A "$RL_RUN/hull" 2>/dev/null)" ] || fail "state left: $(ls -A "$RL_RUN/hull")"
}

test_rootless_no_subuid_range_for_the_user() {
    rootless_setup
    # A second user, without /etc/subuid and /etc/subgid lines, asking for a range.
    id -u hullrl2 >/dev/null 2>&1 || useradd -M -N -s /bin/sh hullrl2
    sed -i '/^hullrl2:/d' /etc/subuid /etc/subgid
    local uid2 gid2
    uid2=$(id -u hullrl2) gid2=$(id -g hullrl2)
    rl_config -f ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $uid2, \"size\": 1}, {\"containerID\": 1, \"hostID\": 300000, \"size\": 10}]
        | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $gid2, \"size\": 1}]" true
    chmod -R a+rX "$RL_BUNDLE"
    mkdir -p "$T/run2" && chown hullrl2 "$T/run2" && chmod 700 "$T/run2"
    set +e
    err=$(cd "$RL_BUNDLE" && runuser -u hullrl2 -- env XDG_RUNTIME_DIR="$T/run2" "$RL_BIN/hull" run "$ID" 2>&1 </dev/null)
    rc=$?
    set -e
    [ "$rc" != 0 ] || fail "a map without a subordinate range ran"
    assert_contains "$err" "write uid_map: newuidmap " "error"
    assert_contains "$err" "/etc/subuid" "error"
    assert_eq "$(runuser -u hullrl2 -- env XDG_RUNTIME_DIR="$T/run2" "$RL_BIN/hull" list -q)" "" "containers left"
    [ -z "$(ls -A "$T/run2/hull" 2>/dev/null)" ] || fail "state left: $(ls -A "$T/run2/hull")"
}

test_rootless_lifecycle_in_the_default_state_dir() {
    rootless_setup
    rl_config sleep 100
    rl create "$ID" 2>"$T/stderr"
    [ -d "$RL_RUN/hull/$ID" ] || fail "state is not in \$XDG_RUNTIME_DIR/hull: $(ls -A "$RL_RUN")"
    assert_eq "$(rl state "$ID" | jq -r .status)" created "status after create"
    rl start "$ID"
    assert_eq "$(rl state "$ID" | jq -r .status)" running "status after start"
    assert_eq "$(rl list -q)" "$ID" "list"
    assert_contains "$(rl list)" "$RL_USER" "owner in list"
    init=$(rl state "$ID" | jq -r .pid)
    assert_eq "$(stat -c %U /proc/$init)" "$RL_USER" "the init runs as the user"
    want=$(readlink /proc/$init/ns/user)
    [ "$want" != "$(readlink /proc/self/ns/user)" ] || fail "the container has no user namespace of its own"
    out=$(rl exec "$ID" sh -c 'readlink /proc/self/ns/user; readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; id -u; echo $$')
    assert_eq "$out" "$want
$(readlink /proc/$init/ns/pid)
$(readlink /proc/$init/ns/mnt)
0
2" "exec: user, pid and mount namespaces of the init, root in them, pid 2"
    set +e
    rl exec "$ID" sh -c 'exit 5'
    rc=$?
    set -e
    assert_eq "$rc" 5 "exit status of exec"
    rl exec -d --pid-file "$RL_RUN/exec.pid" "$ID" sleep 50
    epid=$(cat "$RL_RUN/exec.pid")
    assert_eq "$(readlink /proc/$epid/ns/user)" "$want" "detached exec'd process's user namespace"
    rl kill "$ID" KILL
    for _ in $(seq 100); do [ "$(rl state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.05; done
    assert_eq "$(rl state "$ID" | jq -r .status)" stopped "status after kill"
    rl delete "$ID"
    assert_eq "$(rl list -q)" "" "list after delete"
    [ ! -e "$RL_RUN/hull/$ID" ] || fail "delete left $RL_RUN/hull/$ID"
}

test_rootless_state_dir_needs_xdg_or_run_user() {
    rootless_setup
    [ ! -d "/run/user/$RL_UID" ] || skip "/run/user/$RL_UID exists here"
    set +e
    err=$(cd "$RL_BUNDLE" && runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR "$RL_BIN/hull" list 2>&1)
    rc=$?
    set -e
    assert_eq "$rc" 1 "exit status"
    assert_contains "$err" "XDG_RUNTIME_DIR is not set and /run/user/$RL_UID does not exist" "error"
    assert_contains "$err" "--root" "error"
    # Commands without state do not need one.
    runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR "$RL_BIN/hull" features >/dev/null
}

# This host does not delegate a cgroup to users (no systemd): what runs anyway and what not.
no_delegation_here() {
    if runuser -u "$RL_USER" -- mkdir "/sys/fs/cgroup/unified/hull-rl-probe-$$" 2>/dev/null ||
       runuser -u "$RL_USER" -- mkdir "/sys/fs/cgroup/memory/hull-rl-probe-$$" 2>/dev/null; then
        rmdir "/sys/fs/cgroup/unified/hull-rl-probe-$$" "/sys/fs/cgroup/memory/hull-rl-probe-$$" 2>/dev/null || true
        skip "the user may make cgroups here"
    fi
    [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || skip "pure cgroup v2 host: the user's cgroup may be delegated"
}

test_rootless_without_cgroup_delegation() {
    rootless_setup
    no_delegation_here
    rl_config sh -c 'echo ran'
    rl_run
    assert_eq "$STATUS" 0 "status without limits ($ERR)"
    assert_eq "$OUT" ran "output"
    assert_contains "$ERR" "warning" "stderr"
    assert_contains "$ERR" "running without a cgroup" "stderr"

    rl_config -f '.linux.resources = {"memory": {"limit": 104857600}}' sh -c 'echo ran'
    rl_run
    [ "$STATUS" != 0 ] || fail "a memory limit without a cgroup ran"
    assert_contains "$ERR" "is not delegated, so the limits in linux.resources cannot be applied" "error"
    assert_eq "$(rl list -q)" "" "containers left"

    rl_config sh -c 'echo ran'
    set +e
    err=$(rl --rootless false run "$ID" 2>&1 </dev/null)
    rc=$?
    set -e
    [ "$rc" != 0 ] || fail "--rootless false ran without a cgroup"
    assert_contains "$err" "permission denied (--rootless false" "error"
    assert_eq "$(rl list -q)" "" "containers left"

    set +e
    err=$(rl --rootless x run "$ID" 2>&1 </dev/null)
    rc=$?
    set -e
    assert_eq "$rc" 1 "exit status of --rootless x"
    assert_contains "$err" "invalid value \"x\" for --rootless" "error"
    out=$(rl --rootless true run "$ID" 2>/dev/null </dev/null)
    assert_eq "$out" ran "--rootless true"
}

test_rootless_sysfs_cgroup_and_dev_of_the_default_spec() {
    rootless_setup
    rl_config sh -c 'ls /sys/class | grep -c . ; ls /sys/fs/cgroup | grep -c . ; echo hi > /dev/null && cat /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c; ls /dev/pts/ptmx; touch /sys/x 2>/dev/null || echo sys-ro'
    rl_run
    assert_eq "$STATUS" 0 "status ($ERR)"
    [ "$(echo "$OUT" | sed -n 1p)" -gt 0 ] || fail "/sys/class is empty: $OUT"
    [ "$(echo "$OUT" | sed -n 2p)" -gt 0 ] || fail "/sys/fs/cgroup is empty: $OUT"
    assert_eq "$(echo "$OUT" | sed -n '3,7p')" "null-ok
4
4
/dev/pts/ptmx
sys-ro" "devices, devpts and a read-only /sys"
}

test_rootless_sysfs_devpts_gid_and_mqueue_of_the_root_spec() {
    rootless_setup
    # hull spec (not --rootless) with a user namespace: sysfs without a network namespace of
    # its own, devpts gid=5 (unmapped) and mqueue fall back as in runc.
    rm -f "$RL_BUNDLE/config.json"
    rl spec
    jq --argjson uid "$RL_UID" --argjson gid "$RL_GID" '.root.readonly = false | .process.terminal = false
        | .process.args = ["sh", "-c", "ls /sys/class | grep -c .; grep -E \" /(sys|dev/pts|dev/mqueue) \" /proc/mounts | cut -d\" \" -f2,3"]
        | .linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1}] | del(.linux.resources)' \
        "$RL_BUNDLE/config.json" > "$T/c.json"
    cat "$T/c.json" > "$RL_BUNDLE/config.json"
    rl_run
    assert_eq "$STATUS" 0 "status ($ERR)"
    [ "$(echo "$OUT" | sed -n 1p)" -gt 0 ] || fail "/sys/class is empty: $OUT"
    assert_contains "$OUT" "/dev/pts devpts" "mounts"
    assert_contains "$OUT" "/dev/mqueue mqueue" "mounts"
    assert_contains "$OUT" "/sys sysfs" "mounts"
}

test_rootless_spec_matches_runc() {
    command -v runc >/dev/null || skip "runc is not installed"
    rootless_setup
    mkdir -p "$T/h" "$T/r"
    chown "$RL_USER" "$T/h" "$T/r"
    runuser -u "$RL_USER" -- "$RL_BIN/hull" spec --rootless --bundle "$T/h"
    (cd "$T/r" && runuser -u "$RL_USER" -- runc spec --rootless)
    # hull differs on purpose in: hostname, ociVersion, the cgroup namespace (always), ambient caps.
    norm='del(.hostname, .ociVersion, .process.capabilities.ambient)
        | .linux.namespaces |= map(select(.type != "cgroup"))'
    assert_eq "$(jq -S "$norm" "$T/h/config.json")" "$(jq -S "$norm" "$T/r/config.json")" "hull spec --rootless vs runc"
    assert_eq "$(jq -c .linux.uidMappings "$T/h/config.json")" "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}]" "uidMappings"
}

test_rootless_errors_name_what_is_missing() {
    rootless_setup
    # Several ranges and no newuidmap in PATH.
    rl_config -f "$(multi_maps)" true
    set +e
    err=$(cd "$RL_BUNDLE" && runuser -u "$RL_USER" -- env PATH=/nonexistent XDG_RUNTIME_DIR="$RL_RUN" "$RL_BIN/hull" run "$ID" 2>&1 </dev/null)
    rc=$?
    set -e
    [ "$rc" != 0 ] || fail "ran without newuidmap"
    assert_contains "$err" "write uid_map: newuidmap not found" "error"
    assert_contains "$err" "package uidmap" "error"
    assert_contains "$err" "/etc/subuid" "error"
    assert_eq "$(rl list -q)" "" "containers left"
    # A config without a user namespace, run without root.
    rm -f "$RL_BUNDLE/config.json"
    rl spec
    jq '.root.readonly = false | .process.terminal = false | .process.args = ["true"] | del(.linux.resources)' \
        "$RL_BUNDLE/config.json" > "$T/c.json"
    cat "$T/c.json" > "$RL_BUNDLE/config.json"
    rl_run
    [ "$STATUS" != 0 ] || fail "a container without a user namespace ran without root"
    assert_contains "$ERR" "operation not permitted (without root the container needs a user namespace of its own" "error"
    assert_eq "$(rl list -q)" "" "containers left"
    [ -z "$(ls -A "$RL_RUN/hull" 2>/dev/null)" ] || fail "state left: $(ls -A "$RL_RUN/hull")"
}

test_rootless_as_root_of_a_user_namespace() {
    rootless_setup
    command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
    # As rootless Podman runs it: uid 0 of the user's own user namespace, the container in it.
    rm -f "$RL_BUNDLE/config.json"
    rl spec
    jq '.root.readonly = false | .process.terminal = false | del(.linux.resources)
        | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map | tr -s \" \" | sed \"s/^ //\"; echo x > /dev/null && echo null-ok; ls /sys/class | grep -c ."]
        | .linux.namespaces = [.linux.namespaces[] | select(.type != "network")]' "$RL_BUNDLE/config.json" > "$T/c.json"
    cat "$T/c.json" > "$RL_BUNDLE/config.json"
    set +e
    OUT=$(cd "$RL_BUNDLE" && runuser -u "$RL_USER" -- env USER="$RL_USER" XDG_RUNTIME_DIR="$RL_RUN" \
        unshare --user --map-root-user sh -c 'h=$1 id=$2
            "$h" create "$id" && "$h" list -q && "$h" start "$id" || exit 1
            for i in $(seq 200); do "$h" state "$id" | grep -q "\"stopped\"" && break; sleep 0.05; done
            "$h" delete "$id"' sh "$RL_BIN/hull" "$ID" 2>"$T/stderr" </dev/null)
    STATUS=$?
    set -e
    ERR=$(cat "$T/stderr")
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_contains "$ERR" "running without a cgroup" "rootless: the cgroup error is a warning"
    assert_contains "$ERR" "(uid $RL_UID outside its user namespace)" "the user named in the warning"
    assert_eq "$(echo "$OUT" | sed -n 1,4p)" "$ID
0
0 $RL_UID 1
null-ok" "state in \$XDG_RUNTIME_DIR/hull, root of the user's namespace, /dev/null bound"
    [ "$(echo "$OUT" | sed -n 5p)" -gt 0 ] || fail "/sys/class is empty: $OUT"
    [ ! -e "$RL_RUN/hull/$ID" ] || fail "delete left $RL_RUN/hull/$ID"
}

# With only one's own gid mapped (no newgidmap), setgroups is denied: additionalGids fail
# with the reason, not a bare EPERM.
test_rootless_additional_gids_need_subordinate_gids() {
    rootless_setup
    rl_config -f '.process.user.additionalGids = [0]' id -G
    rl_run
    [ "$STATUS" -ne 0 ] || fail "additionalGids with setgroups denied: $OUT"
    assert_contains "$ERR" "setgroups is denied in this user namespace"
    assert_contains "$ERR" "/etc/subgid"
    rl_config -f "$(multi_maps) | .process.user.additionalGids = [5]" id -G
    rl_run
    assert_eq "$STATUS" 0 "status with newgidmap ranges ($ERR)"
    assert_contains "$OUT" "5" "groups inside"
}
