#include "runtime/process_attrs.hpp"

#include <sched.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull {

namespace {

template <class T, size_t N>
std::optional<T> lookup(const std::array<std::pair<std::string_view, T>, N>& table, std::string_view name) {
    for (auto& [n, v] : table)
        if (n == name) return v;
    return std::nullopt;
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

std::string joined(const oci::Strings& v) {
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// Linux's sched_attr (include/uapi/linux/sched/types.h), version 1 (with the util clamps).
struct SchedAttr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56);

constexpr std::array<std::pair<std::string_view, uint32_t>, 7> kSchedPolicies = {{
    {"SCHED_OTHER", 0},
    {"SCHED_FIFO", 1},
    {"SCHED_RR", 2},
    {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},  // reserved by Linux, never implemented: the kernel refuses it
    {"SCHED_IDLE", 5},
    {"SCHED_DEADLINE", 6},
}};

constexpr std::array<std::pair<std::string_view, uint64_t>, 7> kSchedFlags = {{
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},
    {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
}};

constexpr std::array<std::pair<std::string_view, int>, 3> kIoPrioClasses = {{
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
}};

constexpr std::array<std::pair<std::string_view, unsigned long>, 2> kPersonalityDomains = {{
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
}};

// The flags of personality(2) (include/uapi/linux/personality.h).
constexpr std::array<std::pair<std::string_view, unsigned long>, 11> kPersonalityFlags = {{
    {"UNAME26", UNAME26},
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
    {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"SHORT_INODE", SHORT_INODE},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
}};

// include/uapi/linux/mempolicy.h (MPOL_WEIGHTED_INTERLEAVE is Linux 6.9).
constexpr std::array<std::pair<std::string_view, int>, 7> kMemPolicyModes = {{
    {"MPOL_DEFAULT", 0},
    {"MPOL_PREFERRED", 1},
    {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},
    {"MPOL_LOCAL", 4},
    {"MPOL_PREFERRED_MANY", 5},
    {"MPOL_WEIGHTED_INTERLEAVE", 6},
}};
constexpr unsigned kMpolStatic = 1u << 15, kMpolRelative = 1u << 14, kMpolNumaBalancing = 1u << 13;
constexpr std::array<std::pair<std::string_view, unsigned>, 3> kMemPolicyFlags = {{
    {"MPOL_F_STATIC_NODES", kMpolStatic},
    {"MPOL_F_RELATIVE_NODES", kMpolRelative},
    {"MPOL_F_NUMA_BALANCING", kMpolNumaBalancing},
}};

}  // namespace

// ---- id lists

std::vector<unsigned> parse_id_list(std::string_view list, const std::string& what) {
    std::vector<unsigned> out;
    std::string text = trim(list);
    if (text.empty()) return out;
    auto bad = [&](const std::string& why) -> Error { return Error("invalid " + what + " \"" + std::string(list) + "\": " + why); };
    auto number = [&](const std::string& s) -> unsigned {
        std::string t = trim(s);
        if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos)
            throw bad("\"" + t + "\" is not a number");
        if (t.size() > 6 || std::stoul(t) > kMaxListId) throw bad(t + " is above " + std::to_string(kMaxListId));
        return static_cast<unsigned>(std::stoul(t));
    };
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t comma = text.find(',', pos);
        std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (trim(part).empty()) throw bad("empty element");
        size_t dash = part.find('-');
        if (dash == std::string::npos) {
            out.push_back(number(part));
        } else {
            unsigned lo = number(part.substr(0, dash)), hi = number(part.substr(dash + 1));
            if (lo > hi) throw bad("range " + trim(part) + " runs backwards");
            for (unsigned i = lo; i <= hi; ++i) out.push_back(i);
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// ---- CPU affinity

void set_cpu_affinity(pid_t pid, const std::string& list, const std::string& which) {
    std::vector<unsigned> cpus = with_context(which, [&] { return parse_id_list(list); });
    if (cpus.empty()) return;
    int ncpus = static_cast<int>(cpus.back()) + 1;
    std::unique_ptr<cpu_set_t, void (*)(cpu_set_t*)> set(CPU_ALLOC(ncpus), [](cpu_set_t* s) { CPU_FREE(s); });
    if (!set) throw_errno(which + ": allocate a CPU set");
    size_t size = CPU_ALLOC_SIZE(ncpus);
    CPU_ZERO_S(size, set.get());
    for (unsigned c : cpus) CPU_SET_S(c, size, set.get());
    if (::sched_setaffinity(pid, size, set.get()) < 0) {
        int err = errno;
        if (err == EINVAL)
            throw Error(which + ": set CPU affinity to \"" + list +
                        "\": none of these CPUs is online and allowed (see Cpus_allowed_list and the cpuset cgroup)");
        throw Error(which + ": set CPU affinity to \"" + list + "\"", err);
    }
}

void apply_initial_cpu_affinity(const oci::Process& p, pid_t pid) {
    if (p.execCPUAffinity && p.execCPUAffinity->initial)
        set_cpu_affinity(pid, *p.execCPUAffinity->initial, "execCPUAffinity.initial");
}

void apply_final_cpu_affinity(const oci::Process& p) {
    if (p.execCPUAffinity && p.execCPUAffinity->final)
        set_cpu_affinity(0, *p.execCPUAffinity->final, "execCPUAffinity.final");
}

// ---- oomScoreAdj

std::string explain_oom_score_adj_failure(int asked, int current, int err) {
    std::string head = "oomScoreAdj: cannot set oom_score_adj to " + std::to_string(asked);
    if (err == EACCES || err == EPERM) {
        if (asked < current)
            return head + " (the current value is " + std::to_string(current) +
                   " and lowering it needs CAP_SYS_RESOURCE)";
        return head + " (the current value is " + std::to_string(current) + "): permission denied";
    }
    if (err == EINVAL) return head + ": the value must be between -1000 and 1000";
    std::string why = std::strerror(err);
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
    return head + ": " + why;
}

void apply_oom_score_adj(int value) {
    const char* path = "/proc/self/oom_score_adj";
    if (value < -1000 || value > 1000) throw Error(explain_oom_score_adj_failure(value, 0, EINVAL));
    int current = 0;
    try {
        current = std::stoi(read_file(path));
    } catch (const std::exception&) {
        // unreadable: the write below says what is wrong
    }
    try {
        write_file(path, std::to_string(value));
    } catch (const Error& e) {
        throw Error(explain_oom_score_adj_failure(value, current, e.err() ? e.err() : EIO));
    }
}

// ---- scheduler

std::optional<uint32_t> sched_policy_value(std::string_view name) { return lookup(kSchedPolicies, name); }
std::optional<uint64_t> sched_flag_value(std::string_view name) { return lookup(kSchedFlags, name); }

SchedulerSetting plan_scheduler(const oci::Scheduler& s) {
    SchedulerSetting out;
    auto policy = sched_policy_value(s.policy);
    if (!policy) throw Error("scheduler: unknown policy \"" + s.policy + "\"");
    out.policy = *policy;
    for (const std::string& f : s.flags) {
        auto v = sched_flag_value(f);
        if (!v) throw Error("scheduler: unknown flag \"" + f + "\"");
        out.flags |= *v;
    }
    out.nice = s.nice.value_or(0);
    if (out.nice < -20 || out.nice > 19)
        throw Error("scheduler: nice " + std::to_string(out.nice) + " is outside [-20, 19]");
    int32_t prio = s.priority.value_or(0);
    bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
    if (prio != 0 && !realtime)
        throw Error("scheduler: priority can only be set for SCHED_FIFO or SCHED_RR, not " + s.policy);
    if (prio < 0) throw Error("scheduler: priority " + std::to_string(prio) + " is negative");
    out.priority = static_cast<uint32_t>(prio);
    out.runtime = s.runtime.value_or(0);
    out.deadline = s.deadline.value_or(0);
    out.period = s.period.value_or(0);
    if (s.policy != "SCHED_DEADLINE" && (out.runtime || out.deadline || out.period))
        throw Error("scheduler: runtime, deadline and period can only be set for SCHED_DEADLINE, not " + s.policy);
    return out;
}

void apply_scheduler(const SchedulerSetting& s, const oci::Scheduler& asked) {
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.sched_policy = s.policy;
    attr.sched_flags = s.flags;
    attr.sched_nice = s.nice;
    attr.sched_priority = s.priority;
    attr.sched_runtime = s.runtime;
    attr.sched_deadline = s.deadline;
    attr.sched_period = s.period;
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
        std::string what = "scheduler: sched_setattr policy " + asked.policy;
        if (asked.nice) what += " nice " + std::to_string(*asked.nice);
        if (asked.priority) what += " priority " + std::to_string(*asked.priority);
        if (!asked.flags.empty()) what += " flags [" + joined(asked.flags) + "]";
        throw Error(what, errno);
    }
}

// ---- ioPriority

int io_priority_value(const oci::IoPriority& io) {
    auto cls = lookup(kIoPrioClasses, io.ioClass);
    if (!cls) throw Error("ioPriority: unknown class \"" + io.ioClass + "\"");
    if (io.priority < 0 || io.priority > 7)
        throw Error("ioPriority: priority " + std::to_string(io.priority) + " is outside [0, 7]");
    return (*cls << 13) | io.priority;
}

void apply_io_priority(const oci::IoPriority& io) {
    constexpr int kWhoProcess = 1;
    int value = io_priority_value(io);
    if (::syscall(SYS_ioprio_set, kWhoProcess, 0, value) < 0)
        throw Error("ioPriority: ioprio_set class " + io.ioClass + " priority " + std::to_string(io.priority), errno);
}

// ---- personality

unsigned long personality_value(const oci::Personality& p) {
    auto domain = lookup(kPersonalityDomains, p.domain);
    if (!domain) throw Error("personality: unknown domain \"" + p.domain + "\" (LINUX or LINUX32)");
    unsigned long v = *domain;
    for (const std::string& f : p.flags) {
        auto flag = lookup(kPersonalityFlags, f);
        if (!flag) throw Error("personality: unknown flag \"" + f + "\"");
        v |= *flag;
    }
    return v;
}

void apply_personality(const oci::Personality& p) {
    unsigned long v = personality_value(p);
    if (::personality(v) < 0) {
        std::string what = "personality: set " + p.domain;
        if (!p.flags.empty()) what += " [" + joined(p.flags) + "]";
        throw Error(what, errno);
    }
}

// ---- memoryPolicy

std::optional<int> mempolicy_mode_value(std::string_view name) { return lookup(kMemPolicyModes, name); }
std::optional<unsigned> mempolicy_flag_value(std::string_view name) { return lookup(kMemPolicyFlags, name); }

MemoryPolicySetting plan_memory_policy(const oci::MemoryPolicy& m) {
    MemoryPolicySetting out;
    auto mode = mempolicy_mode_value(m.mode);
    if (!mode) throw Error("memoryPolicy: unknown mode \"" + m.mode + "\"");
    out.mode = *mode;
    for (const std::string& f : m.flags) {
        auto v = mempolicy_flag_value(f);
        if (!v) throw Error("memoryPolicy: unknown flag \"" + f + "\"");
        out.flags |= *v;
    }
    if ((out.flags & kMpolStatic) && (out.flags & kMpolRelative))
        throw Error("memoryPolicy: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be used together");
    std::vector<unsigned> nodes =
        with_context("memoryPolicy", [&] { return parse_id_list(m.nodes.value_or(""), "node list"); });
    bool no_nodes = m.mode == "MPOL_DEFAULT" || m.mode == "MPOL_LOCAL";
    bool needs_nodes = !no_nodes && m.mode != "MPOL_PREFERRED";
    if (no_nodes && !nodes.empty()) throw Error("memoryPolicy: " + m.mode + " takes no nodes, got \"" + *m.nodes + "\"");
    if (needs_nodes && nodes.empty()) throw Error("memoryPolicy: " + m.mode + " needs at least one node");
    if (nodes.empty()) return out;
    constexpr unsigned kBits = 8 * sizeof(unsigned long);
    out.nodemask.assign(nodes.back() / kBits + 1, 0);
    for (unsigned n : nodes) out.nodemask[n / kBits] |= 1UL << (n % kBits);
    out.maxnode = out.nodemask.size() * kBits + 1;  // the kernel reads maxnode - 1 bits
    return out;
}

void apply_memory_policy(const MemoryPolicySetting& s, const oci::MemoryPolicy& asked) {
    const unsigned long* mask = s.nodemask.empty() ? nullptr : s.nodemask.data();
    if (::syscall(SYS_set_mempolicy, s.mode | static_cast<int>(s.flags), mask, s.maxnode) < 0) {
        int err = errno;
        std::string what = "memoryPolicy: set_mempolicy " + asked.mode;
        if (asked.nodes) what += " nodes \"" + *asked.nodes + "\"";
        if (!asked.flags.empty()) what += " flags [" + joined(asked.flags) + "]";
        if (err == EINVAL) what += " (a node that does not exist or is not allowed, or a mode/flag this kernel refuses)";
        throw Error(what, err);
    }
}

}  // namespace hull
