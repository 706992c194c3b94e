# Shared set-up for the client tests (Podman, Buildah, containerd driving a runtime).
# Sourced after tests/lib.sh, so skip, fail, assert_* and $T (this test's temp folder) exist.
#
# RUNTIME names the runtime the clients are given (default $HULL), so the same tests can be
# checked against runc first:  RUNTIME=/usr/sbin/runc tests/clients/run.sh
# The clients never call RUNTIME directly: they call $T/bin/hull, a wrapper that appends its
# command line and exit status to $T/runtime.log and runs RUNTIME. When a test fails, the last
# calls are printed and the whole log is kept in tests/work/clients/logs/<test>.runtime.log.
# CLIENTS_WRAP=0 registers RUNTIME itself instead of the wrapper.
#
# What is cached across tests (tests/work/clients/, never committed):
#   storage/          containers-storage (overlay) shared by podman, buildah and skopeo
#   images/           the busybox image as an OCI archive, for containerd
# Each test gets its own containers.conf, and each containerd test its own containerd.

CLIENTS_DIR=${CLIENTS_DIR:-$TESTS_DIR/clients}
CONTRIB_DIR=$(cd "$TESTS_DIR/../contrib" && pwd)
CLIENTS_WORK=${CLIENTS_WORK:-$TESTS_DIR/work/clients}
RUNTIME=${RUNTIME:-$HULL}
BB_IMAGE=localhost/hull-test-bb:latest
BB_ARCHIVE=$CLIENTS_WORK/images/hull-test-bb.oci.tar
# Bump when the image recipe below changes; the busybox binary is part of the key too.
BB_RECIPE=1

# Which package brings each command (for skip messages).
client_package() {
    case $1 in
        ctr|containerd|containerd-shim-runc-v2) echo containerd ;;
        script) echo bsdutils ;;
        *) echo "$1" ;;
    esac
}

# need_clients CMD...: skip the test unless every command is installed.
# HULL_CLIENT_TESTS=0 skips every client test.
need_clients() {
    [ "${HULL_CLIENT_TESTS:-1}" != 0 ] || skip "HULL_CLIENT_TESTS=0"
    local c missing=()
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || missing+=("$c")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        local pkgs
        pkgs=$(for c in "${missing[@]}"; do client_package "$c"; done | sort -u | tr '\n' ' ')
        skip "${missing[*]} not installed (apt-get install ${pkgs% })"
    fi
}

# --- per-test set-up and clean-up ------------------------------------------------------------

CLEANUPS=()
# on_cleanup CMD...: run CMD (a function name and arguments) when the test ends, last first.
on_cleanup() { CLEANUPS+=("$*"); }

# clients_setup: call first in every client test (after need_clients).
clients_setup() {
    [ "$(id -u)" = 0 ] || skip "the client tests run as root"
    RUNTIME=$(command -v "$RUNTIME" || true)
    [ -x "$RUNTIME" ] || fail "RUNTIME is not an executable: ${RUNTIME:-unset}"
    local f
    CLIENT_TEST=client-test
    for f in "${FUNCNAME[@]}"; do [[ $f != test_* ]] || CLIENT_TEST=$f; done
    TID=$(printf '%s' "$T" | sha256sum | cut -c1-10)
    mkdir -p "$CLIENTS_WORK/logs" "$T/bin"
    # Clients may write into their cwd (conmon leaves an `oom` file there after an OOM kill).
    cd "$T"
    RT_LOG=$T/runtime.log
    : > "$RT_LOG"
    if [ "${CLIENTS_WRAP:-1}" = 0 ]; then
        RT=$RUNTIME
    else
        RT=$T/bin/hull
        mkdir -p "$T/configs"
        cat > "$RT" <<EOF
#!/bin/bash
# Logs each call (cwd, argv, exit status) and runs the runtime under test; keeps a copy of the
# bundle's config.json (create, run) and of the exec process file in $T/configs/.
start=\$(date +%s%N)
n=\$(ls "$T/configs" | wc -l)
prev=
for a in "\$@"; do
    case \$prev in
        --bundle|-b) cp "\$a/config.json" "$T/configs/\$n.config.json" 2>/dev/null ;;
        --process|-p) cp "\$a" "$T/configs/\$n.process.json" 2>/dev/null ;;
    esac
    case \$a in
        --bundle=*) cp "\${a#--bundle=}/config.json" "$T/configs/\$n.config.json" 2>/dev/null ;;
        --process=*) cp "\${a#--process=}" "$T/configs/\$n.process.json" 2>/dev/null ;;
    esac
    prev=\$a
