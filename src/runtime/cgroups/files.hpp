// Reading and writing cgroup files, with the file and the cgroup in every error:
//   write "memory.max" of /sys/fs/cgroup/web (value "12"): invalid argument
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace hull::cgroups {

// One write of a cgroup file. The resource mappings (resources_v1, resources_v2, devices) are
// pure functions that produce lists of these; a manager applies them to its directories.
struct Write {
    std::string controller;  // "memory", "cpu", "io", "devices"...; "cgroup" for core files
    std::string file;        // "memory.max"
    std::string value;
    // EINVAL may be the order of two writes (cpu.max.burst before cpu.max): on EINVAL, try
    // once more after the rest of the list.
    bool retry_einval = false;
    // Write each line on its own (a unified value "8:0 rbps=1\n8:16 rbps=2" for io.max).
    bool by_line = false;
    bool operator==(const Write&) const = default;
};
using Writes = std::vector<Write>;

// write(2) of the whole value in one call (cgroup files take one value per write).
void write_cgroup_file(const std::string& dir, const std::string& file, std::string_view value);
std::string read_cgroup_file(const std::string& dir, const std::string& file);
// nullopt when the file does not exist (ENOENT); other errors throw.
std::optional<std::string> read_cgroup_file_if_exists(const std::string& dir, const std::string& file);
bool cgroup_file_exists(const std::string& dir, const std::string& file);
// The first line of the file without its newline ("max", "1024").
std::string read_cgroup_value(const std::string& dir, const std::string& file);
// A number, "max" read as UINT64_MAX.
uint64_t read_cgroup_uint(const std::string& dir, const std::string& file);

// Apply writes in order to dir_for(controller); a retry_einval write that fails with EINVAL is
// tried again after the others.
template <typename DirFor>
void apply_writes(const Writes& writes, DirFor&& dir_for);
void apply_write(const std::string& dir, const Write& w);

// Every pid in cgroup.procs of dir (and of the cgroups below it when recursive).
std::vector<int> read_procs(const std::string& dir, bool recursive);

// mkdir one directory; false when it already existed.
bool make_cgroup_dir(const std::string& dir);
// Remove dir and the cgroups below it, deepest first; an rmdir that fails with EBUSY (processes
// still exiting) is retried for about two seconds. A missing dir is not an error.
void remove_cgroup_dir(const std::string& dir);

// Split "cpu cpuset memory" (cgroup.controllers, cgroup.subtree_control).
std::vector<std::string> split_words(std::string_view text);

template <typename DirFor>
void apply_writes(const Writes& writes, DirFor&& dir_for) {
    std::vector<const Write*> again;
    for (const Write& w : writes) {
        if (w.retry_einval) {
            try {
                apply_write(dir_for(w), w);
            } catch (const Error& e) {
                if (e.err() != EINVAL) throw;
                again.push_back(&w);
            }
            continue;
        }
        apply_write(dir_for(w), w);
    }
    for (const Write* w : again) apply_write(dir_for(*w), *w);
}

}  // namespace hull::cgroups
