#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "libocispec/json.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/files.hpp"
#include "runtime/cgroups/fs_v1.hpp"
#include "runtime/cgroups/fs_v2.hpp"
#include "runtime/cgroups/resources_v1.hpp"
#include "runtime/cgroups/stats_parse.hpp"
#include "runtime/cgroups/stats_read.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hull::cgroups {

namespace {

// The v2 name of a v1 controller.
std::string v2_name(const std::string& c) { return c == "blkio" ? "io" : c; }

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// mkdir dir and the levels between mountpoint and it; new cpuset levels get the cpus and mems
// of their parent (a v1 cpuset cgroup starts empty and refuses processes until then).
std::vector<std::string> make_v1_dirs(const V1Dir& d) {
    std::vector<std::string> created;
    std::string rel = d.dir.substr(d.mountpoint.size());
    std::string cur = d.mountpoint;
    size_t pos = 0;
    while (pos < rel.size()) {
        size_t next = rel.find('/', pos + 1);
        std::string part = rel.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        pos = next == std::string::npos ? rel.size() : next;
        if (part == "/" || part.empty()) continue;
        std::string parent = cur;
        cur += part;
        if (!make_cgroup_dir(cur)) continue;
        created.push_back(cur);
        if (d.has("cpuset")) {
            for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
                if (!trim(read_cgroup_file(cur, f)).empty()) continue;
                write_cgroup_file(cur, f, trim(read_cgroup_file(parent, f)));
            }
        }
    }
    return created;
}

struct Rollback {
    std::vector<std::string> dirs;
    bool done = false;
    ~Rollback() {
        if (done) return;
        for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());
    }
};

}  // namespace

bool V1Dir::has(const std::string& c) const {
    return std::find(controllers.begin(), controllers.end(), c) != controllers.end();
}

V1Manager::V1Manager(std::vector<V1Dir> dirs, std::optional<std::pair<std::string, std::string>> unified,
                     bool rootless, std::optional<oci::Resources> resources, bool under_systemd)
    : dirs_(std::move(dirs)), unified_(std::move(unified)), rootless_(rootless), under_systemd_(under_systemd),
      resources_(std::move(resources)) {}

std::vector<V1Dir> V1Manager::dirs_for(const std::vector<Hierarchy>& hierarchies,
                                       const std::optional<std::string>& cgroups_path, const std::string& id) {
    std::vector<V1Dir> out;
    for (auto& h : hierarchies) {
        std::string base = relative_to_mount(h.own_path, h.mount_root);
        std::string rel = resolve_cgroup_path(cgroups_path, id, base);
        out.push_back({h.controllers, h.mountpoint, rel == "/" ? h.mountpoint : h.mountpoint + rel});
    }
    return out;
}

const V1Dir* V1Manager::find(const std::string& controller) const {
    for (auto& d : dirs_)
        if (d.has(controller)) return &d;
    return nullptr;
}

std::string V1Manager::unified_dir() const {
    if (!unified_) return "";
    return unified_->second == "/" ? unified_->first : unified_->first + unified_->second;
}

std::set<std::string> V1Manager::v2_only() const {
    std::set<std::string> out;
    if (!unified_) return out;
    for (auto& c : v2_controllers(unified_dir())) {
        bool in_v1 = false;
        for (auto& d : dirs_)
            for (auto& dc : d.controllers) in_v1 = in_v1 || v2_name(dc) == c;
        if (!in_v1) out.insert(c);
    }
    return out;
}

void V1Manager::create() {
    if (dirs_.empty()) throw Error("no cgroup v1 hierarchy is mounted (see /proc/self/mountinfo)");
    if (!under_systemd_) {
        for (auto& d : dirs_) {
            if (!path_exists(d.dir)) continue;
            auto procs = read_procs(d.dir, true);
            if (!procs.empty())
                throw Error("cgroup " + d.dir + " is not empty: " + std::to_string(procs.size()) + " process(es) in it");
            if (d.has("freezer") && trim(read_cgroup_file(d.dir, "freezer.state")) != "THAWED")
                throw Error("cgroup " + d.dir + " is frozen");
        }
    }
    Rollback rb;
    for (auto& d : dirs_) {
        try {
            auto made = with_context("create cgroup " + d.dir, [&] { return make_v1_dirs(d); });
            rb.dirs.insert(rb.dirs.end(), made.begin(), made.end());
        } catch (const Error& e) {
            // Rootless without a delegated hierarchy: runc goes on without cgroups when no
            // limit is asked for.
            bool perm = e.err() == EACCES || e.err() == EPERM || e.err() == EROFS;
            if (rootless_ && perm) {
                warnings_.push_back(std::string("rootless: ") + e.what());
                continue;
            }
            throw;
        }
    }
    if (unified_) {
        auto made = with_context("create cgroup " + unified_dir(), [&] { return create_v2_tree(unified_->first, unified_->second); });
        rb.dirs.insert(rb.dirs.end(), made.begin(), made.end());
    }
    apply(resources_ ? *resources_ : oci::Resources{}, true);
    rb.done = true;
}

