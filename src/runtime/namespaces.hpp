// Linux namespaces of a container: which to create, which to join, and the id maps (pure parts
// plus the few calls that touch the kernel).
#pragma once
#include <string>
#include <vector>

#include "libocispec/spec.hpp"
#include "util/fd.hpp"

namespace hull {

struct NamespaceKind {
    const char* type;     // the spec's name: "network"
    const char* proc;     // the name under /proc/<pid>/ns: "net"
    unsigned long flag;   // CLONE_NEWNET
};

// Every kind the kernel has, in the order the child joins them (user first).
const std::vector<NamespaceKind>& namespace_kinds();
const NamespaceKind& namespace_kind(const std::string& type);  // throws for an unknown type

struct NamespacePlan {
    unsigned long clone_flags = 0;  // namespaces created by clone3 (time is done with unshare)
    bool new_user = false;
    bool new_time = false;
    bool has(unsigned long flag) const;  // created or joined
    unsigned long present = 0;
    struct Join {
        const NamespaceKind* kind;
        std::string path;
    };
    std::vector<Join> joins;  // in namespace_kinds() order
};

// What to create and join. Throws for combinations hull refuses (with the reason).
NamespacePlan plan_namespaces(const std::vector<oci::Namespace>& namespaces);

// The namespace a sysctl belongs to (runc's list): CLONE_NEWIPC for kernel.shm*, kernel.msg*,
// kernel.sem and fs.mqueue.*, CLONE_NEWUTS for kernel.hostname/domainname, CLONE_NEWNET for net.*;
// 0 for a sysctl that is not namespaced (it would change the host).
unsigned long sysctl_namespace(const std::string& key);
// Refuse a sysctl whose namespace the container does not have of its own.
void check_sysctls(const std::map<std::string, std::string>& sysctl, const NamespacePlan& plan);

// "0 1000 1\n1 100000 65536\n" as /proc/<pid>/uid_map wants it.
std::string format_id_map(const std::vector<oci::IdMapping>& maps);

// A namespace opened by path, ready for setns.
struct OpenedNamespace {
    const NamespaceKind* kind;
    UniqueFd fd;
};
std::vector<OpenedNamespace> open_namespaces(const NamespacePlan& plan);
void join_namespace(const OpenedNamespace& ns);

}  // namespace hull
