#include "runtime/cgroups/stats_read.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <limits>

#include "runtime/cgroups/files.hpp"
#include "runtime/cgroups/resources_common.hpp"
#include "runtime/cgroups/stats_parse.hpp"

namespace hull::cgroups {

namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

std::optional<uint64_t> opt_uint(const std::string& dir, const std::string& file) {
    auto t = read_cgroup_file_if_exists(dir, file);
    if (!t) return std::nullopt;
    return parse_limit(*t);
}

uint64_t uint_or0(const std::string& dir, const std::string& file) { return opt_uint(dir, file).value_or(0); }

std::map<std::string, uint64_t> keyed(const std::string& dir, const std::string& file) {
    auto t = read_cgroup_file_if_exists(dir, file);
    return t ? parse_flat_keyed(*t) : std::map<std::string, uint64_t>{};
}

uint64_t get(const std::map<std::string, uint64_t>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
}

}  // namespace

std::vector<std::string> hugepage_sizes() {
    std::vector<std::string> out;
    DIR* d = ::opendir("/sys/kernel/mm/hugepages");
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.rfind("hugepages-", 0) == 0) {
            try {
                out.push_back(hugepage_dir_to_size(n));
            } catch (const std::exception&) {
            }
        }
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

void read_v2_cpu(const std::string& dir, Stats& s) {
    auto st = keyed(dir, "cpu.stat");
    s.cpu.usage.total = get(st, "usage_usec") * 1000;
    s.cpu.usage.user = get(st, "user_usec") * 1000;
    s.cpu.usage.kernel = get(st, "system_usec") * 1000;
    s.cpu.throttling.periods = get(st, "nr_periods");
    s.cpu.throttling.throttled_periods = get(st, "nr_throttled");
    s.cpu.throttling.throttled_time = get(st, "throttled_usec") * 1000;
}

void read_v2_cpuset(const std::string& dir, Stats& s) {
    if (auto t = read_cgroup_file_if_exists(dir, "cpuset.cpus.effective")) s.cpuset.cpus = parse_cpu_list(*t);
    if (auto t = read_cgroup_file_if_exists(dir, "cpuset.mems.effective")) s.cpuset.mems = parse_cpu_list(*t);
}

void read_v2_memory(const std::string& dir, Stats& s) {
    if (!cgroup_file_exists(dir, "memory.stat")) return;  // no memory controller here
    s.memory.raw = keyed(dir, "memory.stat");
    s.memory.cache = get(s.memory.raw, "file");
    auto& u = s.memory.usage;
    u.usage = uint_or0(dir, "memory.current");
    u.limit = opt_uint(dir, "memory.max").value_or(kMax);
    u.max = uint_or0(dir, "memory.peak");
    u.failcnt = get(keyed(dir, "memory.events"), "max");
    // v1 reports swap as memory+swap: do the same for the clients that read it.
    auto swap_usage = opt_uint(dir, "memory.swap.current");
    if (swap_usage) {
        uint64_t swap_limit = opt_uint(dir, "memory.swap.max").value_or(kMax);
        s.memory.swap.usage = *swap_usage + u.usage;
        s.memory.swap.limit = swap_limit == kMax || u.limit == kMax ? kMax : swap_limit + u.limit;
        s.memory.swap.failcnt = get(keyed(dir, "memory.swap.events"), "max");
    }
}

void read_v2_pids(const std::string& dir, Stats& s) {
    auto current = opt_uint(dir, "pids.current");
    if (!current) {
        s.pids.current = read_procs(dir, true).size();
        return;
    }
    s.pids.current = *current;
    uint64_t max = opt_uint(dir, "pids.max").value_or(kMax);
    s.pids.limit = max == kMax ? 0 : max;
}

void read_v2_io(const std::string& dir, Stats& s) {
    if (auto t = read_cgroup_file_if_exists(dir, "io.stat")) io_stat_to_blkio(*t, s.blkio);
}

void read_v2_hugetlb(const std::string& dir, Stats& s) {
    for (auto& size : hugepage_sizes()) {
        std::string p = "hugetlb." + size;
        auto usage = opt_uint(dir, p + ".rsvd.current");
        if (!usage) usage = opt_uint(dir, p + ".current");
        if (!usage) continue;
        HugetlbStats h;
        h.usage = *usage;
        h.failcnt = get(keyed(dir, p + ".events"), "max");
        s.hugetlb[size] = h;
    }
}

