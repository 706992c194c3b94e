// What `runc events --stats` reports of a container's cgroup, with runc's field names in the JSON
// (types/events.go): cpu, cpuset, memory, pids, blkio, hugetlb.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hull::cgroups {

struct CpuUsage {
    uint64_t total = 0;  // nanoseconds
    std::vector<uint64_t> percpu, percpu_kernel, percpu_user;
    uint64_t kernel = 0, user = 0;
};
struct Throttling {
    uint64_t periods = 0, throttled_periods = 0, throttled_time = 0;  // time in ns
};
struct CpuStats {
    CpuUsage usage;
    Throttling throttling;
};
struct CpusetStats {
    std::vector<uint16_t> cpus, mems;
};
struct MemoryEntry {
    uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;
};
struct MemoryStats {
    uint64_t cache = 0;
    MemoryEntry usage, swap, kernel, kernel_tcp;  // swap: memory+swap, as cgroup v1 counts it
    std::map<std::string, uint64_t> raw;          // memory.stat
};
struct PidsStats {
    uint64_t current = 0, limit = 0;  // limit 0: none
};
struct BlkioEntry {
    uint64_t major = 0, minor = 0;
    std::string op;  // Read Write Sync Async Discard Total
    uint64_t value = 0;
};
struct BlkioStats {
    std::vector<BlkioEntry> service_bytes, serviced;  // ioServiceBytesRecursive, ioServicedRecursive
};
struct HugetlbStats {
    uint64_t usage = 0, max = 0, failcnt = 0;
};
struct Stats {
    CpuStats cpu;
    CpusetStats cpuset;
    MemoryStats memory;
    PidsStats pids;
    BlkioStats blkio;
    std::map<std::string, HugetlbStats> hugetlb;  // by page size: "2MB"
};

// The "data" object of `runc events --stats`: {"cpu":{...},"cpuset":{...},"memory":{...},...}
// with runc's omitempty rules.
std::string stats_to_json(const Stats& s);

}  // namespace hull::cgroups