done
"$RUNTIME" "\$@"
rc=\$?
{ printf '%s rc=%s %sms cwd=%s:' "\$(date +%T.%3N)" "\$rc" \$(( (\$(date +%s%N) - start) / 1000000 )) "\$PWD"
  printf ' %q' "\$@"; echo; } >> "$RT_LOG"
exit \$rc
EOF
        chmod +x "$RT"
    fi
    clients_run_dir
    export CONTAINERS_STORAGE_CONF=$CLIENTS_WORK/storage.conf
    export CONTAINERS_CONF=$T/containers.conf
    write_containers_conf "$CONTAINERS_CONF"
    unset BUILDAH_RUNTIME BUILDAH_ISOLATION
    trap clients_cleanup EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
}

clients_cleanup() {
    local rc=$? i
    set +e
    trap - TERM INT
    for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
        eval "${CLEANUPS[$i]}" >/dev/null 2>&1 </dev/null
    done
    if [ -s "$RT_LOG" ]; then
        cp "$RT_LOG" "$CLIENTS_WORK/logs/$CLIENT_TEST.runtime.log"
        rm -rf "$CLIENTS_WORK/logs/$CLIENT_TEST.configs"
        if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
            [ ! -d "$T/configs" ] || cp -r "$T/configs" "$CLIENTS_WORK/logs/$CLIENT_TEST.configs"
            echo "--- last runtime calls (all: tests/work/clients/logs/$CLIENT_TEST.runtime.log):"
            tail -n "${CLIENTS_LOG_LINES:-6}" "$RT_LOG" | short_paths | cut -c1-400
        fi
    fi
    cleanup_test
    exit "$rc"
}

# Runtime log lines made readable: 64-hex ids and the long storage paths abbreviated.
short_paths() {
    sed -E -e "s#$CLIENTS_WORK/storage/overlay-containers/#<graph>/#g" \
        -e "s#$CLIENTS_RUN/storage/overlay-containers/#<run>/#g" \
        -e "s#$T/ctd/state/io.containerd.runtime.v2.task/#<state>/#g" -e "s#$T/#<T>/#g" \
        -e 's/[0-9a-f]{64}/<ID>/g'
}

