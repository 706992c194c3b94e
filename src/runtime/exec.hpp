// `hull exec`: a new process inside a running container, in all its namespaces, with the
// container's security settings.
#pragma once
#include <string>

#include "libocispec/spec.hpp"

namespace hull {

struct ExecOptions {
    std::string root, id;
    oci::Process process;
    std::string console_socket;
    std::string pid_file;
    bool detach = false;
    int preserve_fds = 0;
    std::string sub_cgroup;  // exec --cgroup: a sub-cgroup of the container's cgroup, "" for its own
};

// Returns the process's exit status (not detached) or 0 (detached).
int exec_in_container(const ExecOptions& opts);

// The container's config as it was created (saved in its state directory).
oci::Spec load_container_spec(const std::string& root, const std::string& id);

}  // namespace hull
