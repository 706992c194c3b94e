// Reading and writing config.json (runtime-spec v1.3.0, Linux parts) and the state document.
// Errors are hull::Error with the source name and the JSON path of the bad value:
//   bundle/config.json: .process.args[0]: expected a string, got 12
#pragma once
#include <string>
#include <string_view>

#include "libocispec/spec.hpp"

namespace hull::oci {

// Parse and validate a config.json text; `source` names it in messages (usually its path).
// Unknown fields and non-Linux platform sections are ignored, as the spec requires.
Spec parse_spec(std::string_view json, const std::string& source);
// Read and parse the file at `path`; a file that cannot be read gives Error("open <path>", errno).
Spec load_spec(const std::string& path);
// The text of a config file (also process.json, resources.json); errors name the path.
std::string read_config_file(const std::string& path);
// A process object alone (`exec --process FILE`), with the same rules as .process.
Process parse_process(std::string_view json, const std::string& source);
// A linux.resources object alone (`update --resources FILE`).
Resources parse_resources(std::string_view json, const std::string& source);
// Every set field, with the spec's key names; absent optionals and empty lists are omitted.
std::string write_spec(const Spec& spec, bool pretty = true);

State parse_state(std::string_view json, const std::string& source);
// runc's shape and key order: ociVersion id pid status bundle rootfs created [annotations] owner.
std::string write_state(const State& state, bool pretty = true);

// What `hull spec` writes: runc's example spec (hostname "hull", ociVersion 1.3.0, with a cgroup
// namespace); `rootless` applies runc's `spec --rootless` changes for the current euid/egid.
Spec default_spec(bool rootless);

}  // namespace hull::oci
