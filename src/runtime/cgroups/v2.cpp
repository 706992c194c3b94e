#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "libocispec/json.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/ebpf_devices.hpp"
#include "runtime/cgroups/files.hpp"
#include "runtime/cgroups/fs_v2.hpp"
#include "runtime/cgroups/path.hpp"
#include "runtime/cgroups/stats_parse.hpp"
#include "runtime/cgroups/stats_read.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hull::cgroups {

namespace {

std::string join(const std::set<std::string>& s) {
    std::string out;
    for (auto& x : s) out += (out.empty() ? "" : " ") + x;
    return out.empty() ? "none" : out;
}

// rel's levels: "/a/b/c" -> {"/a", "/a/b", "/a/b/c"}.
std::vector<std::string> levels(const std::string& rel) {
    std::vector<std::string> out;
    std::string cur;
    size_t pos = 0;
    while (pos < rel.size()) {
        size_t next = rel.find('/', pos + 1);
        cur = rel.substr(0, next);
        if (cur != "/" && !cur.empty()) out.push_back(cur);
        if (next == std::string::npos) break;
        pos = next;
    }
    return out;
}

void enable_controllers(const std::string& dir) {
    auto available = v2_controllers(dir);
    auto enabled_text = read_cgroup_file_if_exists(dir, "cgroup.subtree_control");
    if (!enabled_text) return;
    std::set<std::string> enabled;
    for (auto& c : split_words(*enabled_text)) enabled.insert(c);
    std::string all;
    std::vector<std::string> missing;
    for (auto& c : available)
        if (!enabled.count(c)) {
            missing.push_back(c);
            all += (all.empty() ? "+" : " +") + c;
        }
    if (missing.empty()) return;
    try {
        write_cgroup_file(dir, "cgroup.subtree_control", all);
    } catch (const Error&) {
        // One by one: some may be refused (processes in a non-root cgroup, threaded mode,
        // rootless); a resource that needs one of them fails with its own message later.
        for (auto& c : missing) {
            try {
                write_cgroup_file(dir, "cgroup.subtree_control", "+" + c);
            } catch (const Error& e) {
                log::debug("enable " + c + ": " + e.what());
            }
        }
    }
}

// Removes the directories create() made unless it got to the end.
struct Rollback {
    std::vector<std::string> dirs;
    bool done = false;
    ~Rollback() {
        if (done) return;
        for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());
    }
};

void check_memory_usage(const std::string& dir, const oci::Memory& m) {
    int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0);
    if (limit <= 0 && swap <= 0) return;
    uint64_t usage = read_cgroup_uint(dir, "memory.current");
    if (limit > 0 && usage >= static_cast<uint64_t>(limit))
        throw Error("memory.limit " + std::to_string(limit) + " is below the current usage " + std::to_string(usage) +
                    " (checkBeforeUpdate)");
    if (swap > 0) {
        auto swap_usage = read_cgroup_file_if_exists(dir, "memory.swap.current");
        uint64_t total = usage + (swap_usage ? parse_limit(*swap_usage) : 0);
        if (total >= static_cast<uint64_t>(swap))
            throw Error("memory.swap " + std::to_string(swap) + " is below the current memory+swap usage " +
                        std::to_string(total) + " (checkBeforeUpdate)");
    }
}

}  // namespace

std::vector<std::string> create_v2_tree(const std::string& mount, const std::string& rel) {
    std::vector<std::string> created;
    auto lv = levels(rel);
    enable_controllers(mount);
    for (size_t i = 0; i < lv.size(); ++i) {
        std::string dir = mount + lv[i];
        if (make_cgroup_dir(dir)) created.push_back(dir);
        if (i + 1 < lv.size()) enable_controllers(dir);
    }
    return created;
}

std::set<std::string> v2_controllers(const std::string& dir) {
    std::set<std::string> out;
    auto t = read_cgroup_file_if_exists(dir, "cgroup.controllers");
    if (t)
        for (auto& c : split_words(*t)) out.insert(c);
    return out;
}

V2Facts v2_facts(const std::string& dir) {
    V2Facts f;
    f.has_swap = cgroup_file_exists(dir, "memory.swap.max");
    f.has_bfq_weight = cgroup_file_exists(dir, "io.bfq.weight");
    auto sizes = hugepage_sizes();
    f.has_hugetlb_rsvd = !sizes.empty() && cgroup_file_exists(dir, "hugetlb." + sizes.front() + ".rsvd.max");
    return f;
}

