#!/bin/bash
# `make check-vm`: run hull's integration tests inside a Debian 12 guest under qemu (pure cgroup
# v2, systemd as PID 1, a rootless user with cgroup delegation) and exit with their status.
#
#   HULL=/path/hull [UNIT_TESTS=...] [CGROUP_DRIVER=...] [FAKE_SYSTEMD=...] tests/vm/run.sh
#
# Variables:
#   TEST_FILTER             only the tests whose "<file>/<function>" contains it (as run-tests.sh)
#   HULL_VM_ROOT_SUITE=0    leave out the root suite (tests/integration, as root)
#   HULL_VM_USER_SUITE=0    leave out the user suite (tests/integration-rootless, as uid 1000)
#   HULL_VM_UNIT_TESTS=1    also run the unit tests ($UNIT_TESTS) in the guest
#   HULL_VM_ACCEL           tcg or kvm (default: kvm only when the CPU has vmx/svm and /dev/kvm
#                           is usable; a paravirtual /dev/kvm without them does not boot the guest)
#   TEST_TIMEOUT            seconds for one test in the guest (default 300)
#   HULL_VM_BOOT_TIMEOUT    seconds until the tests must have started (default 300)
#   HULL_VM_TIMEOUT         seconds for the whole run (default 2700)
#   HULL_VM_CACHE           where the image is cached (default /var/cache/hull-vm)
#   HULL_VM_LOG_DIR         where console.log and test.log of the last run are kept
#                           (default tests/work/vm)
#   HULL_VM_MEMORY, HULL_VM_CPUS   guest size (default 3G, 2)
#   HULL_VM_CPU             the CPU model qemu emulates under TCG (default qemu64,+pdpe1gb)
#   HULL_VM_APPEND          more kernel command line for the guest
#   HULL_VM_BLAME=1         print the guest's systemd-analyze blame (what its boot spent time on)
# The image is built on first use (tests/vm/build-image.sh, needs root and the apt mirror).
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
: "${HULL:?HULL must name the hull binary}"
boot_timeout=${HULL_VM_BOOT_TIMEOUT:-300}
run_timeout=${HULL_VM_TIMEOUT:-2700}
log_dir=${HULL_VM_LOG_DIR:-$src/tests/work/vm}

say() { echo "check-vm: $*"; }
reported=
die() { echo "check-vm: $*" >&2; reported=1; exit 1; }
[ -x "$HULL" ] || die "HULL=$HULL is not an executable"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (contrib/install-deps.sh installs qemu-system-x86)"

start=$(date +%s)
image=$(bash "$here/build-image.sh") || die "no VM image (tests/vm/build-image.sh failed)"
built=$(date +%s)
say "image $image ($(( built - start )) s)"

# The run folder, shared read-write with the guest: copies of the binaries (a rebuild during the
# run does not change what is tested), the settings, and what the guest writes back.
run=$(mktemp -d "${TMPDIR:-/tmp}/hull-vm.XXXXXX")
qemu_pid=
cleanup() {
    local rc=$?
    if [ -z "$reported" ]; then
        echo "check-vm: stopped unexpectedly (status $rc${err_line:+, a command on line $err_line of $0 failed}); see $log_dir/console.log" >&2
    fi
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
        kill "$qemu_pid" 2>/dev/null || true
        sleep 1
        kill -9 "$qemu_pid" 2>/dev/null || true
    fi
    if mkdir -p "$log_dir" 2>/dev/null; then
        cp "$run/console.log" "$log_dir/console.log" 2>/dev/null || true
        cp "$run/log" "$log_dir/test.log" 2>/dev/null || true
    fi
    rm -rf "$run"
}
err_line=
trap cleanup EXIT
trap 'err_line=$LINENO' ERR
trap 'echo "check-vm: interrupted" >&2; reported=1; exit 130' INT TERM HUP
mkdir "$run/bin"
copy_bin() { [ -n "$2" ] && [ "$2" != none ] || return 0; [ -x "$2" ] || die "$1=$2 is not an executable"; cp "$2" "$run/bin/$3"; }
copy_bin HULL "$HULL" hull
copy_bin UNIT_TESTS "${UNIT_TESTS:-}" hull-unit-tests
copy_bin CGROUP_DRIVER "${CGROUP_DRIVER:-}" cgroup-driver
copy_bin FAKE_SYSTEMD "${FAKE_SYSTEMD:-}" fake-systemd
# The runtime-spec text and schemas some tests read (SPEC_DIR, OCI_SCHEMA_DIR), when the host has them.
spec=${SPEC_DIR:-/work/shared/reference/runtime-spec-v1.3.0}
schema=${OCI_SCHEMA_DIR:-$spec/schema}
if [ -d "$spec" ]; then cp -r "$spec" "$run/spec"; fi
if [ -d "$schema" ]; then cp -r "$schema" "$run/schema"; fi
{
    printf 'TEST_FILTER=%q\n' "${TEST_FILTER:-}"
    printf 'HULL_VM_ROOT_SUITE=%q\n' "${HULL_VM_ROOT_SUITE:-1}"
    printf 'HULL_VM_USER_SUITE=%q\n' "${HULL_VM_USER_SUITE:-1}"
    printf 'HULL_VM_UNIT_TESTS=%q\n' "${HULL_VM_UNIT_TESTS:-0}"
    printf 'HULL_VM_HOST_SRC=%q\n' "$src"
    printf 'HULL_VM_BLAME=%q\n' "${HULL_VM_BLAME:-}"
    # A test's time limit in run-tests.sh (default 120 s there): TCG runs ~10 times slower.
    printf 'TEST_TIMEOUT=%q\n' "${TEST_TIMEOUT:-300}"
} > "$run/settings"

