// Rootless containers: how the id maps are written, and the other pure decisions of the
// rootless path.
#include <cerrno>

#include <catch2/catch.hpp>

#include "cli/container_options.hpp"
#include "cli/options.hpp"
#include "runtime/container.hpp"
#include "runtime/mounts.hpp"
#include "runtime/namespaces.hpp"

using hull::IdMapWrite;
using hull::plan_id_maps;
using hull::oci::IdMapping;
using Method = hull::IdMapWrite::Method;
using Argv = std::vector<std::string>;

TEST_CASE("root writes every map itself, without denying setgroups", "[rootless]") {
    std::vector<IdMapping> many = {{0, 100000, 65536}, {65536, 300000, 10}};
    auto plan = plan_id_maps(many, many, 42, 0, 0);
    CHECK(plan.uid.method == Method::direct);
    CHECK(plan.gid.method == Method::direct);
    CHECK(plan.uid.helper_argv.empty());
    CHECK_FALSE(plan.deny_setgroups);
}

TEST_CASE("a user mapping only its own id writes the maps itself, setgroups denied first", "[rootless]") {
    auto plan = plan_id_maps({{0, 1000, 1}}, {{0, 1000, 1}}, 42, 1000, 1000);
    CHECK(plan.uid.method == Method::direct);
    CHECK(plan.gid.method == Method::direct);
    CHECK(plan.deny_setgroups);
    // Its own id at any container id.
    CHECK(plan_id_maps({{1000, 1000, 1}}, {{5, 1000, 1}}, 42, 1000, 1000).uid.method == Method::direct);
}

TEST_CASE("several ranges or ids not the user's own go through newuidmap and newgidmap", "[rootless]") {
    std::vector<IdMapping> maps = {{0, 1000, 1}, {1, 200000, 65536}};
    auto plan = plan_id_maps(maps, maps, 4242, 1000, 1000);
    CHECK(plan.uid.method == Method::helper);
    CHECK(plan.uid.helper_argv == Argv{"newuidmap", "4242", "0", "1000", "1", "1", "200000", "65536"});
    CHECK(plan.gid.helper_argv == Argv{"newgidmap", "4242", "0", "1000", "1", "1", "200000", "65536"});
    CHECK_FALSE(plan.deny_setgroups);  // newgidmap decides (setgroups stays usable)

    CHECK(plan_id_maps({{0, 1001, 1}}, {{0, 1000, 1}}, 1, 1000, 1000).uid.method == Method::helper);  // not its uid
    CHECK(plan_id_maps({{0, 1000, 2}}, {{0, 1000, 1}}, 1, 1000, 1000).uid.method == Method::helper);  // size 2
}

TEST_CASE("uid and gid maps are planned apart", "[rootless]") {
    auto plan = plan_id_maps({{0, 1000, 1}}, {{0, 1000, 1}, {1, 200000, 100}}, 7, 1000, 1000);
    CHECK(plan.uid.method == Method::direct);
    CHECK(plan.gid.method == Method::helper);
    CHECK_FALSE(plan.deny_setgroups);
    auto gid_direct = plan_id_maps({{0, 1000, 1}, {1, 200000, 100}}, {{0, 1000, 1}}, 7, 1000, 1000);
    CHECK(gid_direct.uid.method == Method::helper);
    CHECK(gid_direct.gid.method == Method::direct);
    CHECK(gid_direct.deny_setgroups);
}

TEST_CASE("no map given: nothing to write", "[rootless]") {
    auto plan = plan_id_maps({{0, 1000, 1}}, {}, 7, 1000, 1000);
    CHECK(plan.gid.method == Method::none);
    CHECK_FALSE(plan.deny_setgroups);
}

TEST_CASE("the initial user namespace is told by its identity uid_map", "[rootless]") {
    CHECK(hull::is_initial_uid_map("         0          0 4294967295\n"));
    CHECK_FALSE(hull::is_initial_uid_map("         0       1000          1\n"));
    CHECK_FALSE(hull::is_initial_uid_map("0 0 4294967295\n1 1 1\n"));
    CHECK_FALSE(hull::is_initial_uid_map("0 0 65536\n"));
    CHECK_FALSE(hull::is_initial_uid_map(""));  // a user namespace without a map yet
}

TEST_CASE("--rootless: true and false as given, auto when not root or root of a user namespace", "[rootless]") {
    using hull::cli::rootless_mode;
    CHECK(rootless_mode("true", 0, false));
    CHECK_FALSE(rootless_mode("false", 1000, false));
    CHECK_FALSE(rootless_mode("auto", 0, false));
    CHECK(rootless_mode("auto", 1000, false));
    CHECK(rootless_mode("auto", 0, true));
    CHECK_NOTHROW(hull::cli::check_rootless_flag("auto"));
    CHECK_THROWS_AS(hull::cli::check_rootless_flag("yes"), hull::cli::UsageError);
}

