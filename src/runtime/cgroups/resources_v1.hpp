// linux.resources to cgroup v1 file writes, as runc's fs driver writes them. Pure: what it needs
// to know about the cgroup comes in V1Facts. Device rules are separate (device_rules.hpp) and
// `unified` is not a v1 concept (on a hybrid host the manager writes it to the v2 hierarchy).
#pragma once
#include <cstdint>
#include <optional>

#include "libocispec/spec.hpp"
#include "runtime/cgroups/files.hpp"
#include "runtime/cgroups/resources_common.hpp"

namespace hull::cgroups {

struct V1Facts {
    // memory.limit_in_bytes now: limit and memory+swap must be written in the order that keeps
    // limit <= memsw at every step. nullopt: unknown (a new cgroup, unlimited).
    std::optional<uint64_t> memory_limit;
    bool has_memsw = true;          // memory.memsw.limit_in_bytes (swap accounting) exists
    bool has_blkio_weight = true;   // blkio.weight (CFQ); else blkio.bfq.weight (BFQ)
    bool has_hugetlb_rsvd = false;  // hugetlb.<size>.rsvd.limit_in_bytes exists
};

Writes v1_writes(const oci::Resources& r, const V1Facts& facts, Warnings& warnings);

}  // namespace hull::cgroups