void freeze_v2(const std::string& dir, bool freeze) {
    using namespace std::chrono_literals;
    write_cgroup_file(dir, "cgroup.freeze", freeze ? "1" : "0");
    const char* want = freeze ? "frozen 1" : "frozen 0";
    for (int i = 0; i < 1000; ++i) {
        auto events = read_cgroup_file(dir, "cgroup.events");
        if (events.find(want) != std::string::npos) return;
        std::this_thread::sleep_for(10ms);
    }
    throw Error(std::string(freeze ? "freeze " : "thaw ") + dir + ": cgroup.events did not show \"" + want +
                "\" within 10 seconds");
}

bool frozen_v2(const std::string& dir) {
    auto v = read_cgroup_file_if_exists(dir, "cgroup.freeze");
    return v && v->rfind("1", 0) == 0;
}

oci::Resources resources_for_v2_controllers(const oci::Resources& r, const std::set<std::string>& c) {
    oci::Resources out;
    if (c.count("memory")) out.memory = r.memory;
    if (r.cpu) {
        oci::Cpu cpu;
        bool any = false;
        if (c.count("cpu")) {
            cpu = *r.cpu;
            cpu.cpus.reset();
            cpu.mems.reset();
            any = true;
        }
        if (c.count("cpuset")) {
            cpu.cpus = r.cpu->cpus;
            cpu.mems = r.cpu->mems;
            any = true;
        }
        if (any) out.cpu = cpu;
    }
    if (c.count("pids")) out.pids = r.pids;
    if (c.count("io")) out.blockIO = r.blockIO;
    if (c.count("hugetlb")) out.hugepageLimits = r.hugepageLimits;
    if (c.count("rdma")) out.rdma = r.rdma;
    return out;
}

void signal_pids(const std::vector<int>& pids, int sig) {
    for (int pid : pids)
        if (::kill(pid, sig) < 0 && errno != ESRCH) throw Error("signal process " + std::to_string(pid), errno);
}

void check_hugepage_sizes(const oci::Resources& r) {
    if (r.hugepageLimits.empty()) return;
    auto sizes = hugepage_sizes();
    for (auto& h : r.hugepageLimits)
        if (std::find(sizes.begin(), sizes.end(), h.pageSize) == sizes.end()) {
            std::string list;
            for (auto& s : sizes) list += (list.empty() ? "" : ", ") + s;
            throw Error("hugepageLimits pageSize \"" + h.pageSize + "\" is not a huge page size of this kernel (it has: " +
                        (list.empty() ? "none" : list) + ")");
        }
}

V2Manager::V2Manager(std::string mount, std::string rel, bool rootless, std::optional<oci::Resources> resources,
                     bool under_systemd)
    : mount_(std::move(mount)), rel_(std::move(rel)), rootless_(rootless), under_systemd_(under_systemd),
      resources_(std::move(resources)) {
    dir_ = rel_ == "/" ? mount_ : mount_ + rel_;
}

void V2Manager::create() {
    if (!under_systemd_ && path_exists(dir_)) {
        auto procs = read_procs(dir_, true);
        if (!procs.empty())
            throw Error("cgroup " + dir_ + " is not empty: " + std::to_string(procs.size()) + " process(es) in it");
        if (frozen_v2(dir_)) throw Error("cgroup " + dir_ + " is frozen");
    }
    Rollback rb;
    if (under_systemd_) {
        if (!path_exists(dir_)) throw Error("systemd did not create the cgroup " + dir_);
    } else {
        rb.dirs = with_context("create cgroup " + dir_, [&] { return create_v2_tree(mount_, rel_); });
    }
    fd_.reset(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd_) throw Error("open cgroup " + dir_, errno);
    apply(resources_ ? *resources_ : oci::Resources{}, true);
    rb.done = true;
}

