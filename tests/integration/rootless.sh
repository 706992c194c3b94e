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
