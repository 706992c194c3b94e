#include "runtime/mount_options.hpp"

#include <linux/mount.h>
#include <sys/mount.h>

#include <string_view>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

namespace hull {

namespace {
struct FlagOption {
    std::string_view name;
    bool clear;  // the option turns the flag off
    unsigned long flag;
};
constexpr FlagOption kFlags[] = {
    {"defaults", false, 0},          {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},    {"suid", true, MS_NOSUID},         {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},         {"noexec", false, MS_NOEXEC},      {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS}, {"async", true, MS_SYNCHRONOUS},   {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},  {"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},  {"atime", true, MS_NOATIME},       {"nodiratime", false, MS_NODIRATIME},
    {"diratime", true, MS_NODIRATIME}, {"relatime", false, MS_RELATIME}, {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
    {"silent", false, MS_SILENT},    {"loud", true, MS_SILENT},
    {"iversion", false, MS_I_VERSION}, {"noiversion", true, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME}, {"nolazytime", true, MS_LAZYTIME},
};

struct PropagationOption {
    std::string_view name;
    unsigned long flag;
};
constexpr PropagationOption kPropagation[] = {
    {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},     {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

struct RecursiveAttr {
    std::string_view name;
    bool clear;
    uint64_t attr;
};
constexpr RecursiveAttr kRecursive[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},       {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},   {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},     {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},   {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME}, {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME}, {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};
}  // namespace

MountOptions parse_mount_options(const std::vector<std::string>& options) {
    MountOptions out;
    for (const std::string& opt : options) {
        bool known = false;
        for (auto& f : kFlags) {
            if (opt != f.name) continue;
            known = true;
            if (f.clear) {
                out.flags &= ~f.flag;
                out.cleared |= f.flag;
            } else {
                out.flags |= f.flag;
                out.cleared &= ~f.flag;
            }
        }
        for (auto& p : kPropagation)
            if (opt == p.name) known = true, out.propagation = p.flag;
        for (auto& r : kRecursive) {
            if (opt != r.name) continue;
            known = true;
            if (r.clear) out.rec_attr_clr |= r.attr, out.rec_attr_set &= ~r.attr;
            else out.rec_attr_set |= r.attr, out.rec_attr_clr &= ~r.attr;
            // The atime modes are one field: setting one clears the others.
            if (r.attr == MOUNT_ATTR_NOATIME || r.attr == MOUNT_ATTR_RELATIME || r.attr == MOUNT_ATTR_STRICTATIME)
                out.rec_attr_clr |= MOUNT_ATTR__ATIME;
        }
        if (opt == "bind" || opt == "rbind") {
            known = true;
            out.bind = true;
            out.recursive_bind = out.recursive_bind || opt == "rbind";
        }
        if (!known) {
            if (!out.data.empty()) out.data += ',';
            out.data += opt;
        }
    }
    return out;
}

bool is_bind_type(const std::string& type) { return type == "bind" || type == "rbind"; }

const std::vector<std::string>& known_mount_options() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v = {"bind", "rbind"};
        for (auto& f : kFlags) v.emplace_back(f.name);
        for (auto& p : kPropagation) v.emplace_back(p.name);
        for (auto& r : kRecursive) v.emplace_back(r.name);
        return v;
    }();
    return names;
}

}  // namespace hull
