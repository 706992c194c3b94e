// linux.seccomp: the config's filter translated to libseccomp (pure, unit-tested), loaded by
// the container process itself, and the SCMP_ACT_NOTIFY listener handed to hull and on to
// linux.seccomp.listenerPath.
#pragma once
#include <seccomp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libocispec/spec.hpp"
#include "util/fd.hpp"

namespace hull {

// Kernel filter flags (linux/seccomp.h) hull passes to seccomp(2) itself when libseccomp has no
// attribute for them (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV before libseccomp 2.6).
inline constexpr uint32_t kSeccompFlagTsync = 1u << 0;
inline constexpr uint32_t kSeccompFlagLog = 1u << 1;
inline constexpr uint32_t kSeccompFlagSpecAllow = 1u << 2;
inline constexpr uint32_t kSeccompFlagNewListener = 1u << 3;
inline constexpr uint32_t kSeccompFlagTsyncEsrch = 1u << 4;
inline constexpr uint32_t kSeccompFlagWaitKillableRecv = 1u << 5;

// "SCMP_ACT_ERRNO" + errnoRet -> SCMP_ACT_ERRNO(errnoRet or EPERM); TRACE likewise; KILL is
// KILL_THREAD (as libseccomp and runc). errnoRet with any other action is an error (the spec's
// MUST), as is an errnoRet above 65535.
uint32_t seccomp_action(std::string_view name, std::optional<uint32_t> errno_ret);
// "SCMP_ARCH_X86_64" -> "x86_64": the name libseccomp's seccomp_arch_resolve_name knows.
std::optional<std::string_view> seccomp_arch_name(std::string_view name);
// "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64; Error when unknown or not in this libseccomp.
uint32_t seccomp_arch(std::string_view name);
std::optional<scmp_compare> seccomp_operator(std::string_view name);

// One libseccomp filter attribute to set, or (attr unset) a kernel flag to pass to seccomp(2).
struct SeccompFlag {
    std::optional<scmp_filter_attr> attr;
    uint32_t kernel_flag = 0;
};
// "SECCOMP_FILTER_FLAG_LOG" -> {SCMP_FLTATR_CTL_LOG, FLAG_LOG}; nullopt when unknown.
std::optional<SeccompFlag> seccomp_flag(std::string_view name);

struct SeccompRule {
    std::string syscall;
    int nr = 0;  // libseccomp's number for the native architecture (negative: a pseudo number)
    uint32_t action = 0;
    std::vector<scmp_arg_cmp> conditions;
};

struct SeccompPlan {
    uint32_t default_action = 0;
    std::vector<uint32_t> arches;
    std::vector<scmp_filter_attr> attrs;  // boolean attributes to set to 1
    uint32_t kernel_flags = 0;            // non-zero: load with seccomp(2) and these flags
    std::vector<SeccompRule> rules;
    std::vector<std::string> unknown_syscalls;  // skipped, as runc does
    bool notify = false;                        // some rule is SCMP_ACT_NOTIFY
};

// The whole translation. Rules whose action is the default action are left out (libseccomp
// refuses them); a rule with several conditions on one argument index becomes one rule per
// condition (runc's rule); argument indexes above 5 are errors. SCMP_ACT_NOTIFY needs a
// listenerPath, cannot be the default action and cannot be used for sendmsg (the call that
// hands the notify fd to hull would wait for itself).
SeccompPlan plan_seccomp(const oci::Seccomp& config);

// Build and load the filter into the calling process (no_new_privs is left as it is: the
// caller sets it, or holds CAP_SYS_ADMIN). Returns the notify fd when plan.notify.
UniqueFd load_seccomp(const SeccompPlan& plan);

// The container side, for prepare_process: plan, load, and when there is a notify fd send it
// to hull over sync_fd (SyncMsg::seccomp_notify_fd), wait for SyncMsg::seccomp_done and close
// our copy.
void install_seccomp(const oci::Seccomp& config, int sync_fd);

// The spec's "container process state" for listenerPath: ociVersion, fds ["seccompFd"], pid
// (from the state), metadata (listenerMetadata) and state (state_json, a runtime.md state).
std::string container_process_state(const oci::Seccomp& config, const std::string& state_json);

// hull's side: connect to config.listenerPath (AF_UNIX, SOCK_STREAM), send
// container_process_state with notify_fd as SCM_RIGHTS in one sendmsg, close the connection.
// Throws hull::Error naming the socket.
void forward_seccomp_listener(const oci::Seccomp& config, const std::string& state_json, int notify_fd);

}  // namespace hull
