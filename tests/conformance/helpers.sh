# Helpers of the conformance tests (tests/integration/conformance_*.sh); sourced after lib.sh.

# The same bundle with runc as reference: stdout in $ROUT, status in $RSTATUS, stderr in $RERR.
have_runc() { command -v runc >/dev/null; }
run_runc() {
    have_runc || skip "runc is not installed (the reference runtime)"
    set +e
    ROUT=$(runc --root "$T/runc" run --bundle "$BUNDLE" "r$ID" 2>"$T/runc.err" </dev/null)
    RSTATUS=$?
    set -e
    RERR=$(cat "$T/runc.err")
}
runc_cmd() { runc --root "$T/runc" "$@"; }

# expect_create_error JQ-FILTER: hull create of the default bundle changed by the filter must
# fail and leave no container behind. The error message is in $ERR.
expect_create_error() {
    make_config -f "$1" true
    set +e
    hull create --bundle "$BUNDLE" "$ID" >"$T/create.out" 2>&1 </dev/null
    local rc=$?
    ERR=$(cat "$T/create.out")
    set -e
    if [ "$rc" -eq 0 ]; then
        hull delete --force "$ID" >/dev/null 2>&1 || true
        fail "create accepted the config (filter: $1)"
    fi
    [ -z "$(hull list -q)" ] || fail "failed create left a container: $(hull list -q)"
    echo "create refused as expected: $ERR"
}

# expect_create_ok JQ-FILTER: the changed bundle must create (and is then deleted).
expect_create_ok() {
    make_config -f "$1" true
    hull create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$T/create.err" || fail "create failed (filter: $1): $(cat "$T/create.err")"
    hull delete --force "$ID"
}

# mountinfo_line OUTPUT MOUNTPOINT: the last mountinfo line of that mount point.
mountinfo_line() { echo "$1" | awk -v d="$2" '$5 == d' | tail -1; }
# mount_tokens LINE: per-mount options, optional fields (shared:N -> shared:) and super options.
mount_tokens() {
    echo "$1" | awk '{
        n = split($6, a, ","); for (i = 1; i <= n; i++) print a[i]
        for (i = 7; $i != "-"; i++) { t = $i; sub(/:[0-9]+$/, ":", t); print t }
        n = split($(i + 3), a, ","); for (j = 1; j <= n; j++) print "super:" a[j]
    }' | sort -u | tr '\n' ' '
}
