// The JSON shape of every model type, written once and used by both the reader and the writer:
// `fields(v, x)` calls v(key, member, presence[, enum]) for each member in the order Go's
// runtime-spec types use (so `hull spec` prints like `runc spec`).
// Internal to libocispec.
#pragma once
#include <concepts>
#include <span>
#include <string_view>
#include <type_traits>

#include "libocispec/spec.hpp"

namespace hull::oci::schema {

enum Presence {
    Optional,  // may be absent; a plain (non-optional) scalar is always written
    Required,  // absence is an error; always written
    OmitZero,  // may be absent; not written when it has its zero value (Go's omitempty)
};

// A string enum of the schema: the noun for messages and the allowed values.
struct Enum {
    std::string_view noun;
    std::span<const std::string_view> values;
};

inline constexpr std::string_view kNamespaceTypes[] = {"mount", "pid",  "network", "uts",
                                                       "ipc",   "user", "cgroup",  "time"};
inline constexpr std::string_view kPropagations[] = {"private", "shared", "slave", "unbindable"};
inline constexpr std::string_view kDeviceTypes[] = {"c", "b", "u", "p"};
inline constexpr std::string_view kSeccompActions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY"};
inline constexpr std::string_view kSeccompArchs[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",     "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",      "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",    "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",     "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64"};
inline constexpr std::string_view kSeccompFlags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                                     "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                                     "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
inline constexpr std::string_view kSeccompOps[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
                                                   "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
inline constexpr std::string_view kSchedPolicies[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",      "SCHED_BATCH",
                                                      "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE"};
inline constexpr std::string_view kSchedFlags[] = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",    "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"};
inline constexpr std::string_view kIoPrioClasses[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"};
inline constexpr std::string_view kPersonalityDomains[] = {"LINUX", "LINUX32"};
inline constexpr std::string_view kMemPolicyModes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"};
inline constexpr std::string_view kMemPolicyFlags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                                       "MPOL_F_STATIC_NODES"};
inline constexpr std::string_view kStatuses[] = {"creating", "created", "running", "stopped", "paused"};

inline constexpr Enum NamespaceType{"namespace type", kNamespaceTypes};
inline constexpr Enum Propagation{"rootfs propagation", kPropagations};
inline constexpr Enum DeviceType{"device type", kDeviceTypes};
inline constexpr Enum SeccompAction{"seccomp action", kSeccompActions};
inline constexpr Enum SeccompArch{"seccomp architecture", kSeccompArchs};
inline constexpr Enum SeccompFlag{"seccomp flag", kSeccompFlags};
inline constexpr Enum SeccompOp{"seccomp operator", kSeccompOps};
inline constexpr Enum SchedPolicy{"scheduler policy", kSchedPolicies};
inline constexpr Enum SchedFlag{"scheduler flag", kSchedFlags};
inline constexpr Enum IoPrioClass{"I/O priority class", kIoPrioClasses};
inline constexpr Enum PersonalityDomain{"personality domain", kPersonalityDomains};
inline constexpr Enum MemPolicyMode{"memory policy mode", kMemPolicyModes};
inline constexpr Enum MemPolicyFlag{"memory policy flag", kMemPolicyFlags};
inline constexpr Enum Status{"status", kStatuses};

// S is T or const T: one description serves the reader (T&) and the writer (const T&).
template <class S, class T>
concept Of = std::same_as<std::remove_const_t<S>, T>;

template <class V, Of<IdMapping> S>
void fields(V& v, S& x) {
    v("containerID", x.containerID, Required);
    v("hostID", x.hostID, Required);
    v("size", x.size, Required);
}

template <class V, Of<Root> S>
void fields(V& v, S& x) {
    v("path", x.path, Required);
    v("readonly", x.readonly, OmitZero);
}

template <class V, Of<Mount> S>
void fields(V& v, S& x) {
    v("destination", x.destination, Required);
    v("type", x.type);
    v("source", x.source);
    v("options", x.options);
    v("uidMappings", x.uidMappings);
    v("gidMappings", x.gidMappings);
}

template <class V, Of<ConsoleSize> S>
void fields(V& v, S& x) {
    v("height", x.height, Required);
    v("width", x.width, Required);
}

template <class V, Of<User> S>
void fields(V& v, S& x) {
    v("uid", x.uid, Required);  // config.md: REQUIRED on POSIX platforms
    v("gid", x.gid, Required);
    v("umask", x.umask);
    v("additionalGids", x.additionalGids);
    v("username", x.username);
}

template <class V, Of<Capabilities> S>
void fields(V& v, S& x) {
    v("bounding", x.bounding);
    v("effective", x.effective);
    v("inheritable", x.inheritable);
    v("permitted", x.permitted);
    v("ambient", x.ambient);
}

template <class V, Of<Rlimit> S>
void fields(V& v, S& x) {
    v("type", x.type, Required);
    v("hard", x.hard, Required);
    v("soft", x.soft, Required);
}

template <class V, Of<Scheduler> S>
void fields(V& v, S& x) {
    v("policy", x.policy, Required, &SchedPolicy);
    v("nice", x.nice);
    v("priority", x.priority);
    v("flags", x.flags, Optional, &SchedFlag);
    v("runtime", x.runtime);
    v("deadline", x.deadline);
    v("period", x.period);
}

template <class V, Of<IoPriority> S>
void fields(V& v, S& x) {
    v("class", x.ioClass, Required, &IoPrioClass);
    v("priority", x.priority, Required);
}

template <class V, Of<ExecCPUAffinity> S>
void fields(V& v, S& x) {
    v("initial", x.initial);
    v("final", x.final);
}

template <class V, Of<Process> S>
void fields(V& v, S& x) {
    v("terminal", x.terminal, OmitZero);
    v("consoleSize", x.consoleSize);
    v("user", x.user);
    v("args", x.args, Required);
    v("env", x.env);
    v("cwd", x.cwd, Required);
    v("capabilities", x.capabilities);
    v("rlimits", x.rlimits);
    v("noNewPrivileges", x.noNewPrivileges, OmitZero);
    v("apparmorProfile", x.apparmorProfile);
    v("oomScoreAdj", x.oomScoreAdj);
    v("scheduler", x.scheduler);
    v("selinuxLabel", x.selinuxLabel);
    v("ioPriority", x.ioPriority);
    v("execCPUAffinity", x.execCPUAffinity);
}

template <class V, Of<Hook> S>
void fields(V& v, S& x) {
    v("path", x.path, Required);
    v("args", x.args);
    v("env", x.env);
    v("timeout", x.timeout);
}

template <class V, Of<Hooks> S>
void fields(V& v, S& x) {
    v("prestart", x.prestart);
    v("createRuntime", x.createRuntime);
    v("createContainer", x.createContainer);
    v("startContainer", x.startContainer);
    v("poststart", x.poststart);
    v("poststop", x.poststop);
}

template <class V, Of<Namespace> S>
void fields(V& v, S& x) {
    v("type", x.type, Required, &NamespaceType);
    v("path", x.path);
}

template <class V, Of<TimeOffset> S>
void fields(V& v, S& x) {
    v("secs", x.secs, OmitZero);
    v("nanosecs", x.nanosecs, OmitZero);
}

template <class V, Of<TimeOffsets> S>
void fields(V& v, S& x) {
    v("boottime", x.boottime);
    v("monotonic", x.monotonic);
}

template <class V, Of<Device> S>
void fields(V& v, S& x) {
    v("path", x.path, Required);
    v("type", x.type, Required, &DeviceType);
    v("major", x.major);  // required unless type is "p": checked by the parser
    v("minor", x.minor);
    v("fileMode", x.fileMode);
    v("uid", x.uid);
    v("gid", x.gid);
}

template <class V, Of<DeviceCgroup> S>
void fields(V& v, S& x) {
    v("allow", x.allow, Required);
    v("type", x.type);
    v("major", x.major);
    v("minor", x.minor);
    v("access", x.access);
}

template <class V, Of<Memory> S>
void fields(V& v, S& x) {
    v("limit", x.limit);
    v("reservation", x.reservation);
    v("swap", x.swap);
    v("kernel", x.kernel);
    v("kernelTCP", x.kernelTCP);
    v("swappiness", x.swappiness);
    v("disableOOMKiller", x.disableOOMKiller);
    v("useHierarchy", x.useHierarchy);
    v("checkBeforeUpdate", x.checkBeforeUpdate);
}

template <class V, Of<Cpu> S>
void fields(V& v, S& x) {
    v("shares", x.shares);
    v("quota", x.quota);
    v("burst", x.burst);
    v("period", x.period);
    v("realtimeRuntime", x.realtimeRuntime);
    v("realtimePeriod", x.realtimePeriod);
    v("cpus", x.cpus);
    v("mems", x.mems);
    v("idle", x.idle);
}

template <class V, Of<Pids> S>
void fields(V& v, S& x) {
    v("limit", x.limit);
}

template <class V, Of<WeightDevice> S>
void fields(V& v, S& x) {
    v("major", x.major, Required);
    v("minor", x.minor, Required);
    v("weight", x.weight);
    v("leafWeight", x.leafWeight);
}

template <class V, Of<ThrottleDevice> S>
void fields(V& v, S& x) {
    v("major", x.major, Required);
    v("minor", x.minor, Required);
    v("rate", x.rate, Required);
}

template <class V, Of<BlockIO> S>
void fields(V& v, S& x) {
    v("weight", x.weight);
    v("leafWeight", x.leafWeight);
    v("weightDevice", x.weightDevice);
    v("throttleReadBpsDevice", x.throttleReadBpsDevice);
    v("throttleWriteBpsDevice", x.throttleWriteBpsDevice);
    v("throttleReadIOPSDevice", x.throttleReadIOPSDevice);
    v("throttleWriteIOPSDevice", x.throttleWriteIOPSDevice);
}

template <class V, Of<HugepageLimit> S>
void fields(V& v, S& x) {
    v("pageSize", x.pageSize, Required);
    v("limit", x.limit, Required);
}

template <class V, Of<InterfacePriority> S>
void fields(V& v, S& x) {
    v("name", x.name, Required);
    v("priority", x.priority, Required);
}

template <class V, Of<Network> S>
void fields(V& v, S& x) {
    v("classID", x.classID);
    v("priorities", x.priorities);
}

template <class V, Of<Rdma> S>
void fields(V& v, S& x) {
    v("hcaHandles", x.hcaHandles);
    v("hcaObjects", x.hcaObjects);
}

template <class V, Of<Resources> S>
void fields(V& v, S& x) {
    v("devices", x.devices);
    v("memory", x.memory);
    v("cpu", x.cpu);
    v("pids", x.pids);
    v("blockIO", x.blockIO);
    v("hugepageLimits", x.hugepageLimits);
    v("network", x.network);
    v("rdma", x.rdma);
    v("unified", x.unified);
}

template <class V, Of<IntelRdt> S>
void fields(V& v, S& x) {
    v("closID", x.closID);
    v("l3CacheSchema", x.l3CacheSchema);
    v("memBwSchema", x.memBwSchema);
    v("schemata", x.schemata);
    v("enableMonitoring", x.enableMonitoring);
}

template <class V, Of<SyscallArg> S>
void fields(V& v, S& x) {
    v("index", x.index, Required);
    v("value", x.value, Required);
    v("valueTwo", x.valueTwo);
    v("op", x.op, Required, &SeccompOp);
}

template <class V, Of<Syscall> S>
void fields(V& v, S& x) {
    v("names", x.names, Required);
    v("action", x.action, Required, &SeccompAction);
    v("errnoRet", x.errnoRet);
    v("args", x.args);
}

template <class V, Of<Seccomp> S>
void fields(V& v, S& x) {
    v("defaultAction", x.defaultAction, Required, &SeccompAction);
    v("defaultErrnoRet", x.defaultErrnoRet);
    v("architectures", x.architectures, Optional, &SeccompArch);
    v("flags", x.flags, Optional, &SeccompFlag);
    v("listenerPath", x.listenerPath);
    v("listenerMetadata", x.listenerMetadata);
    v("syscalls", x.syscalls);
}

template <class V, Of<Personality> S>
void fields(V& v, S& x) {
    v("domain", x.domain, Required, &PersonalityDomain);
    v("flags", x.flags);
}

template <class V, Of<MemoryPolicy> S>
void fields(V& v, S& x) {
    v("mode", x.mode, Required, &MemPolicyMode);
    v("nodes", x.nodes);
    v("flags", x.flags, Optional, &MemPolicyFlag);
}

template <class V, Of<NetDevice> S>
void fields(V& v, S& x) {
    v("name", x.name);
}

template <class V, Of<Linux> S>
void fields(V& v, S& x) {
    v("uidMappings", x.uidMappings);
    v("gidMappings", x.gidMappings);
    v("sysctl", x.sysctl);
    v("resources", x.resources);
    v("cgroupsPath", x.cgroupsPath);
    v("namespaces", x.namespaces);
    v("devices", x.devices);
    v("netDevices", x.netDevices);
    v("seccomp", x.seccomp);
    v("rootfsPropagation", x.rootfsPropagation, Optional, &Propagation);
    v("maskedPaths", x.maskedPaths);
    v("readonlyPaths", x.readonlyPaths);
    v("mountLabel", x.mountLabel);
    v("intelRdt", x.intelRdt);
    v("personality", x.personality);
    v("timeOffsets", x.timeOffsets);
    v("memoryPolicy", x.memoryPolicy);
}

template <class V, Of<Spec> S>
void fields(V& v, S& x) {
    v("ociVersion", x.ociVersion, Required);
    v("process", x.process);
    v("root", x.root);
    v("hostname", x.hostname);
    v("domainname", x.domainname);
    v("mounts", x.mounts);
    v("hooks", x.hooks);
    v("annotations", x.annotations);
    v("linux", x.linux);
}

template <class V, Of<State> S>
void fields(V& v, S& x) {
    v("ociVersion", x.ociVersion, Required);
    v("id", x.id, Required);
    v("pid", x.pid);
    v("status", x.status, Required, &Status);
    v("bundle", x.bundle, Required);
    v("rootfs", x.rootfs);
    v("created", x.created);
    v("annotations", x.annotations);
    v("owner", x.owner);
}

}  // namespace hull::oci::schema
