// Linux security modules: AppArmor profiles and SELinux labels of config.json.
#pragma once
#include "libocispec/spec.hpp"

namespace hull {

bool apparmor_enabled();
bool selinux_enabled();

// Refuse, before anything is created, a profile or label the host cannot apply.
void check_lsm_support(const oci::Process& p, const oci::Linux* lx);

// In the container process, just before execve: the profile/label that execve switches to.
void set_exec_labels(const oci::Process& p);

}  // namespace hull