# The run-time folder of the shared storage (runroot, podman's tmp_dir): short (sockets), named
# by a token made with the work folder, so a new work folder gets a new one; emptied after a
# reboot, as a tmpfs would be (/run is on disk on this kind of machine). Folders whose work
# folder is gone are removed.
clients_run_dir() {
    mkdir -p "$CLIENTS_WORK"
    [ -s "$CLIENTS_WORK/token" ] || head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$CLIENTS_WORK/token"
    local token boot d
    token=$(cat "$CLIENTS_WORK/token")
    CLIENTS_RUN=/run/hull-test-clients.$token
    for d in /run/hull-test-clients.*; do
        [ -d "$d" ] && [ "$d" != "$CLIENTS_RUN" ] || continue
        [ "$(cat "$(cat "$d/owner" 2>/dev/null)/token" 2>/dev/null)" = "${d##*.}" ] || rm -rf "$d"
    done
    boot=$(cat /proc/sys/kernel/random/boot_id)
    if [ "$(cat "$CLIENTS_RUN/boot_id" 2>/dev/null)" != "$boot" ]; then
        rm -rf "$CLIENTS_RUN"
        mkdir -p "$CLIENTS_RUN"
        echo "$CLIENTS_WORK" > "$CLIENTS_RUN/owner"
        echo "$boot" > "$CLIENTS_RUN/boot_id"
    fi
    printf '[storage]\ndriver = "%s"\ngraphroot = "%s"\nrunroot = "%s"\n' "${CLIENTS_STORAGE_DRIVER:-overlay}" \
        "$CLIENTS_WORK/storage" "$CLIENTS_RUN/storage" > "$CLIENTS_WORK/storage.conf.new"
    if cmp -s "$CLIENTS_WORK/storage.conf.new" "$CLIENTS_WORK/storage.conf"; then
        rm "$CLIENTS_WORK/storage.conf.new"
    else
        mv "$CLIENTS_WORK/storage.conf.new" "$CLIENTS_WORK/storage.conf"
    fi
}

# containers.conf for this test: contrib/containers.conf with the runtime path replaced by
# $RT, plus what a test run needs: no network set-up, logs and events in files (no systemd
# here), cgroupfs, and podman's tmp_dir in $CLIENTS_RUN with the storage's runroot.
write_containers_conf() {
    sed -e "s#^hull = \[.*#hull = [\"$RT\"]#" \
        -e '/^\[containers\]/a netns = "none"\nlog_driver = "k8s-file"' \
        -e "/^\[engine\]/a cgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\ntmp_dir = \"$CLIENTS_RUN/libpod\"" \
        "$CONTRIB_DIR/containers.conf" > "$1"
    grep -q "^hull = \[\"$RT\"\]" "$1" || fail "contrib/containers.conf has no line 'hull = [...]' under [engine.runtimes]"
}

# --- the shared busybox image ----------------------------------------------------------------

# ensure_bb_image: $BB_IMAGE in the shared storage and $BB_ARCHIVE (an OCI archive of it),
# built once from tests/make-rootfs.sh's busybox root filesystem (Debian's busybox-static).
# Uses buildah from scratch, or podman import when buildah is missing.
ensure_bb_image() {
    command -v buildah >/dev/null 2>&1 || command -v podman >/dev/null 2>&1 \
        || skip "building the test image needs buildah or podman (apt-get install buildah)"
    [ -f "$ROOTFS/.complete" ] || "$TESTS_DIR/make-rootfs.sh" "$ROOTFS" >/dev/null
    local key
    key=$( { sha256sum < "$ROOTFS/bin/busybox"; echo "recipe $BB_RECIPE"; } | sha256sum | cut -c1-16)
    mkdir -p "$CLIENTS_WORK/images"
    (
        flock 9
        if [ "$(cat "$CLIENTS_WORK/images/key" 2>/dev/null)" = "$key" ] && [ -s "$BB_ARCHIVE" ] && image_exists "$BB_IMAGE"; then
            exit 0
        fi
        rm -f "$CLIENTS_WORK/images/key" "$BB_ARCHIVE"
        build_bb_image || exit 1
        export_image "$BB_IMAGE" "$BB_ARCHIVE" || exit 1
        echo "$key" > "$CLIENTS_WORK/images/key"
    ) 9>"$CLIENTS_WORK/images/lock" || fail "cannot build the test image $BB_IMAGE"
}

image_exists() {
    if command -v podman >/dev/null 2>&1; then podman image exists "$1"
    else buildah inspect --type image "$1" >/dev/null 2>&1; fi
}

