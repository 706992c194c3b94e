#!/bin/sh
# On a fresh Debian 12 machine, as root: install the build dependencies, build and install hull,
# then run a demo container from a busybox root filesystem.
set -e
cd "$(dirname "$0")/.."
contrib/install-deps.sh
./autogen.sh
./configure
make -j"$(nproc)"
make install
demo=$(mktemp -d /tmp/hull-demo.XXXXXX)
tests/make-rootfs.sh "$demo/rootfs"
cd "$demo"
hull spec
jq '.process.terminal = false | .process.args = ["sh", "-c", "echo hello from $(hostname): pid $$, uid $(id -u); cat /etc/os-release 2>/dev/null || busybox | head -1"]' \
    config.json > config.json.new && mv config.json.new config.json
hull run demo
rm -rf "$demo"
