// linux.resources to cgroup v2 file writes, as runc's fs2 and crun write them. Pure: what it
// needs to know about the cgroup comes in V2Facts. Devices are an eBPF program
// (ebpf_devices.hpp), not a file.
#pragma once
#include <set>
#include <string>

#include "libocispec/spec.hpp"
#include "runtime/cgroups/files.hpp"
#include "runtime/cgroups/resources_common.hpp"

namespace hull::cgroups {

struct V2Facts {
    bool has_swap = true;          // memory.swap.max exists (swap accounting)
    bool has_bfq_weight = false;   // io.bfq.weight exists: BFQ takes the blkio weights as they are
    bool has_hugetlb_rsvd = true;  // hugetlb.<size>.rsvd.max exists
};

// Everything but `unified` and devices; realtime cpu settings are refused (no v2 equivalent).
Writes v2_writes(const oci::Resources& r, const V2Facts& facts, Warnings& warnings);

// linux.resources.unified, each value written as it is (line by line) after checking that the
// key names a file of the cgroup: "<controller>.<name>", no '/', not "." or "..", the controller
// one of `available` (cgroup.controllers of the cgroup) or "cgroup". cgroup.procs,
// cgroup.threads, cgroup.kill and cgroup.subtree_control are not resources and are refused.
Writes unified_writes(const oci::StringMap& unified, const std::set<std::string>& available,
                      const std::string& cgroup_path);

}  // namespace hull::cgroups
