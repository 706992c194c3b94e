// The config.json fixtures of tests/fixtures (HULL_FIXTURES is that folder's absolute path).
#pragma once
#include <string>

#include "libocispec/config.hpp"

namespace hull::test {

inline std::string fixture_path(const std::string& name) { return std::string(HULL_FIXTURES) + "/" + name; }

inline oci::Spec load_fixture(const std::string& name) { return oci::load_spec(fixture_path(name)); }

// Every config.json fixture, for tests that run over all of them.
inline const char* const kSpecFixtures[] = {
    "runc-spec.json",       "runc-spec-rootless.json", "crun-spec.json",   "podman-systemd.json",
    "podman-cgroupfs.json", "buildah-run.json",        "every-field.json",
};

}  // namespace hull::test
