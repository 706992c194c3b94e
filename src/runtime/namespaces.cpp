#include "runtime/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>

#include "util/error.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace hull {

const std::vector<NamespaceKind>& namespace_kinds() {
    static const std::vector<NamespaceKind> kinds = {
        {"user", "user", CLONE_NEWUSER},     {"pid", "pid", CLONE_NEWPID},
        {"network", "net", CLONE_NEWNET},    {"ipc", "ipc", CLONE_NEWIPC},
        {"uts", "uts", CLONE_NEWUTS},        {"cgroup", "cgroup", CLONE_NEWCGROUP},
        {"time", "time", CLONE_NEWTIME},     {"mount", "mnt", CLONE_NEWNS},
    };
    return kinds;
}

const NamespaceKind& namespace_kind(const std::string& type) {
    for (auto& k : namespace_kinds())
        if (type == k.type) return k;
    throw Error("unknown namespace type \"" + type + "\"");
}

bool NamespacePlan::has(unsigned long flag) const { return (present & flag) != 0; }

NamespacePlan plan_namespaces(const std::vector<oci::Namespace>& namespaces) {
    NamespacePlan plan;
    for (auto& ns : namespaces) {
        const NamespaceKind& kind = namespace_kind(ns.type);
        if (plan.present & kind.flag) throw Error("namespace \"" + ns.type + "\" listed twice");
        plan.present |= kind.flag;
        if (ns.path && !ns.path->empty()) {
            plan.joins.push_back({&kind, *ns.path});
        } else if (kind.flag == CLONE_NEWTIME) {
            plan.new_time = true;
        } else {
            plan.clone_flags |= kind.flag;
        }
    }
    plan.new_user = (plan.clone_flags & CLONE_NEWUSER) != 0;
    // Keep joins in the kernel-friendly order: user first, mount last.
    std::vector<NamespacePlan::Join> ordered;
    for (auto& k : namespace_kinds())
        for (auto& j : plan.joins)
            if (j.kind == &k) ordered.push_back(j);
    plan.joins = std::move(ordered);
    if (!plan.has(CLONE_NEWNS))
        throw Error("the container must have a mount namespace (add {\"type\": \"mount\"} to linux.namespaces)");
    for (auto& j : plan.joins) {
        bool joins_user = j.kind->flag == CLONE_NEWUSER;
        if (joins_user && plan.clone_flags != 0)
            throw Error("joining user namespace " + j.path +
                        " while creating other namespaces is not supported yet");
        if (plan.new_user && !joins_user && j.kind->flag != CLONE_NEWPID && j.kind->flag != CLONE_NEWTIME)
            throw Error("joining " + std::string(j.kind->type) + " namespace " + j.path +
                        " from a new user namespace is not supported yet");
    }
    return plan;
}

unsigned long sysctl_namespace(const std::string& key) {
    auto starts = [&](const char* p) { return key.rfind(p, 0) == 0; };
    if (key == "kernel.sem" || key == "kernel.msgmax" || key == "kernel.msgmnb" || key == "kernel.msgmni" ||
        key == "kernel.shmall" || key == "kernel.shmmax" || key == "kernel.shmmni" || key == "kernel.shm_rmid_forced" ||
        starts("fs.mqueue."))
        return CLONE_NEWIPC;
    if (key == "kernel.hostname" || key == "kernel.domainname") return CLONE_NEWUTS;
    if (starts("net.")) return CLONE_NEWNET;
    return 0;
}

void check_sysctls(const std::map<std::string, std::string>& sysctl, const NamespacePlan& plan) {
    for (auto& [key, value] : sysctl) {
        unsigned long ns = sysctl_namespace(key);
        if (ns == 0) throw Error("sysctl \"" + key + "\" is not in a separate kernel namespace: it would change the host");
        // Only a namespace created for the container is its own; a joined one may be the host's.
        if (!(plan.clone_flags & ns)) {
            for (auto& k : namespace_kinds())
                if (k.flag == ns)
                    throw Error("sysctl \"" + key + "\" needs the container's own " + k.type + " namespace");
        }
    }
}

std::string format_id_map(const std::vector<oci::IdMapping>& maps) {
    std::string out;
    for (auto& m : maps)
        out += std::to_string(m.containerID) + " " + std::to_string(m.hostID) + " " + std::to_string(m.size) + "\n";
    return out;
}

std::vector<OpenedNamespace> open_namespaces(const NamespacePlan& plan) {
    std::vector<OpenedNamespace> out;
    for (auto& j : plan.joins) {
        UniqueFd fd(::open(j.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + std::string(j.kind->type) + " namespace " + j.path);
        out.push_back({j.kind, std::move(fd)});
    }
    return out;
}

void join_namespace(const OpenedNamespace& ns) {
    if (::setns(ns.fd.get(), static_cast<int>(ns.kind->flag)) < 0)
        throw_errno("join " + std::string(ns.kind->type) + " namespace");
}

}  // namespace hull
