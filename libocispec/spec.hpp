// The model of an OCI runtime-spec v1.3.0 config.json (Linux parts), as plain value types.
// Optional fields are std::optional so that "absent" and "zero" stay distinct and a
// parse -> write -> parse round trip gives an identical model.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hull::oci {

using Strings = std::vector<std::string>;
using StringMap = std::map<std::string, std::string>;

struct IdMapping {
    uint32_t containerID = 0;
    uint32_t hostID = 0;
    uint32_t size = 0;
    bool operator==(const IdMapping&) const = default;
};

struct Root {
    std::string path;
    bool readonly = false;
    bool operator==(const Root&) const = default;
};

struct Mount {
    std::string destination;
    std::optional<std::string> source;
    std::optional<std::string> type;
    Strings options;
    std::vector<IdMapping> uidMappings;
    std::vector<IdMapping> gidMappings;
    bool operator==(const Mount&) const = default;
};

struct ConsoleSize {
    uint32_t height = 0;
    uint32_t width = 0;
    bool operator==(const ConsoleSize&) const = default;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additionalGids;
    std::optional<std::string> username;
    bool operator==(const User&) const = default;
};

struct Capabilities {
    std::optional<Strings> bounding, effective, inheritable, permitted, ambient;
    bool operator==(const Capabilities&) const = default;
};

struct Rlimit {
    std::string type;  // RLIMIT_NOFILE ...
    uint64_t soft = 0;
    uint64_t hard = 0;
    bool operator==(const Rlimit&) const = default;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER ...
    std::optional<int32_t> nice;
    std::optional<int32_t> priority;
    Strings flags;
    std::optional<uint64_t> runtime, deadline, period;
    bool operator==(const Scheduler&) const = default;
};

struct IoPriority {
    std::string ioClass;  // "class": IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE
    int32_t priority = 0;
    bool operator==(const IoPriority&) const = default;
};

struct ExecCPUAffinity {
    std::optional<std::string> initial;
    std::optional<std::string> final;
    bool operator==(const ExecCPUAffinity&) const = default;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> consoleSize;
    std::string cwd;
    Strings env;
    Strings args;
    User user;
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool noNewPrivileges = false;
    std::optional<std::string> apparmorProfile;
    std::optional<int32_t> oomScoreAdj;
    std::optional<std::string> selinuxLabel;
    std::optional<Scheduler> scheduler;
    std::optional<IoPriority> ioPriority;
    std::optional<ExecCPUAffinity> execCPUAffinity;
    bool operator==(const Process&) const = default;
};

struct Hook {
    std::string path;
    Strings args;
    Strings env;
    std::optional<int32_t> timeout;  // seconds, > 0
    bool operator==(const Hook&) const = default;
};

struct Hooks {
    std::vector<Hook> prestart, createRuntime, createContainer, startContainer, poststart, poststop;
    bool operator==(const Hooks&) const = default;
};

struct Namespace {
    std::string type;  // pid network mount ipc uts user cgroup time
    std::optional<std::string> path;
    bool operator==(const Namespace&) const = default;
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
    bool operator==(const TimeOffset&) const = default;
};

struct TimeOffsets {
    std::optional<TimeOffset> boottime, monotonic;
    bool operator==(const TimeOffsets&) const = default;
};

struct Device {
    std::string type;  // c b u p
    std::string path;
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> fileMode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
    bool operator==(const Device&) const = default;
};

struct DeviceCgroup {
    bool allow = false;
    std::optional<std::string> type;
    std::optional<int64_t> major, minor;
    std::optional<std::string> access;
    bool operator==(const DeviceCgroup&) const = default;
};

struct Memory {
    std::optional<int64_t> limit, reservation, swap, kernel, kernelTCP;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disableOOMKiller, useHierarchy, checkBeforeUpdate;
    bool operator==(const Memory&) const = default;
};

struct Cpu {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtimeRuntime;
    std::optional<uint64_t> realtimePeriod;
    std::optional<std::string> cpus, mems;
    std::optional<int64_t> idle;
    bool operator==(const Cpu&) const = default;
};

struct Pids {
    std::optional<int64_t> limit;
    bool operator==(const Pids&) const = default;
};

struct WeightDevice {
    int64_t major = 0, minor = 0;
    std::optional<uint16_t> weight, leafWeight;
    bool operator==(const WeightDevice&) const = default;
};

struct ThrottleDevice {
    int64_t major = 0, minor = 0;
    uint64_t rate = 0;
    bool operator==(const ThrottleDevice&) const = default;
};

