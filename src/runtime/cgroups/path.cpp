#include "runtime/cgroups/path.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace hull::cgroups {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    for (;;) {
        size_t n = s.find(sep, pos);
        out.push_back(s.substr(pos, n == std::string_view::npos ? std::string_view::npos : n - pos));
        if (n == std::string_view::npos) break;
        pos = n + 1;
    }
    return out;
}

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    for (auto l : split(text, '\n'))
        if (!l.empty()) out.push_back(l);
    return out;
}

// mountinfo escapes spaces and the like as \040.
std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        auto digit = [&](size_t k) { return s[k] >= '0' && s[k] <= '7'; };
        if (s[i] == '\\' && i + 3 < s.size() && digit(i + 1) && digit(i + 2) && digit(i + 3)) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

struct MountLine {
    std::string root, point, fstype;
    std::vector<std::string> super_options;
};

std::vector<MountLine> parse_mountinfo(std::string_view text) {
    std::vector<MountLine> out;
    for (auto l : lines(text)) {
        // id parent major:minor root mountpoint options [optional fields...] - fstype source super
        auto f = split(l, ' ');
        auto dash = std::find(f.begin(), f.end(), std::string_view("-"));
        if (dash == f.end() || dash - f.begin() < 6 || f.end() - dash < 4) continue;
        MountLine m;
        m.root = unescape(f[3]);
        m.point = unescape(f[4]);
        m.fstype = std::string(dash[1]);
        for (auto o : split(dash[3], ',')) m.super_options.emplace_back(o);
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace

std::vector<ProcCgroup> parse_proc_cgroup(std::string_view text) {
    std::vector<ProcCgroup> out;
    for (auto l : lines(text)) {
        size_t a = l.find(':');
        size_t b = a == std::string_view::npos ? a : l.find(':', a + 1);
        if (b == std::string_view::npos) throw Error("/proc/self/cgroup: malformed line \"" + std::string(l) + "\"");
        ProcCgroup pc;
        try {
            pc.hierarchy = std::stoi(std::string(l.substr(0, a)));
        } catch (const std::exception&) {
            throw Error("/proc/self/cgroup: malformed line \"" + std::string(l) + "\"");
        }
        auto ctl = l.substr(a + 1, b - a - 1);
        if (!ctl.empty())
            for (auto c : split(ctl, ',')) pc.controllers.emplace_back(c);
        pc.path = std::string(l.substr(b + 1));
        out.push_back(std::move(pc));
    }
    return out;
}

std::optional<std::string> own_v2_cgroup(std::string_view proc_cgroup) {
    for (auto& pc : parse_proc_cgroup(proc_cgroup))
        if (pc.hierarchy == 0 && pc.controllers.empty()) return pc.path;
    return std::nullopt;
}

bool Hierarchy::has(std::string_view controller) const {
    return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

std::string Hierarchy::key() const {
    std::string k;
    for (auto& c : controllers) k += (k.empty() ? "" : ",") + c;
    return k;
}

std::vector<Hierarchy> v1_hierarchies(std::string_view proc_cgroup, std::string_view mountinfo) {
    std::vector<Hierarchy> out;
    auto own = parse_proc_cgroup(proc_cgroup);
    auto mounts = parse_mountinfo(mountinfo);
    for (auto& pc : own) {
        if (pc.controllers.empty()) continue;
        for (auto& m : mounts) {
            if (m.fstype != "cgroup") continue;
            bool all = std::all_of(pc.controllers.begin(), pc.controllers.end(), [&](const std::string& c) {
                return std::find(m.super_options.begin(), m.super_options.end(), c) != m.super_options.end();
            });
            if (!all) continue;
            out.push_back({pc.controllers, m.point, m.root, pc.path});
            break;
        }
    }
    return out;
}

std::optional<V2Mount> v2_mount(std::string_view mountinfo, const std::string& at) {
    std::optional<V2Mount> found;
    for (auto& m : parse_mountinfo(mountinfo)) {
        if (m.fstype != "cgroup2" || (!at.empty() && m.point != at)) continue;
        found = V2Mount{m.point, m.root};
        if (at.empty()) break;
    }
    return found;
}

std::string clean_path(std::string_view path) {
    if (path.empty()) return "";
    bool absolute = path[0] == '/';
    std::vector<std::string_view> parts;
    for (auto p : split(path, '/')) {
        if (p.empty() || p == ".") continue;
        if (p == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(p);
    }
    std::string out;
    for (auto p : parts) {
        if (!out.empty() || absolute) out += '/';
        out += p;
    }
    if (out.empty()) return absolute ? "/" : "";
    return out;
}

std::string relative_to_mount(const std::string& path, const std::string& root) {
    if (root.empty() || root == "/") return path;
    if (path == root) return "/";
    if (path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/')
        return path.substr(root.size());
    return path;
}

std::string parent_path(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return "/";
    return path.substr(0, slash);
}

std::string resolve_cgroup_path(const std::optional<std::string>& cgroups_path, const std::string& id,
                                const std::string& base) {
    std::string inner = cgroups_path && !cgroups_path->empty() ? clean_path(*cgroups_path) : clean_path(id);
    if (inner.empty()) throw Error("cgroupsPath \"" + cgroups_path.value_or("") + "\" names no cgroup");
    if (inner[0] == '/') return inner;
    std::string b = clean_path(base.empty() ? "/" : base);
    if (b.empty() || b[0] != '/') b = "/" + b;
    return b == "/" ? "/" + inner : b + "/" + inner;
}

bool SystemdUnit::is_slice() const {
    return unit.size() > 6 && unit.compare(unit.size() - 6, 6, ".slice") == 0;
}

std::string expand_slice(const std::string& slice) {
    const std::string suffix = ".slice";
    auto bad = [&] { return Error("invalid slice name \"" + slice + "\": expected NAME.slice, with - between levels"); };
    if (slice.size() <= suffix.size() || slice.compare(slice.size() - suffix.size(), suffix.size(), suffix) != 0)
        throw bad();
    if (slice.find('/') != std::string::npos) throw bad();
    std::string name = slice.substr(0, slice.size() - suffix.size());
    if (name == "-") return "/";
    std::string path, prefix;
    for (auto comp : split(name, '-')) {
        if (comp.empty()) throw bad();
        path += "/" + prefix + std::string(comp) + suffix;
        prefix += std::string(comp) + "-";
    }
    return path;
}

SystemdUnit parse_systemd_path(const std::optional<std::string>& cgroups_path, const std::string& id, bool rootless) {
    std::string slice = rootless ? "user.slice" : "system.slice";
    std::string prefix = "hull";
    std::string name = id;
    if (cgroups_path && !cgroups_path->empty()) {
        auto parts = split(*cgroups_path, ':');
        if (parts.size() != 3)
            throw Error("cgroupsPath \"" + *cgroups_path +
                        "\": the systemd driver expects \"slice:prefix:name\" (e.g. system.slice:hull:web)");
        if (!parts[0].empty()) slice = std::string(parts[0]);
        prefix = std::string(parts[1]);
        name = std::string(parts[2]);
    }
    if (name.empty()) throw Error("cgroupsPath \"" + cgroups_path.value_or("") + "\": the unit name is empty");
    for (auto& s : {prefix, name})
        if (s.find('/') != std::string::npos)
            throw Error("cgroupsPath \"" + cgroups_path.value_or("") + "\": \"" + s + "\" must not contain '/'");
    expand_slice(slice);  // validates
    SystemdUnit u;
    u.slice = slice;
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".slice") == 0) {
        expand_slice(name);
        u.unit = name;
    } else {
        u.unit = (prefix.empty() ? "" : prefix + "-") + name + ".scope";
    }
    return u;
}

}  // namespace hull::cgroups
