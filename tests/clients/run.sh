#!/bin/bash
# Runs only the client tests, the way tests/run-tests.sh runs integration tests (each test_*
# function in its own subshell with set -e; exit 77 = skip), against any runtime:
#   tests/clients/run.sh [--runtime PATH] [FILTER]      (default runtime: ./hull, or $RUNTIME)
#   tests/clients/run.sh --runtime /usr/sbin/runc podman_exec
# Ends with "N passed, N failed, N skipped"; exit status 0 when nothing failed.
set -u
CLIENTS_DIR=$(cd "$(dirname "$0")" && pwd)
TESTS_DIR=$(dirname "$CLIENTS_DIR")
if [ "${1:-}" = --runtime ]; then RUNTIME=$2; shift 2; fi
RUNTIME=$(command -v "${RUNTIME:-$TESTS_DIR/../hull}") || { echo "no runtime binary" >&2; exit 1; }
filter=${1:-}
export RUNTIME HULL=${HULL:-$RUNTIME} ROOTFS=$TESTS_DIR/work/rootfs TESTS_DIR
"$TESTS_DIR/make-rootfs.sh" "$ROOTFS" || exit 1
echo "runtime: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -1))"
passed=0 failed=0 skipped=0 suite_start=$(date +%s)
for file in podman buildah containerd; do
    src="source '$TESTS_DIR/lib.sh'; source '$CLIENTS_DIR/lib-clients.sh'; source '$CLIENTS_DIR/$file.sh'"
    for fn in $(bash -c "$src; declare -F" | awk '{print $3}' | grep '^test_'); do
        [[ -z "$filter" || "$file/$fn" == *$filter* ]] || continue
        log=$(mktemp)
        start=$(date +%s%N)
        timeout -k 5 "${TEST_TIMEOUT:-120}" bash -c "set -eEuo pipefail; $src; setup_test; $fn" >"$log" 2>&1 </dev/null
        rc=$?
        ms=$(( ($(date +%s%N) - start) / 1000000 ))
        case $rc in
            0) passed=$((passed + 1)); echo "PASS $file/$fn (${ms} ms)" ;;
            77) skipped=$((skipped + 1)); echo "SKIP $file/$fn: $(grep '^SKIP:' "$log" | tail -1 | cut -c7-)" ;;
            *) failed=$((failed + 1)); echo "FAIL $file/$fn (exit $rc, ${ms} ms)"; sed 's/^/    /' "$log" | tail -"${CLIENTS_TAIL:-20}" ;;
        esac
        rm -f "$log"
    done
done
echo "client tests took $(( $(date +%s) - suite_start )) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