TEST_CASE("the default state directory of root and of rootless users", "[rootless]") {
    using hull::cli::default_state_root;
    using hull::cli::StateRootFacts;
    CHECK(default_state_root({0, false, "/run/user/0", "root", true}) == "/run/hull");
    CHECK(default_state_root({1000, false, "/tmp/xdg", "alice", true}) == "/tmp/xdg/hull");
    CHECK(default_state_root({1000, false, "", "alice", true}) == "/run/user/1000/hull");
    CHECK_THROWS_WITH(default_state_root({1000, false, "", "alice", false}),
                      Catch::Contains("XDG_RUNTIME_DIR is not set and /run/user/1000 does not exist") &&
                          Catch::Contains("--root"));
    // Root of a user namespace: rootless Podman (USER is the user), or rootful Podman inside one.
    CHECK(default_state_root({0, true, "/run/user/1000", "alice", false}) == "/run/user/1000/hull");
    CHECK(default_state_root({0, true, "/run/user/1000", std::nullopt, false}) == "/run/user/1000/hull");
    CHECK(default_state_root({0, true, "/run/user/1000", "root", false}) == "/run/hull");
    CHECK(default_state_root({0, true, "", "alice", false}) == "/run/hull");
}

TEST_CASE("resource limits, which a container without a cgroup cannot have", "[rootless]") {
    using hull::has_resource_limits;
    hull::oci::Resources r;
    CHECK_FALSE(has_resource_limits(r));
    r.devices = {hull::oci::DeviceCgroup{false, std::nullopt, std::nullopt, std::nullopt, "rwm"}};
    CHECK_FALSE(has_resource_limits(r));  // device rules: runc's default, not a limit
    r.memory.emplace();
    CHECK_FALSE(has_resource_limits(r));  // "memory": {} sets nothing
    r.memory->limit = 1 << 20;
    CHECK(has_resource_limits(r));
    hull::oci::Resources p;
    p.pids.emplace().limit = 10;
    CHECK(has_resource_limits(p));
    hull::oci::Resources u;
    u.unified["memory.max"] = "1M";
    CHECK(has_resource_limits(u));
}

TEST_CASE("mounts a user namespace refuses fall back to bind mounts, as runc", "[rootless]") {
    using hull::MountFallback;
    using hull::userns_mount_fallback;
    CHECK(userns_mount_fallback("sysfs", EPERM, true, "") == MountFallback::bind_host_sys);
    CHECK(userns_mount_fallback("mqueue", EPERM, true, "") == MountFallback::bind_host_mqueue);
    CHECK(userns_mount_fallback("devpts", EINVAL, true, "newinstance,ptmxmode=0666,mode=0620,gid=5") ==
          MountFallback::devpts_without_gid);
    CHECK(userns_mount_fallback("cgroup2", EPERM, true, "") == MountFallback::bind_cgroup);
    CHECK(userns_mount_fallback("cgroup", EBUSY, true, "") == MountFallback::bind_cgroup);
    // Not in a user namespace, or another error: the error stands.
    CHECK(userns_mount_fallback("sysfs", EPERM, false, "") == MountFallback::none);
    CHECK(userns_mount_fallback("sysfs", ENODEV, true, "") == MountFallback::none);
    CHECK(userns_mount_fallback("devpts", EINVAL, true, "mode=0620") == MountFallback::none);  // no gid= to drop
    CHECK(userns_mount_fallback("tmpfs", EPERM, true, "") == MountFallback::none);
}

TEST_CASE("a mount option is dropped from the data, the others kept in order", "[rootless]") {
    using hull::without_mount_option;
    CHECK(without_mount_option("newinstance,ptmxmode=0666,mode=0620,gid=5", "gid") == "newinstance,ptmxmode=0666,mode=0620");
    CHECK(without_mount_option("gid=5", "gid") == "");
    CHECK(without_mount_option("gidx=1,mode=1", "gid") == "gidx=1,mode=1");
    CHECK(without_mount_option("", "gid") == "");
}

TEST_CASE("a refused cgroup mount binds the container's cgroup, else the host's", "[rootless]") {
    using hull::cgroup_bind_source;
    CHECK(cgroup_bind_source("/sys/fs/cgroup/user.slice/c1", true, "cgroup2") == "/sys/fs/cgroup/user.slice/c1");
    CHECK(cgroup_bind_source("", true, "cgroup") == "/sys/fs/cgroup");
    CHECK(cgroup_bind_source("", false, "cgroup2") == "/sys/fs/cgroup/unified");
}

TEST_CASE("an id inside a user namespace is found outside through its map", "[rootless]") {
    std::string map = "         0       1000          1\n         1     200000      65536\n";
    CHECK(hull::id_outside(map, 0) == 1000u);
    CHECK(hull::id_outside(map, 1) == 200000u);
    CHECK(hull::id_outside(map, 65536) == 265535u);
    CHECK_FALSE(hull::id_outside(map, 65537).has_value());
    CHECK(hull::id_outside("0 0 4294967295\n", 4294967294u) == 4294967294u);
}
