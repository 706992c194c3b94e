#include "libocispec/json.hpp"
#include "runtime/cgroups/stats.hpp"

namespace hull::cgroups {

namespace {

using json::JsonWriter;

// Go's omitempty: zero numbers and empty lists are left out.
void opt(JsonWriter& w, const char* key, uint64_t v) {
    if (v != 0) w.key(key).value(v);
}
template <typename T>
void opt_list(JsonWriter& w, const char* key, const std::vector<T>& v) {
    if (v.empty()) return;
    w.key(key).begin_array();
    for (auto x : v) w.value(static_cast<uint64_t>(x));
    w.end_array();
}

void memory_entry(JsonWriter& w, const char* key, const MemoryEntry& e) {
    w.key(key).begin_object();
    w.key("limit").value(e.limit);
    opt(w, "usage", e.usage);
    opt(w, "max", e.max);
    w.key("failcnt").value(e.failcnt);
    w.end_object();
}

void blkio_list(JsonWriter& w, const char* key, const std::vector<BlkioEntry>& list) {
    if (list.empty()) return;
    w.key(key).begin_array();
    for (auto& e : list) {
        w.begin_object();
        opt(w, "major", e.major);
        opt(w, "minor", e.minor);
        if (!e.op.empty()) w.key("op").value(e.op);
        opt(w, "value", e.value);
        w.end_object();
    }
    w.end_array();
}

}  // namespace

std::string stats_to_json(const Stats& s) {
    JsonWriter w;
    w.begin_object();

    w.key("cpu").begin_object();
    w.key("usage").begin_object();
    opt(w, "total", s.cpu.usage.total);
    opt_list(w, "percpu", s.cpu.usage.percpu);
    opt_list(w, "percpu_kernel", s.cpu.usage.percpu_kernel);
    opt_list(w, "percpu_user", s.cpu.usage.percpu_user);
    w.key("kernel").value(s.cpu.usage.kernel);
    w.key("user").value(s.cpu.usage.user);
    w.end_object();
    w.key("throttling").begin_object();
    opt(w, "periods", s.cpu.throttling.periods);
    opt(w, "throttledPeriods", s.cpu.throttling.throttled_periods);
    opt(w, "throttledTime", s.cpu.throttling.throttled_time);
    w.end_object();
    w.end_object();

    w.key("cpuset").begin_object();
    opt_list(w, "cpus", s.cpuset.cpus);
    w.key("cpu_exclusive").value(0);
    opt_list(w, "mems", s.cpuset.mems);
    for (const char* k : {"mem_hardwall", "mem_exclusive", "memory_migrate", "memory_spread_page",
                          "memory_spread_slab", "memory_pressure", "sched_load_balance", "sched_relax_domain_level"})
        w.key(k).value(0);
    w.end_object();

    w.key("memory").begin_object();
    opt(w, "cache", s.memory.cache);
    memory_entry(w, "usage", s.memory.usage);
    memory_entry(w, "swap", s.memory.swap);
    memory_entry(w, "kernel", s.memory.kernel);
    memory_entry(w, "kernelTCP", s.memory.kernel_tcp);
    if (!s.memory.raw.empty()) {
        w.key("raw").begin_object();
        for (auto& [k, v] : s.memory.raw) w.key(k).value(v);
        w.end_object();
    }
    w.end_object();

    w.key("pids").begin_object();
    opt(w, "current", s.pids.current);
    opt(w, "limit", s.pids.limit);
    w.end_object();

    w.key("blkio").begin_object();
    blkio_list(w, "ioServiceBytesRecursive", s.blkio.service_bytes);
    blkio_list(w, "ioServicedRecursive", s.blkio.serviced);
    w.end_object();

    w.key("hugetlb").begin_object();
    for (auto& [size, h] : s.hugetlb) {
        w.key(size).begin_object();
        opt(w, "usage", h.usage);
        opt(w, "max", h.max);
        w.key("failcnt").value(h.failcnt);
        w.end_object();
    }
    w.end_object();

    w.key("intel_rdt").begin_object().end_object();
    w.key("network_interfaces").null();
    w.end_object();
    return w.str();
}

}  // namespace hull::cgroups
