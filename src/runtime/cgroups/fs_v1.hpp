// The cgroup v1 driver (legacy and hybrid hosts). Internal to src/runtime/cgroups.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/cgroups/manager.hpp"
#include "runtime/cgroups/path.hpp"

namespace hull::json {
class JsonWriter;
}

namespace hull::cgroups {

struct V1Dir {
    std::vector<std::string> controllers;  // of the hierarchy: {"cpu","cpuacct"}, {"name=systemd"}
    std::string mountpoint;                // /sys/fs/cgroup/cpu
    std::string dir;                       // /sys/fs/cgroup/cpu/hull/web
    bool has(const std::string& c) const;
};

class V1Manager : public Manager {
public:
    // `unified`: on a hybrid host, the container's cgroup in the v2 hierarchy (mount, rel).
    V1Manager(std::vector<V1Dir> dirs, std::optional<std::pair<std::string, std::string>> unified, bool rootless,
              std::optional<oci::Resources> resources, bool under_systemd = false);
    // The dirs of the container for cgroup path `rel_for(hierarchy)`.
    static std::vector<V1Dir> dirs_for(const std::vector<Hierarchy>& hierarchies,
                                       const std::optional<std::string>& cgroups_path, const std::string& id);

    Driver driver() const override { return Driver::v1; }
    void create() override;
    void add_process(int pid) override;
    void add_process_to(int pid, const std::string& sub) override;
    void update(const oci::Resources& r) override;
    void freeze() override;
    void thaw() override;
    bool frozen() override;
    std::vector<int> pids() override;
    Stats stats() override;
    std::optional<uint64_t> oom_kill_count() override;
    void kill_all(int sig) override;
    void destroy() override;
    std::string save() const override;
    std::string path() const override;

    void apply(const oci::Resources& r, bool creating);
    void write_fields(json::JsonWriter& w) const;

private:
    const V1Dir* find(const std::string& controller) const;
    std::string unified_dir() const;
    // Controllers the v2 hierarchy has that no v1 hierarchy has (hybrid hosts).
    std::set<std::string> v2_only() const;
    void freezer_write(const std::string& state);

    std::vector<V1Dir> dirs_;
    std::optional<std::pair<std::string, std::string>> unified_;
    bool rootless_;
    bool under_systemd_;
    std::optional<oci::Resources> resources_;
};

}  // namespace hull::cgroups
