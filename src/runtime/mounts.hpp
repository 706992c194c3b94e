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
    std::string cgroup_dir;    // the container's cgroup (pure cgroup v2 host), "" when none
};

void mount_entry(const MountContext& ctx, const oci::Mount& m);

// What to do when the kernel refuses a fresh mount in a user namespace, as runc and crun do.
// Pure.
enum class MountFallback {
    none,                // the error stands
    bind_host_sys,       // sysfs needs a network namespace of the user namespace: rbind /sys
    bind_host_mqueue,    // mqueue needs an ipc namespace of the user namespace: bind /dev/mqueue
    devpts_without_gid,  // gid=N is refused (EINVAL) when N is not mapped: mount without it
    bind_cgroup,         // cgroup/cgroup2 (EPERM, EBUSY): bind the container's cgroup, else the host's
};
MountFallback userns_mount_fallback(const std::string& type, int err, bool in_user_ns, const std::string& data);
// data ("mode=0620,gid=5") without the option key ("gid"). Pure.
std::string without_mount_option(const std::string& data, const std::string& key);
// Where bind_cgroup binds from: the container's own cgroup when known, else the host's
// hierarchy (/sys/fs/cgroup, or /sys/fs/cgroup/unified for cgroup2 on a hybrid host). Pure.
std::string cgroup_bind_source(const std::string& cgroup_dir, bool pure_v2, const std::string& type);

// Remount an existing mount point with extra flags, keeping the flags the kernel locks
// (nosuid, nodev, noexec, atime) so that it works inside user namespaces too.
void remount_bind(const std::string& target, unsigned long flags);

}  // namespace hull