build_bb_image() {
    local cmd='["/bin/sh","-c","echo hello-from-hull-test"]'
    if command -v buildah >/dev/null 2>&1; then
        buildah rmi -f "$BB_IMAGE" >/dev/null 2>&1 || true
        local c m
        c=$(buildah from scratch) || return 1
        m=$(buildah mount "$c") || { buildah rm "$c"; return 1; }
        cp -a "$ROOTFS/." "$m/" && rm -f "$m/.complete"
        buildah umount "$c" >/dev/null
        buildah config --cmd "$cmd" --env PATH=/usr/bin:/bin:/sbin --workingdir / "$c" \
            && buildah commit -q --rm --format oci "$c" "$BB_IMAGE" >/dev/null \
            || { buildah rm "$c" >/dev/null 2>&1; return 1; }
    else
        podman rmi -f "$BB_IMAGE" >/dev/null 2>&1 || true
        tar -C "$ROOTFS" --exclude=./.complete -c . \
            | podman import -q --change "CMD $cmd" --change "ENV PATH=/usr/bin:/bin:/sbin" - "$BB_IMAGE" >/dev/null
    fi
}

# export_image IMAGE FILE: containers-storage IMAGE as an OCI archive named IMAGE.
export_image() {
    rm -f "$2.new"
    if command -v skopeo >/dev/null 2>&1; then
        skopeo copy -q "containers-storage:$1" "oci-archive:$2.new:$1" || return 1
    elif command -v podman >/dev/null 2>&1; then
        podman save -q --format oci-archive -o "$2.new" "$1" || return 1
    else
        buildah push -q "$1" "oci-archive:$2.new:$1" || return 1
    fi
    mv "$2.new" "$2"
}

# --- podman ----------------------------------------------------------------------------------

podman_setup() {
    need_clients podman conmon
    clients_setup
    ensure_bb_image
    on_cleanup podman_cleanup
}

podman_cleanup() {
    local ids
    ids=$(podman ps -aq --filter "label=hull-test=$TID")
    [ -z "$ids" ] || timeout 30 podman rm -f -t 0 $ids
}

# podman run; every container a test makes carries the label hull-test=$TID, so clean-up finds them.
prun() { podman run --label "hull-test=$TID" "$@"; }

# podman_field CONTAINER GO-TEMPLATE
podman_field() { podman inspect -f "$2" "$1"; }

# --- buildah ---------------------------------------------------------------------------------

buildah_setup() {
    need_clients buildah
    clients_setup
    ensure_bb_image
    on_cleanup buildah_cleanup
}

BUILT_IMAGES=()
buildah_cleanup() {
    buildah rm "ht-$TID" 2>/dev/null
    local i
    for i in "${BUILT_IMAGES[@]}"; do buildah rmi -f "$i"; done
}

# build_image DIR TAG: buildah bud with the runtime under test; output in $BUD_OUT.
build_image() {
    BUILT_IMAGES+=("$2")
    BUD_OUT=$(buildah bud --runtime "$RT" --pull-never --layers=false -t "$2" "$1" 2>&1) \
        || fail "buildah bud --runtime $RUNTIME failed: $BUD_OUT"
}

# --- containerd ------------------------------------------------------------------------------

# containerd_setup: a private containerd (own root, state and sockets under $T, CRI off) and
# the test image imported. Sets CTR (ctr with the socket and namespace) and RUNC_OPTS
# (--runc-binary $RT --runc-root $T/ctd/runc-root) for ctr run.
containerd_setup() {
    need_clients containerd ctr containerd-shim-runc-v2
    clients_setup
    ensure_bb_image
    containerd_start
    ctr_import "$BB_ARCHIVE"
}

