#include <catch2/catch.hpp>

#include "runtime/cgroups/path.hpp"
#include "util/error.hpp"

using namespace hull::cgroups;

namespace {

// The hybrid host these tests were written on, and a container with bound hierarchies.
const char* kHybridCgroup =
    "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
    "4:memory:/process_api/fe9b\n3:cpuset:/\n2:cpu,cpuacct:/user.slice\n0::/\n";

const char* kMountinfo =
    "22 28 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
    "30 22 0:26 / /sys/fs/cgroup rw shared:9 - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/cpu,cpuacct rw shared:10 - cgroup cgroup rw,cpu,cpuacct\n"
    "32 30 0:28 / /sys/fs/cgroup/memory rw shared:11 - cgroup cgroup rw,memory\n"
    "33 30 0:29 /docker/abc /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
    "34 30 0:30 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
    "35 30 0:31 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
    "36 30 0:32 / /sys/fs/cgroup/with\\040space rw - cgroup cgroup rw,freezer\n";

}  // namespace

TEST_CASE("/proc/self/cgroup lines give hierarchy, controllers and path", "[cgroups][path]") {
    auto lines = parse_proc_cgroup(kHybridCgroup);
    REQUIRE(lines.size() == 9);
    CHECK(lines[0].hierarchy == 9);
    CHECK(lines[0].controllers == std::vector<std::string>{"name=systemd"});
    CHECK(lines[5].controllers == std::vector<std::string>{"memory"});
    CHECK(lines[5].path == "/process_api/fe9b");
    CHECK(lines[7].controllers == std::vector<std::string>{"cpu", "cpuacct"});
    CHECK(lines[8].controllers.empty());
    CHECK(own_v2_cgroup(kHybridCgroup) == "/");
    CHECK(own_v2_cgroup("0::/user.slice/user-0.slice/session-1.scope\n") == "/user.slice/user-0.slice/session-1.scope");
    CHECK_FALSE(own_v2_cgroup("4:memory:/\n").has_value());
    CHECK_THROWS_WITH(parse_proc_cgroup("garbage\n"), "/proc/self/cgroup: malformed line \"garbage\"");
}

TEST_CASE("v1 hierarchies join mountinfo with our cgroup of each", "[cgroups][path]") {
    auto h = v1_hierarchies(kHybridCgroup, kMountinfo);
    // memory, cpu+cpuacct, pids, name=systemd and freezer are mounted; blkio etc. are not.
    REQUIRE(h.size() == 5);
    auto find = [&](const char* c) -> const Hierarchy* {
        for (auto& x : h)
            if (x.has(c)) return &x;
        return nullptr;
    };
    REQUIRE(find("cpuacct"));
    CHECK(find("cpuacct") == find("cpu"));
    CHECK(find("cpu")->mountpoint == "/sys/fs/cgroup/cpu,cpuacct");
    CHECK(find("cpu")->own_path == "/user.slice");
    CHECK(find("cpu")->key() == "cpu,cpuacct");
    CHECK(find("memory")->own_path == "/process_api/fe9b");
    CHECK(find("pids")->mount_root == "/docker/abc");
    CHECK(find("name=systemd")->mountpoint == "/sys/fs/cgroup/systemd");
    CHECK(find("freezer")->mountpoint == "/sys/fs/cgroup/with space");
    CHECK(find("blkio") == nullptr);
    auto v2 = v2_mount(kMountinfo);
    REQUIRE(v2);
    CHECK(v2->mountpoint == "/sys/fs/cgroup/unified");
    CHECK(v2->mount_root == "/");
    CHECK_FALSE(v2_mount("31 30 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"));
    // A cgroup2 mounted over /sys/fs/cgroup later (a private namespace): the one on top.
    std::string over = std::string(kMountinfo) + "40 22 0:33 /sub /sys/fs/cgroup rw - cgroup2 none rw\n" +
                       "41 22 0:33 /top /sys/fs/cgroup rw - cgroup2 none rw\n";
    CHECK(v2_mount(over)->mountpoint == "/sys/fs/cgroup/unified");
    CHECK(v2_mount(over, "/sys/fs/cgroup")->mount_root == "/top");
    CHECK_FALSE(v2_mount(kMountinfo, "/sys/fs/cgroup"));
}

