#include "runtime/cgroups/manager.hpp"

#include <sys/statfs.h>

#include <linux/magic.h>

#include "libocispec/json.hpp"
#include "runtime/cgroups/fs_v1.hpp"
#include "runtime/cgroups/fs_v2.hpp"
#include "runtime/cgroups/path.hpp"
#include "runtime/cgroups/systemd.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull::cgroups {

namespace {

constexpr const char* kRoot = "/sys/fs/cgroup";

bool pure_v2() {
    struct statfs s;
    if (::statfs(kRoot, &s) < 0) throw Error(std::string("statfs ") + kRoot, errno);
    return s.f_type == CGROUP2_SUPER_MAGIC;
}

std::string str(const json::JsonNode& n, std::string_view key) {
    auto v = n.find(key);
    if (!v) n.fail("missing \"" + std::string(key) + "\"");
    return std::string(v->string());
}

bool boolean(const json::JsonNode& n, std::string_view key) {
    auto v = n.find(key);
    return v && v->boolean();
}

std::unique_ptr<Manager> load_fs(const json::JsonNode& n, bool under_systemd) {
    std::string driver = str(n, "driver");
    bool rootless = boolean(n, "rootless");
    if (driver == "v2") return std::make_unique<V2Manager>(str(n, "mount"), str(n, "path"), rootless, std::nullopt, under_systemd);
    if (driver != "v1") n.fail("unknown cgroup driver \"" + driver + "\"");
    std::vector<V1Dir> dirs;
    auto d = n.find("dirs");
    if (!d) n.fail("missing \"dirs\"");
    for (auto& [key, node] : d->members()) {
        V1Dir dir;
        std::string k(key);
        size_t pos = 0;
        for (;;) {
            size_t c = k.find(',', pos);
            dir.controllers.push_back(k.substr(pos, c == std::string::npos ? std::string::npos : c - pos));
            if (c == std::string::npos) break;
            pos = c + 1;
        }
        dir.mountpoint = str(node, "mount");
        dir.dir = str(node, "dir");
        dirs.push_back(std::move(dir));
    }
    std::optional<std::pair<std::string, std::string>> unified;
    if (auto u = n.find("unified")) unified = std::make_pair(str(*u, "mount"), str(*u, "path"));
    return std::make_unique<V1Manager>(std::move(dirs), unified, rootless, std::nullopt, under_systemd);
}

}  // namespace

const char* driver_name(Driver d) {
    switch (d) {
        case Driver::v1: return "v1";
        case Driver::v2: return "v2";
        case Driver::systemd: return "systemd";
    }
    return "?";
}

Manager::~Manager() = default;

std::string sub_cgroup_path(const std::string& sub) {
    std::string s = sub;
    while (!s.empty() && s[0] == '/') s.erase(0, 1);
    for (size_t pos = 0; pos <= s.size();) {
        size_t n = s.find('/', pos);
        std::string part = s.substr(pos, n == std::string::npos ? std::string::npos : n - pos);
        if (part == "..") throw Error("sub-cgroup \"" + sub + "\": \"..\" is not allowed");
        if (n == std::string::npos) break;
        pos = n + 1;
    }
    std::string clean = clean_path(s);
    if (clean.empty()) throw Error("sub-cgroup \"" + sub + "\" names no cgroup");
    return clean;
}

std::unique_ptr<Manager> make_manager(const CgroupConfig& config) {
    std::optional<oci::Resources> res;
    if (config.resources) res = *config.resources;
    bool v2 = pure_v2();
    if (config.systemd) {
        SystemdSetup s;
        s.id = config.id;
        s.unit = parse_systemd_path(config.cgroups_path, config.id, config.rootless);
        s.user = config.rootless;
        s.cgroup_v2 = v2;
        s.resources = res;
        s.annotations = config.annotations;
        return std::make_unique<SystemdManager>(std::move(s));
    }
    std::string proc_cgroup = read_file("/proc/self/cgroup");
    std::string mountinfo = read_file("/proc/self/mountinfo");
    if (v2) {
        auto own = own_v2_cgroup(proc_cgroup);
        if (!own) throw Error("/proc/self/cgroup has no cgroup v2 line");
        auto mount = v2_mount(mountinfo, kRoot);
        std::string root = mount ? mount->mount_root : "/";
        // Below the parent of our own cgroup: ours has processes (us), so it cannot have
        // controllers enabled for children.
        std::string base = parent_path(relative_to_mount(*own, root));
        std::string rel = resolve_cgroup_path(config.cgroups_path, config.id, base);
        return std::make_unique<V2Manager>(kRoot, rel, config.rootless, res);
    }
    auto hierarchies = v1_hierarchies(proc_cgroup, mountinfo);
    auto dirs = V1Manager::dirs_for(hierarchies, config.cgroups_path, config.id);
    std::optional<std::pair<std::string, std::string>> unified;
    if (auto m = v2_mount(mountinfo)) {
        auto own = own_v2_cgroup(proc_cgroup).value_or("/");
        std::string rel = resolve_cgroup_path(config.cgroups_path, config.id, relative_to_mount(own, m->mount_root));
        unified = std::make_pair(m->mountpoint, rel);
    }
    return std::make_unique<V1Manager>(std::move(dirs), unified, config.rootless, res);
}

std::unique_ptr<Manager> load_manager(const std::string& saved) {
    json::JsonDocument doc(saved, "cgroup state");
    json::JsonNode root = doc.root();
    if (!root.is_object()) root.fail_expected("an object");
    std::string driver = str(root, "driver");
    if (driver == "systemd") return SystemdManager::load(root);
    return load_fs(root, false);
}

std::unique_ptr<Manager> SystemdManager::load(const json::JsonNode& root) {
    SystemdSetup s;
    s.id = str(root, "id");
    s.unit.unit = str(root, "unit");
    s.unit.slice = str(root, "slice");
    s.user = boolean(root, "user");
    s.cgroup_v2 = boolean(root, "cgroup_v2");
    std::unique_ptr<Manager> inner;
    if (auto in = root.find("inner")) inner = load_fs(*in, true);
    return std::make_unique<SystemdManager>(std::move(s), std::move(inner));
}

}  // namespace hull::cgroups
