// process.rlimits: setrlimit in the container process itself, with messages that say which
// limit the kernel refused and why.
#pragma once
#include <sys/resource.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

// "RLIMIT_NOFILE" -> RLIMIT_NOFILE ...; nullopt for a name getrlimit(2) does not list.
std::optional<int> rlimit_resource(std::string_view name);

struct RlimitSetting {
    std::string name;  // RLIMIT_NOFILE
    int resource = 0;
    rlimit value{};
};

// The config's list, checked: unknown types, duplicate types and soft above hard are errors.
std::vector<RlimitSetting> plan_rlimits(const std::vector<oci::Rlimit>& limits);

// Why setrlimit(asked) failed with err, given the limit in force (`current`) and, for
// RLIMIT_NOFILE, fs.nr_open: e.g. "rlimit RLIMIT_NOFILE: cannot raise the hard limit to 1048576
// (the current hard limit is 524288 and raising it needs CAP_SYS_RESOURCE)".
std::string explain_rlimit_failure(const RlimitSetting& asked, const rlimit& current, int err,
                                   std::optional<uint64_t> nr_open);

// A limit value as a number, or "unlimited" for RLIM_INFINITY.
std::string rlimit_value_text(rlim_t v);

// setrlimit each; throws hull::Error with explain_rlimit_failure's text.
void apply_rlimits(const std::vector<RlimitSetting>& limits);

}  // namespace hull
