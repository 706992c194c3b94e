#!/bin/bash
# Start-up benchmark: `hull run` against `runc run` and `crun run` on one busybox bundle that
# runs /bin/true. The runtimes take turns run by run (hull, runc, crun, hull, ...); the medians
# and the ratios hull/runc and hull/crun are printed. See bench/README.md.
#
#   bench/run-bench.sh [-n RUNS] [-w WARMUP] [-p PAUSE_MS] [--runtimes LIST] [--no-cgroup-mount]
#                      [--hull PATH] [--runc PATH] [--crun PATH] [--strace]
#
# Run as root. The comparison runs inside `unshare -m` with cgroup2 mounted on /sys/fs/cgroup
# there (crun refuses hybrid cgroup hosts); the host's mounts are never touched.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
work=${HULL_BENCH_WORK:-$here/work}

usage() {
    sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    cat <<'EOF'

  -n RUNS            measured runs of each runtime (default 50)
  -w WARMUP          rounds run first and not counted (default 3)
  -p PAUSE_MS        untimed pause before each run (default 0)
  --runtimes LIST    the runtimes, in turn order (default hull,runc,crun; hull first)
  --no-cgroup-mount  drop the /sys/fs/cgroup mount from config.json (see README.md)
  --hull PATH        hull binary (default: the build tree's ./hull; a copy of it is run)
  --runc PATH        runc binary (default: runc on $PATH)
  --crun PATH        crun binary (default: crun on $PATH)
  --strace           also count the syscalls of one run of each (strace -f -c)
EOF
}

die() { echo "run-bench: $*" >&2; exit 1; }

# --- inside the private mount namespace --------------------------------------------------
if [ "${1:-}" = --inner ]; then
    # Refuse to mount anything unless this is a mount namespace of our own.
    [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
        die "internal: --inner is not in a private mount namespace"
    # cgroup2 on /sys/fs/cgroup: a bind of the host's cgroup2 mount where there is one, since a
    # fresh mount would apply its options (none) to the host's whole cgroup2 hierarchy.
    if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
        if [ -n "$BENCH_CGROUP2" ]; then
            mount --bind "$BENCH_CGROUP2" /sys/fs/cgroup
        else
            mount -t cgroup2 none /sys/fs/cgroup
        fi
    fi
    # The runtimes' --root dirs on a tmpfs, as /run is in production: on a disk file system
    # the state files they write and delete add the disk's latency (here ext4 with discard).
    mount -t tmpfs -o mode=0700 bench-state "$BENCH_ROOTS"
    cleanup_inner() {
        find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -type d -name 'bench-*' -exec rmdir {} + 2>/dev/null || true
    }
    trap cleanup_inner EXIT

    IFS=, read -r -a rts <<<"$BENCH_RUNTIMES"
    cmd=()
    for rt in "${rts[@]}"; do
        bin_var=BENCH_${rt^^}
        mkdir "$BENCH_ROOTS/$rt"
        [ ${#cmd[@]} -eq 0 ] || cmd+=(';;')
        cmd+=("$rt" "${!bin_var}" --root "$BENCH_ROOTS/$rt" run --bundle "$BENCH_BUNDLE" "bench-$rt-{i}")
    done
    "$BENCH_TIMER" -n "$BENCH_RUNS" -w "$BENCH_WARMUP" -p "$BENCH_PAUSE" -o "$BENCH_OUT.csv" \
        -e "$BENCH_ROOTS/stderr" -- "${cmd[@]}"

    for rt in "${rts[@]}"; do
        left=$(find "$BENCH_ROOTS/$rt" -mindepth 1 -maxdepth 1 | wc -l)
        [ "$left" -eq 0 ] || echo "run-bench: warning: $rt left $left container(s) in its --root" >&2
    done

    if [ "$BENCH_STRACE" = 1 ]; then
        files=()
        for rt in "${rts[@]}"; do
            bin_var=BENCH_${rt^^}
            files+=("$BENCH_OUT.strace-$rt.txt")
            strace -f -c -o "$BENCH_OUT.strace-$rt.txt" \
                "${!bin_var}" --root "$BENCH_ROOTS/$rt" run --bundle "$BENCH_BUNDLE" "bench-$rt-strace" \
                </dev/null >/dev/null 2>"$BENCH_ROOTS/stderr.strace" ||
                { cat "$BENCH_ROOTS/stderr.strace" >&2; die "strace of $rt failed"; }
        done
        # One table, a column per runtime; in strace's table the calls are the 4th field.
        awk '
            FNR == 1 { rt = FILENAME; sub(/.*strace-/, "", rt); sub(/\.txt$/, "", rt); order[++n] = rt }
            $1 ~ /^[0-9.]+$/ && NF >= 5 { calls[$NF, rt] = $4; seen[$NF] = 1; if ($NF != "total") sum[$NF] += $4 }
            END {
                printf "%-18s", "syscall"; for (i = 1; i <= n; i++) printf " %8s", order[i]; printf "\n"
                printf "%-18s", "total"; for (i = 1; i <= n; i++) printf " %8d", calls["total", order[i]]; printf "\n"
                cmd = "sort -k1,1nr -k2,2 | cut -f2"  # most called (all runtimes together) first
                for (s in seen) if (s != "total") {
                    line = sprintf("%-18s", s)
                    for (i = 1; i <= n; i++) line = line sprintf(" %8d", calls[s, order[i]])
                    printf "%d\t%s\n", sum[s], line | cmd
                }
                close(cmd)
            }' "${files[@]}" >"$BENCH_OUT.strace.txt"
        echo
        echo "syscalls of one run (strace -f -c, every process of it), the 30 most called:"
        head -32 "$BENCH_OUT.strace.txt"
        echo "(all: $BENCH_OUT.strace.txt; strace's tables: $BENCH_OUT.strace-<runtime>.txt)"
    fi
    exit 0
fi

# --- outside: check, prepare, then enter the private mount namespace -----------------------
runs=50 warmup=3 pause=0 strace=0 runtimes=hull,runc,crun cgroup_mount=1
hull=$top/hull runc=$(command -v runc || true) crun=$(command -v crun || true)
while [ $# -gt 0 ]; do
    case $1 in
        -n) runs=${2:-}; shift ;;
        -w) warmup=${2:-}; shift ;;
        -p) pause=${2:-}; shift ;;
        --runtimes) runtimes=${2:-}; shift ;;
        --no-cgroup-mount) cgroup_mount=0 ;;
        --hull) hull=${2:-}; shift ;;
        --runc) runc=${2:-}; shift ;;
        --crun) crun=${2:-}; shift ;;
        --strace) strace=1 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done

