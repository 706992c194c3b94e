#!/bin/bash
# Runs every test: the Catch2 unit tests, then each integration test function in
# tests/integration/*.sh. Prints one line per test and ends with
#   N passed, N failed, N skipped
# Exit status: 0 when nothing failed.
set -u
: "${HULL:?HULL must name the hull binary}" "${UNIT_TESTS:?UNIT_TESTS must name the unit test binary}"
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
# INTEGRATION_DIR: the folder of test files (default tests/integration); WORK_DIR: where the
# rootfs and logs go (default tests/work); UNIT_TESTS=none leaves the unit tests out.
INTEGRATION_DIR=${INTEGRATION_DIR:-$TESTS_DIR/integration}
WORK_DIR=${WORK_DIR:-$TESTS_DIR/work}
mkdir -p "$WORK_DIR"
passed=0 failed=0 skipped=0
failures=()

if [ "$UNIT_TESTS" = none ]; then
    echo "unit tests: left out (UNIT_TESTS=none)"
else
    # Unit tests: Catch2's XML reporter gives one OverallResult per test case.
    "$UNIT_TESTS" -r xml > "$WORK_DIR/unit.xml" 2>&1
    unit_passed=$(grep -c '<OverallResult success="true"' "$WORK_DIR/unit.xml")
    unit_failed=$(grep -c '<OverallResult success="false"' "$WORK_DIR/unit.xml")
    if [ "$unit_passed" -eq 0 ] && [ "$unit_failed" -eq 0 ]; then
        echo "unit tests did not run:"; tail -5 "$WORK_DIR/unit.xml"; unit_failed=1
    fi
    if [ "$unit_failed" -gt 0 ]; then
        "$UNIT_TESTS" 2>&1 | tail -40
        failures+=("unit tests (see above)")
    fi
    passed=$unit_passed failed=$unit_failed
    echo "unit tests: $unit_passed passed, $unit_failed failed"
fi

if [ "$(id -u)" != 0 ] && [ "${HULL_UNPRIVILEGED_SUITE:-}" != 1 ]; then
    echo "integration tests need root (they run real containers): skipped"
    skipped=$((skipped + 1))
else
    "$TESTS_DIR/make-rootfs.sh" "$WORK_DIR/rootfs" || { echo "cannot build the test rootfs"; exit 1; }
    export HULL ROOTFS="$WORK_DIR/rootfs"
    ran=0
    for file in "$INTEGRATION_DIR"/*.sh; do
        name=$(basename "$file" .sh)
        for fn in $(bash -c "source '$TESTS_DIR/lib.sh'; source '$file'; declare -F" | awk '{print $3}' | grep '^test_'); do
            if [ -n "${TEST_FILTER:-}" ] && [[ "$name/$fn" != *$TEST_FILTER* ]]; then continue; fi
            ran=$((ran + 1))
            log=$(mktemp)
            start=$(date +%s%N)
            timeout -k 5 "${TEST_TIMEOUT:-120}" bash -c "set -eEuo pipefail; source '$TESTS_DIR/lib.sh'; source '$file'; setup_test; $fn" >"$log" 2>&1 </dev/null
            rc=$?
            ms=$(( ($(date +%s%N) - start) / 1000000 ))
            case $rc in
                0) passed=$((passed + 1)); echo "PASS $name/$fn (${ms} ms)" ;;
                77) skipped=$((skipped + 1)); echo "SKIP $name/$fn: $(grep '^SKIP:' "$log" | tail -1 | cut -c7-)" ;;
                *) failed=$((failed + 1)); failures+=("$name/$fn"); echo "FAIL $name/$fn (exit $rc)"; sed 's/^/    /' "$log" | tail -20 ;;
            esac
            rm -f "$log"
        done
    done
    if [ "$ran" -eq 0 ]; then
        echo "no integration test ran (TEST_FILTER=${TEST_FILTER:-} matches none in $INTEGRATION_DIR)"
        failed=$((failed + 1)); failures+=("no tests")
    fi
fi

for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
