// /dev inside the container: the default devices, linux.devices, and the standard links.
#pragma once
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

// The devices every container gets (null, zero, full, random, urandom, tty), as runc.
const std::vector<oci::Device>& default_devices();

// Create devices under rootfd: mknod, or (in a user namespace, where mknod is refused) a bind
// mount of the host's node.
void create_devices(int rootfd, const std::vector<oci::Device>& devices, bool in_user_ns);

// /dev/fd, /dev/std{in,out,err}, /dev/ptmx and /dev/core links.
void create_dev_links(int rootfd);

}  // namespace hull