void V2Manager::apply(const oci::Resources& r, bool creating) {
    warnings_.clear();
    auto controllers = v2_controllers(dir_);
    Writes writes = v2_writes(r, v2_facts(dir_), warnings_);
    for (auto& w : writes)
        if (w.controller != "cgroup" && !controllers.count(w.controller))
            throw Error("cannot set " + w.file + ": the " + w.controller + " controller is not available in " + dir_ +
                        " (cgroup.controllers: " + join(controllers) +
                        "; a controller bound to a cgroup v1 hierarchy is not available to cgroup v2)");
    check_hugepage_sizes(r);
    if (!creating && r.memory && r.memory->checkBeforeUpdate.value_or(false)) check_memory_usage(dir_, *r.memory);
    apply_writes(writes, [&](const Write&) -> const std::string& { return dir_; });
    apply_writes(unified_writes(r.unified, controllers, dir_), [&](const Write&) -> const std::string& { return dir_; });
    if (creating || !r.devices.empty()) {
        try {
            DeviceEmulator emu;
            emu.apply_all(effective_device_rules(r.devices));
            UniqueFd dirfd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!dirfd) throw Error("open cgroup " + dir_, errno);
            UniqueFd prog = load_device_program(device_filter_program(emu));
            attach_device_program(dirfd.get(), prog.get(), dir_);
        } catch (const Error& e) {
            if (!rootless_) throw;
            warnings_.push_back(std::string("device rules are not applied (rootless): ") + e.what());
        }
    }
    for (auto& w : warnings_) log::warn(w);
}

void V2Manager::add_process(int pid) {
    with_context("add process " + std::to_string(pid) + " to cgroup " + dir_,
                 [&] { write_cgroup_file(dir_, "cgroup.procs", std::to_string(pid)); });
}

void V2Manager::add_process_to(int pid, const std::string& sub) {
    std::string dir = dir_ + "/" + sub_cgroup_path(sub);
    if (!path_exists(dir)) throw Error("sub-cgroup \"" + sub + "\" of the container does not exist (" + dir + ")");
    with_context("add process " + std::to_string(pid) + " to cgroup " + dir,
                 [&] { write_cgroup_file(dir, "cgroup.procs", std::to_string(pid)); });
}

std::optional<uint64_t> V2Manager::oom_kill_count() {
    auto t = read_cgroup_file_if_exists(dir_, "memory.events");
    if (!t) return std::nullopt;
    auto m = parse_flat_keyed(*t);
    auto it = m.find("oom_kill");
    return it == m.end() ? 0 : it->second;
}

int V2Manager::cgroup_fd_for_clone3() {
    // A clone into a cgroup whose pids.max is 0 fails (EAGAIN); moving a process in is not
    // limited, so the init is moved in after the clone instead.
    if (resources_ && resources_->pids && resources_->pids->limit == 0) return -1;
    if (!fd_) {
        fd_.reset(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!fd_) throw Error("open cgroup " + dir_, errno);
    }
    return fd_.get();
}

void V2Manager::update(const oci::Resources& r) {
    with_context("update cgroup " + dir_, [&] { apply(r, false); });
}

void V2Manager::freeze() { freeze_v2(dir_, true); }
void V2Manager::thaw() { freeze_v2(dir_, false); }
bool V2Manager::frozen() { return frozen_v2(dir_); }
std::vector<int> V2Manager::pids() { return read_procs(dir_, true); }

Stats V2Manager::stats() {
    Stats s;
    with_context("stats of cgroup " + dir_, [&] {
        read_v2_cpu(dir_, s);
        read_v2_cpuset(dir_, s);
        read_v2_memory(dir_, s);
        read_v2_pids(dir_, s);
        read_v2_io(dir_, s);
        read_v2_hugetlb(dir_, s);
    });
    return s;
}

void V2Manager::kill_all(int sig) {
    // Gone (systemd removes a scope's cgroup once it is empty), before or while it is read:
    // nothing is left to kill.
    auto gone = [&] { return ::access(dir_.c_str(), F_OK) < 0 && errno == ENOENT; };
    if (gone()) return;
    try {
        if (sig == SIGKILL && cgroup_file_exists(dir_, "cgroup.kill")) {
            write_cgroup_file(dir_, "cgroup.kill", "1");
            return;
        }
        signal_each(*this, sig);
    } catch (const Error&) {
        if (!gone()) throw;
    }
}

void V2Manager::destroy() {
    fd_.reset();
    remove_cgroup_dir(dir_);
}

void V2Manager::write_fields(json::JsonWriter& w) const {
    w.key("mount").value(mount_);
    w.key("path").value(rel_);
    w.key("rootless").value(rootless_);
}

std::string V2Manager::save() const {
    json::JsonWriter w;
    w.begin_object();
    w.key("driver").value("v2");
    write_fields(w);
    w.end_object();
    return w.str();
}

}  // namespace hull::cgroups
