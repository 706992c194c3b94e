# linux.netDevices (config-linux.md "Network Devices"): a host device moved into the container's
# network namespace, renamed, with its permanent global addresses, and up.
#
# The host device is a virtual one made for the test (dummy, or ifb where the kernel has no dummy
# driver). A virtual device is destroyed with the container's network namespace; a physical one
# would be returned to the host by the kernel, which these tests cannot show without hardware.

# Make host device $1 (with 10.231.7.1/24 and fd00:231:7::1/64) and delete it on exit, whatever
# happens (it is gone already when the move worked).
make_host_device() {
    HOSTDEV=$1
    trap 'ip link del "$HOSTDEV" >/dev/null 2>&1 || true; cleanup_test' EXIT
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    ip link add "$HOSTDEV" type dummy 2>/dev/null || ip link add "$HOSTDEV" type ifb 2>/dev/null ||
        skip "the kernel can make neither dummy nor ifb devices"
    ip addr add 10.231.7.1/24 dev "$HOSTDEV"
    HAVE_V6=0
    if [ "$(cat /proc/sys/net/ipv6/conf/"$HOSTDEV"/disable_ipv6 2>/dev/null || echo 1)" = 0 ]; then
        ip addr add fd00:231:7::1/64 dev "$HOSTDEV" nodad
        HAVE_V6=1
    fi
}

# The device must have left the host's namespace (into the container's, then destroyed with it).
assert_not_on_host() {
    if ip link show "$1" >/dev/null 2>&1; then fail "network device $1 is still on the host"; fi
}

assert_state_root_empty() {
    assert_eq "$(ls -A "$STATE_ROOT" 2>/dev/null)" "" "state root after the failed create"
}

test_net_device_moved_renamed_with_addresses_and_up() {
    make_host_device "hd$$"
    make_config -f ".linux.netDevices = {\"hd$$\": {\"name\": \"eth9\"}}" sh -c 'ip addr show eth9; echo "operstate $(cat /sys/class/net/eth9/operstate)"'
    hull create --bundle "$BUNDLE" "$ID" >"$T/out" 2>"$T/err" </dev/null || fail "create: $(cat "$T/err")"
    assert_not_on_host "hd$$"
    hull start "$ID"
    wait_for_status stopped
    out=$(cat "$T/out")
    assert_contains "$out" "eth9:" "ip addr show eth9"
    assert_contains "$out" "inet 10.231.7.1/24" "IPv4 address"
    [ "$HAVE_V6" = 0 ] || assert_contains "$out" "inet6 fd00:231:7::1/64 scope global" "IPv6 address"
    flags=$(echo "$out" | sed -n 's/^[0-9]*: eth9: <\([^>]*\)>.*/\1/p')
    case ",$flags," in *,UP,*) ;; *) fail "eth9 is not up: <$flags> in $out" ;; esac
    # busybox's ip prints no state: the kernel's view, "unknown" for a device without carrier state
    case "$out" in *"operstate unknown"* | *"operstate up"*) ;; *) fail "operational state in $out" ;; esac
    hull delete "$ID"
    assert_not_on_host "hd$$"  # a virtual device is destroyed with the namespace
}

test_net_device_keeps_its_host_name_without_a_name() {
    make_host_device "hd$$"
    make_config -f ".linux.netDevices = {\"hd$$\": {}}" ip -o addr show "hd$$"
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_contains "$OUT" "inet 10.231.7.1/24" "addresses of hd$$ in the container"
    assert_not_on_host "hd$$"
}

test_net_device_template_name_is_numbered_by_the_kernel() {
    make_host_device "hd$$"
    make_config -f ".linux.netDevices = {\"hd$$\": {\"name\": \"net%d\"}}" sh -c 'ip -o link show; ip addr show net0'
    run_container
    assert_eq "$STATUS" 0 "status ($ERR)"
    assert_contains "$OUT" ": net0: <" "the device as net0"
    assert_contains "$OUT" "inet 10.231.7.1/24" "addresses of net0"
    case "$OUT" in *hullmv*) fail "the temporary name is left: $OUT" ;; esac
    assert_not_on_host "hd$$"
}

test_net_device_missing_on_the_host_is_an_error() {
    make_config -f ".linux.netDevices = {\"nohd$$\": {\"name\": \"eth9\"}}" true
    run_container
    [ "$STATUS" != 0 ] || fail "a missing device was accepted"
    assert_contains "$ERR" "network device \"nohd$$\" not found in hull's network namespace" "error"
    assert_state_root_empty
}

test_net_device_name_taken_in_the_container_is_an_error() {
    make_host_device "hd$$"
    make_config -f ".linux.netDevices = {\"hd$$\": {\"name\": \"lo\"}}" true
    run_container
    [ "$STATUS" != 0 ] || fail "a clash with lo was accepted"
    assert_contains "$ERR" "network device \"lo\" already exists in the container's network namespace" "error"
    assert_state_root_empty
    # Refused before the move: the device is still on the host, addresses and all.
    assert_contains "$(ip addr show "hd$$" 2>&1)" "inet 10.231.7.1/24" "hd$$ on the host"
}

test_net_devices_without_a_network_namespace_are_refused() {
    make_config -f ".linux.netDevices = {\"hd$$\": {}} | .linux.namespaces |= map(select(.type != \"network\"))" true
    run_container
    [ "$STATUS" != 0 ] || fail "netDevices without a network namespace were accepted"
    assert_contains "$ERR" ".linux.netDevices: moving network devices needs a network namespace" "error"
    assert_state_root_empty
}

test_net_device_invalid_name_is_refused() {
    make_config -f ".linux.netDevices = {\"hd$$\": {\"name\": \"a/b\"}}" true
    run_container
    [ "$STATUS" != 0 ] || fail "an invalid name was accepted"
    assert_contains "$ERR" ".linux.netDevices[\"hd$$\"].name: \"a/b\" is not a valid network device name" "error"
    assert_state_root_empty
}
