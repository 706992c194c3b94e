# Helpers for the integration tests (sourced by tests/run-tests.sh).
# Each test is a function named test_*; it runs in its own subshell with `set -e`,
# and exits 0 (pass), 77 (skip: print the reason first) or anything else (fail).

: "${HULL:?HULL must name the hull binary}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOTFS=${ROOTFS:-$TESTS_DIR/work/rootfs}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# A fresh --root, bundle and id for the current test; all removed by cleanup.
setup_test() {
    T=$(mktemp -d /tmp/hull-test.XXXXXX)
    STATE_ROOT=$T/state
    BUNDLE=$T/bundle
    ID=t$$-$RANDOM
    mkdir -p "$BUNDLE"
    trap cleanup_test EXIT
}

cleanup_test() {
    local ids
    ids=$("$HULL" --root "$STATE_ROOT" list -q 2>/dev/null || true)
    for id in $ids; do "$HULL" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 || true; done
    rm -rf "$T"
}

hull() { "$HULL" --root "$STATE_ROOT" "$@"; }

# Write $BUNDLE/config.json: hull's default spec with the shared busybox rootfs, no terminal,
# and the process args given; then apply a jq filter if one is passed with -f.
make_config() {
    local filter='.'
    if [ "${1:-}" = "-f" ]; then filter=$2; shift 2; fi
    rm -f "$BUNDLE/config.json"
    "$HULL" spec --bundle "$BUNDLE"
    local args
    args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
    jq --arg rootfs "$ROOTFS" --argjson args "$args" \
        '.root.path = $rootfs | .process.terminal = false | .process.args = $args | '"$filter" \
        "$BUNDLE/config.json" > "$BUNDLE/config.json.new"
    mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# Run the bundle to completion; stdout of the container in $OUT, exit status in $STATUS.
run_container() {
    set +e
    OUT=$(hull run --bundle "$BUNDLE" "$ID" 2>"$T/stderr" </dev/null)
    STATUS=$?
    set -e
    ERR=$(cat "$T/stderr")
}

state_field() { hull state "$1" | jq -r ".$2"; }

assert_eq() {
    [ "$1" = "$2" ] || fail "${3:-value}: expected \"$2\", got \"$1\""
}

assert_contains() {
    case "$1" in *"$2"*) ;; *) fail "${3:-output}: expected to contain \"$2\", got \"$1\"" ;; esac
}

wait_for_status() {
    local want=$1 i
    for i in $(seq 100); do
        [ "$(state_field "$ID" status)" = "$want" ] && return 0
        sleep 0.05
    done
    fail "container did not reach status $want (is $(state_field "$ID" status))"
}

# A test whose need this host lacks: here it skips with the reason; in the test VM
# (HULL_IN_VM=1, tests/vm/), where the need must be met, it fails, so a broken guest cannot
# pass as a run of skips.
vm_skip() {
    [ "${HULL_IN_VM:-}" != 1 ] || fail "in the test VM, but $*"
    skip "$* (make check-vm runs this in the test VM)"
}
need_systemd_pid1() { [ "$(cat /proc/1/comm)" = systemd ] || vm_skip "systemd is not PID 1 here"; }
need_pure_v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || vm_skip "not a pure cgroup v2 host"; }

# A program that allocates about 160 MB (a 10 B string doubled 24 times), then prints
# "survived". Past a smaller memory limit it is killed (137); without one it lives: unlike an
# unbounded hog, a kill by the host's own OOM killer cannot pass for an enforced limit.
ALLOC_160M='x=0123456789; i=0; while [ $i -lt 24 ]; do x=$x$x; i=$((i+1)); done; echo survived'
