#include "runtime/cgroups/systemd.hpp"

#include "libocispec/json.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/fs_v1.hpp"
#include "runtime/cgroups/fs_v2.hpp"
#include "runtime/cgroups/systemd_bus.hpp"
#include "runtime/cgroups/systemd_properties.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hull::cgroups {

namespace {

std::string read_or_empty(const std::string& path) {
    try {
        return read_file(path);
    } catch (const Error&) {
        return "";
    }
}

// The v1 hierarchies and the v2 mount of this host (manager.cpp reads the same).
struct HostLayout {
    std::vector<Hierarchy> hierarchies;
    std::optional<V2Mount> v2;
};
HostLayout host_layout() {
    std::string pc = read_file("/proc/self/cgroup"), mi = read_file("/proc/self/mountinfo");
    return {v1_hierarchies(pc, mi), v2_mount(mi)};
}

}  // namespace

SystemdManager::SystemdManager(SystemdSetup setup) : setup_(std::move(setup)) {}
SystemdManager::SystemdManager(SystemdSetup setup, std::unique_ptr<Manager> inner)
    : setup_(std::move(setup)), inner_(std::move(inner)) {}
SystemdManager::~SystemdManager() = default;

SystemdBus& SystemdManager::bus() {
    if (!bus_) {
        bus_ = SystemdBus::connect(setup_.user);
        version_ = bus_->version();
    }
    return *bus_;
}

Manager& SystemdManager::inner() {
    if (!inner_) throw Error("systemd unit " + setup_.unit.unit + " has not been started (no process was added)");
    return *inner_;
}

std::unique_ptr<Manager> SystemdManager::make_inner(const std::string& cgroup, bool reopen) const {
    auto res = reopen ? std::nullopt : setup_.resources;
    if (setup_.cgroup_v2) return std::make_unique<V2Manager>("/sys/fs/cgroup", cgroup, setup_.user, res, true);
    auto layout = host_layout();
    std::vector<V1Dir> dirs = V1Manager::dirs_for(layout.hierarchies, cgroup, setup_.id);
    std::optional<std::pair<std::string, std::string>> unified;
    if (layout.v2) unified = std::make_pair(layout.v2->mountpoint, cgroup);
    return std::make_unique<V1Manager>(std::move(dirs), unified, setup_.user, res, true);
}

void SystemdManager::create() {
    bus();
    // The properties are checked now, before a process exists, so a bad annotation fails early.
    Warnings w;
    DeviceEmulator emu;
    emu.apply_all(effective_device_rules(setup_.resources ? setup_.resources->devices : std::vector<oci::DeviceCgroup>{}));
    UnitSpec spec{setup_.unit, "hull container " + setup_.id, -1, setup_.cgroup_v2, version_};
    unit_properties(spec, setup_.resources ? &*setup_.resources : nullptr, &emu, setup_.annotations,
                    read_or_empty("/proc/devices"), w);
}

void SystemdManager::add_process(int pid) {
    if (inner_) {
        inner_->add_process(pid);
        return;
    }
    Warnings w;
    DeviceEmulator emu;
    emu.apply_all(effective_device_rules(setup_.resources ? setup_.resources->devices : std::vector<oci::DeviceCgroup>{}));
    bus();
    UnitSpec spec{setup_.unit, "hull container " + setup_.id, pid, setup_.cgroup_v2, version_};
    Properties props = unit_properties(spec, setup_.resources ? &*setup_.resources : nullptr,
                                       setup_.user ? nullptr : &emu, setup_.annotations, read_or_empty("/proc/devices"), w);
    for (auto& m : w) log::warn(m);
    warnings_ = w;
    bus().start_transient_unit(setup_.unit.unit, props);
    std::string cgroup;
    try {
        cgroup = bus().unit_control_group(setup_.unit.unit);
    } catch (const Error& e) {
        log::debug(e.what());
    }
    if (cgroup.empty()) {
        cgroup = expand_slice(setup_.unit.slice) + "/" + setup_.unit.unit;
        if (setup_.user) cgroup = bus().manager_control_group() + cgroup;
    }
    auto in = make_inner(clean_path(cgroup), false);
    try {
        // The files systemd has no property for (and the v1 hierarchies it does not manage).
        in->create();
        if (!setup_.cgroup_v2) in->add_process(pid);
    } catch (...) {
        try {
            bus().stop_unit(setup_.unit.unit);
        } catch (const Error& e) {
            log::warn(e.what());
        }
        throw;
    }
    warnings_.insert(warnings_.end(), in->warnings().begin(), in->warnings().end());
    inner_ = std::move(in);
}

void SystemdManager::update(const oci::Resources& r) {
    Warnings w;
    Properties props = resource_properties(r, setup_.cgroup_v2, bus_ ? version_ : (bus(), version_), w);
    if (!props.empty()) bus().set_unit_properties(setup_.unit.unit, props);
    inner().update(r);
    warnings_ = w;
    warnings_.insert(warnings_.end(), inner().warnings().begin(), inner().warnings().end());
}

void SystemdManager::freeze() { inner().freeze(); }
void SystemdManager::thaw() { inner().thaw(); }
bool SystemdManager::frozen() { return inner().frozen(); }
std::vector<int> SystemdManager::pids() { return inner().pids(); }
Stats SystemdManager::stats() { return inner().stats(); }
std::optional<uint64_t> SystemdManager::oom_kill_count() { return inner().oom_kill_count(); }
void SystemdManager::add_process_to(int pid, const std::string& sub) { inner().add_process_to(pid, sub); }
void SystemdManager::kill_all(int sig) { inner().kill_all(sig); }

void SystemdManager::destroy() {
    bus().stop_unit(setup_.unit.unit);
    if (inner_) inner_->destroy();
}

std::string SystemdManager::path() const {
    if (inner_) return inner_->path();
    return expand_slice(setup_.unit.slice) + "/" + setup_.unit.unit;
}

std::string SystemdManager::save() const {
    json::JsonWriter w;
    w.begin_object();
    w.key("driver").value("systemd");
    w.key("id").value(setup_.id);
    w.key("unit").value(setup_.unit.unit);
    w.key("slice").value(setup_.unit.slice);
    w.key("user").value(setup_.user);
    w.key("cgroup_v2").value(setup_.cgroup_v2);
    if (inner_) {
        w.key("inner").begin_object();
        if (auto* v2 = dynamic_cast<const V2Manager*>(inner_.get())) {
            w.key("driver").value("v2");
            v2->write_fields(w);
        } else if (auto* v1 = dynamic_cast<const V1Manager*>(inner_.get())) {
            w.key("driver").value("v1");
            v1->write_fields(w);
        }
        w.end_object();
    }
    w.end_object();
    return w.str();
}

}  // namespace hull::cgroups