struct BlockIO {
    std::optional<uint16_t> weight, leafWeight;
    std::vector<WeightDevice> weightDevice;
    std::vector<ThrottleDevice> throttleReadBpsDevice, throttleWriteBpsDevice, throttleReadIOPSDevice,
        throttleWriteIOPSDevice;
    bool operator==(const BlockIO&) const = default;
};

struct HugepageLimit {
    std::string pageSize;
    uint64_t limit = 0;
    bool operator==(const HugepageLimit&) const = default;
};

struct InterfacePriority {
    std::string name;
    uint32_t priority = 0;
    bool operator==(const InterfacePriority&) const = default;
};

struct Network {
    std::optional<uint32_t> classID;
    std::vector<InterfacePriority> priorities;
    bool operator==(const Network&) const = default;
};

struct Rdma {
    std::optional<uint32_t> hcaHandles, hcaObjects;
    bool operator==(const Rdma&) const = default;
};

struct Resources {
    std::vector<DeviceCgroup> devices;
    std::optional<Memory> memory;
    std::optional<Cpu> cpu;
    std::optional<Pids> pids;
    std::optional<BlockIO> blockIO;
    std::vector<HugepageLimit> hugepageLimits;
    std::optional<Network> network;
    std::map<std::string, Rdma> rdma;
    StringMap unified;
    bool operator==(const Resources&) const = default;
};

struct IntelRdt {
    std::optional<std::string> closID, l3CacheSchema, memBwSchema;
    Strings schemata;
    std::optional<bool> enableMonitoring;
    bool operator==(const IntelRdt&) const = default;
};

struct SyscallArg {
    uint32_t index = 0;
    uint64_t value = 0;
    std::optional<uint64_t> valueTwo;
    std::string op;  // SCMP_CMP_*
    bool operator==(const SyscallArg&) const = default;
};

struct Syscall {
    Strings names;
    std::string action;  // SCMP_ACT_*
    std::optional<uint32_t> errnoRet;
    std::vector<SyscallArg> args;
    bool operator==(const Syscall&) const = default;
};

struct Seccomp {
    std::string defaultAction;
    std::optional<uint32_t> defaultErrnoRet;
    Strings architectures;
    Strings flags;
    std::optional<std::string> listenerPath;
    std::optional<std::string> listenerMetadata;
    std::vector<Syscall> syscalls;
    bool operator==(const Seccomp&) const = default;
};

struct Personality {
    std::string domain;  // LINUX | LINUX32
    Strings flags;
    bool operator==(const Personality&) const = default;
};

struct MemoryPolicy {
    std::string mode;  // MPOL_*
    std::optional<std::string> nodes;
    Strings flags;
    bool operator==(const MemoryPolicy&) const = default;
};

struct NetDevice {
    std::optional<std::string> name;
    bool operator==(const NetDevice&) const = default;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uidMappings;
    std::vector<IdMapping> gidMappings;
    std::optional<TimeOffsets> timeOffsets;
    std::vector<Device> devices;
    std::optional<std::string> cgroupsPath;
    std::optional<Resources> resources;
    std::optional<IntelRdt> intelRdt;
    StringMap sysctl;
    std::optional<Seccomp> seccomp;
    std::optional<std::string> rootfsPropagation;
    Strings maskedPaths;
    Strings readonlyPaths;
    std::optional<std::string> mountLabel;
    std::optional<Personality> personality;
    std::optional<MemoryPolicy> memoryPolicy;
    std::map<std::string, NetDevice> netDevices;
    bool operator==(const Linux&) const = default;
};

struct Spec {
    std::string ociVersion;
    std::optional<Root> root;
    std::vector<Mount> mounts;
    std::optional<Process> process;
    std::optional<std::string> hostname;
    std::optional<std::string> domainname;
    std::optional<Hooks> hooks;
    StringMap annotations;
    std::optional<Linux> linux;
    bool operator==(const Spec&) const = default;
};

// The state document of runtime.md ("state" operation), with runc's extra fields.
struct State {
    std::string ociVersion;
    std::string id;
    std::string status;  // creating | created | running | stopped | paused
    int pid = 0;
    std::string bundle;
    std::string rootfs;   // runc extension
    std::string created;  // RFC 3339 with nanoseconds, runc extension
    std::string owner;    // runc extension
    StringMap annotations;
    bool operator==(const State&) const = default;
};

}  // namespace hull::oci
