// A container process's own settings, applied by itself once it is inside the container's
// namespaces and root: shared by the init (create) and by exec'd processes.
#pragma once
#include <string>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

struct ProcessContext {
    int sync_fd = -1;          // to hull: e.g. the seccomp notify fd (SyncMsg::seccomp_notify_fd)
    bool in_user_ns = false;
    int preserve_fds = 0;      // fds 3 .. 3+N-1 stay open across exec
    // hull set execCPUAffinity.initial on this process before it joined the container's cgroup
    // (apply_initial_cpu_affinity(p, pid)): prepare_process does not set it again.
    bool initial_affinity_done = false;
};

struct PreparedProcess {
    std::string path;               // the executable, found with the container's PATH
    std::vector<std::string> env;
};

// Everything up to (not including) the wait for start, in this order (runc's, see
// process_setup.cpp): CPU affinity (initial), rlimits, oom_score_adj, scheduler, I/O priority,
// memory policy, personality, no_new_privs, seccomp when no_new_privs is off (it needs
// CAP_SYS_ADMIN), bounding set, user and groups (capabilities kept across setuid), cwd,
// effective/permitted/inheritable and ambient capabilities, the executable's lookup, descriptors
// sealed, and seccomp when no_new_privs is on (as late as possible). A seccomp notify fd goes to
// hull over ctx.sync_fd before this returns. Throws hull::Error.
PreparedProcess prepare_process(const oci::Process& p, const oci::Linux& lx, const ProcessContext& ctx);

// The very last steps (CPU affinity final), then execve. Never returns (throws on failure).
[[noreturn]] void exec_prepared(const PreparedProcess& prepared, const oci::Process& p, const oci::Linux& lx,
                                const ProcessContext& ctx);

}  // namespace hull
