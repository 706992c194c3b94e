#!/bin/bash
# Build (once) the Debian 12 guest of `make check-vm` and print the folder that holds it:
#   vmlinuz, initrd.img, disk.img (raw ext4, label vmroot) and .complete
# The folder is $HULL_VM_CACHE/<sha256 of the recipe> (default /var/cache/hull-vm): the recipe
# is this script, the disk size, customize.sh and guest-units/*, so changing any of them builds a
# new image and an unchanged recipe reuses the cached one. Older recipe folders are removed.
# Building needs root (mmdebstrap in root mode) and the host's apt mirror; nothing is mounted
# on the host (the disk is made with mkfs.ext4 -d). Log on stderr, the folder on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${HULL_VM_CACHE:-/var/cache/hull-vm}
disk_size=6G

# Packages of the guest: vm.md's list, what hull links (libyajl2, libseccomp2) and what the
# integration tests call (jq, python3 with jsonschema, runc, zstd for the initramfs).
packages=(
    systemd systemd-sysv dbus dbus-user-session libpam-systemd
    linux-image-amd64 initramfs-tools zstd
    podman crun criu runc uidmap busybox-static iproute2 slirp4netns netavark aardvark-dns
    iptables procps kmod catatonit fuse-overlayfs
    libyajl2 libseccomp2 jq python3 python3-jsonschema
)

hash=$( {
    cat "$here/build-image.sh"
    echo "disk_size=$disk_size"
    cat "$here/customize.sh"
    for f in "$here"/guest-units/*; do echo "== $(basename "$f")"; cat "$f"; done
} | sha256sum | cut -c1-64)
dir=$cache/$hash

if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

log() { echo "build-image: $*" >&2; }
[ "$(id -u)" = 0 ] || { log "building the VM image needs root (mmdebstrap); $dir is missing"; exit 1; }
for cmd in mmdebstrap mkfs.ext4; do
    command -v "$cmd" >/dev/null || { log "$cmd not found (contrib/install-deps.sh installs it)"; exit 1; }
done

mkdir -p "$cache"
exec 9>"$cache/.lock"
if ! flock -n 9; then
    log "another run is building the image; waiting for it"
    flock 9
fi
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

# Only folders named like a recipe hash are ours to remove.
for old in "$cache"/*; do
    name=$(basename "$old")
    if [ -d "$old" ] && [ "$name" != "$hash" ] && [[ $name =~ ^[0-9a-f]{64}(\.tmp)?$ ]]; then
        log "removing the image of an older recipe: $old"
        rm -rf "$old"
    fi
done

# The mirrors: the host's own apt sources (the only archive it can reach).
mirrors=()
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -s "$f" ] && mirrors+=("$f")
done
[ ${#mirrors[@]} -gt 0 ] || { log "no apt sources on this host"; exit 1; }

tmp=$cache/$hash.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
log "building the guest root filesystem in $tmp/root (mirrors: ${mirrors[*]})"
include=$(IFS=,; echo "${packages[*]}")
mmdebstrap --variant=minbase --mode=root --include="$include" \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --aptopt='Acquire::Retries "3"' \
    --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && echo COMPRESS=zstd > "$1/etc/initramfs-tools/conf.d/zstd"' \
    --customize-hook="bash '$here/customize.sh' \"\$1\"" \
    bookworm "$tmp/root" "${mirrors[@]}" </dev/null >&2
log "root filesystem done after $(( $(date +%s) - start )) s"

kernel=$(ls "$tmp"/root/boot/vmlinuz-* | sort -V | tail -1)
initrd=$(ls "$tmp"/root/boot/initrd.img-* | sort -V | tail -1)
cp "$kernel" "$tmp/vmlinuz"
cp "$initrd" "$tmp/initrd.img"
mkfs.ext4 -q -F -L vmroot -d "$tmp/root" "$tmp/disk.img" "$disk_size" >&2
rm -rf "$tmp/root"
touch "$tmp/.complete"
mv "$tmp" "$dir"
trap - EXIT
log "image ready in $dir after $(( $(date +%s) - start )) s ($(du -sh "$dir/disk.img" | cut -f1) used of $disk_size)"
echo "$dir"