void V1Manager::apply(const oci::Resources& r, bool creating) {
    if (!creating) warnings_.clear();
    V1Facts facts;
    if (auto m = find("memory")) {
        if (!creating) facts.memory_limit = read_cgroup_uint(m->dir, "memory.limit_in_bytes");
        facts.has_memsw = cgroup_file_exists(m->dir, "memory.memsw.limit_in_bytes");
    }
    if (auto b = find("blkio")) facts.has_blkio_weight = cgroup_file_exists(b->dir, "blkio.weight");
    auto sizes = hugepage_sizes();
    if (auto h = find("hugetlb"); h && !sizes.empty())
        facts.has_hugetlb_rsvd = cgroup_file_exists(h->dir, "hugetlb." + sizes.front() + ".rsvd.limit_in_bytes");
    Writes writes = v1_writes(r, facts, warnings_);
    check_hugepage_sizes(r);

    auto v2only = v2_only();
    Writes v1w;
    for (auto& w : writes) {
        if (find(w.controller)) {
            v1w.push_back(w);
            continue;
        }
        if (v2only.count(v2_name(w.controller))) continue;  // set on the v2 hierarchy below
        throw Error("cannot set " + w.file + ": the " + w.controller + " controller is not mounted (cgroup v1)" +
                    (unified_ ? " and not available in the cgroup v2 hierarchy either" : ""));
    }
    apply_writes(v1w, [&](const Write& w) -> const std::string& { return find(w.controller)->dir; });
    for (auto& w : v1w)
        if (w.file == "cpu.shares") {
            std::string got = trim(read_cgroup_file(find("cpu")->dir, "cpu.shares"));
            if (got != w.value)
                throw Error("cpu.shares " + w.value + " is out of range: the kernel set " + got +
                            " (the valid range is 2-262144)");
        }

    if (unified_) {
        std::string udir = unified_dir();
        Warnings ignored;  // the v1 mapping warned already
        Writes v2w = v2_writes(resources_for_v2_controllers(r, v2only), v2_facts(udir), ignored);
        apply_writes(v2w, [&](const Write&) -> const std::string& { return udir; });
        apply_writes(unified_writes(r.unified, v2_controllers(udir), udir),
                     [&](const Write&) -> const std::string& { return udir; });
    } else if (!r.unified.empty()) {
        throw Error("linux.resources.unified needs cgroup v2, and this host has only cgroup v1");
    }

    if ((creating || !r.devices.empty()) && !rootless_) {
        auto d = find("devices");
        if (!d) throw Error("cannot apply device rules: the devices controller is not mounted (cgroup v1)");
        DeviceEmulator emu;
        emu.apply_all(effective_device_rules(r.devices));
        apply_writes(v1_device_writes(emu), [&](const Write&) -> const std::string& { return d->dir; });
    }
    for (auto& w : warnings_) log::warn(w);
}

void V1Manager::add_process(int pid) {
    std::string p = std::to_string(pid);
    for (auto& d : dirs_) {
        if (!path_exists(d.dir) && rootless_) continue;
        with_context("add process " + p + " to cgroup " + d.dir, [&] { write_cgroup_file(d.dir, "cgroup.procs", p); });
    }
    if (unified_)
        with_context("add process " + p + " to cgroup " + unified_dir(),
                     [&] { write_cgroup_file(unified_dir(), "cgroup.procs", p); });
}

void V1Manager::add_process_to(int pid, const std::string& sub) {
    std::string rel = sub_cgroup_path(sub), p = std::to_string(pid);
    std::vector<std::string> targets;
    bool found = false;
    for (auto& d : dirs_) {
        std::string s = d.dir + "/" + rel;
        bool here = path_exists(s);
        found = found || here;
        targets.push_back(here ? s : d.dir);
    }
    if (unified_) {
        std::string s = unified_dir() + "/" + rel;
        bool here = path_exists(s);
        found = found || here;
        targets.push_back(here ? s : unified_dir());
    }
    if (!found) throw Error("sub-cgroup \"" + sub + "\" of the container does not exist in any hierarchy (" + path() + "/" + rel + ")");
    for (auto& t : targets)
        with_context("add process " + p + " to cgroup " + t, [&] { write_cgroup_file(t, "cgroup.procs", p); });
}

std::optional<uint64_t> V1Manager::oom_kill_count() {
    auto d = find("memory");
    if (!d) return std::nullopt;
    auto t = read_cgroup_file_if_exists(d->dir, "memory.oom_control");
    if (!t) return std::nullopt;
    auto m = parse_flat_keyed(*t);
    auto it = m.find("oom_kill");
    return it == m.end() ? 0 : it->second;
}

