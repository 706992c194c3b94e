#include "runtime/devices.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/mounts.hpp"
#include "util/error.hpp"

namespace hull {

const std::vector<oci::Device>& default_devices() {
    static const std::vector<oci::Device> devs = {
        {"c", "/dev/null", 1, 3, 0666, 0, 0},   {"c", "/dev/zero", 1, 5, 0666, 0, 0},
        {"c", "/dev/full", 1, 7, 0666, 0, 0},   {"c", "/dev/random", 1, 8, 0666, 0, 0},
        {"c", "/dev/urandom", 1, 9, 0666, 0, 0}, {"c", "/dev/tty", 5, 0, 0666, 0, 0},
    };
    return devs;
}

static mode_t device_type(const std::string& t) {
    if (t == "c" || t == "u") return S_IFCHR;
    if (t == "b") return S_IFBLK;
    if (t == "p") return S_IFIFO;
    throw Error("unknown device type \"" + t + "\"");
}

static std::pair<std::string, std::string> split_parent(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return {"/", path};
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

static void create_device(int rootfd, const oci::Device& d, bool in_user_ns) {
    auto [dir, name] = split_parent(d.path);
    UniqueFd parent = create_in_root(rootfd, dir, false);
    UniqueFd dirfd(::openat(parent.get(), ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!dirfd) throw_errno("open " + dir);
    mode_t type = device_type(d.type);
    mode_t perm = d.fileMode.value_or(0666) & 07777;
    dev_t dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
    ::unlinkat(dirfd.get(), name.c_str(), 0);  // replace what the image has there
    if (!in_user_ns || type == S_IFIFO) {
        if (::mknodat(dirfd.get(), name.c_str(), type | perm, dev) == 0) {
            if (::fchmodat(dirfd.get(), name.c_str(), perm, 0) < 0) throw_errno("chmod " + d.path);
            if (::fchownat(dirfd.get(), name.c_str(), d.uid.value_or(0), d.gid.value_or(0), AT_SYMLINK_NOFOLLOW) < 0)
                throw_errno("chown " + d.path);
            return;
        }
        // Refused without CAP_MKNOD (a user namespace we did not notice): bind it as below.
        if (errno != EPERM || type == S_IFIFO) throw_errno("mknod " + d.path);
    }
    // mknod is not allowed in a user namespace: bind the host's node onto an empty file, as runc.
    UniqueFd f(::openat(dirfd.get(), name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!f) throw_errno("create " + d.path);
    UniqueFd target = open_in_root(rootfd, d.path);
    if (::mount(d.path.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
        throw_errno("bind mount host device " + d.path);
}

void create_devices(int rootfd, const std::vector<oci::Device>& devices, bool in_user_ns) {
    for (auto& d : devices) with_context("device " + d.path, [&] { create_device(rootfd, d, in_user_ns); });
}

void create_dev_links(int rootfd) {
    UniqueFd dev = create_in_root(rootfd, "/dev", false);
    UniqueFd dirfd(::openat(dev.get(), ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!dirfd) throw_errno("open /dev");
    struct Link {
        const char* target;
        const char* name;
    };
    const Link links[] = {{"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"},
                          {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
                          {"pts/ptmx", "ptmx"}};
    for (auto& l : links) {
        if (std::string(l.name) == "ptmx") ::unlinkat(dirfd.get(), l.name, 0);
        if (::symlinkat(l.target, dirfd.get(), l.name) < 0 && errno != EEXIST)
            throw_errno(std::string("symlink /dev/") + l.name);
    }
    if (::access("/proc/kcore", F_OK) == 0 && ::symlinkat("/proc/kcore", dirfd.get(), "core") < 0 && errno != EEXIST)
        throw_errno("symlink /dev/core");
}

}  // namespace hull
