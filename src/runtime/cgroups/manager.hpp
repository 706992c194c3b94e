// The cgroup of a container: one interface, three drivers (youki's model).
//   v2       pure cgroup v2 at /sys/fs/cgroup (controllers enabled down the tree, eBPF devices)
//   v1       cgroup v1 hierarchies, and on a hybrid host also the v2 one at /sys/fs/cgroup/unified
//            (the container is placed in it too; controllers that only it has, such as hugetlb
//            on some hosts, are set there)
//   systemd  a transient scope (or slice) started over sd-bus with Delegate=yes, then the files
//            systemd has no property for are written as the v1 or v2 driver would
//
// Order of use in `create`: make_manager(config) -> create() -> clone the init, with
// CLONE_INTO_CGROUP and cgroup_fd_for_clone3() when that is >= 0, else add_process(pid) before
// the init runs container code -> save() into the state directory. Later operations reopen the
// same cgroup with load_manager(saved).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libocispec/spec.hpp"
#include "runtime/cgroups/stats.hpp"

namespace hull::cgroups {

struct CgroupConfig {
    std::string id;
    std::optional<std::string> cgroups_path;    // linux.cgroupsPath
    bool systemd = false;                       // --systemd-cgroup
    bool rootless = false;                      // --rootless (or not root)
    const oci::Resources* resources = nullptr;  // linux.resources; may be null
    oci::StringMap annotations;                 // org.systemd.property.<Name> for the systemd driver
};

enum class Driver { v1, v2, systemd };
const char* driver_name(Driver d);

class Manager {
public:
    virtual ~Manager();
    virtual Driver driver() const = 0;

    // Make the cgroup(s), enable the controllers in the parents (v2 cgroup.subtree_control),
    // apply linux.resources and the device rules (the config's, then runc's defaults). Refuses a
    // cgroup that already has processes or is frozen. On failure, what it made is removed.
    // systemd: checks and prepares; the unit is started by the first add_process (a scope
    // needs a process).
    virtual void create() = 0;
    // Move pid into the cgroup(s); before the process runs container code.
    virtual void add_process(int pid) = 0;
    // exec --cgroup: move pid into an existing cgroup below the container's ("sub" or
    // "a/b"; no ".."). v1: into that sub-cgroup in each hierarchy that has it, the container's
    // cgroup in the others; an error when no hierarchy has it.
    virtual void add_process_to(int pid, const std::string& sub) = 0;
    // v2: an O_PATH|O_DIRECTORY descriptor of the cgroup for clone3's CLONE_INTO_CGROUP, owned by
    // the manager; -1 when the process must be added with add_process instead.
    virtual int cgroup_fd_for_clone3() { return -1; }
    // Apply resources again (hull update): only what is set in r; devices only when r has rules.
    virtual void update(const oci::Resources& r) = 0;
    virtual void freeze() = 0;
    virtual void thaw() = 0;
    virtual bool frozen() = 0;
    // Every process in the cgroup and the cgroups below it.
    virtual std::vector<int> pids() = 0;
    virtual Stats stats() = 0;
    // OOM kills in the cgroup so far (v2 memory.events oom_kill, v1 memory.oom_control
    // oom_kill); nullopt without a memory controller. Poll it for `events` {"type":"oom"}.
    virtual std::optional<uint64_t> oom_kill_count() = 0;
    // SIGKILL on v2 (and on hybrid hosts) through cgroup.kill; otherwise freeze, signal each
    // process, thaw, as runc does.
    virtual void kill_all(int sig) = 0;
    // Remove the cgroup dirs (systemd: stop the unit first), retrying briefly while EBUSY.
    virtual void destroy() = 0;
    // A small JSON text to keep in the state directory; load_manager() reopens the cgroup from it.
    virtual std::string save() const = 0;
    // The container's cgroup directory: v2 and systemd-on-v2 the one directory; v1 the memory
    // hierarchy's (the first one when there is no memory controller). For messages and `ps`.
    virtual std::string path() const = 0;

    // Warnings the last create()/update() produced (also logged): ignored settings.
    const std::vector<std::string>& warnings() const { return warnings_; }

protected:
    std::vector<std::string> warnings_;
};

// Pick the driver: systemd when config.systemd; else v2 when /sys/fs/cgroup is cgroup2, v1
// otherwise (legacy or hybrid). Resolves the cgroup path; touches nothing yet.
std::unique_ptr<Manager> make_manager(const CgroupConfig& config);
// Reopen a cgroup from save()'s text.
std::unique_ptr<Manager> load_manager(const std::string& saved);

// A sub-cgroup name for add_process_to: "a/b" (leading '/' dropped); throws on "..", empty.
std::string sub_cgroup_path(const std::string& sub);

}  // namespace hull::cgroups
