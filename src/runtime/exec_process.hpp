// The last steps of a container process: its user, environment, working directory and execve.
#pragma once
#include <string>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

// PATH lookup of args[0] inside the container (the PATH of env, else the default one).
// Errors keep runc's wording: exec: "x": executable file not found in $PATH.
std::string find_executable(const std::string& arg0, const std::vector<std::string>& env);

// env with HOME added, from the container's /etc/passwd, when the config does not set it.
std::vector<std::string> environment_for(const oci::Process& p);

// setgroups, setresgid, setresuid, umask. setgroups is skipped where the kernel refuses it
// (a user namespace with setgroups denied) and no additional gids are asked.
void switch_user(const oci::User& user);

[[noreturn]] void exec_process(const std::string& path, const std::vector<std::string>& args,
                               const std::vector<std::string>& env);

}  // namespace hull