containerd_start() {
    CTD=$T/ctd
    CTD_NS=hull-test
    mkdir -p "$CTD"
    cat > "$CTD/config.toml" <<EOF
version = 2
root = "$CTD/root"
state = "$CTD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTD/containerd.sock"
[ttrpc]
  address = "$CTD/containerd.sock.ttrpc"
[debug]
  address = "$CTD/debug.sock"
EOF
    # Its own session: the test's trap stops it (and what it started) through its socket.
    setsid containerd --config "$CTD/config.toml" > "$CTD/containerd.log" 2>&1 </dev/null &
    CTD_PID=$!
    on_cleanup containerd_stop
    CTR="ctr -a $CTD/containerd.sock -n $CTD_NS"
    RUNC_OPTS="--runc-binary $RT --runc-root $CTD/runc-root"
    local i
    for i in $(seq 200); do
        $CTR version >/dev/null 2>&1 && return 0
        kill -0 "$CTD_PID" 2>/dev/null || break
        sleep 0.05
    done
    tail -5 "$CTD/containerd.log"
    fail "private containerd did not start (log above)"
}

containerd_stop() {
    local id pidfile pid i
    if [ -S "$CTD/containerd.sock" ]; then
        for id in $($CTR task ls -q 2>/dev/null); do
            timeout 10 $CTR task kill -a -s KILL "$id"
            timeout 10 $CTR task delete -f "$id"
        done
        for id in $($CTR containers ls -q 2>/dev/null); do timeout 10 $CTR containers rm "$id"; done
    fi
    if kill -0 "$CTD_PID" 2>/dev/null; then
        kill -TERM "$CTD_PID"
        for i in $(seq 100); do kill -0 "$CTD_PID" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$CTD_PID" 2>/dev/null
    fi
    # Shims that outlived their tasks (the runtime failed to kill or delete): by their pid file.
    for pidfile in "$CTD"/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        grep -q containerd-shim "/proc/$pid/cmdline" 2>/dev/null && kill -KILL "$pid"
    done
    # Containers the runtime still knows about.
    if [ -d "$CTD/runc-root/$CTD_NS" ]; then
        for id in $("$RUNTIME" --root "$CTD/runc-root/$CTD_NS" list -q 2>/dev/null); do
            "$RUNTIME" --root "$CTD/runc-root/$CTD_NS" delete --force "$id"
        done
    fi
    # Mounts left under the private root (rootfs of killed shims), deepest first.
    findmnt -rn -o TARGET | grep "^$CTD/" | sort -r | while read -r m; do umount -l "$m"; done
}

ctr_import() { $CTR images import "$1" >/dev/null || fail "ctr images import $1 failed"; }

# spec_cgroups_path: linux.cgroupsPath of the last bundle the runtime was given.
spec_cgroups_path() {
    local f
    f=$(ls -v "$T"/configs/*.config.json 2>/dev/null | tail -1)
    [ -n "$f" ] && jq -r '.linux.cgroupsPath // empty' "$f"
}

# assert_in_spec_cgroup PID CONTROLLER: PID is in the cgroup named by the spec's cgroupsPath
# (cgroupfs form /parent/name).
assert_in_spec_cgroup() {
    local want got
    want=$(spec_cgroups_path)
    [ -n "$want" ] || return 0
    got=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
    [ -n "$got" ] || got=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")
    assert_eq "$got" "$want" "$2 cgroup of the container's init (linux.cgroupsPath)"
}

# cgroup_file PID CONTROLLER V1-FILE V2-FILE: path of the file of PID's cgroup for CONTROLLER
# (v1 hierarchy if mounted, else the unified one). Empty when neither exists.
cgroup_file() {
    local pid=$1 ctl=$2 path
    path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
    if [ -n "$path" ] && [ -f "/sys/fs/cgroup/$ctl$path/$3" ]; then echo "/sys/fs/cgroup/$ctl$path/$3"; return; fi
    path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
    local root=/sys/fs/cgroup
    [ -f /sys/fs/cgroup/cgroup.controllers ] || root=/sys/fs/cgroup/unified
    if [ -n "$path" ] && [ -f "$root$path/$4" ]; then echo "$root$path/$4"; fi
}

# wait_until SECONDS CMD...: retry CMD every 0.1 s until it succeeds.
wait_until() {
    local n=$(( $1 * 10 )) i
    shift
    for i in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}
