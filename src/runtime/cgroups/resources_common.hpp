// Checks and conversions that the v1, v2 and systemd mappings share.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull::cgroups {

// Messages the pure mappings return instead of logging (kernel memory limits ignored...).
using Warnings = std::vector<std::string>;

// crun's (and runc's since 1.3) map of cpu.shares [2, 262144] to cpu.weight [1, 10000], a
// quadratic in log2 that sends 2 -> 1, 1024 -> 100, 262144 -> 10000. 0 stays 0 (unset).
uint64_t cpu_shares_to_weight(uint64_t shares);
// runc's map of blkio.weight [10, 1000] to io.weight [1, 10000].
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// memory.swap.max from the spec's memory+swap limit, as runc's ConvertMemorySwapToCgroupV2Value:
// 0 unset, -1 max; otherwise swap - limit. Throws when swap < limit or there is no limit.
int64_t memory_swap_v2(int64_t swap, int64_t limit);

// "2MB" -> true for <number><KB|MB|GB>, the spec's and the cgroup files' form.
bool valid_page_size(const std::string& size);
// A directory name of /sys/kernel/mm/hugepages ("hugepages-2048kB") to a cgroup size ("2MB").
std::string hugepage_dir_to_size(const std::string& dir_name);

// The checks the spec asks for that are the same on every driver: swap >= limit, burst <=
// quota, swappiness <= 100, idle with shares, rdma entries with a limit. Throws.
void check_resources(const oci::Resources& r);

}  // namespace hull::cgroups
