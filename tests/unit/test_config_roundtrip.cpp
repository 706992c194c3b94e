// parse -> write -> parse gives the same model; the state document has runc's exact shape.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include "libocispec/config.hpp"
#include "libocispec/json.hpp"
#include "tests/unit/fixtures.hpp"
#include "util/error.hpp"

using namespace hull::oci;
using hull::json::JsonWriter;

namespace {

// parse(write(s)) == s, pretty and compact, and writing is stable.
void check_round_trip(const Spec& s) {
    for (bool pretty : {true, false}) {
        const std::string text = write_spec(s, pretty);
        const Spec again = parse_spec(text, "written.json");
        CHECK(again == s);
        CHECK(write_spec(again, pretty) == text);
    }
}

std::string read_fixture(const std::string& name) {
    std::ifstream in(hull::test::fixture_path(name));
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("every fixture round-trips", "[config][roundtrip]") {
    for (const char* name : hull::test::kSpecFixtures) {
        INFO(name);
        check_round_trip(hull::test::load_fixture(name));
    }
}

TEST_CASE("default specs round-trip", "[config][roundtrip]") {
    check_round_trip(default_spec(false));
    check_round_trip(default_spec(true));
}

TEST_CASE("default spec is runc's example spec", "[config][default]") {
    Spec runc = hull::test::load_fixture("runc-spec.json");
    Spec ours = default_spec(false);
    CHECK(ours.ociVersion == "1.3.0");
    CHECK(ours.hostname == "hull");
    CHECK(ours.mounts == runc.mounts);
    CHECK(ours.root == runc.root);
    CHECK(ours.linux->resources == runc.linux->resources);
    CHECK(ours.linux->maskedPaths == runc.linux->maskedPaths);
    CHECK(ours.linux->readonlyPaths == runc.linux->readonlyPaths);
    CHECK(ours.linux->namespaces.back() == Namespace{"cgroup", {}});
    // runc 1.1 also filled ambient; runc since 1.2 (and hull) leave ambient and inheritable unset.
    Process expected = *runc.process;
    expected.capabilities->ambient.reset();
    CHECK(ours.process == expected);
}

TEST_CASE("default rootless spec is runc's spec --rootless", "[config][default]") {
    Spec runc = hull::test::load_fixture("runc-spec-rootless.json");  // written by root: host IDs 0
    Spec ours = default_spec(true);
    CHECK(ours.mounts == runc.mounts);
    CHECK_FALSE(ours.linux->resources);
    CHECK(ours.linux->uidMappings == std::vector<IdMapping>{{0, static_cast<uint32_t>(geteuid()), 1}});
    CHECK(ours.linux->gidMappings == std::vector<IdMapping>{{0, static_cast<uint32_t>(getegid()), 1}});
    Strings types;
    for (const auto& ns : ours.linux->namespaces) types.push_back(ns.type);
    CHECK(types == Strings{"pid", "ipc", "uts", "mount", "cgroup", "user"});
}

TEST_CASE("the state document is written exactly as runc writes it", "[state][roundtrip]") {
    const std::string runc_text = read_fixture("runc-state.json");
    State st = parse_state(runc_text, "state.json");
    CHECK(write_state(st) == runc_text);
    CHECK(parse_state(write_state(st, false), "state.json") == st);

    st.status = "running";
    st.owner = "root";
    st.annotations = {{"org.example", "ocitest"}};
    CHECK(write_state(st, false) ==
          R"({"ociVersion":"1.0.2-dev","id":"ref1","pid":20934,"status":"running","bundle":"/srv/bundles/ocitest",)"
          R"("rootfs":"/srv/bundles/ocitest/rootfs","created":"2026-11-26T06:45:31.254089871Z",)"
          R"("annotations":{"org.example":"ocitest"},"owner":"root"})");
}

TEST_CASE("a state without annotations omits them and keeps pid and owner", "[state][roundtrip]") {
    State st{"1.3.0", "web", "stopped", 0, "/b", "/b/rootfs", "2026-01-02T03:04:05.000000006Z", "", {}};
    const std::string text = write_state(st, false);
    CHECK(text == R"({"ociVersion":"1.3.0","id":"web","pid":0,"status":"stopped","bundle":"/b",)"
                  R"("rootfs":"/b/rootfs","created":"2026-01-02T03:04:05.000000006Z","owner":""})");
    CHECK(parse_state(text, "state.json") == st);
}

TEST_CASE("JsonWriter prints like Go's encoding/json", "[json]") {
    SECTION("pretty, with empty containers as {} and []") {
        JsonWriter w(true);
        w.begin_object().key("a").begin_object().end_object().key("b").begin_array().end_array();
        w.key("c").begin_array().value(1).value("x").end_array().end_object();
        CHECK(w.str() == "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    1,\n    \"x\"\n  ]\n}");
    }
    SECTION("compact, every value kind") {
        JsonWriter w(false);
        w.begin_array()
            .value(std::numeric_limits<uint64_t>::max())
            .value(std::numeric_limits<int64_t>::min())
            .value(uint32_t{7})
            .value(true)
            .value(false)
            .null()
            .value(std::string("a\"b\\c/\n"))
            .end_array();
        CHECK(w.str() == R"([18446744073709551615,-9223372036854775808,7,true,false,null,"a\"b\\c/\n"])");
    }
    SECTION("a top-level empty document") {
        JsonWriter w(true);
        w.begin_array().end_array();
        CHECK(w.str() == "[]");
    }
    SECTION("misuse throws") {
        JsonWriter w(false);
        w.begin_object();
        CHECK_THROWS_AS(w.value(1), hull::Error);
    }
}
