#include <sched.h>

#include <catch2/catch.hpp>

#include "runtime/namespaces.hpp"
#include "util/error.hpp"

using hull::oci::IdMapping;
using hull::oci::Namespace;
using hull::plan_namespaces;

TEST_CASE("new namespaces become clone flags; time is created apart", "[namespaces]") {
    auto plan = plan_namespaces({{"pid", {}}, {"network", {}}, {"mount", {}}, {"uts", {}}, {"ipc", {}}, {"time", {}}});
    CHECK(plan.clone_flags == (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC));
    CHECK(plan.new_time);
    CHECK_FALSE(plan.new_user);
    CHECK(plan.joins.empty());
    CHECK(plan.has(CLONE_NEWUTS));
}

TEST_CASE("namespaces with a path are joined, user first", "[namespaces]") {
    auto plan = plan_namespaces({{"mount", {}}, {"network", std::string("/run/netns/a")}, {"ipc", std::string("/proc/1/ns/ipc")}});
    REQUIRE(plan.joins.size() == 2);
    CHECK(std::string(plan.joins[0].kind->type) == "network");
    CHECK(std::string(plan.joins[1].kind->type) == "ipc");
    CHECK(plan.clone_flags == CLONE_NEWNS);
    CHECK(plan.has(CLONE_NEWNET));
}

TEST_CASE("bad namespace lists are refused with the reason", "[namespaces]") {
    CHECK_THROWS_WITH(plan_namespaces({{"mount", {}}, {"mount", {}}}), "namespace \"mount\" listed twice");
    CHECK_THROWS_WITH(plan_namespaces({{"mount", {}}, {"bogus", {}}}), "unknown namespace type \"bogus\"");
    CHECK_THROWS_WITH(plan_namespaces({{"pid", {}}}), Catch::Contains("must have a mount namespace"));
}

TEST_CASE("id maps are written one line per range", "[namespaces]") {
    std::vector<IdMapping> maps = {{0, 1000, 1}, {1, 100000, 65536}};
    CHECK(hull::format_id_map(maps) == "0 1000 1\n1 100000 65536\n");
}