[ "$(id -u)" = 0 ] || die "run as root: the runtimes create namespaces and mounts"
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 ]] || die "-n wants a positive number"
[[ $warmup =~ ^[0-9]+$ ]] || die "-w wants a number"
[[ $pause =~ ^[0-9]+$ ]] || die "-p wants a number of milliseconds"
[[ $runtimes =~ ^hull(,(runc|crun))*$ ]] || die "--runtimes wants hull first, then runc and/or crun: hull,runc,crun"
[ -x "$hull" ] || die "no hull at $hull: build it (cd $top && make -j2)"
[ -n "$runc" ] && [ -x "$runc" ] || die "runc not found (it also writes the config.json): apt-get install runc"
[[ ,$runtimes, != *,crun,* ]] || { [ -n "$crun" ] && [ -x "$crun" ]; } || die "crun not found: apt-get install crun"
for tool in jq g++ unshare; do
    command -v $tool >/dev/null || die "$tool not found (contrib/install-deps.sh installs what is needed)"
done
[ "$strace" = 0 ] || command -v strace >/dev/null || die "strace not found: apt-get install strace"
hull=$(realpath "$hull") runc=$(realpath "$runc")
[ -z "$crun" ] || crun=$(realpath "$crun")

# The host's cgroup2 mount (its root), and the options that its superblock has.
read -r cgroup2 cgroup2_opts < <(awk '{
        for (i = 7; i <= NF; i++) if ($i == "-") break
        if ($(i + 1) == "cgroup2" && $4 == "/") { print $5, $(i + 3); exit }
    }' /proc/self/mountinfo) || true
