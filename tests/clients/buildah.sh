# Buildah 1.28 calling the runtime directly (no conmon): buildah run --runtime and buildah bud
# --runtime, then images built this way run by other tools (containerd, umoci + the runtime).
# What buildah asks of the runtime (from /work/shared/reference/clients.md), cwd = the bundle:
#   create --bundle B --pid-file B/pid [--console-socket B/console.sock] buildah-buildahN,
#   start ID, state ID (parsed as JSON), delete ID (no --force)

# working_container: a buildah working container of the test image, named ht-$TID.
working_container() {
    buildah from --pull-never --name "ht-$TID" "$BB_IMAGE" >/dev/null || fail "buildah from $BB_IMAGE failed"
    echo "ht-$TID"
}

# A build context whose RUN step writes a file and prints a line; CMD prints the file.
write_build_context() {
    mkdir -p "$1"
    cat > "$1/Containerfile" <<EOF
FROM $BB_IMAGE
RUN echo built-by-buildah > /etc/built && echo run-step-ran-\$((6*7))
CMD ["cat", "/etc/built"]
EOF
}

test_buildah_run() {
    buildah_setup
    c=$(working_container)
    out=$(buildah run --runtime "$RT" "$c" -- sh -c 'echo out-line; echo err-line >&2; echo persisted > /etc/x' 2>&1) \
        || fail "buildah run --runtime $RUNTIME failed: $out"
    assert_contains "$out" out-line "stdout of buildah run"
    assert_contains "$out" err-line "stderr of buildah run"
    assert_eq "$(buildah run --runtime "$RT" "$c" -- cat /etc/x)" persisted "a file written by the previous buildah run"
    assert_eq "$(buildah run --runtime "$RT" --user 1000 --workingdir /tmp -e FOO=bar "$c" -- sh -c 'echo $(id -u) $PWD $FOO')" \
        "1000 /tmp bar" "user, workdir and env of buildah run"
    assert_eq "$(echo via-stdin | buildah run --runtime "$RT" "$c" -- cat)" via-stdin "stdin of buildah run"
    rc=0
    out=$(buildah run --runtime "$RT" "$c" -- sh -c 'exit 3' 2>&1) || rc=$?
    [ "$rc" != 0 ] || fail "buildah run of 'exit 3' succeeded"
    assert_contains "$out" "exit status 3" "buildah's message for exit 3"
    # BUILDAH_RUNTIME is the other way to choose the runtime (also for bud).
    assert_eq "$(BUILDAH_RUNTIME=$RT buildah run "$c" -- echo via-env)" via-env "buildah run with BUILDAH_RUNTIME"
    grep -q ' start ' "$RT_LOG" || fail "buildah did not call the runtime under test"
}

test_buildah_run_tty() {
    need_clients script
    buildah_setup
    c=$(working_container)
    rc=0
    out=$(printf 'tty\necho typed-$((6*7))\nexit 0\n' \
        | script -qec "buildah run -t --runtime $RT $c -- sh" /dev/null 2>&1) || rc=$?
    assert_contains "$out" /dev/pts/ "tty inside buildah run -t"
    assert_contains "$out" typed-42 "input typed into buildah run -t"
    assert_eq "$rc" 0 "exit status of buildah run -t"
}

test_buildah_bud_run_step() {
    buildah_setup
    write_build_context "$T/ctx"
    build_image "$T/ctx" "localhost/hull-test-bud:$TID"
    assert_contains "$BUD_OUT" run-step-ran-42 "output of the RUN step"
    grep -q ' create ' "$RT_LOG" || fail "buildah bud did not call the runtime under test for RUN"
    c=$(buildah from --pull-never --name "ht-$TID" "localhost/hull-test-bud:$TID")
    assert_eq "$(buildah run --runtime "$RT" "$c" -- cat /etc/built)" built-by-buildah "file made by the RUN step"
    # A failing RUN step fails the build.
    printf 'FROM %s\nRUN exit 9\n' "$BB_IMAGE" > "$T/ctx/Containerfile.fail"
    BUILT_IMAGES+=("localhost/hull-test-bud-fail:$TID")
    rc=0
    out=$(buildah bud --runtime "$RT" --pull-never -f "$T/ctx/Containerfile.fail" -t "localhost/hull-test-bud-fail:$TID" "$T/ctx" 2>&1) || rc=$?
    [ "$rc" != 0 ] || fail "a build with RUN exit 9 succeeded"
    assert_contains "$out" "exit status 9" "buildah's message for RUN exit 9"
}

# Built by buildah (RUN step through the runtime), exported by skopeo, run by podman and by containerd.
test_buildah_image_run_by_podman_and_containerd() {
    need_clients skopeo containerd ctr containerd-shim-runc-v2
    buildah_setup
    write_build_context "$T/ctx"
    build_image "$T/ctx" "localhost/hull-test-bud:$TID"
    if command -v podman >/dev/null 2>&1 && command -v conmon >/dev/null 2>&1; then
        on_cleanup podman_cleanup
        assert_eq "$(prun --rm "localhost/hull-test-bud:$TID")" built-by-buildah "podman run of the built image"
    fi
    skopeo copy -q "containers-storage:localhost/hull-test-bud:$TID" "oci-archive:$T/bud.tar:localhost/hull-test-bud:latest"
    containerd_start
    ctr_import "$T/bud.tar"
    out=$($CTR run --rm $RUNC_OPTS localhost/hull-test-bud:latest "ht-$TID" 2>&1) || fail "ctr run of the built image: $out"
    assert_eq "$out" built-by-buildah "ctr run of the image built by buildah"
}

# Built by buildah, unpacked by umoci into a bundle, run by the runtime itself.
test_buildah_image_unpacked_by_umoci() {
    need_clients skopeo umoci jq
    buildah_setup
    write_build_context "$T/ctx"
    build_image "$T/ctx" "localhost/hull-test-bud:$TID"
    skopeo copy -q "containers-storage:localhost/hull-test-bud:$TID" "oci:$T/layout:bud"
    umoci unpack --image "$T/layout:bud" "$T/umoci-bundle" >/dev/null
    # umoci writes terminal=true; there is no terminal here.
    jq '.process.terminal = false' "$T/umoci-bundle/config.json" > "$T/config.json" && mv "$T/config.json" "$T/umoci-bundle/config.json"
    rc=0
    out=$("$RT" --root "$T/rt-root" run --bundle "$T/umoci-bundle" "ht-$TID" 2>&1 </dev/null) || rc=$?
    "$RUNTIME" --root "$T/rt-root" delete --force "ht-$TID" >/dev/null 2>&1 || true
    assert_eq "$rc" 0 "exit status of $RUNTIME run of the umoci bundle (output: $out)"
    assert_eq "$out" built-by-buildah "$RUNTIME run of the umoci bundle"
}
