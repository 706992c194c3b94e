#include "runtime/cgroups/resources_v1.hpp"

#include "util/error.hpp"

namespace hull::cgroups {

namespace {

std::string num(int64_t n) { return std::to_string(n); }
std::string unum(uint64_t n) { return std::to_string(n); }
std::string dev(int64_t major, int64_t minor) { return num(major) + ":" + num(minor); }

void memory(const oci::Memory& m, const V1Facts& f, Writes& w, Warnings& warn) {
    std::optional<int64_t> limit = m.limit, swap = m.swap;
    if (limit && *limit == 0) limit.reset();  // 0 is "unset", as in runc
    if (swap && *swap == 0) swap.reset();
    // Unlimited memory and no swap given: unlimited memory+swap as well.
    if (limit && *limit == -1 && !swap && f.has_memsw) swap = -1;
    if (swap && !f.has_memsw) {
        if (*swap != -1)
            throw Error("memory.swap: this kernel does not account swap (no memory.memsw.limit_in_bytes; boot with "
                        "swapaccount=1, or leave memory.swap unset)");
        swap.reset();
    }
    auto wl = [&] { return Write{"memory", "memory.limit_in_bytes", num(limit.value_or(0))}; };
    auto ws = [&] { return Write{"memory", "memory.memsw.limit_in_bytes", num(swap.value_or(0))}; };
    if (limit && swap) {
        // Raising: memsw first, so limit <= memsw holds after each write; lowering: limit first.
        uint64_t current = f.memory_limit.value_or(UINT64_MAX);
        bool swap_first = swap.value_or(0) == -1 || current < static_cast<uint64_t>(swap.value_or(0));
        w.push_back(swap_first ? ws() : wl());
        w.push_back(swap_first ? wl() : ws());
    } else if (limit) {
        w.push_back(wl());
    } else if (swap) {
        w.push_back(ws());
    }
    if (m.reservation && *m.reservation != 0)
        w.push_back({"memory", "memory.soft_limit_in_bytes", num(*m.reservation)});
    if (m.kernel && *m.kernel != 0)
        warn.push_back("memory.kernel is ignored: kernel memory limits are deprecated and not set by hull");
    if (m.kernelTCP && *m.kernelTCP != 0)
        warn.push_back("memory.kernelTCP is ignored: kernel TCP memory limits are deprecated and not set by hull");
    if (m.swappiness) w.push_back({"memory", "memory.swappiness", unum(*m.swappiness)});
    if (m.disableOOMKiller && *m.disableOOMKiller) w.push_back({"memory", "memory.oom_control", "1"});
}

void cpu(const oci::Cpu& c, Writes& w) {
    bool quota = c.quota && *c.quota != 0;
    if (c.shares && *c.shares != 0) w.push_back({"cpu", "cpu.shares", unum(*c.shares)});
    // A period or burst the old quota does not fit is refused with EINVAL until the new quota
    // is written: retried after it.
    if (c.period && *c.period != 0) w.push_back({"cpu", "cpu.cfs_period_us", unum(*c.period), quota});
    if (c.burst) w.push_back({"cpu", "cpu.cfs_burst_us", unum(*c.burst), quota});
    if (quota) w.push_back({"cpu", "cpu.cfs_quota_us", num(*c.quota)});
    if (c.realtimePeriod && *c.realtimePeriod != 0) w.push_back({"cpu", "cpu.rt_period_us", unum(*c.realtimePeriod)});
    if (c.realtimeRuntime && *c.realtimeRuntime != 0)
        w.push_back({"cpu", "cpu.rt_runtime_us", num(*c.realtimeRuntime)});
    if (c.idle) w.push_back({"cpu", "cpu.idle", num(*c.idle)});
    if (c.cpus && !c.cpus->empty()) w.push_back({"cpuset", "cpuset.cpus", *c.cpus});
    if (c.mems && !c.mems->empty()) w.push_back({"cpuset", "cpuset.mems", *c.mems});
}

void blkio(const oci::BlockIO& b, const V1Facts& f, Writes& w, Warnings& warn) {
    std::string weight = f.has_blkio_weight ? "blkio.weight" : "blkio.bfq.weight";
    std::string weight_device = f.has_blkio_weight ? "blkio.weight_device" : "blkio.bfq.weight_device";
    auto leaf_ignored = [&] {
        warn.push_back("blockIO.leafWeight is ignored: leaf weights need the CFQ I/O scheduler, which this kernel "
                       "does not have");
    };
    if (b.weight && *b.weight != 0) w.push_back({"blkio", weight, unum(*b.weight)});
    if (b.leafWeight && *b.leafWeight != 0) {
        if (f.has_blkio_weight)
            w.push_back({"blkio", "blkio.leaf_weight", unum(*b.leafWeight)});
        else
            leaf_ignored();
    }
    for (auto& wd : b.weightDevice) {
        if (wd.weight && *wd.weight != 0)
            w.push_back({"blkio", weight_device, dev(wd.major, wd.minor) + " " + unum(*wd.weight)});
        if (wd.leafWeight && *wd.leafWeight != 0) {
            if (f.has_blkio_weight)
                w.push_back({"blkio", "blkio.leaf_weight_device", dev(wd.major, wd.minor) + " " + unum(*wd.leafWeight)});
            else
                leaf_ignored();
        }
    }
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* file) {
        for (auto& t : list) w.push_back({"blkio", file, dev(t.major, t.minor) + " " + unum(t.rate)});
    };
    throttle(b.throttleReadBpsDevice, "blkio.throttle.read_bps_device");
    throttle(b.throttleWriteBpsDevice, "blkio.throttle.write_bps_device");
    throttle(b.throttleReadIOPSDevice, "blkio.throttle.read_iops_device");
    throttle(b.throttleWriteIOPSDevice, "blkio.throttle.write_iops_device");
}

}  // namespace

Writes v1_writes(const oci::Resources& r, const V1Facts& facts, Warnings& warnings) {
    check_resources(r);
    Writes w;
    if (r.memory) memory(*r.memory, facts, w, warnings);
    if (r.cpu) cpu(*r.cpu, w);
    if (r.pids && r.pids->limit) w.push_back({"pids", "pids.max", *r.pids->limit < 0 ? "max" : num(*r.pids->limit)});
    if (r.blockIO) blkio(*r.blockIO, facts, w, warnings);
    for (auto& h : r.hugepageLimits) {
        w.push_back({"hugetlb", "hugetlb." + h.pageSize + ".limit_in_bytes", unum(h.limit)});
        if (facts.has_hugetlb_rsvd)
            w.push_back({"hugetlb", "hugetlb." + h.pageSize + ".rsvd.limit_in_bytes", unum(h.limit)});
    }
    if (r.network) {
        if (r.network->classID) w.push_back({"net_cls", "net_cls.classid", unum(*r.network->classID)});
        for (auto& p : r.network->priorities)
            w.push_back({"net_prio", "net_prio.ifpriomap", p.name + " " + unum(p.priority)});
    }
    for (auto& [device, lim] : r.rdma) {
        std::string line = device;
        if (lim.hcaHandles) line += " hca_handle=" + unum(*lim.hcaHandles);
        if (lim.hcaObjects) line += " hca_object=" + unum(*lim.hcaObjects);
        w.push_back({"rdma", "rdma.max", line});
    }
    return w;
}

}  // namespace hull::cgroups
