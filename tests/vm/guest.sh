#!/bin/bash
# The guest side of `make check-vm` (run as root by hull-vm-test.service, from the source share
# /mnt/src; the run folder of tests/vm/run.sh is /mnt/run). Checks that the guest is what the
# tests need (pure cgroup v2, systemd as PID 1, a delegated cgroup for the rootless user), then
# runs the root suite (tests/integration/*.sh, as root) and the user suite
# (tests/integration-rootless/*.sh, as uid 1000 in a delegated systemd --user scope).
# Settings from /mnt/run/settings: TEST_FILTER, HULL_VM_ROOT_SUITE, HULL_VM_USER_SUITE,
# HULL_VM_UNIT_TESTS. Exit status 0 only when every suite that ran passed.
set -u
# bash reads a script as it runs it: run a private copy, so an edit of the source tree during the
# run cannot change what runs.
if [ -z "${HULL_VM_GUEST_COPY:-}" ]; then
    cp "$0" /run/hull-vm-guest.sh && HULL_VM_GUEST_COPY=1 exec bash /run/hull-vm-guest.sh "$@"
fi
export HULL_IN_VM=1
run=/mnt/run
src=/mnt/src
HULL_VM_BLAME= TEST_FILTER= HULL_VM_ROOT_SUITE=1 HULL_VM_USER_SUITE=1 HULL_VM_UNIT_TESTS=0 HULL_VM_HOST_SRC=
# shellcheck source=/dev/null
[ -f "$run/settings" ] && . "$run/settings"
export TEST_FILTER TEST_TIMEOUT=${TEST_TIMEOUT:-300}

say() { echo "hull-vm: [$(cut -d" " -f1 /proc/uptime)] $*"; }
die() { say "$*"; exit 1; }

# --- the guest itself --------------------------------------------------------------------------
cgfs=$(stat -fc %T /sys/fs/cgroup)
pid1=$(cat /proc/1/comm)
say "boot: $(systemd-analyze time 2>/dev/null | head -1)"
if [ -n "${HULL_VM_BLAME:-}" ]; then
    systemd-analyze blame --no-pager 2>&1 | head -15
    cat /proc/cmdline
    grep -H . /sys/devices/system/cpu/vulnerabilities/* | sed 's|.*/||'
    cat /sys/devices/system/clocksource/clocksource0/current_clocksource
fi
say "cgroup filesystem: $cgfs ($(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)); PID 1: $pid1"
[ "$cgfs" = cgroup2fs ] || die "/sys/fs/cgroup is $cgfs, not cgroup2fs"
[ "$pid1" = systemd ] || die "PID 1 is $pid1, not systemd"

# The rootless user's manager and its delegated cgroup, as the user suite will see it.
uid=$(id -u tester)
rt=/run/user/$uid
for _ in $(seq 60); do [ -S "$rt/bus" ] && break; sleep 0.5; done
[ -S "$rt/bus" ] || die "the user manager of tester has no bus at $rt/bus"
as_tester() {
    runuser -u tester -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
        HOME=/home/tester USER=tester LOGNAME=tester LANG=C.UTF-8 \
        XDG_RUNTIME_DIR="$rt" DBUS_SESSION_BUS_ADDRESS="unix:path=$rt/bus" \
        HULL_IN_VM=1 HULL="${HULL:-}" ${OCI_SCHEMA_DIR:+OCI_SCHEMA_DIR="$OCI_SCHEMA_DIR"} ${SPEC_DIR:+SPEC_DIR="$SPEC_DIR"} \
        TEST_FILTER="$TEST_FILTER" TEST_TIMEOUT="$TEST_TIMEOUT" "$@"
}
cg=$(as_tester systemd-run --user --scope -p Delegate=yes --quiet \
    sh -c 'cg=$(cut -d: -f3 /proc/self/cgroup); echo "$cg $(stat -c %U /sys/fs/cgroup$cg/cgroup.procs) $(cat /sys/fs/cgroup$cg/cgroup.controllers)"')
