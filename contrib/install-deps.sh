#!/bin/sh
# Install what hull needs to build and test on Debian 12 (run as root).
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    build-essential autoconf automake pkg-config \
    libseccomp-dev libcap-dev libyajl-dev libmount-dev libsystemd-dev criu catch2 \
    busybox-static jq procps util-linux \
    runc crun hyperfine \
    podman buildah skopeo umoci containerd conmon \
    mmdebstrap qemu-system-x86 e2fsprogs uidmap >/dev/null