TEST_CASE("clean_path never climbs above its start", "[cgroups][path]") {
    CHECK(clean_path("a/../../b") == "b");
    CHECK(clean_path("/a//b/") == "/a/b");
    CHECK(clean_path("../../etc") == "etc");
    CHECK(clean_path("/../..") == "/");
    CHECK(clean_path("/a/./b/../c") == "/a/c");
    CHECK(clean_path("") == "");
    CHECK(clean_path(".") == "");
}

TEST_CASE("relative_to_mount and parent_path", "[cgroups][path]") {
    CHECK(relative_to_mount("/docker/abc/x", "/docker/abc") == "/x");
    CHECK(relative_to_mount("/docker/abc", "/docker/abc") == "/");
    CHECK(relative_to_mount("/docker/abcd", "/docker/abc") == "/docker/abcd");
    CHECK(relative_to_mount("/a", "/") == "/a");
    CHECK(parent_path("/a/b") == "/a");
    CHECK(parent_path("/a") == "/");
    CHECK(parent_path("/") == "/");
}

TEST_CASE("cgroupsPath: absolute as given, relative and default below the base", "[cgroups][path]") {
    CHECK(resolve_cgroup_path(std::string("/hull/web"), "web", "/user.slice") == "/hull/web");
    CHECK(resolve_cgroup_path(std::string("/a/../../b"), "web", "/") == "/b");
    CHECK(resolve_cgroup_path(std::string("pods/web"), "web", "/user.slice") == "/user.slice/pods/web");
    CHECK(resolve_cgroup_path(std::string("../../x"), "web", "/user.slice") == "/user.slice/x");
    CHECK(resolve_cgroup_path(std::nullopt, "web", "/") == "/web");
    CHECK(resolve_cgroup_path(std::nullopt, "web", "/process_api/fe9b") == "/process_api/fe9b/web");
    CHECK(resolve_cgroup_path(std::string(""), "web", "/x") == "/x/web");
    CHECK_THROWS_WITH(resolve_cgroup_path(std::string(".."), "web", "/"), "cgroupsPath \"..\" names no cgroup");
}

TEST_CASE("systemd slices expand to their parents", "[cgroups][path][systemd]") {
    CHECK(expand_slice("system.slice") == "/system.slice");
    CHECK(expand_slice("a-b-c.slice") == "/a.slice/a-b.slice/a-b-c.slice");
    CHECK(expand_slice("-.slice") == "/");
    for (const char* bad : {"test--a.slice", "-test.slice", "a/b.slice", ".slice", "foo", "test-.slice"})
        CHECK_THROWS_WITH(expand_slice(bad), Catch::Contains("invalid slice name \"" + std::string(bad) + "\""));
}

TEST_CASE("systemd cgroupsPath is slice:prefix:name", "[cgroups][path][systemd]") {
    auto d = parse_systemd_path(std::nullopt, "web", false);
    CHECK(d.slice == "system.slice");
    CHECK(d.unit == "hull-web.scope");
    CHECK_FALSE(d.is_slice());
    CHECK(parse_systemd_path(std::nullopt, "web", true).slice == "user.slice");
    auto p = parse_systemd_path(std::string("machine.slice:libpod:abc"), "web", false);
    CHECK(p.slice == "machine.slice");
    CHECK(p.unit == "libpod-abc.scope");
    CHECK(parse_systemd_path(std::string(":crio:x"), "web", false).slice == "system.slice");
    CHECK(parse_systemd_path(std::string("system.slice::x"), "web", false).unit == "x.scope");
    auto s = parse_systemd_path(std::string("system.slice:hull:kube-pod1.slice"), "web", false);
    CHECK(s.unit == "kube-pod1.slice");
    CHECK(s.is_slice());
    CHECK_THROWS_WITH(parse_systemd_path(std::string("/hull/web"), "web", false),
                      Catch::Contains("expects \"slice:prefix:name\""));
    CHECK_THROWS_WITH(parse_systemd_path(std::string("bad:hull:web"), "web", false),
                      Catch::Contains("invalid slice name \"bad\""));
    CHECK_THROWS_WITH(parse_systemd_path(std::string("system.slice:a/b:web"), "web", false),
                      Catch::Contains("must not contain '/'"));
}