say "rootless user: a scope of tester's manager: cgroup, owner, controllers: $cg"
case $cg in
    /user.slice/user-$uid.slice/user@$uid.service/*" tester "*) ;;
    *) die "tester has no delegated cgroup under user@$uid.service: $cg" ;;
esac

# The binaries on the guest's own disk, readable by the rootless user; the test helpers sit next
# to hull, where tests/integration/cgroups.sh looks for them.
bin=/usr/local/bin
for b in hull hull-unit-tests cgroup-driver fake-systemd; do
    [ -f "$run/bin/$b" ] && install -m 0755 "$run/bin/$b" "$bin/$b"
done
[ -x "$bin/hull" ] || die "no hull binary in $run/bin"
export HULL=$bin/hull
[ -x "$bin/cgroup-driver" ] && export CGROUP_DRIVER=$bin/cgroup-driver
[ -x "$bin/fake-systemd" ] && export FAKE_SYSTEMD=$bin/fake-systemd

# The tests on the guest's disk (the share is read-only and slow; the tests write tests/work).
copy=/var/tmp/hull-src
rm -rf "$copy"
mkdir -p "$copy"
dirs=(tests)
[ -d "$src/contrib" ] && dirs+=(contrib)
tar -C "$src" -cf - --exclude=tests/work --exclude='*.o' --exclude=.deps --exclude=.dirstamp \
    --exclude=tests/unit.xml "${dirs[@]}" | tar -C "$copy" -xf - || die "cannot copy the tests from $src"
chmod -R a+rX "$copy"
# The runtime-spec text and schemas of the host (tests/vm/run.sh copies them when it has them).
if [ -d "$run/spec" ]; then
    rm -rf /var/tmp/runtime-spec; cp -r "$run/spec" /var/tmp/runtime-spec; export SPEC_DIR=/var/tmp/runtime-spec
fi
if [ -d "$run/schema" ]; then
    rm -rf /var/tmp/oci-schema; cp -r "$run/schema" /var/tmp/oci-schema; export OCI_SCHEMA_DIR=/var/tmp/oci-schema
fi
chmod -R a+rX /var/tmp/runtime-spec /var/tmp/oci-schema 2>/dev/null

# suite_matches DIR: whether TEST_FILTER (empty: anything) names a test of the suite in DIR, the
# way tests/run-tests.sh matches it ("<file>/<function>").
suite_matches() {
    local file name fn
    [ -d "$1" ] || return 1
    [ -n "$TEST_FILTER" ] || return 0
    # Quick: the test functions a file defines itself; then, exactly but slower under TCG, what
    # sourcing each file defines (tests/integration/clients.sh sources its tests from elsewhere).
    for file in "$1"/*.sh; do
        [ -f "$file" ] || continue
        name=$(basename "$file" .sh)
        for fn in $(grep -oE '^test_[A-Za-z0-9_]+' "$file"); do
            [[ "$name/$fn" == *$TEST_FILTER* ]] && return 0
        done
    done
    for file in "$1"/*.sh; do
        [ -f "$file" ] || continue
        name=$(basename "$file" .sh)
        for fn in $(TESTS_DIR=$copy/tests bash -c "source '$copy/tests/lib.sh'; source '$file'; declare -F" 2>/dev/null \
                | awk '{print $3}' | grep '^test_'); do
            [[ "$name/$fn" == *$TEST_FILTER* ]] && return 0
        done
    done
    return 1
}

status=0
summaries=()
summary_of() { grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$1" | tail -1; }

# --- root suite --------------------------------------------------------------------------------
if [ "$HULL_VM_ROOT_SUITE" != 1 ]; then
    summaries+=("root suite: left out (HULL_VM_ROOT_SUITE=$HULL_VM_ROOT_SUITE)")
elif ! suite_matches "$copy/tests/integration"; then
    summaries+=("root suite: TEST_FILTER=$TEST_FILTER matches no test in tests/integration: not run")
else
    unit=none
    if [ "$HULL_VM_UNIT_TESTS" = 1 ] && [ -x "$bin/hull-unit-tests" ]; then
        unit=$bin/hull-unit-tests
        # The unit tests read their fixtures from the host's source path, compiled in.
        if [ -n "${HULL_VM_HOST_SRC:-}" ] && [ ! -e "$HULL_VM_HOST_SRC" ]; then
            mkdir -p "$(dirname "$HULL_VM_HOST_SRC")" && ln -s "$copy" "$HULL_VM_HOST_SRC"
        fi
    fi
    say "root suite: tests/integration as root${TEST_FILTER:+, TEST_FILTER=$TEST_FILTER}"
    start=$(date +%s)
    out=$(mktemp)
    UNIT_TESTS=$unit bash "$copy/tests/run-tests.sh" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || status=1
    summaries+=("root suite: $(summary_of "$out" || echo "no summary") (exit $rc, $(( $(date +%s) - start )) s)")
    rm -f "$out"
fi

# --- user suite --------------------------------------------------------------------------------
user_dir=$copy/tests/integration-rootless
if [ "$HULL_VM_USER_SUITE" != 1 ]; then
    summaries+=("user suite: left out (HULL_VM_USER_SUITE=$HULL_VM_USER_SUITE)")
elif [ ! -d "$user_dir" ]; then
    summaries+=("user suite: no tests/integration-rootless in the source tree: not run")
elif ! suite_matches "$user_dir"; then
    summaries+=("user suite: TEST_FILTER=$TEST_FILTER matches no test in tests/integration-rootless: not run")
else
    work=/home/tester/hull-work
    rm -rf "$work"
    runuser -u tester -- mkdir -p "$work"
    say "user suite: tests/integration-rootless as tester${TEST_FILTER:+, TEST_FILTER=$TEST_FILTER}"
    start=$(date +%s)
    out=$(mktemp)
    as_tester INTEGRATION_DIR="$user_dir" WORK_DIR="$work" HULL_UNPRIVILEGED_SUITE=1 UNIT_TESTS=none \
        systemd-run --user --scope -p Delegate=yes --quiet bash "$copy/tests/run-tests.sh" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    [ "$rc" = 0 ] || status=1
    summaries+=("user suite: $(summary_of "$out" || echo "no summary") (exit $rc, $(( $(date +%s) - start )) s)")
    rm -f "$out"
fi

for s in "${summaries[@]}"; do say "$s"; done
if [ ${#summaries[@]} -gt 0 ] && ! printf '%s\n' "${summaries[@]}" | grep -q ' passed, '; then
    say "no suite ran"
    status=1
fi
say "exit status $status"
exit "$status"
