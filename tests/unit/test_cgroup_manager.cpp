#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "runtime/cgroups/files.hpp"
#include "runtime/cgroups/manager.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace hull;
using namespace hull::cgroups;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/hull-cgtest.XXXXXX";
        REQUIRE(::mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

}  // namespace

TEST_CASE("saved cgroup state reopens the same cgroup", "[cgroups][manager]") {
    std::string v2 = "{\"driver\":\"v2\",\"mount\":\"/sys/fs/cgroup\",\"path\":\"/hull/web\",\"rootless\":false}";
    auto m = load_manager(v2);
    CHECK(m->driver() == Driver::v2);
    CHECK(m->path() == "/sys/fs/cgroup/hull/web");
    CHECK(m->save() == v2);

    std::string v1 =
        "{\"driver\":\"v1\",\"dirs\":{\"cpu,cpuacct\":{\"mount\":\"/sys/fs/cgroup/cpu,cpuacct\",\"dir\":"
        "\"/sys/fs/cgroup/cpu,cpuacct/web\"},\"memory\":{\"mount\":\"/sys/fs/cgroup/memory\",\"dir\":"
        "\"/sys/fs/cgroup/memory/web\"}},\"unified\":{\"mount\":\"/sys/fs/cgroup/unified\",\"path\":\"/web\"},"
        "\"rootless\":false}";
    m = load_manager(v1);
    CHECK(m->driver() == Driver::v1);
    CHECK(m->path() == "/sys/fs/cgroup/memory/web");
    CHECK(m->save() == v1);

    std::string sd =
        "{\"driver\":\"systemd\",\"id\":\"web\",\"unit\":\"hull-web.scope\",\"slice\":\"system.slice\",\"user\":false,"
        "\"cgroup_v2\":true,\"inner\":{\"driver\":\"v2\",\"mount\":\"/sys/fs/cgroup\",\"path\":"
        "\"/system.slice/hull-web.scope\",\"rootless\":false}}";
    m = load_manager(sd);
    CHECK(m->driver() == Driver::systemd);
    CHECK(m->path() == "/sys/fs/cgroup/system.slice/hull-web.scope");
    CHECK(m->save() == sd);

    CHECK_THROWS_WITH(load_manager("{\"driver\":\"v3\"}"), Catch::Contains("unknown cgroup driver \"v3\""));
    CHECK_THROWS_WITH(load_manager("{\"driver\":\"v2\",\"mount\":\"/sys/fs/cgroup\"}"), Catch::Contains("missing \"path\""));
    CHECK_THROWS_WITH(load_manager("nope"), Catch::Contains("cgroup state: invalid JSON"));
    CHECK(std::string(driver_name(Driver::systemd)) == "systemd");
}

TEST_CASE("cgroup file errors name the file, the cgroup and the value", "[cgroups][files]") {
    CHECK_THROWS_WITH(write_cgroup_file("/nonexistent/cg", "memory.max", "1"),
                      "write \"memory.max\" of /nonexistent/cg: no such file or directory");
    CHECK_THROWS_WITH(write_cgroup_file("/dev", "full", "12\n"),
                      "write \"full\" of /dev (value \"12\"): no space left on device");
    CHECK_THROWS_WITH(read_cgroup_file("/nonexistent/cg", "cpu.stat"),
                      "read \"cpu.stat\" of /nonexistent/cg: no such file or directory");
    CHECK_FALSE(read_cgroup_file_if_exists("/nonexistent/cg", "cpu.stat").has_value());
    TempDir t;
    write_file(t.path + "/pids.max", "max\n");
    write_file(t.path + "/memory.max", "1024\n");
    write_file(t.path + "/bad", "12x\n");
    CHECK(read_cgroup_uint(t.path, "pids.max") == UINT64_MAX);
    CHECK(read_cgroup_uint(t.path, "memory.max") == 1024);
    CHECK(read_cgroup_value(t.path, "memory.max") == "1024");
    CHECK_THROWS_WITH(read_cgroup_uint(t.path, "bad"), Catch::Contains("not a number: \"12x\""));
    CHECK(cgroup_file_exists(t.path, "bad"));
    CHECK(split_words(" +cpu  +memory\n") == std::vector<std::string>{"+cpu", "+memory"});
}

TEST_CASE("writes that fail with EINVAL are retried after the rest", "[cgroups][files]") {
    TempDir t;
    write_file(t.path + "/ok", "");
    std::vector<std::string> order;
    // oom_score_adj refuses "abc" with EINVAL each time: tried, then once more at the end.
    Writes w = {{"proc", "oom_score_adj", "abc", true}, {"tmp", "ok", "1"}};
    auto dir_for = [&](const Write& x) -> std::string {
        order.push_back(x.file);
        return x.controller == "proc" ? "/proc/self" : t.path;
    };
    CHECK_THROWS_WITH(apply_writes(w, dir_for), Catch::Contains("write \"oom_score_adj\" of /proc/self (value \"abc\"): invalid argument"));
    CHECK(order == std::vector<std::string>{"oom_score_adj", "ok", "oom_score_adj"});
    CHECK(read_file(t.path + "/ok") == "1");
    // Other errors are not retried.
    order.clear();
    Writes full = {{"dev", "full", "1", true}, {"tmp", "ok", "2"}};
    CHECK_THROWS_WITH(apply_writes(full, [&](const Write& x) -> std::string {
                          order.push_back(x.file);
                          return x.controller == "dev" ? "/dev" : t.path;
                      }),
                      Catch::Contains("no space left on device"));
    CHECK(order == std::vector<std::string>{"full"});
}

TEST_CASE("pids of a cgroup tree; removal deepest first", "[cgroups][files]") {
    TempDir t;
    std::string top = t.path + "/web";
    REQUIRE(make_cgroup_dir(top));
    CHECK_FALSE(make_cgroup_dir(top));
    mkdir_all(top + "/a/b");
    write_file(top + "/cgroup.procs", "10\n11\n");
    write_file(top + "/a/cgroup.procs", "");
    write_file(top + "/a/b/cgroup.procs", "12\n");
    CHECK(read_procs(top, false) == std::vector<int>{10, 11});
    auto all = read_procs(top, true);
    std::sort(all.begin(), all.end());
    CHECK(all == std::vector<int>{10, 11, 12});
    // Plain directories with files cannot be removed (cgroupfs has no such files): not empty.
    CHECK_THROWS_WITH(remove_cgroup_dir(top), Catch::StartsWith("remove cgroup " + top));
    for (auto f : {"/cgroup.procs", "/a/cgroup.procs", "/a/b/cgroup.procs"}) ::unlink((top + f).c_str());
    remove_cgroup_dir(top);
    CHECK_FALSE(path_exists(top));
    remove_cgroup_dir(top);  // gone already: fine
}

TEST_CASE("sub-cgroups of exec --cgroup stay below the container's", "[cgroups][manager]") {
    CHECK(sub_cgroup_path("sub") == "sub");
    CHECK(sub_cgroup_path("/a/b/") == "a/b");
    CHECK(sub_cgroup_path("a//./b") == "a/b");
    CHECK_THROWS_WITH(sub_cgroup_path("../x"), "sub-cgroup \"../x\": \"..\" is not allowed");
    CHECK_THROWS_WITH(sub_cgroup_path("a/../../x"), Catch::Contains("is not allowed"));
    CHECK_THROWS_WITH(sub_cgroup_path("/"), "sub-cgroup \"/\" names no cgroup");
}