void read_v1_cpuacct(const std::string& dir, Stats& s) {
    auto& u = s.cpu.usage;
    u.total = uint_or0(dir, "cpuacct.usage");
    if (auto t = read_cgroup_file_if_exists(dir, "cpuacct.usage_percpu")) u.percpu = parse_uint_list(*t);
    if (auto t = read_cgroup_file_if_exists(dir, "cpuacct.usage_all"))
        parse_cpuacct_usage_all(*t, u.percpu_user, u.percpu_kernel);
    auto user = opt_uint(dir, "cpuacct.usage_user"), sys = opt_uint(dir, "cpuacct.usage_sys");
    if (user && sys) {
        u.user = *user;
        u.kernel = *sys;
    } else {
        // cpuacct.stat counts clock ticks.
        auto st = keyed(dir, "cpuacct.stat");
        uint64_t hz = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
        if (hz == 0) hz = 100;
        u.user = get(st, "user") * 1000000000ULL / hz;
        u.kernel = get(st, "system") * 1000000000ULL / hz;
    }
}

void read_v1_cpu(const std::string& dir, Stats& s) {
    auto st = keyed(dir, "cpu.stat");
    s.cpu.throttling.periods = get(st, "nr_periods");
    s.cpu.throttling.throttled_periods = get(st, "nr_throttled");
    s.cpu.throttling.throttled_time = get(st, "throttled_time");
}

void read_v1_cpuset(const std::string& dir, Stats& s) {
    if (auto t = read_cgroup_file_if_exists(dir, "cpuset.cpus")) s.cpuset.cpus = parse_cpu_list(*t);
    if (auto t = read_cgroup_file_if_exists(dir, "cpuset.mems")) s.cpuset.mems = parse_cpu_list(*t);
}

void read_v1_memory(const std::string& dir, Stats& s) {
    if (!cgroup_file_exists(dir, "memory.stat")) return;
    s.memory.raw = keyed(dir, "memory.stat");
    s.memory.cache = get(s.memory.raw, "cache");
    auto entry = [&](const std::string& prefix, MemoryEntry& e) {
        auto usage = opt_uint(dir, prefix + ".usage_in_bytes");
        if (!usage) return;  // memsw and kmem are optional in the kernel
        e.usage = *usage;
        e.max = uint_or0(dir, prefix + ".max_usage_in_bytes");
        e.failcnt = uint_or0(dir, prefix + ".failcnt");
        e.limit = opt_uint(dir, prefix + ".limit_in_bytes").value_or(kMax);
    };
    entry("memory", s.memory.usage);
    entry("memory.memsw", s.memory.swap);
    entry("memory.kmem", s.memory.kernel);
    entry("memory.kmem.tcp", s.memory.kernel_tcp);
}

void read_v1_pids(const std::string& dir, Stats& s) {
    s.pids.current = uint_or0(dir, "pids.current");
    uint64_t max = opt_uint(dir, "pids.max").value_or(kMax);
    s.pids.limit = max == kMax ? 0 : max;
}

void read_v1_blkio(const std::string& dir, Stats& s) {
    // runc's order: BFQ, CFQ, then the throttling counters (always there).
    for (std::string prefix : {"blkio.bfq.", "blkio.", "blkio.throttle."}) {
        auto bytes = read_cgroup_file_if_exists(dir, prefix + "io_service_bytes_recursive");
        if (!bytes) continue;
        auto entries = parse_blkio_v1(*bytes);
        if (entries.empty() && prefix != "blkio.throttle.") continue;
        s.blkio.service_bytes = std::move(entries);
        if (auto ios = read_cgroup_file_if_exists(dir, prefix + "io_serviced_recursive"))
            s.blkio.serviced = parse_blkio_v1(*ios);
        return;
    }
}

void read_v1_hugetlb(const std::string& dir, Stats& s) {
    for (auto& size : hugepage_sizes()) {
        std::string p = "hugetlb." + size;
        auto usage = opt_uint(dir, p + ".rsvd.usage_in_bytes");
        std::string base = usage ? p + ".rsvd" : p;
        if (!usage) usage = opt_uint(dir, p + ".usage_in_bytes");
        if (!usage) continue;
        HugetlbStats h;
        h.usage = *usage;
        h.max = uint_or0(dir, base + ".max_usage_in_bytes");
        h.failcnt = uint_or0(dir, base + ".failcnt");
        s.hugetlb[size] = h;
    }
}

}  // namespace hull::cgroups
