// Per-process attributes of the container process, set by itself before its execve:
// process.oomScoreAdj, .scheduler, .ioPriority, .execCPUAffinity, linux.personality and
// linux.memoryPolicy. Each has a pure translation (config -> kernel values, unit-tested) and an
// apply step that throws hull::Error naming the setting, the value asked and why it failed.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

// ---- CPU and node lists: "0-3,7" -> {0,1,2,3,7} (sorted, no duplicates). Empty -> {}.
// Throws Error(`invalid <what> "<list>": <why>`). Ids are limited to kMaxListId.
inline constexpr unsigned kMaxListId = 65535;
std::vector<unsigned> parse_id_list(std::string_view list, const std::string& what = "CPU list");

// sched_setaffinity(pid) to the CPUs of list; an empty list changes nothing.
void set_cpu_affinity(pid_t pid, const std::string& list, const std::string& which);
// execCPUAffinity.initial: as early as possible (the parent may apply it to the child pid before
// it joins the container's cgroup); .final: right before execve.
void apply_initial_cpu_affinity(const oci::Process& p, pid_t pid = 0);
void apply_final_cpu_affinity(const oci::Process& p);

// ---- oomScoreAdj
// The message for a refused write of `asked` with `current` in force.
std::string explain_oom_score_adj_failure(int asked, int current, int err);
void apply_oom_score_adj(int value);

// ---- scheduler: sched_setattr(2)
struct SchedulerSetting {
    uint32_t policy = 0;
    uint64_t flags = 0;
    int32_t nice = 0;
    uint32_t priority = 0;
    uint64_t runtime = 0, deadline = 0, period = 0;
};
std::optional<uint32_t> sched_policy_value(std::string_view name);  // SCHED_BATCH -> 3
std::optional<uint64_t> sched_flag_value(std::string_view name);    // SCHED_FLAG_RESET_ON_FORK -> 1
// runc's checks: nice in [-20, 19], priority only for SCHED_FIFO/SCHED_RR, runtime/deadline/
// period only for SCHED_DEADLINE.
SchedulerSetting plan_scheduler(const oci::Scheduler& s);
void apply_scheduler(const SchedulerSetting& s, const oci::Scheduler& asked);

// ---- ioPriority: ioprio_set(IOPRIO_WHO_PROCESS, 0, class << 13 | priority)
int io_priority_value(const oci::IoPriority& io);
void apply_io_priority(const oci::IoPriority& io);

// ---- personality: LINUX / LINUX32 with personality(2) flags (ADDR_NO_RANDOMIZE ...)
unsigned long personality_value(const oci::Personality& p);
void apply_personality(const oci::Personality& p);

// ---- memoryPolicy: set_mempolicy(2)
struct MemoryPolicySetting {
    int mode = 0;
    unsigned flags = 0;
    std::vector<unsigned long> nodemask;  // bit n = node n
    unsigned long maxnode = 0;            // as set_mempolicy wants it: bits of nodemask + 1
};
std::optional<int> mempolicy_mode_value(std::string_view name);        // MPOL_BIND -> 2
std::optional<unsigned> mempolicy_flag_value(std::string_view name);   // MPOL_F_STATIC_NODES -> 1 << 15
MemoryPolicySetting plan_memory_policy(const oci::MemoryPolicy& m);
void apply_memory_policy(const MemoryPolicySetting& s, const oci::MemoryPolicy& asked);

}  // namespace hull
