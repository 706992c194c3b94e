#include "runtime/cgroups/resources_v2.hpp"

#include "util/error.hpp"

namespace hull::cgroups {

namespace {

std::string num(int64_t n) { return std::to_string(n); }
std::string unum(uint64_t n) { return std::to_string(n); }
std::string max_or(int64_t n) { return n == -1 ? "max" : num(n); }
std::string dev(int64_t major, int64_t minor) { return num(major) + ":" + num(minor); }

void memory(const oci::Memory& m, const V2Facts& f, Writes& w, Warnings& warn) {
    int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0);
    int64_t swap_v2 = memory_swap_v2(swap, limit);
    if (swap_v2 != 0) {
        if (f.has_swap)
            w.push_back({"memory", "memory.swap.max", max_or(swap_v2)});
        else if (swap_v2 != -1)
            throw Error("memory.swap: this kernel does not account swap (no memory.swap.max; boot with swapaccount=1, "
                        "or leave memory.swap unset)");
    }
    if (limit != 0) w.push_back({"memory", "memory.max", max_or(limit)});
    if (m.reservation && *m.reservation != 0) w.push_back({"memory", "memory.low", max_or(*m.reservation)});
    if (m.kernel && *m.kernel != 0)
        warn.push_back("memory.kernel is ignored: kernel memory limits are deprecated and not set by hull");
    if (m.kernelTCP && *m.kernelTCP != 0)
        warn.push_back("memory.kernelTCP is ignored: kernel TCP memory limits are deprecated and not set by hull");
    if (m.swappiness)
        warn.push_back("memory.swappiness is ignored: cgroup v2 has no per-cgroup swappiness");
    if (m.disableOOMKiller && *m.disableOOMKiller)
        warn.push_back("memory.disableOOMKiller is ignored: cgroup v2 cannot disable the OOM killer");
}

void cpu(const oci::Cpu& c, Writes& w) {
    if ((c.realtimeRuntime && *c.realtimeRuntime != 0) || (c.realtimePeriod && *c.realtimePeriod != 0))
        throw Error("cpu.realtimeRuntime and cpu.realtimePeriod are not supported on cgroup v2 (it has no "
                    "real-time group scheduling)");
    bool quota = (c.quota && *c.quota != 0) || (c.period && *c.period != 0);
    if (c.idle) w.push_back({"cpu", "cpu.idle", num(*c.idle)});
    if (c.shares && *c.shares != 0) w.push_back({"cpu", "cpu.weight", unum(cpu_shares_to_weight(*c.shares))});
    // A burst larger than the old quota is refused until the new quota is written: retried.
    if (c.burst) w.push_back({"cpu", "cpu.max.burst", unum(*c.burst), quota});
    if (quota) {
        std::string v = c.quota && *c.quota > 0 ? num(*c.quota) : "max";
        if (c.period && *c.period != 0) v += " " + unum(*c.period);
        w.push_back({"cpu", "cpu.max", v});
    }
    if (c.cpus && !c.cpus->empty()) w.push_back({"cpuset", "cpuset.cpus", *c.cpus});
    if (c.mems && !c.mems->empty()) w.push_back({"cpuset", "cpuset.mems", *c.mems});
}

void io(const oci::BlockIO& b, const V2Facts& f, Writes& w, Warnings& warn) {
    if (b.weight && *b.weight != 0) {
        if (f.has_bfq_weight)
            w.push_back({"io", "io.bfq.weight", unum(*b.weight)});
        else
            w.push_back({"io", "io.weight", unum(blkio_weight_to_io_weight(*b.weight))});
    }
    bool leaf = b.leafWeight && *b.leafWeight != 0;
    for (auto& wd : b.weightDevice) {
        if (wd.weight && *wd.weight != 0) {
            if (f.has_bfq_weight)
                w.push_back({"io", "io.bfq.weight", dev(wd.major, wd.minor) + " " + unum(*wd.weight)});
            else
                w.push_back({"io", "io.weight",
                             dev(wd.major, wd.minor) + " " + unum(blkio_weight_to_io_weight(*wd.weight))});
        }
        leaf = leaf || (wd.leafWeight && *wd.leafWeight != 0);
    }
    if (leaf) warn.push_back("blockIO leafWeight is ignored: cgroup v2 has no leaf weights");
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* key) {
        for (auto& t : list) w.push_back({"io", "io.max", dev(t.major, t.minor) + " " + key + "=" + unum(t.rate)});
    };
    throttle(b.throttleReadBpsDevice, "rbps");
    throttle(b.throttleWriteBpsDevice, "wbps");
    throttle(b.throttleReadIOPSDevice, "riops");
    throttle(b.throttleWriteIOPSDevice, "wiops");
}

}  // namespace

Writes v2_writes(const oci::Resources& r, const V2Facts& facts, Warnings& warnings) {
    check_resources(r);
    Writes w;
    if (r.memory) memory(*r.memory, facts, w, warnings);
    if (r.cpu) cpu(*r.cpu, w);
    if (r.pids && r.pids->limit) w.push_back({"pids", "pids.max", *r.pids->limit < 0 ? "max" : num(*r.pids->limit)});
    if (r.blockIO) io(*r.blockIO, facts, w, warnings);
    for (auto& h : r.hugepageLimits) {
        w.push_back({"hugetlb", "hugetlb." + h.pageSize + ".max", unum(h.limit)});
        if (facts.has_hugetlb_rsvd) w.push_back({"hugetlb", "hugetlb." + h.pageSize + ".rsvd.max", unum(h.limit)});
    }
    for (auto& [device, lim] : r.rdma) {
        std::string line = device;
        if (lim.hcaHandles) line += " hca_handle=" + unum(*lim.hcaHandles);
        if (lim.hcaObjects) line += " hca_object=" + unum(*lim.hcaObjects);
        w.push_back({"rdma", "rdma.max", line});
    }
    if (r.network && (r.network->classID || !r.network->priorities.empty()))
        warnings.push_back("network (net_cls, net_prio) is ignored: cgroup v2 has no such controllers");
    return w;
}

Writes unified_writes(const oci::StringMap& unified, const std::set<std::string>& available,
                      const std::string& cgroup_path) {
    Writes w;
    for (auto& [key, value] : unified) {
        auto bad = [&](const std::string& why) { return Error("unified \"" + key + "\": " + why); };
        if (key.empty() || key == "." || key == ".." || key.find('/') != std::string::npos ||
            key.find('\0') != std::string::npos)
            throw bad("must be the name of a file of the cgroup (no '/', not . or ..)");
        auto dot = key.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == key.size())
            throw bad("must be in the form CONTROLLER.PARAMETER (e.g. memory.high)");
        std::string controller = key.substr(0, dot);
        if (controller == "cgroup") {
            if (key == "cgroup.procs" || key == "cgroup.threads" || key == "cgroup.kill" ||
                key == "cgroup.subtree_control")
                throw bad("is not a resource setting");
        } else if (!available.count(controller)) {
            std::string list;
            for (auto& c : available) list += (list.empty() ? "" : " ") + c;
            throw bad("the " + controller + " controller is not available in " + cgroup_path +
                      " (cgroup.controllers: " + (list.empty() ? "none" : list) + ")");
        }
        w.push_back({controller, key, value, false, true});
    }
    return w;
}

}  // namespace hull::cgroups