# The containers mount cgroup2 afresh and have no cgroup namespace: the kernel then applies the
# options of their mount (none) to the whole hierarchy, the host's too. Do not run them where
# that would clear something.
extra=$(tr , '\n' <<<"${cgroup2_opts:-}" | grep -vx 'rw\|ro' | paste -sd, || true)
if [ "$cgroup_mount" = 1 ] && [ -n "$extra" ]; then
    die "the host's cgroup2 has options ($extra) that the containers' cgroup2 mounts would clear; use --no-cgroup-mount"
fi

mkdir -p "$work/results"
timer=$work/spawn-timer
if [ ! -x "$timer" ] || [ "$here/spawn-timer.cpp" -nt "$timer" ]; then
    g++ -std=c++20 -O2 -Wall -Wextra -o "$timer" "$here/spawn-timer.cpp"
fi

rootfs=$work/rootfs
"$top/tests/make-rootfs.sh" "$rootfs"

# One config.json for all: runc's default spec (crun 1.8.1 rejects the ociVersion 1.3.0 of
# `hull spec`), the rootfs by absolute path, no terminal, /bin/true, no linux.resources; the
# default namespaces (pid, network, ipc, uts, mount) are kept.
bundle=$work/bundle
rm -rf "$bundle"
mkdir -p "$bundle"
(cd "$bundle" && "$runc" spec)
filter='.root.path = $root | .process.terminal = false | .process.args = ["/bin/true"] | del(.linux.resources)'
[ "$cgroup_mount" = 1 ] || filter+=' | del(.mounts[] | select(.destination == "/sys/fs/cgroup"))'
jq --arg root "$rootfs" "$filter" "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

tmp=$(mktemp -d /tmp/hull-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/roots"
# A copy of hull, so that a rebuild of the tree during the run changes nothing.
cp "$hull" "$tmp/hull"
out=$work/results/$(date +%Y%m%d-%H%M%S)

{
    hull_rev=$(git -C "$(dirname "$hull")" describe --always --dirty 2>/dev/null || echo "not in git")
    echo "hull: $hull ($("$hull" --version | head -1), $hull_rev)"
    for rt in runc crun; do
        [[ ,$runtimes, != *,$rt,* ]] || echo "$rt: ${!rt} ($("${!rt}" --version | head -1))"
    done
    pause_note= cgroup_note=
    [ "$pause" = 0 ] || pause_note=", $pause ms pause before each run"
    [ "$cgroup_mount" = 1 ] || cgroup_note=", no /sys/fs/cgroup mount in the container"
    echo "bundle: $bundle$cgroup_note"
    echo "$runs runs each after $warmup warm-up rounds, taking turns ($runtimes)$pause_note"
    echo "kernel $(uname -r), $(nproc) CPUs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    if awk -v n="$(nproc)" '{ exit !($1 > n / 4) }' /proc/loadavg; then
        echo "warning: the machine is busy (load average above a quarter of its CPUs): expect noise"
    fi
    echo
} | tee "$out.txt"

export BENCH_CGROUP2=${cgroup2:-}
export BENCH_HULL=$tmp/hull BENCH_RUNC=$runc BENCH_CRUN=$crun BENCH_BUNDLE=$bundle
export BENCH_ROOTS=$tmp/roots BENCH_TIMER=$timer BENCH_RUNS=$runs BENCH_WARMUP=$warmup
export BENCH_PAUSE=$pause BENCH_RUNTIMES=$runtimes BENCH_STRACE=$strace BENCH_OUT=$out
unshare -m --propagation private bash "$here/run-bench.sh" --inner | tee -a "$out.txt"
{
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "raw times: $out.csv; this summary: $out.txt"
} | tee -a "$out.txt"
