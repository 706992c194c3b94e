// The systemd driver: the container's cgroup is a transient unit (a scope with Delegate=yes, or
// a slice) that systemd creates when the first process is added; the resources are unit
// properties, and the same resources are also written to the unit's cgroup files by the v1 or v2
// driver (for what systemd has no property for), as runc does. Internal to src/runtime/cgroups.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "runtime/cgroups/manager.hpp"
#include "runtime/cgroups/path.hpp"

namespace hull::json {
class JsonNode;
}

namespace hull::cgroups {

class SystemdBus;

struct SystemdSetup {
    std::string id;
    SystemdUnit unit;
    bool user = false;  // rootless: the user's systemd instance
    bool cgroup_v2 = true;
    std::optional<oci::Resources> resources;
    oci::StringMap annotations;
};

class SystemdManager : public Manager {
public:
    explicit SystemdManager(SystemdSetup setup);
    // Reopened from save(): the unit has started and `inner` is its cgroup.
    SystemdManager(SystemdSetup setup, std::unique_ptr<Manager> inner);
    ~SystemdManager() override;

    Driver driver() const override { return Driver::systemd; }
    // Connects to systemd and checks the unit's properties; the unit starts in add_process.
    void create() override;
    // The first call starts the unit with PIDs=[pid] and waits for it, then writes the
    // resources to its cgroup; later calls add the process to that cgroup.
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

    static std::unique_ptr<Manager> load(const json::JsonNode& root);

private:
    SystemdBus& bus();
    Manager& inner();
    std::unique_ptr<Manager> make_inner(const std::string& cgroup, bool reopen) const;

    SystemdSetup setup_;
    std::unique_ptr<SystemdBus> bus_;
    std::unique_ptr<Manager> inner_;
    int version_ = 0;
};

}  // namespace hull::cgroups
