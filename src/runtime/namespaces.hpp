// Linux namespaces of a container: which to create, which to join, and the id maps (pure parts
// plus the few calls that touch the kernel).
#pragma once
#include <optional>
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

// How hull writes one id map of a new user namespace (runc's and crun's rules):
//   direct  write /proc/<pid>/{uid,gid}_map itself: hull is root (of its own user namespace),
//           or the map is one range of size 1 naming hull's own euid (egid)
//   helper  run newuidmap / newgidmap (setuid helpers of the uidmap package, which check the
//           ranges against /etc/subuid and /etc/subgid): several ranges, or ids not hull's own
//   none    no map given
struct IdMapWrite {
    enum class Method { none, direct, helper };
    Method method = Method::none;
    std::vector<std::string> helper_argv;  // {"newuidmap", "<pid>", "0", "1000", "1", ...}
};
struct IdMapsPlan {
    IdMapWrite uid, gid;
    // /proc/<pid>/setgroups = deny before gid_map: the kernel's condition for an unprivileged
    // process to write gid_map itself. The container can then not call setgroups(2).
    bool deny_setgroups = false;
};
// Pure. euid/egid: hull's; 0 counts as privileged.
IdMapsPlan plan_id_maps(const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids, int pid,
                        unsigned euid, unsigned egid);
// Carry the plan out for the child pid (before it leaves its initial state). Errors name the
// file or the helper, with the helper's stderr and where its ranges come from.
void write_id_maps(int pid, const IdMapsPlan& plan, const std::vector<oci::IdMapping>& uids,
                   const std::vector<oci::IdMapping>& gids);

// True when the text of a /proc/<pid>/uid_map is the initial user namespace's identity map
// ("0 0 4294967295"). Pure.
bool is_initial_uid_map(const std::string& uid_map);
// The id outside of id inside, by the text of a /proc/<pid>/uid_map (or gid_map); nullopt when
// it is not mapped. Pure.
std::optional<unsigned> id_outside(const std::string& id_map, unsigned id);
// hull runs in a user namespace that is not the initial one (rootless Podman: uid 0 there is
// an unprivileged user on the host).
bool running_in_user_ns();

// A namespace opened by path, ready for setns.
struct OpenedNamespace {
    const NamespaceKind* kind;
    UniqueFd fd;
};
std::vector<OpenedNamespace> open_namespaces(const NamespacePlan& plan);
void join_namespace(const OpenedNamespace& ns);

}  // namespace hull
