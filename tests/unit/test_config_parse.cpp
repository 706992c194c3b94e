// Each fixture parses, and its key fields have the values the file says.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

#include "libocispec/config.hpp"
#include "tests/unit/fixtures.hpp"
#include "util/error.hpp"

using namespace hull::oci;
using hull::test::load_fixture;

namespace {
const Strings kRuncCaps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};

Strings namespace_types(const Linux& l) {
    Strings out;
    for (const auto& ns : l.namespaces) out.push_back(ns.type);
    return out;
}
}  // namespace

TEST_CASE("runc spec output parses", "[config][parse]") {
    Spec s = load_fixture("runc-spec.json");
    CHECK(s.ociVersion == "1.0.2-dev");
    REQUIRE(s.process);
    const Process& p = *s.process;
    CHECK(p.terminal);
    CHECK(p.user == User{});
    CHECK(p.args == Strings{"sh"});
    CHECK(p.env == Strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"});
    CHECK(p.cwd == "/");
    REQUIRE(p.capabilities);
    CHECK(p.capabilities->bounding == kRuncCaps);
    CHECK(p.capabilities->ambient == kRuncCaps);
    CHECK_FALSE(p.capabilities->inheritable);
    CHECK(p.rlimits == std::vector<Rlimit>{{"RLIMIT_NOFILE", 1024, 1024}});
    CHECK(p.noNewPrivileges);
    CHECK(s.root == Root{"rootfs", true});
    CHECK(s.hostname == "runc");
    REQUIRE(s.mounts.size() == 7);
    CHECK(s.mounts[0].destination == "/proc");
    CHECK(s.mounts[0].type == "proc");
    CHECK(s.mounts[0].options.empty());
    CHECK(s.mounts[2].options.back() == "gid=5");
    CHECK(s.mounts[6].destination == "/sys/fs/cgroup");
    REQUIRE(s.linux);
    CHECK(namespace_types(*s.linux) == Strings{"pid", "network", "ipc", "uts", "mount"});
    REQUIRE(s.linux->resources);
    REQUIRE(s.linux->resources->devices.size() == 1);
    CHECK_FALSE(s.linux->resources->devices[0].allow);
    CHECK(s.linux->resources->devices[0].access == "rwm");
    CHECK_FALSE(s.linux->resources->devices[0].type);
    CHECK(s.linux->maskedPaths.size() == 10);
    CHECK(s.linux->readonlyPaths.back() == "/proc/sysrq-trigger");
    CHECK_FALSE(s.hooks);
    CHECK(s.annotations.empty());
}

TEST_CASE("runc spec --rootless output parses", "[config][parse]") {
    Spec s = load_fixture("runc-spec-rootless.json");
    REQUIRE(s.linux);
    CHECK(namespace_types(*s.linux) == Strings{"pid", "ipc", "uts", "mount", "user"});
    CHECK(s.linux->uidMappings == std::vector<IdMapping>{{0, 0, 1}});
    CHECK(s.linux->gidMappings == std::vector<IdMapping>{{0, 0, 1}});
    CHECK_FALSE(s.linux->resources);
    const Mount& sys = s.mounts[5];
    CHECK(sys.destination == "/sys");
    CHECK(sys.type == "none");
    CHECK(sys.source == "/sys");
    CHECK(sys.options == Strings{"rbind", "nosuid", "noexec", "nodev", "ro"});
    CHECK(s.mounts[2].options.back() == "mode=0620");
}

TEST_CASE("crun spec output parses, with an empty capability set kept", "[config][parse]") {
    Spec s = load_fixture("crun-spec.json");
    CHECK(s.ociVersion == "1.0.0");
    CHECK(s.hostname == "crun");
    REQUIRE(s.process->capabilities->inheritable);
    CHECK(s.process->capabilities->inheritable->empty());
    CHECK(s.process->capabilities->permitted == kRuncCaps);
}

TEST_CASE("podman (systemd cgroups) config parses", "[config][parse]") {
    Spec s = load_fixture("podman-systemd.json");
    const Process& p = *s.process;
    CHECK(p.user.umask == 18u);
    CHECK(p.user.additionalGids.size() == 11);
    CHECK(p.args == Strings{"/bin/sh", "-c", "sleep infinity"});
    CHECK(p.capabilities->bounding->size() == 11);
    CHECK(p.rlimits[1] == Rlimit{"RLIMIT_NPROC", 4194304, 4194304});
    CHECK(p.oomScoreAdj == 0);
    CHECK(p.selinuxLabel == "system_u:system_r:container_t:s0:c107,c846");
    CHECK_FALSE(s.root->readonly);
    REQUIRE(s.mounts.size() == 12);
    CHECK(s.mounts[5].options == Strings{"bind", "rprivate"});
    CHECK(s.mounts[10].options == Strings{"rbind", "rprivate", "ro"});

    REQUIRE(s.hooks);
    REQUIRE(s.hooks->prestart.size() == 1);
    CHECK(s.hooks->prestart[0].path == "/usr/bin/nvidia-container-toolkit");
    CHECK(s.hooks->prestart[0].args == Strings{"nvidia-container-toolkit", "prestart"});
    CHECK_FALSE(s.hooks->prestart[0].timeout);
    CHECK(s.hooks->poststop[0].timeout == 10);
    CHECK(s.hooks->createRuntime.empty());
    CHECK(s.annotations.size() == 5);
    CHECK(s.annotations.at("io.container.manager") == "libpod");

    const Linux& l = *s.linux;
    CHECK(l.sysctl.at("net.ipv4.ping_group_range") == "0 0");
    CHECK(l.cgroupsPath == "machine.slice:libpod:5c8a1f2e9b3d");
    CHECK(l.resources->memory->limit == 536870912);
    CHECK(l.resources->memory->swap == 1073741824);
    CHECK_FALSE(l.resources->memory->reservation);
    CHECK(l.resources->pids->limit == 2048);
    CHECK(l.namespaces[1].path == "/run/netns/netns-3e5d7a1c-9f2b-4c6e-8d0a-1b2c3d4e5f60");
    CHECK_FALSE(l.namespaces[0].path);

    const Seccomp& sc = *l.seccomp;
    CHECK(sc.defaultAction == "SCMP_ACT_ERRNO");
    CHECK(sc.defaultErrnoRet == 38u);
    CHECK(sc.architectures == Strings{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"});
    REQUIRE(sc.syscalls.size() == 6);
    CHECK(sc.syscalls[0].errnoRet == 1u);
    CHECK(sc.syscalls[1].names.size() == 51);
    CHECK_FALSE(sc.syscalls[1].errnoRet);
    CHECK(sc.syscalls[3].args == std::vector<SyscallArg>{{0, 4294967295u, std::nullopt, "SCMP_CMP_EQ"}});
    CHECK(sc.syscalls[4].args[0].valueTwo == 0u);
    CHECK(sc.syscalls[5].args.size() == 2);
    CHECK(l.maskedPaths.size() == 11);
    CHECK(l.mountLabel == "system_u:object_r:container_file_t:s0:c107,c846");
}

TEST_CASE("podman (cgroupfs, user namespace) config parses", "[config][parse]") {
    Spec s = load_fixture("podman-cgroupfs.json");
    const Process& p = *s.process;
    CHECK(p.user.uid == 1000);
    CHECK(p.user.additionalGids == std::vector<uint32_t>{1000});
    CHECK(p.cwd == "/home/app");
    CHECK(p.capabilities->effective == Strings{});
    CHECK(p.apparmorProfile == "containers-default-0.50.1");
    CHECK(p.oomScoreAdj == 100);
    CHECK(s.mounts[4].options == Strings{"rbind", "rslave", "Z"});

    const Linux& l = *s.linux;
    CHECK(l.cgroupsPath == "/libpod_parent/libpod-8a4e6f0b2c1d");
    CHECK(l.uidMappings == std::vector<IdMapping>{{0, 100000, 65536}});
    CHECK(l.sysctl.size() == 2);
    const Resources& r = *l.resources;
    CHECK(r.devices[1] == DeviceCgroup{true, "c", 10, 229, "rwm"});
    CHECK(r.cpu->shares == 512u);
    CHECK(r.cpu->quota == 50000);
    CHECK(r.cpu->cpus == "0-1");
    CHECK(r.blockIO->weight == 300);
    CHECK(r.blockIO->throttleReadBpsDevice == std::vector<ThrottleDevice>{{8, 0, 10485760}});
    CHECK(r.pids->limit == -1);
    CHECK(l.devices == std::vector<Device>{{"c", "/dev/fuse", 10, 229, 438u, 0u, 0u}});
    CHECK(l.seccomp->flags == Strings{"SECCOMP_FILTER_FLAG_SPEC_ALLOW"});
    CHECK(l.rootfsPropagation == "slave");
}

TEST_CASE("buildah run config parses, with empty objects kept", "[config][parse]") {
    Spec s = load_fixture("buildah-run.json");
    CHECK_FALSE(s.process->terminal);
    CHECK_FALSE(s.process->noNewPrivileges);
    CHECK(s.process->capabilities->ambient == Strings{});
    CHECK(s.mounts[5].options.front() == "rbind");
    REQUIRE(s.hooks);
    CHECK(*s.hooks == Hooks{});
    REQUIRE(s.linux->resources);
    CHECK(*s.linux->resources == Resources{});
    CHECK(s.linux->uidMappings[0].size == 4294967295u);
    CHECK(s.linux->namespaces[3].path == "/proc/1234/ns/net");
}

TEST_CASE("every field of the model is read", "[config][parse]") {
    Spec s = load_fixture("every-field.json");
    const Process& p = *s.process;
    CHECK(p.consoleSize == ConsoleSize{24, 80});
    CHECK(p.user == User{1000, 1000, 63u, {5, 100}, "app"});
    CHECK(p.rlimits[0].hard == std::numeric_limits<uint64_t>::max());
    CHECK(p.oomScoreAdj == -500);
    CHECK(
        p.scheduler ==
        Scheduler{
            "SCHED_DEADLINE", -5, 0, {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM"}, 1000000u, 2000000u, 3000000u});
    CHECK(p.ioPriority == IoPriority{"IOPRIO_CLASS_BE", 4});
    CHECK(p.execCPUAffinity == ExecCPUAffinity{"0-3, 7", "1"});
    CHECK(s.domainname == "example.org");
    CHECK(s.mounts[1].uidMappings == std::vector<IdMapping>{{0, 100000, 65536}});
    CHECK(s.mounts[2] == Mount{"/run", {}, {}, {}, {}, {}});
    CHECK(s.hooks->createRuntime[0] == Hook{"/usr/bin/netns-setup", {"netns-setup", "up"}, {"A=1"}, 5});
    CHECK(s.hooks->startContainer[0].timeout == 1);
    CHECK(s.annotations.at("quote\"d") == "x");
    CHECK(s.annotations.at("empty").empty());

    const Linux& l = *s.linux;
    CHECK(l.uidMappings.size() == 2);
    CHECK(l.namespaces.size() == 8);
    CHECK(l.timeOffsets->boottime == TimeOffset{std::numeric_limits<int64_t>::min(), 999999999u});
    CHECK(l.timeOffsets->monotonic == TimeOffset{86400, 0});
    CHECK(l.devices[2] == Device{"p", "/dev/myfifo", 0, 0, {}, {}, {}});
    CHECK(l.netDevices.at("eth1").name == "net1");
    CHECK_FALSE(l.netDevices.at("dummy0").name);
    const Resources& r = *l.resources;
    CHECK(r.devices[1].minor == -1);
    CHECK(r.memory->swap == -1);
    CHECK(r.memory->swappiness == 60u);
    CHECK(r.memory->disableOOMKiller == false);
    CHECK(r.memory->checkBeforeUpdate == true);
    CHECK(r.cpu->burst == 0u);
    CHECK(r.cpu->idle == 1);
    CHECK(r.blockIO->weightDevice[0] == WeightDevice{8, 0, uint16_t{700}, uint16_t{65535}});
    CHECK(r.blockIO->weightDevice[1] == WeightDevice{8, 16, {}, 10});
    CHECK(r.blockIO->throttleReadBpsDevice[0].rate == std::numeric_limits<uint64_t>::max());
    CHECK(r.hugepageLimits[1] == HugepageLimit{"1GB", 0});
    CHECK(r.network->classID == 1048577u);
    CHECK(r.network->priorities[1] == InterfacePriority{"lo", 1000});
    CHECK(r.rdma.at("mlx5_1") == Rdma{3u, 10000u});
    CHECK(r.rdma.at("mlx4_0") == Rdma{});
    CHECK(r.unified.at("io.weight") == "default 100");
    const Seccomp& sc = *l.seccomp;
    CHECK(sc.listenerPath == "/run/seccomp-agent.sock");
    CHECK(sc.listenerMetadata == "{\"profile\":\"strict\"}");
    CHECK(sc.syscalls[3].args[0] == SyscallArg{2, std::numeric_limits<uint64_t>::max(), 4u, "SCMP_CMP_MASKED_EQ"});
    CHECK(l.intelRdt == IntelRdt{"guaranteed", "L3:0=7f0;1=1f", "MB:0=20;1=70", {"L2:0=ff", "L3:0=f"}, true});
    CHECK(l.personality == Personality{"LINUX32", {}});
    CHECK(l.memoryPolicy == MemoryPolicy{"MPOL_INTERLEAVE", "0-1", {"MPOL_F_STATIC_NODES"}});
}

TEST_CASE("null is read as absent and the last duplicate key wins, as in Go", "[config][parse]") {
    Spec s = parse_spec(R"({"ociVersion": "1.0.0", "hostname": null, "mounts": null,
                           "root": {"path": "a", "path": "b"}, "linux": {"sysctl": {"k": "1", "k": "2"}}})",
                        "config.json");
    CHECK_FALSE(s.hostname);
    CHECK(s.mounts.empty());
    CHECK(s.root->path == "b");
    CHECK(s.linux->sysctl.at("k") == "2");
}

TEST_CASE("a minimal config has only what it says", "[config][parse]") {
    Spec s = parse_spec(R"({"ociVersion": "1.3.0"})", "config.json");
    CHECK(s == Spec{"1.3.0", {}, {}, {}, {}, {}, {}, {}, {}});
}

TEST_CASE("load_spec reports a missing file with errno", "[config][parse]") {
    try {
        load_spec("/nonexistent/bundle/config.json");
        FAIL("no error");
    } catch (const hull::Error& e) {
        CHECK(std::string(e.what()) == "open /nonexistent/bundle/config.json: no such file or directory");
        CHECK(e.err() == ENOENT);
    }
}

TEST_CASE("the state document parses", "[state][parse]") {
    State st = parse_state(R"({"ociVersion": "1.0.2-dev", "id": "ref1", "pid": 20934, "status": "running",
        "bundle": "/srv/b", "rootfs": "/srv/b/rootfs", "created": "2026-11-26T06:45:31.254089871Z",
        "annotations": {"org.example": "ocitest"}, "owner": ""})",
                           "state.json");
    CHECK(st.id == "ref1");
    CHECK(st.pid == 20934);
    CHECK(st.status == "running");
    CHECK(st.rootfs == "/srv/b/rootfs");
    CHECK(st.annotations.at("org.example") == "ocitest");
    CHECK(st.owner.empty());
}
