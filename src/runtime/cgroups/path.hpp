// Where a container's cgroup is: /proc/self/cgroup and mountinfo parsing, linux.cgroupsPath
// resolution, and systemd's "slice:prefix:name" form. Pure functions: the texts are passed in.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hull::cgroups {

// One line of /proc/<pid>/cgroup: "4:memory:/a", "2:cpu,cpuacct:/", "9:name=systemd:/", "0::/a".
struct ProcCgroup {
    int hierarchy = 0;
    std::vector<std::string> controllers;  // empty for the cgroup v2 line
    std::string path;
};
std::vector<ProcCgroup> parse_proc_cgroup(std::string_view text);
// The cgroup v2 path ("0::" line) of the text; nullopt when there is none.
std::optional<std::string> own_v2_cgroup(std::string_view proc_cgroup);

// A mounted cgroup v1 hierarchy, matched with this process's line of /proc/self/cgroup.
struct Hierarchy {
    std::vector<std::string> controllers;  // {"cpu","cpuacct"}, {"name=systemd"}
    std::string mountpoint;                // /sys/fs/cgroup/memory
    std::string mount_root;                // the hierarchy path mounted there ("/" unless bound)
    std::string own_path;                  // this process's cgroup in that hierarchy
    bool has(std::string_view controller) const;
    std::string key() const;  // "cpu,cpuacct"
};
// The v1 hierarchies of /proc/self/mountinfo (first mount of each), joined with /proc/self/cgroup.
std::vector<Hierarchy> v1_hierarchies(std::string_view proc_cgroup, std::string_view mountinfo);
// The first cgroup2 mount of mountinfo; with `at`, the last one on that mountpoint (the one
// on top, when a cgroup2 was mounted over an older mount).
struct V2Mount {
    std::string mountpoint;  // /sys/fs/cgroup, /sys/fs/cgroup/unified on a hybrid host
    std::string mount_root;  // the hierarchy path mounted there ("/" unless bound)
};
std::optional<V2Mount> v2_mount(std::string_view mountinfo, const std::string& at = "");

// runc's CleanPath: "a/../../b" -> "b", "/a//b/" -> "/a/b"; never climbs above its start.
std::string clean_path(std::string_view path);
// `path` made relative to `root` when it is below it ("/a/b" in "/a" -> "/b"); as is otherwise.
std::string relative_to_mount(const std::string& path, const std::string& root);
// The parent of a cgroup path ("/a/b" -> "/a", "/" -> "/").
std::string parent_path(const std::string& path);

// The cgroup of a container, below the hierarchy's root, as runc places it:
//   absolute cgroupsPath: as given; relative: below `base`; none: "<id>" below `base`.
// For cgroup v1 `base` is this process's cgroup in the hierarchy; for cgroup v2 its parent
// (the process's own cgroup has processes, so it cannot enable controllers for a child).
std::string resolve_cgroup_path(const std::optional<std::string>& cgroups_path, const std::string& id,
                                const std::string& base);

// linux.cgroupsPath for the systemd driver: "slice:prefix:name", runc's form.
struct SystemdUnit {
    std::string slice;  // parent slice: "system.slice"; "" when the unit is itself a slice below -.slice
    std::string unit;   // "hull-<id>.scope", or "<name>.slice" when name ends in .slice
    bool is_slice() const;
};
// None: slice system.slice (user.slice when rootless), prefix "hull", name <id>.
SystemdUnit parse_systemd_path(const std::optional<std::string>& cgroups_path, const std::string& id, bool rootless);
// "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "/".
std::string expand_slice(const std::string& slice);

}  // namespace hull::cgroups
