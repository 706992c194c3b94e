// OCI hooks (config.md "POSIX-platform Hooks"): programs run at points of the lifecycle with the
// container's state JSON on their stdin.
#pragma once
#include <string>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

// Run one hook in the caller's namespaces and wait for it:
//  - fork + execve(path, argv, envp): argv is args (args[0] is argv[0]), or [path] when args is
//    empty; envp is exactly the hook's env (empty when it has none);
//  - stdin is a pipe that carries state_json and is then closed (a hook that exits without
//    reading it is fine); stdout is inherited; stderr goes through a pipe that hull copies to
//    its own stderr as it comes, keeping the last line for the message;
//  - no descriptor of hull reaches the hook (close-on-exec from fd 3 up), the signal mask is
//    empty and every disposition is the default;
//  - timeout (seconds): SIGKILL when it passes.
// It returns when the hook itself has exited: descendants that keep its stderr open do not
// hold it up. Throws hull::Error:
//   exec <kind> hook "<path>": no such file or directory
//   <kind> hook "<path>" exited with status N[: <last line of its stderr>]
//   <kind> hook "<path>" was killed by signal SIGSEGV[: <last line of its stderr>]
//   <kind> hook "<path>" timed out after N seconds
// kind is the name in config.json: "prestart", "createRuntime", ..., "poststop".
void run_hook(const oci::Hook& hook, const char* kind, const std::string& state_json);

// Each hook in order, stopping at the first that fails (its hull::Error propagates): the rule
// for prestart, createRuntime, createContainer, startContainer and (spec 1.3.0) poststart.
void run_hooks(const std::vector<oci::Hook>& hooks, const char* kind, const std::string& state_json);

// Each hook in order; a failure is logged as a warning and the next hook runs: the rule for
// poststop. Never throws hull::Error.
void run_hooks_warn(const std::vector<oci::Hook>& hooks, const char* kind, const std::string& state_json);

}  // namespace hull
