// The state document (runtime.md "state"), in runc's shape: schema::fields(State) holds the key
// order ociVersion id pid status bundle rootfs created annotations owner.
#include "libocispec/codec.hpp"
#include "libocispec/config.hpp"

namespace hull::oci {

namespace {

struct StateRules : codec::NoRules {
    using NoRules::check;

    static void check(const json::JsonNode& n, const State& s) {
        if (s.pid < 0) n.find("pid")->fail_expected("a non-negative integer");
    }
};

}  // namespace

State parse_state(std::string_view json, const std::string& source) {
    return codec::from_json<State, StateRules>(json, source);
}

std::string write_state(const State& state, bool pretty) { return codec::to_json(state, pretty); }

}  // namespace hull::oci
