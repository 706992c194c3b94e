#include "runtime/cgroups/resources_common.hpp"

#include <cmath>

#include "util/error.hpp"

namespace hull::cgroups {

uint64_t cpu_shares_to_weight(uint64_t shares) {
    if (shares == 0) return 0;
    if (shares <= 2) return 1;
    if (shares >= 262144) return 10000;
    double l = std::log2(static_cast<double>(shares));
    double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
    return static_cast<uint64_t>(std::ceil(std::pow(10, exponent)));
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
    if (weight == 0) return 0;
    if (weight <= 10) return 1;  // bfq takes 1-9 as well; they all map to the minimum
    if (weight >= 1000) return 10000;
    return 1 + (weight - 10) * 9999 / 990;
}

int64_t memory_swap_v2(int64_t swap, int64_t limit) {
    // Unlimited memory and no swap given: unlimited swap too, as cgroup v1 behaves.
    if (limit == -1 && swap == 0) return -1;
    if (swap == -1 || swap == 0) return swap;
    if (limit == 0 || limit == -1)
        throw Error("memory.swap " + std::to_string(swap) + ": a swap limit needs a memory limit");
    if (limit < 0) throw Error("memory.limit " + std::to_string(limit) + " is negative");
    if (swap < limit)
        throw Error("memory.swap " + std::to_string(swap) + " is below memory.limit " + std::to_string(limit) +
                    ": swap is the limit of memory and swap together");
    return swap - limit;
}

bool valid_page_size(const std::string& size) {
    if (size.size() < 3) return false;
    std::string unit = size.substr(size.size() - 2);
    if (unit != "KB" && unit != "MB" && unit != "GB") return false;
    std::string num = size.substr(0, size.size() - 2);
    return !num.empty() && num.find_first_not_of("0123456789") == std::string::npos && num[0] != '0';
}

std::string hugepage_dir_to_size(const std::string& dir_name) {
    const std::string prefix = "hugepages-";
    if (dir_name.rfind(prefix, 0) != 0 || dir_name.size() < prefix.size() + 3 ||
        dir_name.compare(dir_name.size() - 2, 2, "kB") != 0)
        throw Error("unexpected hugepages directory name \"" + dir_name + "\"");
    std::string num = dir_name.substr(prefix.size(), dir_name.size() - prefix.size() - 2);
    uint64_t kb = std::stoull(num);
    const char* units[] = {"KB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (kb >= 1024 && kb % 1024 == 0 && u < 4) {
        kb /= 1024;
        ++u;
    }
    return std::to_string(kb) + units[u];
}

void check_resources(const oci::Resources& r) {
    if (r.memory) {
        const auto& m = *r.memory;
        if (m.swappiness && *m.swappiness > 100)
            throw Error("memory.swappiness " + std::to_string(*m.swappiness) + ": the valid range is 0-100");
        if (m.swap && m.limit && *m.swap > 0 && *m.limit > 0 && *m.swap < *m.limit)
            throw Error("memory.swap " + std::to_string(*m.swap) + " is below memory.limit " + std::to_string(*m.limit) +
                        ": swap is the limit of memory and swap together");
    }
    if (r.cpu) {
        const auto& c = *r.cpu;
        if (c.burst && c.quota && *c.quota > 0 && *c.burst > static_cast<uint64_t>(*c.quota))
            throw Error("cpu.burst " + std::to_string(*c.burst) + " is larger than cpu.quota " + std::to_string(*c.quota));
        if (c.idle && *c.idle != 0 && c.shares && *c.shares != 0)
            throw Error("cpu.idle and cpu.shares cannot be set together: an idle cgroup has the minimum weight");
        if (c.idle && *c.idle != 0 && *c.idle != 1)
            throw Error("cpu.idle " + std::to_string(*c.idle) + ": expected 0 or 1");
    }
    for (auto& [dev, lim] : r.rdma)
        if (!lim.hcaHandles && !lim.hcaObjects)
            throw Error("rdma \"" + dev + "\": give hcaHandles, hcaObjects or both");
    for (auto& h : r.hugepageLimits)
        if (!valid_page_size(h.pageSize))
            throw Error("hugepageLimits pageSize \"" + h.pageSize + "\": expected <size><KB|MB|GB> such as 2MB");
    if (r.blockIO) {
        auto weight_ok = [](uint16_t w) { return w >= 1 && w <= 1000; };
        const auto& b = *r.blockIO;
        if (b.weight && *b.weight != 0 && !weight_ok(*b.weight))
            throw Error("blockIO.weight " + std::to_string(*b.weight) + ": the valid range is 1-1000");
        for (auto& wd : b.weightDevice)
            if (wd.weight && *wd.weight != 0 && !weight_ok(*wd.weight))
                throw Error("blockIO.weightDevice " + std::to_string(wd.major) + ":" + std::to_string(wd.minor) +
                            " weight " + std::to_string(*wd.weight) + ": the valid range is 1-1000");
    }
}

}  // namespace hull::cgroups
