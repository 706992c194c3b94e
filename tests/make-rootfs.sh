#!/bin/bash
# Build a busybox root filesystem from Debian's busybox-static into DIR (default tests/work/rootfs).
# Nothing here is committed: the tests make it again when it is missing.
set -euo pipefail
dir=${1:-$(dirname "$0")/work/rootfs}
busybox=$(command -v busybox || echo /bin/busybox)
if ! "$busybox" --list 2>/dev/null | grep -x sh >/dev/null; then
    echo "make-rootfs: busybox not found: apt-get install busybox-static" >&2
    exit 1
fi
if [ -x "$dir/bin/busybox" ] && [ -f "$dir/.complete" ]; then exit 0; fi
rm -rf "$dir"
mkdir -p "$dir"/{bin,sbin,etc,proc,sys,dev,tmp,root,home/user,var/tmp,usr/bin}
cp "$busybox" "$dir/bin/busybox"
for cmd in $("$busybox" --list); do
    [ "$cmd" = busybox ] || ln -sf busybox "$dir/bin/$cmd"
done
chmod 1777 "$dir/tmp" "$dir/var/tmp"
cat > "$dir/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$dir/etc/group" <<'GR'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
GR
[ "$(id -u)" != 0 ] || chown 1000:1000 "$dir/home/user"
touch "$dir/.complete"
