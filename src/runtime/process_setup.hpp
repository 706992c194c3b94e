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
};

struct PreparedProcess {
    std::string path;               // the executable, found with the container's PATH
    std::vector<std::string> env;
};

// Everything up to (not including) the wait for start: user and groups, rlimits, capabilities,
// no_new_privs, cwd, the executable's lookup, descriptors sealed. Throws hull::Error.
PreparedProcess prepare_process(const oci::Process& p, const oci::Linux& lx, const ProcessContext& ctx);

// The very last steps, then execve. Never returns (throws on failure).
[[noreturn]] void exec_prepared(const PreparedProcess& prepared, const oci::Process& p, const oci::Linux& lx,
                                const ProcessContext& ctx);

}  // namespace hull
