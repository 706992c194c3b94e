#include "runtime/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/devices.hpp"
#include "runtime/mounts.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull {

unsigned long rootfs_propagation_flag(const std::string& value) {
    if (value == "private") return MS_PRIVATE | MS_REC;
    if (value == "shared") return MS_SHARED | MS_REC;
    if (value == "slave") return MS_SLAVE | MS_REC;
    if (value == "unbindable") return MS_UNBINDABLE | MS_REC;
    throw Error("invalid rootfsPropagation \"" + value + "\"");
}

static bool has_mount_at(const oci::Spec& spec, const std::string& dest) {
    for (auto& m : spec.mounts)
        if (absolute_path(m.destination) == dest) return true;
    return false;
}

void prepare_rootfs(const RootfsPlan& plan) {
    const oci::Spec& spec = *plan.spec;
    const oci::Linux* lx = spec.linux ? &*spec.linux : nullptr;
    // Nothing we mount may leak back to the host: slave by default, as runc.
    unsigned long prop = MS_SLAVE | MS_REC;
    if (lx && lx->rootfsPropagation) prop = rootfs_propagation_flag(*lx->rootfsPropagation);
    if (::mount("", "/", nullptr, prop, nullptr) < 0) throw_errno("set propagation of /");
    // Private until pivot so that the rootfs bind does not propagate; the final mode is set later.
    if (::mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
        throw_errno("bind mount rootfs \"" + plan.rootfs + "\"");
    if (::mount("", plan.rootfs.c_str(), nullptr, MS_PRIVATE, nullptr) < 0)
        throw_errno("make rootfs \"" + plan.rootfs + "\" private");

    UniqueFd root(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open rootfs \"" + plan.rootfs + "\"");
    MountContext ctx{root.get(), plan.rootfs, plan.bundle, plan.in_user_ns, plan.new_cgroup_ns, plan.cgroup_dir};
    for (auto& m : spec.mounts) mount_entry(ctx, m);

    // A fresh /dev (a tmpfs from the config) gets the default devices and the usual links.
    if (has_mount_at(spec, "/dev")) {
        create_devices(root.get(), default_devices(), plan.in_user_ns);
        create_dev_links(root.get());
    }
    if (lx) create_devices(root.get(), lx->devices, plan.in_user_ns);
    if (spec.process) create_in_root(root.get(), spec.process->cwd, false);
}

void enter_rootfs(const RootfsPlan& plan) {
    if (plan.no_pivot) {
        if (::chdir(plan.rootfs.c_str()) < 0) throw_errno("chdir " + plan.rootfs);
        if (::mount(plan.rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) < 0) throw_errno("move rootfs to /");
        if (::chroot(".") < 0) throw_errno("chroot " + plan.rootfs);
        if (::chdir("/") < 0) throw_errno("chdir /");
        return;
    }
    UniqueFd oldroot(::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!oldroot) throw_errno("open /");
    UniqueFd newroot(::open(plan.rootfs.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!newroot) throw_errno("open rootfs " + plan.rootfs);
    if (::fchdir(newroot.get()) < 0) throw_errno("chdir " + plan.rootfs);
    // pivot_root(".", ".") stacks the old root on top of the new one; unmount it right away.
    if (::syscall(SYS_pivot_root, ".", ".") < 0) throw_errno("pivot_root " + plan.rootfs);
    if (::fchdir(oldroot.get()) < 0) throw_errno("chdir old root");
    if (::mount("", ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) throw_errno("make old root slave");
    if (::umount2(".", MNT_DETACH) < 0) throw_errno("unmount old root");
    if (::chdir("/") < 0) throw_errno("chdir /");
}

static void mask_path(int rootfd, const std::string& path) {
    UniqueFd fd = try_open_in_root(rootfd, path);
    if (!fd) {
        if (errno == ENOENT) return;  // nothing to mask
        throw_errno("open \"" + path + "\" in the container's root");
    }
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) throw_errno("stat " + path);
    int r = S_ISDIR(st.st_mode)
                ? ::mount("tmpfs", fd_path(fd.get()).c_str(), "tmpfs", MS_RDONLY, "size=0k")
                : ::mount("/dev/null", fd_path(fd.get()).c_str(), nullptr, MS_BIND, nullptr);
    if (r < 0) throw_errno("mask \"" + path + "\"");
}

static void readonly_path(int rootfd, const std::string& path) {
    UniqueFd fd = try_open_in_root(rootfd, path);
    if (!fd) {
        if (errno == ENOENT) return;
        throw_errno("open \"" + path + "\" in the container's root");
    }
    if (::mount(fd_path(fd.get()).c_str(), fd_path(fd.get()).c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
        throw_errno("bind \"" + path + "\" read-only");
    UniqueFd top = open_in_root(rootfd, path);
    with_context("make \"" + path + "\" read-only", [&] { remount_bind(fd_path(top.get()), MS_RDONLY | MS_REC); });
}

void finish_rootfs(const RootfsPlan& plan) {
    const oci::Spec& spec = *plan.spec;
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open /");
    if (spec.linux) {
        for (auto& p : spec.linux->readonlyPaths) readonly_path(root.get(), p);
        for (auto& p : spec.linux->maskedPaths) mask_path(root.get(), p);
    }
    if (spec.root && spec.root->readonly) with_context("make the rootfs read-only", [] { remount_bind("/", MS_RDONLY); });
    if (spec.linux && spec.linux->rootfsPropagation) {
        if (::mount("", "/", nullptr, rootfs_propagation_flag(*spec.linux->rootfsPropagation), nullptr) < 0)
            throw_errno("set rootfsPropagation of /");
    }
}

}  // namespace hull
