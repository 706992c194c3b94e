#include "runtime/namespaces.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "util/error.hpp"
#include "util/fs.hpp"

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

namespace {

IdMapWrite plan_one_map(const std::vector<oci::IdMapping>& maps, const char* helper, int pid, unsigned own_id,
                        bool privileged) {
    IdMapWrite w;
    if (maps.empty()) return w;
    bool own_only = maps.size() == 1 && maps[0].size == 1 && maps[0].hostID == own_id;
    if (privileged || own_only) {
        w.method = IdMapWrite::Method::direct;
        return w;
    }
    w.method = IdMapWrite::Method::helper;
    w.helper_argv = {helper, std::to_string(pid)};
    for (auto& m : maps) {
        w.helper_argv.push_back(std::to_string(m.containerID));
        w.helper_argv.push_back(std::to_string(m.hostID));
        w.helper_argv.push_back(std::to_string(m.size));
    }
    return w;
}

std::string user_name(unsigned uid) {
    if (const passwd* pw = ::getpwuid(uid)) return pw->pw_name;
    return std::to_string(uid);
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

// Run newuidmap/newgidmap; its stdout and stderr go into the error when it fails.
void run_map_helper(const std::vector<std::string>& argv, const char* ids_file) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd rd(pipefd[0]), wr(pipefd[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), STDERR_FILENO);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int err = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    wr.reset();
    std::string ranges = std::string("the ranges of user ") + user_name(::geteuid()) + " in " + ids_file;
    if (err != 0) {
        if (err == ENOENT)
            throw Error(argv[0] + " not found: a map of several ranges, or of ids not your own, needs newuidmap and "
                        "newgidmap (package uidmap) and " + ranges);
        throw Error("run " + argv[0], err);
    }
    std::string out;
    char buf[512];
    ssize_t n;
    while ((n = ::read(rd.get(), buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) out.append(buf, static_cast<size_t>(n));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    for (auto& c : out)
        if (c == '\n') c = ' ';
    std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WTERMSIG(status));
    throw Error(join_words(argv) + ": " + how + (out.empty() ? "" : ": " + out) + " (check " + ranges + ")");
}

void write_one_map(int pid, const IdMapWrite& w, const std::vector<oci::IdMapping>& maps, const char* file,
                   const char* ids_file) {
    switch (w.method) {
        case IdMapWrite::Method::none:
            return;
        case IdMapWrite::Method::direct:
            write_file("/proc/" + std::to_string(pid) + "/" + file, format_id_map(maps));
            return;
        case IdMapWrite::Method::helper:
            run_map_helper(w.helper_argv, ids_file);
            return;
    }
}

}  // namespace

IdMapsPlan plan_id_maps(const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids, int pid,
                        unsigned euid, unsigned egid) {
    bool privileged = euid == 0;
    IdMapsPlan plan;
    plan.uid = plan_one_map(uids, "newuidmap", pid, euid, privileged);
    plan.gid = plan_one_map(gids, "newgidmap", pid, egid, privileged);
    plan.deny_setgroups = !privileged && plan.gid.method == IdMapWrite::Method::direct;
    return plan;
}

void write_id_maps(int pid, const IdMapsPlan& plan, const std::vector<oci::IdMapping>& uids,
                   const std::vector<oci::IdMapping>& gids) {
    std::string dir = "/proc/" + std::to_string(pid);
    with_context("write uid_map", [&] { write_one_map(pid, plan.uid, uids, "uid_map", "/etc/subuid"); });
    if (plan.deny_setgroups) with_context("write setgroups", [&] { write_file(dir + "/setgroups", "deny"); });
    with_context("write gid_map", [&] { write_one_map(pid, plan.gid, gids, "gid_map", "/etc/subgid"); });
}

bool is_initial_uid_map(const std::string& uid_map) {
    std::istringstream in(uid_map);
    std::string inside, outside, count, more;
    if (!(in >> inside >> outside >> count)) return false;
    if (in >> more) return false;  // several ranges: not the identity of the initial namespace
    return inside == "0" && outside == "0" && count == "4294967295";
}

std::optional<unsigned> id_outside(const std::string& id_map, unsigned id) {
    std::istringstream in(id_map);
    unsigned long long inside, outside, count;
    while (in >> inside >> outside >> count)
        if (id >= inside && id - inside < count) return static_cast<unsigned>(outside + (id - inside));
    return std::nullopt;
}

bool running_in_user_ns() {
    try {
        return !is_initial_uid_map(read_file("/proc/self/uid_map"));
    } catch (const Error&) {
        return false;  // no /proc: take the host's view
    }
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