accel=${HULL_VM_ACCEL:-}
if [ -z "$accel" ]; then
    accel=tcg
    if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; fi
fi
case $accel in
    # qemu64, not max: under TCG a process start costs ~35 ms instead of ~53 ms, and jq, which
    # every test calls, 0.5 s instead of 0.8 s. pdpe1gb: 1 GB huge pages (hugetlb.1GB.* files).
    tcg) accel_args=(-accel tcg,thread=multi,tb-size=512 -cpu "${HULL_VM_CPU:-qemu64,+pdpe1gb}") ;;
    kvm) accel_args=(-accel kvm -cpu host) ;;
    *) die "HULL_VM_ACCEL=$accel: expected tcg or kvm" ;;
esac

say "booting the guest ($accel${TEST_FILTER:+, TEST_FILTER=$TEST_FILTER}); console in $log_dir/console.log"
qemu-system-x86_64 "${accel_args[@]}" -smp "${HULL_VM_CPUS:-2}" -m "${HULL_VM_MEMORY:-3G}" \
    -nographic -no-reboot -snapshot -nic none \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -drive "file=$image/disk.img,format=raw,if=virtio" \
    -virtfs "local,path=$src,mount_tag=hostsrc,security_model=none,readonly=on,id=s" \
    -virtfs "local,path=$run,mount_tag=hostrun,security_model=none,id=r" \
    -append "root=/dev/vda rw console=ttyS0 quiet panic=-1 systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all hull.vmtest ${HULL_VM_APPEND:-}" \
    </dev/null >"$run/console.log" 2>&1 &
qemu_pid=$!

console_tail() {
    echo "--- last lines of the guest console ($log_dir/console.log) ---" >&2
    tail -n "${1:-40}" "$run/console.log" | tr -d '\r' | sed -e "s/\x1b\[[0-9;?]*[a-zA-Z]//g" -e "s/\x1bc//g" >&2
    echo "---" >&2
}
# Copy what the guest added to its log since the last call to stdout.
shown=0
follow_log() {
    [ -f "$run/log" ] || return 0
    local size
    size=$(stat -c %s "$run/log")
    if [ "$size" -gt "$shown" ]; then
        # No pipe: tail | head -c gets SIGPIPE when the log grows meanwhile (and set -e exits).
        dd if="$run/log" iflag=skip_bytes,count_bytes skip="$shown" count=$((size - shown)) \
            bs=1M status=none || true
        shown=$size
    fi
}

started=
while :; do
    sleep 1
    now=$(date +%s)
    if [ -z "$started" ] && [ -f "$run/log" ]; then
        started=$now
        say "tests started $(( now - built )) s after qemu started"
    fi
    follow_log
    if [ -f "$run/status" ]; then
        status=$(cat "$run/status")
        follow_log
        for _ in $(seq 60); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 1; done
        if kill -0 "$qemu_pid" 2>/dev/null; then
            say "the guest did not power off within 60 s of writing its status; killing qemu"
        fi
        say "guest tests exited with status $status after $(( $(date +%s) - start )) s in all"
        [[ $status =~ ^[0-9]+$ ]] || die "the guest wrote a status that is not a number: $status"
        reported=1
        exit "$status"
    fi
    if ! kill -0 "$qemu_pid" 2>/dev/null; then
        follow_log
        [ -f "$run/status" ] && continue
        console_tail
        die "the guest powered off without writing a test status (after $(( now - built )) s)"
    fi
    if [ -z "$started" ] && [ $(( now - built )) -ge "$boot_timeout" ]; then
        console_tail
        die "the tests did not start within HULL_VM_BOOT_TIMEOUT=$boot_timeout s of booting the guest"
    fi
    if [ $(( now - start )) -ge "$run_timeout" ]; then
        console_tail
        die "the run passed HULL_VM_TIMEOUT=$run_timeout s; stopped"
    fi
done
