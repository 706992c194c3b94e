// The options that create and run share.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/container.hpp"

namespace hull::cli {

std::vector<OptionSpec> create_option_specs();
CreateOptions create_options(const GlobalOptions& g, const Parsed& p);
// --preserve-fds N (create, run, exec).
int parse_preserve_fds(const Parsed& p);

// The global --rootless true|false|auto (runc's): throws UsageError for another value.
void check_rootless_flag(const std::string& value);
// Whether hull runs rootless (cgroup permission errors tolerated): true/false as given; auto
// when hull is not root, or is root of a user namespace that is not the initial one
// (rootless Podman). Pure.
bool rootless_mode(const std::string& flag, unsigned euid, bool in_user_ns);

// Where --root defaults to (runc's rule): /run/hull for root; for a rootless user
// $XDG_RUNTIME_DIR/hull, else /run/user/<uid>/hull when /run/user/<uid> exists. Root of a user
// namespace counts as rootless unless $USER is root (rootful Podman inside one). Pure; throws
// hull::Error when a rootless user has neither.
struct StateRootFacts {
    unsigned euid = 0;
    bool in_user_ns = false;
    std::string xdg_runtime_dir;     // $XDG_RUNTIME_DIR, "" when unset
    std::optional<std::string> user; // $USER
    bool run_user_dir_exists = false;  // /run/user/<euid>
};
std::string default_state_root(const StateRootFacts& f);
StateRootFacts state_root_facts();  // this process's

}  // namespace hull::cli
