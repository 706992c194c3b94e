// The container's root filesystem: propagation, the mounts of config.json, /dev, pivot_root,
// masked and read-only paths.
#pragma once
#include <string>

#include "libocispec/spec.hpp"

namespace hull {

struct RootfsPlan {
    const oci::Spec* spec = nullptr;
    std::string rootfs;   // absolute host path
    std::string bundle;   // absolute host path
    bool in_user_ns = false;
    bool new_cgroup_ns = false;
    bool no_pivot = false;
    std::string cgroup_dir;  // the container's cgroup on a pure v2 host (bound when cgroup2 is refused)
};

// In the container's new mount namespace, before pivot_root: make the host's mounts invisible
// to propagation, bind the rootfs on itself, mount everything and populate /dev.
void prepare_rootfs(const RootfsPlan& plan);
// Make the rootfs the new "/" (pivot_root, or MS_MOVE + chroot with --no-pivot).
void enter_rootfs(const RootfsPlan& plan);
// After enter_rootfs: maskedPaths, readonlyPaths, root.readonly, rootfsPropagation.
void finish_rootfs(const RootfsPlan& plan);

// The flag of a rootfsPropagation value, for mount(2).
unsigned long rootfs_propagation_flag(const std::string& value);

}  // namespace hull
