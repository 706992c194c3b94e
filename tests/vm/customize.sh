#!/bin/bash
# mmdebstrap --customize-hook of tests/vm/build-image.sh: turn the guest root filesystem ROOT
# into the test VM (shares, rootless user with cgroup delegation, the test runner unit, and
# nothing that slows the boot). Runs on the host with ROOT as $1.
set -euo pipefail
root=$1
here=$(cd "$(dirname "$0")" && pwd)
in_root() { chroot "$root" "$@"; }

echo hull-vm > "$root/etc/hostname"
cat > "$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
127.0.1.1	hull-vm
::1		localhost ip6-localhost ip6-loopback
EOF

# The root disk, and the two 9p shares of tests/vm/run.sh: the source tree (read-only) and the
# run folder (binaries, settings, the log and status the host reads).
mkdir -p "$root/mnt/src" "$root/mnt/run"
cat > "$root/etc/fstab" <<'EOF'
LABEL=vmroot / ext4 defaults,noatime 0 0
hostsrc /mnt/src 9p trans=virtio,version=9p2000.L,msize=262144,ro,nofail 0 0
hostrun /mnt/run 9p trans=virtio,version=9p2000.L,msize=262144,nofail 0 0
EOF
printf '%s\n' 9p 9pnet_virtio overlay > "$root/etc/modules-load.d/hull-vm.conf"

# The rootless user: uid 1000, subordinate ids, lingering (user@1000.service starts at boot)
# and the controllers delegated to the user manager.
in_root useradd --create-home --uid 1000 --user-group --shell /bin/bash tester
echo 'tester:100000:65536' > "$root/etc/subuid"
echo 'tester:100000:65536' > "$root/etc/subgid"
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/tester"
mkdir -p "$root/etc/systemd/system/user@.service.d"
printf '[Service]\nDelegate=cpu cpuset io memory pids\n' > "$root/etc/systemd/system/user@.service.d/delegate.conf"
mkdir -p "$root/home/tester/.config/containers"
printf '[storage]\ndriver = "overlay"\n' > "$root/home/tester/.config/containers/storage.conf"
in_root chown -R tester:tester /home/tester/.config

# What slows the boot or does nothing useful in a throwaway guest without network.
in_root systemctl mask --quiet systemd-timesyncd.service e2scrub_reap.service \
    e2scrub_all.timer apt-daily.timer apt-daily-upgrade.timer \
    podman-auto-update.service podman-auto-update.timer podman-restart.service \
    serial-getty@ttyS0.service getty@tty1.service

# The test runner (tests/vm/guest-units/): started when the kernel command line has hull.vmtest.
mkdir -p "$root/usr/local/libexec"
install -m 0755 "$here/guest-units/hull-vm-runner" "$root/usr/local/libexec/hull-vm-runner"
install -m 0644 "$here/guest-units/hull-vm-test.service" "$root/etc/systemd/system/hull-vm-test.service"
in_root systemctl enable --quiet hull-vm-test.service