void V1Manager::update(const oci::Resources& r) {
    with_context("update cgroup " + path(), [&] { apply(r, false); });
}

void V1Manager::freezer_write(const std::string& state) {
    using namespace std::chrono_literals;
    auto d = find("freezer");
    if (!d) {
        // A hybrid host has the v2 core freezer even without the v1 controller.
        if (unified_ && cgroup_file_exists(unified_dir(), "cgroup.freeze")) {
            freeze_v2(unified_dir(), state == "FROZEN");
            return;
        }
        throw Error("the freezer controller is not mounted (cgroup v1)");
    }
    for (int i = 0; i < 1000; ++i) {
        // Writing again now and then gets a cgroup unstuck from FREEZING (as runc does).
        if (i % 50 == 0) write_cgroup_file(d->dir, "freezer.state", state);
        if (trim(read_cgroup_file(d->dir, "freezer.state")) == state) return;
        std::this_thread::sleep_for(10ms);
    }
    std::string now = trim(read_cgroup_file(d->dir, "freezer.state"));
    if (state == "FROZEN") write_cgroup_file(d->dir, "freezer.state", "THAWED");
    throw Error("freezer.state of " + d->dir + " did not become " + state + " within 10 seconds (it is " + now + ")");
}

void V1Manager::freeze() { freezer_write("FROZEN"); }
void V1Manager::thaw() { freezer_write("THAWED"); }

bool V1Manager::frozen() {
    auto d = find("freezer");
    if (!d) return unified_ ? frozen_v2(unified_dir()) : false;
    auto s = read_cgroup_file_if_exists(d->dir, "freezer.state");
    return s && trim(*s) == "FROZEN";
}

std::vector<int> V1Manager::pids() {
    for (const char* c : {"devices", "memory", "pids", "freezer", "cpu"})
        if (auto d = find(c)) return read_procs(d->dir, true);
    if (!dirs_.empty()) return read_procs(dirs_.front().dir, true);
    if (unified_) return read_procs(unified_dir(), true);
    return {};
}

Stats V1Manager::stats() {
    Stats s;
    with_context("stats of cgroup " + path(), [&] {
        if (auto d = find("cpuacct")) read_v1_cpuacct(d->dir, s);
        if (auto d = find("cpu")) read_v1_cpu(d->dir, s);
        if (auto d = find("cpuset")) read_v1_cpuset(d->dir, s);
        if (auto d = find("memory")) read_v1_memory(d->dir, s);
        if (auto d = find("pids")) read_v1_pids(d->dir, s);
        if (auto d = find("blkio")) read_v1_blkio(d->dir, s);
        if (auto d = find("hugetlb")) read_v1_hugetlb(d->dir, s);
        if (unified_) {
            std::string u = unified_dir();
            auto only = v2_only();
            if (only.count("memory")) read_v2_memory(u, s);
            if (only.count("pids")) read_v2_pids(u, s);
            if (only.count("io")) read_v2_io(u, s);
            if (only.count("hugetlb")) read_v2_hugetlb(u, s);
            if (only.count("cpuset")) read_v2_cpuset(u, s);
        }
    });
    return s;
}

void V1Manager::kill_all(int sig) {
    if (sig == SIGKILL && unified_ && cgroup_file_exists(unified_dir(), "cgroup.kill")) {
        write_cgroup_file(unified_dir(), "cgroup.kill", "1");
        // Processes that joined only the v1 hierarchies (added by another runtime) get it too.
        signal_pids(pids(), SIGKILL);
        return;
    }
    signal_each(*this, sig);
}

void V1Manager::destroy() {
    std::optional<Error> first;
    auto remove = [&](const std::string& dir) {
        try {
            remove_cgroup_dir(dir);
        } catch (const Error& e) {
            if (!first) first = e;
        }
    };
    for (auto& d : dirs_) remove(d.dir);
    if (unified_) remove(unified_dir());
    if (first) throw *first;
}

std::string V1Manager::path() const {
    if (auto d = find("memory")) return d->dir;
    if (!dirs_.empty()) return dirs_.front().dir;
    return unified_dir();
}

void V1Manager::write_fields(json::JsonWriter& w) const {
    w.key("dirs").begin_object();
    for (auto& d : dirs_) {
        std::string key;
        for (auto& c : d.controllers) key += (key.empty() ? "" : ",") + c;
        w.key(key).begin_object();
        w.key("mount").value(d.mountpoint);
        w.key("dir").value(d.dir);
        w.end_object();
    }
    w.end_object();
    if (unified_) {
        w.key("unified").begin_object();
        w.key("mount").value(unified_->first);
        w.key("path").value(unified_->second);
        w.end_object();
    }
    w.key("rootless").value(rootless_);
}

std::string V1Manager::save() const {
    json::JsonWriter w;
    w.begin_object();
    w.key("driver").value("v1");
    write_fields(w);
    w.end_object();
    return w.str();
}

}  // namespace hull::cgroups
