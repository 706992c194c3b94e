// default_spec: runc's example spec (libcontainer/specconv Example and ToRootless), with our
// hostname and spec version, and always a cgroup namespace (runc adds it on cgroup v2 hosts).
#include <unistd.h>

#include <algorithm>

#include "libocispec/config.hpp"

namespace hull::oci {

namespace {

Mount mount(std::string destination, std::string type, std::string source, Strings options = {}) {
    Mount m;
    m.destination = std::move(destination);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
}

Spec example_spec() {
    const Strings caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    Spec s;
    s.ociVersion = "1.3.0";

    Process& p = s.process.emplace();
    p.terminal = true;
    p.args = {"sh"};
    p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p.cwd = "/";
    p.noNewPrivileges = true;
    Capabilities& c = p.capabilities.emplace();
    c.bounding = caps;
    c.effective = caps;
    c.permitted = caps;
    p.rlimits = {Rlimit{"RLIMIT_NOFILE", 1024, 1024}};

    s.root = Root{"rootfs", true};
    s.hostname = "hull";
    s.mounts = {
        mount("/proc", "proc", "proc"),
        mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount("/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
        mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
    };

    Linux& l = s.linux.emplace();
    l.resources.emplace().devices = {DeviceCgroup{false, std::nullopt, std::nullopt, std::nullopt, "rwm"}};
    for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) l.namespaces.push_back({type, {}});
    l.maskedPaths = {"/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
                     "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                     "/sys/firmware",       "/proc/scsi"};
    l.readonlyPaths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    return s;
}

// runc's ToRootless: a user namespace mapping the caller to root, no network namespace,
// /sys bind-mounted from the host, no uid=/gid= mount options, no cgroup resources.
void to_rootless(Spec& s) {
    Linux& l = *s.linux;
    std::erase_if(l.namespaces, [](const Namespace& ns) { return ns.type == "network" || ns.type == "user"; });
    l.namespaces.push_back({"user", {}});
    l.uidMappings = {IdMapping{0, static_cast<uint32_t>(::geteuid()), 1}};
    l.gidMappings = {IdMapping{0, static_cast<uint32_t>(::getegid()), 1}};
    for (Mount& m : s.mounts) {
        if (m.destination == "/sys") {
            m = mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"});
            continue;
        }
        std::erase_if(m.options, [](const std::string& o) { return o.starts_with("gid=") || o.starts_with("uid="); });
    }
    l.resources.reset();
}

}  // namespace

Spec default_spec(bool rootless) {
    Spec s = example_spec();
    if (rootless) to_rootless(s);
    return s;
}

}  // namespace hull::oci
