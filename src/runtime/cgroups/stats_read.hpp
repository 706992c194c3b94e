// Filling Stats from the files of a cgroup directory, per controller and version (a hybrid host
// reads some controllers from v1 hierarchies and others from the v2 one).
#pragma once
#include <string>
#include <vector>

#include "runtime/cgroups/stats.hpp"

namespace hull::cgroups {

// The huge page sizes of this kernel, from /sys/kernel/mm/hugepages: {"1GB", "2MB"}.
std::vector<std::string> hugepage_sizes();

void read_v2_cpu(const std::string& dir, Stats& s);  // cpu.stat is a core file: always there
void read_v2_cpuset(const std::string& dir, Stats& s);
void read_v2_memory(const std::string& dir, Stats& s);
void read_v2_pids(const std::string& dir, Stats& s);  // without the pids controller: cgroup.procs
void read_v2_io(const std::string& dir, Stats& s);
void read_v2_hugetlb(const std::string& dir, Stats& s);

void read_v1_cpuacct(const std::string& dir, Stats& s);
void read_v1_cpu(const std::string& dir, Stats& s);  // throttling from cpu.stat
void read_v1_cpuset(const std::string& dir, Stats& s);
void read_v1_memory(const std::string& dir, Stats& s);
void read_v1_pids(const std::string& dir, Stats& s);
void read_v1_blkio(const std::string& dir, Stats& s);
void read_v1_hugetlb(const std::string& dir, Stats& s);

}  // namespace hull::cgroups
