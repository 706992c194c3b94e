#!/bin/bash
# Runs every test: the Catch2 unit tests, then each integration test function in
# tests/integration/*.sh. Prints one line per test and ends with
#   N passed, N failed, N skipped
# Exit status: 0 when nothing failed.
set -u
: "${HULL:?HULL must name the hull binary}" "${UNIT_TESTS:?UNIT_TESTS must name the unit test binary}"
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 skipped=0
failures=()

# Unit tests: Catch2's XML reporter gives one OverallResult per test case.
"$UNIT_TESTS" -r xml > "$TESTS_DIR/unit.xml" 2>&1
unit_passed=$(grep -c '<OverallResult success="true"' "$TESTS_DIR/unit.xml")
unit_failed=$(grep -c '<OverallResult success="false"' "$TESTS_DIR/unit.xml")
if [ "$unit_passed" -eq 0 ] && [ "$unit_failed" -eq 0 ]; then
    echo "unit tests did not run:"; tail -5 "$TESTS_DIR/unit.xml"; unit_failed=1
fi
if [ "$unit_failed" -gt 0 ]; then
    "$UNIT_TESTS" 2>&1 | tail -40
    failures+=("unit tests (see above)")
fi
passed=$unit_passed failed=$unit_failed
echo "unit tests: $unit_passed passed, $unit_failed failed"

if [ "$(id -u)" != 0 ]; then
    echo "integration tests need root (they run real containers): skipped"
    skipped=$((skipped + 1))
else
    "$TESTS_DIR/make-rootfs.sh" "$TESTS_DIR/work/rootfs" || { echo "cannot build the test rootfs"; exit 1; }
    export HULL ROOTFS="$TESTS_DIR/work/rootfs"
    for file in "$TESTS_DIR"/integration/*.sh; do
        name=$(basename "$file" .sh)
        for fn in $(bash -c "source '$TESTS_DIR/lib.sh'; source '$file'; declare -F" | awk '{print $3}' | grep '^test_'); do
            if [ -n "${TEST_FILTER:-}" ] && [[ "$name/$fn" != *$TEST_FILTER* ]]; then continue; fi
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
fi

for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
