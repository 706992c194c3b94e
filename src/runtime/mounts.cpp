#include "runtime/mounts.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "runtime/mount_options.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull {

namespace {

int openat2_in_root(int rootfd, const std::string& path) {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    std::string rel = path;
    while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
    if (rel.empty()) rel = ".";
    for (;;) {
        long fd = ::syscall(SYS_openat2, rootfd, rel.c_str(), &how, sizeof how);
        if (fd >= 0 || errno != EAGAIN) return static_cast<int>(fd);
    }
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::stringstream ss(path);
    std::string p;
    while (std::getline(ss, p, '/'))
        if (!p.empty() && p != ".") parts.push_back(p);
    return parts;
}

void do_mount(const std::string& source, const std::string& target, const std::string& shown_target,
              const char* type, unsigned long flags, const std::string& data) {
    if (::mount(source.c_str(), target.c_str(), type, flags, data.empty() ? nullptr : data.c_str()) < 0) {
        std::string what = type && *type ? std::string(type) + " " : std::string();
        throw Error("mount " + what + "\"" + source + "\" on \"" + shown_target + "\"", errno);
    }
}

void set_recursive_attrs(int fd, uint64_t set, uint64_t clr, const std::string& shown) {
    if (!set && !clr) return;
    mount_attr attr{};
    attr.attr_set = set;
    attr.attr_clr = clr;
    if (::syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
        throw_errno("set recursive mount attributes on \"" + shown + "\"");
}

std::string bundle_relative(const std::string& bundle, const std::string& p) {
    return p.empty() || p[0] == '/' ? p : path_join(bundle, p);
}

// overlay's lowerdir, upperdir and workdir may be relative to the bundle.
std::string overlay_data(const std::string& data, const std::string& bundle) {
    std::string out;
    std::stringstream ss(data);
    std::string opt;
    while (std::getline(ss, opt, ',')) {
        auto eq = opt.find('=');
        std::string key = opt.substr(0, eq);
        if (eq != std::string::npos && (key == "lowerdir" || key == "upperdir" || key == "workdir")) {
            std::string val = opt.substr(eq + 1), joined;
            std::stringstream dirs(val);
            std::string d;
            while (std::getline(dirs, d, ':')) joined += (joined.empty() ? "" : ":") + bundle_relative(bundle, d);
            opt = key + "=" + joined;
        }
        out += (out.empty() ? "" : ",") + opt;
    }
    return out;
}

struct CgroupV1Mount {
    std::string name;     // directory under /sys/fs/cgroup: "cpu,cpuacct", "unified"
    std::string fstype;   // cgroup | cgroup2
    std::string options;  // super options naming the controllers
    std::string host_path;
};

std::vector<CgroupV1Mount> host_cgroup_mounts() {
    std::vector<CgroupV1Mount> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string id, parent, dev, root, point, opts, tok;
        ls >> id >> parent >> dev >> root >> point >> opts;
        while (ls >> tok && tok != "-") {}
        std::string fstype, source, super;
        ls >> fstype >> source >> super;
        if ((fstype != "cgroup" && fstype != "cgroup2") || point.rfind("/sys/fs/cgroup/", 0) != 0) continue;
        std::string name = point.substr(std::string("/sys/fs/cgroup/").size());
        if (name.empty() || name.find('/') != std::string::npos) continue;
        std::string controllers;
        std::stringstream ss(super);
        std::string o;
        while (std::getline(ss, o, ','))
            if (o != "rw" && o != "ro") controllers += (controllers.empty() ? "" : ",") + o;
        out.push_back({name, fstype, controllers, point});
    }
    return out;
}

// Instead of a fresh mount: bind source (recursively) with the mount's nosuid, nodev, noexec
// and ro.
void bind_host(const MountContext& ctx, const oci::Mount& m, const std::string& source, int target_fd,
               unsigned long flags, const std::string& shown) {
    do_mount(source, fd_path(target_fd), shown, nullptr, MS_BIND | MS_REC, "");
    unsigned long keep = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
    if (!keep) return;
    UniqueFd top(openat2_in_root(ctx.rootfd, m.destination));
    if (!top) throw_errno("open " + shown);
    with_context("mount \"" + shown + "\"", [&] { remount_bind(fd_path(top.get()), keep); });
}

// cgroup mounts: cgroup2 on a pure v2 host; on v1 and hybrid hosts a tmpfs with one mount
// per hierarchy, as runc lays it out.
void mount_cgroup(const MountContext& ctx, const oci::Mount& m, const MountOptions& o, int target_fd,
                  const std::string& shown) {
    struct statfs sfs;
    bool pure_v2 = ::statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
    unsigned long flags = o.flags & ~MS_REMOUNT;
    if (pure_v2 || m.type.value_or("") == "cgroup2") {
        if (ctx.new_cgroup_ns || !pure_v2) {
            if (::mount("cgroup2", fd_path(target_fd).c_str(), "cgroup2", flags, nullptr) == 0) return;
            int err = errno;
            if (userns_mount_fallback("cgroup2", err, ctx.in_user_ns, "") != MountFallback::bind_cgroup)
                throw Error("mount cgroup2 \"cgroup2\" on \"" + shown + "\"", err);
            bind_host(ctx, m, cgroup_bind_source(ctx.cgroup_dir, pure_v2, m.type.value_or("")), target_fd, flags, shown);
            return;
        }
        // Without a cgroup namespace a fresh cgroup2 mount shows the same tree as the host's,
        // costs the kernel an RCU grace period and resets the host mount's options: bind it.
        do_mount("/sys/fs/cgroup", fd_path(target_fd), shown, nullptr, MS_BIND | MS_REC, "");
        if (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) {
            UniqueFd top(openat2_in_root(ctx.rootfd, m.destination));
            remount_bind(fd_path(top.get()), flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
        }
        return;
    }
    do_mount("tmpfs", fd_path(target_fd), shown, "tmpfs", (flags & ~MS_RDONLY), "mode=755");
    UniqueFd dir(openat2_in_root(ctx.rootfd, m.destination));
    if (!dir) throw_errno("open " + shown);
    for (auto& cg : host_cgroup_mounts()) {
        UniqueFd sub = create_in_root(dir.get(), cg.name, false);
        std::string sub_shown = shown + "/" + cg.name;
        unsigned long sub_flags = flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;
        // With a cgroup namespace, fresh mounts show the container's own cgroups; without
        // one (or where a user namespace may not mount them) bind the host's.
        if (!ctx.new_cgroup_ns || ::mount("cgroup", fd_path(sub.get()).c_str(), cg.fstype.c_str(), sub_flags,
                                          cg.fstype == "cgroup" ? cg.options.c_str() : nullptr) < 0) {
            do_mount(cg.host_path, fd_path(sub.get()), sub_shown, nullptr, MS_BIND | MS_REC, "");
            if (flags & MS_RDONLY) {
                UniqueFd bound(openat2_in_root(dir.get(), cg.name));
                remount_bind(fd_path(bound.get()), MS_RDONLY);
            }
        }
        // Co-mounted controllers are reachable by each name: cpu -> cpu,cpuacct.
        if (cg.name.find(',') != std::string::npos) {
            std::stringstream ss(cg.name);
            std::string part;
            while (std::getline(ss, part, ','))
                if (::symlinkat(cg.name.c_str(), dir.get(), part.c_str()) < 0 && errno != EEXIST)
                    throw_errno("symlink " + shown + "/" + part);
        }
    }
    if (flags & MS_RDONLY) {
        UniqueFd top(openat2_in_root(ctx.rootfd, m.destination));
        remount_bind(fd_path(top.get()), MS_RDONLY);
    }
}

}  // namespace

MountFallback userns_mount_fallback(const std::string& type, int err, bool in_user_ns, const std::string& data) {
    if (!in_user_ns) return MountFallback::none;
    if (type == "sysfs" && err == EPERM) return MountFallback::bind_host_sys;
    if (type == "mqueue" && err == EPERM) return MountFallback::bind_host_mqueue;
    if (type == "devpts" && err == EINVAL && without_mount_option(data, "gid") != data)
        return MountFallback::devpts_without_gid;
    if ((type == "cgroup" || type == "cgroup2") && (err == EPERM || err == EBUSY)) return MountFallback::bind_cgroup;
    return MountFallback::none;
}

std::string without_mount_option(const std::string& data, const std::string& key) {
    std::string out;
    std::stringstream ss(data);
    std::string opt;
    while (std::getline(ss, opt, ',')) {
        if (opt == key || opt.rfind(key + "=", 0) == 0) continue;
        out += (out.empty() ? "" : ",") + opt;
    }
    return out;
}

std::string cgroup_bind_source(const std::string& cgroup_dir, bool pure_v2, const std::string& type) {
    if (!cgroup_dir.empty()) return cgroup_dir;
    if (!pure_v2 && type == "cgroup2") return "/sys/fs/cgroup/unified";
    return "/sys/fs/cgroup";
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

UniqueFd try_open_in_root(int rootfd, const std::string& path) { return UniqueFd(openat2_in_root(rootfd, path)); }

UniqueFd open_in_root(int rootfd, const std::string& path) {
    UniqueFd fd(openat2_in_root(rootfd, path));
    if (!fd) throw_errno("open \"" + path + "\" in the container's root");
    return fd;
}

UniqueFd create_in_root(int rootfd, const std::string& path, bool as_file) {
    UniqueFd fd(openat2_in_root(rootfd, path));
    if (fd) return fd;
    if (errno != ENOENT) throw_errno("open \"" + path + "\" in the container's root");
    std::vector<std::string> parts = split_path(path);
    std::string prefix;
    UniqueFd parent(::fcntl(rootfd, F_DUPFD_CLOEXEC, 3));
    for (size_t i = 0; i < parts.size(); ++i) {
        prefix += "/" + parts[i];
        UniqueFd next(openat2_in_root(rootfd, prefix));
        if (!next) {
            if (errno != ENOENT) throw_errno("open \"" + prefix + "\" in the container's root");
            bool last_file = as_file && i + 1 == parts.size();
            // parent was resolved inside root; one plain component is created under it.
            UniqueFd dirfd(::openat(parent.get(), ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
            if (!dirfd) throw_errno("open \"" + prefix + "\"'s parent in the container's root");
            if (last_file) {
                UniqueFd f(::openat(dirfd.get(), parts[i].c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
                if (!f && errno != EEXIST) throw_errno("create \"" + prefix + "\" in the container's root");
            } else if (::mkdirat(dirfd.get(), parts[i].c_str(), 0755) < 0 && errno != EEXIST) {
                throw_errno("mkdir \"" + prefix + "\" in the container's root");
            }
            next.reset(openat2_in_root(rootfd, prefix));
            if (!next) throw_errno("open \"" + prefix + "\" in the container's root");
        }
        parent = std::move(next);
    }
    return parent;
}

void remount_bind(const std::string& target, unsigned long flags) {
    struct statvfs sv;
    unsigned long locked = 0;
    if (::statvfs(target.c_str(), &sv) == 0) {
        if (sv.f_flag & ST_NOSUID) locked |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV) locked |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC) locked |= MS_NOEXEC;
        if (sv.f_flag & ST_NOATIME) locked |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME) locked |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME) locked |= MS_RELATIME;
    }
    if (flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) locked &= ~(MS_NOATIME | MS_RELATIME);
    if (::mount("", target.c_str(), nullptr, MS_BIND | MS_REMOUNT | locked | flags, nullptr) < 0)
        throw_errno("remount \"" + target + "\"");
}

void mount_entry(const MountContext& ctx, const oci::Mount& m) {
    MountOptions o = parse_mount_options(m.options);
    std::string type = m.type.value_or("");
    bool bind = o.bind || is_bind_type(type);
    std::string shown = path_join(ctx.rootfs, m.destination);
    std::string source = m.source.value_or(type);
    if (bind) source = bundle_relative(ctx.bundle, source);

    bool as_file = false;
    if (bind) {
        struct stat st;
        if (::stat(source.c_str(), &st) < 0) throw_errno("bind mount source \"" + source + "\"");
        as_file = !S_ISDIR(st.st_mode);
    }
    UniqueFd target = with_context("mount target", [&] { return create_in_root(ctx.rootfd, m.destination, as_file); });

    if (bind) {
        do_mount(source, fd_path(target.get()), shown, nullptr, MS_BIND | (o.recursive_bind ? MS_REC : 0), "");
        target = open_in_root(ctx.rootfd, m.destination);  // now the mount on top
        unsigned long flags = o.flags & ~MS_REMOUNT;
        if (flags || o.cleared) with_context("mount \"" + shown + "\"", [&] { remount_bind(fd_path(target.get()), flags); });
    } else if (type == "cgroup" || type == "cgroup2") {
        mount_cgroup(ctx, m, o, target.get(), shown);
        target = open_in_root(ctx.rootfd, m.destination);
    } else {
        std::string data = type == "overlay" ? overlay_data(o.data, ctx.bundle) : o.data;
        unsigned long flags = o.flags & ~MS_REMOUNT;
        std::string tp = fd_path(target.get());
        if (::mount(source.c_str(), tp.c_str(), type.c_str(), flags, data.empty() ? nullptr : data.c_str()) < 0) {
            int err = errno;
            std::string what = "mount " + type + " \"" + source + "\" on \"" + shown + "\"";
            switch (userns_mount_fallback(type, err, ctx.in_user_ns, data)) {
                case MountFallback::none:
                case MountFallback::bind_cgroup:
                    throw Error(what, err);
                case MountFallback::bind_host_sys:
                case MountFallback::bind_host_mqueue: {
                    std::string host = type == "sysfs" ? "/sys" : "/dev/mqueue";
                    with_context(what + " refused in the user namespace (" + std::strerror(err) + "); binding the host's " + host,
                                 [&] { bind_host(ctx, m, host, target.get(), flags, shown); });
                    break;
                }
                case MountFallback::devpts_without_gid:
                    do_mount(source, tp, shown, type.c_str(), flags, without_mount_option(data, "gid"));
                    break;
            }
        }
        target = open_in_root(ctx.rootfd, m.destination);
    }
    if (o.propagation && ::mount("", fd_path(target.get()).c_str(), nullptr, o.propagation, nullptr) < 0)
        throw_errno("set propagation of \"" + shown + "\"");
    set_recursive_attrs(target.get(), o.rec_attr_set, o.rec_attr_clr, shown);
}

}  // namespace hull
