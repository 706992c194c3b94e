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

TEST_CASE("sysctls map to the namespace that holds them", "[namespaces]") {
    CHECK(hull::sysctl_namespace("net.ipv4.ip_forward") == CLONE_NEWNET);
    CHECK(hull::sysctl_namespace("kernel.shmmax") == CLONE_NEWIPC);
    CHECK(hull::sysctl_namespace("fs.mqueue.msg_max") == CLONE_NEWIPC);
    CHECK(hull::sysctl_namespace("kernel.domainname") == CLONE_NEWUTS);
    CHECK(hull::sysctl_namespace("vm.swappiness") == 0);
    CHECK(hull::sysctl_namespace("kernel.pid_max") == 0);
}

TEST_CASE("a sysctl is refused unless the container has its namespace of its own", "[namespaces]") {
    auto own_net = plan_namespaces({{"mount", {}}, {"network", {}}});
    CHECK_NOTHROW(hull::check_sysctls({{"net.ipv4.ping_group_range", "0 0"}}, own_net));
    CHECK_THROWS_WITH(hull::check_sysctls({{"kernel.shmmax", "1"}}, own_net),
                      "sysctl \"kernel.shmmax\" needs the container's own ipc namespace");
    CHECK_THROWS_WITH(hull::check_sysctls({{"vm.swappiness", "1"}}, own_net),
                      "sysctl \"vm.swappiness\" is not in a separate kernel namespace: it would change the host");
    auto joined_net = plan_namespaces({{"mount", {}}, {"network", std::string("/proc/1/ns/net")}});
    CHECK_THROWS(hull::check_sysctls({{"net.ipv4.ip_forward", "1"}}, joined_net));
}
