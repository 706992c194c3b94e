#include <catch2/catch.hpp>

#include "runtime/cgroups/resources_common.hpp"
#include "runtime/cgroups/stats.hpp"
#include "runtime/cgroups/stats_parse.hpp"
#include "util/error.hpp"

using namespace hull::cgroups;

TEST_CASE("flat and nested keyed cgroup files", "[cgroups][stats]") {
    auto m = parse_flat_keyed("anon 4096\nfile 8192\nbad line here\nmax max\n");
    CHECK(m.size() == 3);
    CHECK(m["anon"] == 4096);
    CHECK(m["file"] == 8192);
    CHECK(m["max"] == UINT64_MAX);
    auto n = parse_nested_keyed("8:0 rbytes=1024 wbytes=2048 rios=3 wios=4 dbytes=0 dios=0\n254:16 rbytes=5\n");
    REQUIRE(n.size() == 2);
    CHECK(n[0].major == 8);
    CHECK(n[0].values.at("wbytes") == 2048);
    CHECK(n[1].minor == 16);
    BlkioStats b;
    io_stat_to_blkio("8:0 rbytes=1024 wbytes=2048 rios=3 wios=4 dbytes=0 dios=0\n", b);
    REQUIRE(b.service_bytes.size() == 2);
    CHECK(b.service_bytes[0].op == "Read");
    CHECK(b.service_bytes[0].value == 1024);
    CHECK(b.service_bytes[1].op == "Write");
    REQUIRE(b.serviced.size() == 2);
    CHECK(b.serviced[1].value == 4);
}

TEST_CASE("v1 stat formats", "[cgroups][stats]") {
    auto e = parse_blkio_v1("8:0 Read 4096\n8:0 Write 512\n8:0 Sync 1\nTotal 4608\n");
    REQUIRE(e.size() == 3);
    CHECK(e[1].op == "Write");
    CHECK(e[1].value == 512);
    CHECK(parse_uint_list("10 20 30 \n") == std::vector<uint64_t>{10, 20, 30});
    CHECK_THROWS(parse_uint_list("10 x"));
    std::vector<uint64_t> user, sys;
    parse_cpuacct_usage_all("cpu user system\n0 100 200\n1 300 400\n", user, sys);
    CHECK(user == std::vector<uint64_t>{100, 300});
    CHECK(sys == std::vector<uint64_t>{200, 400});
    CHECK(parse_limit("9223372036854771712\n") == 9223372036854771712ULL);
    CHECK(parse_limit("max\n") == UINT64_MAX);
    CHECK(parse_limit("-1") == UINT64_MAX);
    CHECK_THROWS(parse_limit("lots"));
    CHECK(parse_cpu_list("0-2,5\n") == std::vector<uint16_t>{0, 1, 2, 5});
    CHECK(parse_cpu_list("\n").empty());
    CHECK_THROWS_WITH(parse_cpu_list("2-1"), "invalid CPU list \"2-1\"");
}

TEST_CASE("huge page sizes", "[cgroups][stats]") {
    CHECK(hugepage_dir_to_size("hugepages-2048kB") == "2MB");
    CHECK(hugepage_dir_to_size("hugepages-1048576kB") == "1GB");
    CHECK(hugepage_dir_to_size("hugepages-64kB") == "64KB");
    CHECK(hugepage_dir_to_size("hugepages-32768kB") == "32MB");
    CHECK_THROWS(hugepage_dir_to_size("hugepages-2048"));
    CHECK(valid_page_size("2MB"));
    CHECK(valid_page_size("64KB"));
    CHECK_FALSE(valid_page_size("2M"));
    CHECK_FALSE(valid_page_size("MB"));
    CHECK_FALSE(valid_page_size("02MB"));
    CHECK_FALSE(valid_page_size("2TB"));
}

TEST_CASE("stats as runc's events --stats data", "[cgroups][stats]") {
    Stats empty;
    CHECK(stats_to_json(empty) ==
          "{\"cpu\":{\"usage\":{\"kernel\":0,\"user\":0},\"throttling\":{}},"
          "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
          "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,"
          "\"sched_relax_domain_level\":0},"
          "\"memory\":{\"usage\":{\"limit\":0,\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},"
          "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0}},"
          "\"pids\":{},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}");
    Stats s;
    s.cpu.usage.total = 5;
    s.cpu.usage.percpu = {2, 3};
    s.cpu.throttling.throttled_periods = 1;
    s.memory.cache = 7;
    s.memory.usage = {100, 50, 60, 2};
    s.memory.raw["anon"] = 9;
    s.pids = {3, 10};
    s.blkio.service_bytes.push_back({8, 0, "Read", 4096});
    s.hugetlb["2MB"] = {0, 0, 1};
    s.cpuset.cpus = {0, 1};
    auto j = stats_to_json(s);
    CHECK_THAT(j, Catch::Contains("\"usage\":{\"total\":5,\"percpu\":[2,3],\"kernel\":0,\"user\":0}"));
    CHECK_THAT(j, Catch::Contains("\"throttling\":{\"throttledPeriods\":1}"));
    CHECK_THAT(j, Catch::Contains("\"cpuset\":{\"cpus\":[0,1],\"cpu_exclusive\":0"));
    CHECK_THAT(j, Catch::Contains("\"memory\":{\"cache\":7,\"usage\":{\"limit\":100,\"usage\":50,\"max\":60,\"failcnt\":2}"));
    CHECK_THAT(j, Catch::Contains("\"raw\":{\"anon\":9}"));
    CHECK_THAT(j, Catch::Contains("\"pids\":{\"current\":3,\"limit\":10}"));
    CHECK_THAT(j, Catch::Contains("\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":4096}]}"));
    CHECK_THAT(j, Catch::Contains("\"hugetlb\":{\"2MB\":{\"failcnt\":1}}"));
}
