// The cgroup v2 devices controller: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE built
// from the emulated device rules, loaded with bpf(BPF_PROG_LOAD) and attached to the cgroup
// with BPF_PROG_ATTACH (BPF_F_ALLOW_MULTI, so an update can attach a new one and then detach
// the old ones without a moment where no program runs).
#pragma once
#include <linux/bpf.h>

#include <vector>

#include "runtime/cgroups/device_rules.hpp"
#include "util/fd.hpp"

namespace hull::cgroups {

// The program, as crun and runc write it: load type, access, major, minor from the
// bpf_cgroup_dev_ctx into R2..R5; one block per exception that returns the exception's
// verdict when it matches; the default's verdict at the end. Pure.
std::vector<bpf_insn> device_filter_program(const DeviceEmulator& emu);

// Load the program; the kernel verifier's log is in the error when it refuses it.
UniqueFd load_device_program(const std::vector<bpf_insn>& program);
// Attach prog_fd to the cgroup (a directory fd) and detach every other device program that was
// attached there.
void attach_device_program(int cgroup_fd, int prog_fd, const std::string& cgroup_path);

}  // namespace hull::cgroups
