// The cgroup v2 driver, and the v2 operations the v1 driver (hybrid hosts) and the systemd
// driver share. Internal to src/runtime/cgroups.
#pragma once
#include <csignal>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/cgroups/manager.hpp"
#include "runtime/cgroups/resources_v2.hpp"
#include "util/fd.hpp"

namespace hull::json {
class JsonWriter;
}

namespace hull::cgroups {

// Make mount+rel and the levels above it, enabling in each level above rel the controllers that
// level has (cgroup.controllers), as runc does. Returns the directories it created, top first.
std::vector<std::string> create_v2_tree(const std::string& mount, const std::string& rel);
std::set<std::string> v2_controllers(const std::string& dir);
V2Facts v2_facts(const std::string& dir);
// Write cgroup.freeze and wait until cgroup.events says the cgroup is (un)frozen.
void freeze_v2(const std::string& dir, bool freeze);
bool frozen_v2(const std::string& dir);
// The controller a resource belongs to on cgroup v2 for each part of Resources; used to split
// Resources between v1 and v2 on a hybrid host.
oci::Resources resources_for_v2_controllers(const oci::Resources& r, const std::set<std::string>& controllers);
// Freeze (through `freeze`/`thaw`), signal every pid, thaw when it was not frozen before (or
// always for SIGKILL, so frozen v1 processes can die).
template <typename M>
void signal_each(M& m, int sig);
void signal_pids(const std::vector<int>& pids, int sig);
// hugepageLimits sizes this kernel has (/sys/kernel/mm/hugepages); throws naming the others.
void check_hugepage_sizes(const oci::Resources& r);

class V2Manager : public Manager {
public:
    // `under_systemd`: systemd made the cgroup and put the process in it (no emptiness check).
    V2Manager(std::string mount, std::string rel, bool rootless, std::optional<oci::Resources> resources,
              bool under_systemd = false);
    Driver driver() const override { return Driver::v2; }
    void create() override;
    void add_process(int pid) override;
    void add_process_to(int pid, const std::string& sub) override;
    int cgroup_fd_for_clone3() override;
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
    std::string path() const override { return dir_; }

    const std::string& mount() const { return mount_; }
    const std::string& rel() const { return rel_; }
    // Apply resources to the existing cgroup; creating: devices always (default rules).
    void apply(const oci::Resources& r, bool creating);
    // The keys of save()'s object, for the systemd driver's own save().
    void write_fields(json::JsonWriter& w) const;

private:
    std::string mount_, rel_, dir_;
    bool rootless_;
    bool under_systemd_;
    std::optional<oci::Resources> resources_;
    UniqueFd fd_;
};

template <typename M>
void signal_each(M& m, int sig) {
    bool was_frozen = m.frozen();
    bool froze = false;
    if (!was_frozen) {
        try {
            m.freeze();
            froze = true;
        } catch (const std::exception&) {
            // No freezer: signal without it; a process forked meanwhile may escape, as in runc.
        }
    }
    std::vector<int> pids;
    try {
        pids = m.pids();
    } catch (...) {
        if (froze) m.thaw();
        throw;
    }
    signal_pids(pids, sig);
    if (froze || (was_frozen && sig == SIGKILL)) m.thaw();
}

}  // namespace hull::cgroups
