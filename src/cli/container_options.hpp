// The options that create and run share.
#pragma once
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/container.hpp"

namespace hull::cli {

std::vector<OptionSpec> create_option_specs();
CreateOptions create_options(const GlobalOptions& g, const Parsed& p);
// --preserve-fds N (create, run, exec).
int parse_preserve_fds(const Parsed& p);

}  // namespace hull::cli
