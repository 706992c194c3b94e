// Mounts from config.json, each target resolved inside the rootfs without following a link out.
#pragma once
#include <string>

#include "libocispec/spec.hpp"
#include "util/fd.hpp"

namespace hull {

// Open path (absolute or relative, read as inside root) with O_PATH; symlinks resolve within
// root (openat2 RESOLVE_IN_ROOT), magic links refused. Throws with the path on failure.
UniqueFd open_in_root(int rootfd, const std::string& path);
// The same without throwing: an invalid fd with errno set (ENOENT: nothing there).
UniqueFd try_open_in_root(int rootfd, const std::string& path);
// The same, creating what is missing: directories, and the last component as an empty file
// when as_file is true.
UniqueFd create_in_root(int rootfd, const std::string& path, bool as_file);
// "/proc/self/fd/N": a path for mount(2) and friends that names exactly what fd holds.
std::string fd_path(int fd);

struct MountContext {
    int rootfd = -1;           // the rootfs, O_PATH
    std::string rootfs;        // its host path, for messages
    std::string bundle;        // relative sources are read against it
    bool in_user_ns = false;   // mknod and some fresh mounts are refused there
    bool new_cgroup_ns = false;
};

void mount_entry(const MountContext& ctx, const oci::Mount& m);

// Remount an existing mount point with extra flags, keeping the flags the kernel locks
// (nosuid, nodev, noexec, atime) so that it works inside user namespaces too.
void remount_bind(const std::string& target, unsigned long flags);

}  // namespace hull
