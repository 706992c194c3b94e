# tests/CONFORMANCE.md lists every normative clause of runtime-spec v1.3.0 (runtime.md,
# config.md, config-linux.md), each with existing tests or a reason.

test_conformance_table_lists_every_clause() {
    command -v python3 >/dev/null || skip "python3 is needed for tests/conformance/check-table.py"
    [ -f "${SPEC_DIR:-/work/shared/reference/runtime-spec-v1.3.0}/config.md" ] || skip "no runtime-spec text in ${SPEC_DIR:-/work/shared/reference/runtime-spec-v1.3.0}"
    python3 "$TESTS_DIR/conformance/check-table.py" --summary
}
