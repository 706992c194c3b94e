#include <catch2/catch.hpp>

#include "runtime/cgroups/resources_v2.hpp"
#include "util/error.hpp"

using namespace hull;
using namespace hull::cgroups;

namespace {

std::vector<std::string> files(const Writes& w) {
    std::vector<std::string> out;
    for (auto& x : w) out.push_back(x.file + "=" + x.value);
    return out;
}

Writes map(const oci::Resources& r, V2Facts f = {}) {
    Warnings warn;
    return v2_writes(r, f, warn);
}

}  // namespace

TEST_CASE("cpu.shares to cpu.weight with crun's curve", "[cgroups][v2]") {
    CHECK(cpu_shares_to_weight(0) == 0);
    CHECK(cpu_shares_to_weight(1) == 1);
    CHECK(cpu_shares_to_weight(2) == 1);
    CHECK(cpu_shares_to_weight(1024) == 100);
    CHECK(cpu_shares_to_weight(262144) == 10000);
    CHECK(cpu_shares_to_weight(500000) == 10000);
    CHECK(cpu_shares_to_weight(512) == 59);
    CHECK(cpu_shares_to_weight(2048) == 174);
    uint64_t last = 0;
    for (uint64_t s = 2; s <= 262144; s = s * 3 / 2 + 1) {
        CHECK(cpu_shares_to_weight(s) >= last);
        last = cpu_shares_to_weight(s);
    }
}

TEST_CASE("blkio weight to io.weight and memory+swap to memory.swap.max", "[cgroups][v2]") {
    CHECK(blkio_weight_to_io_weight(10) == 1);
    CHECK(blkio_weight_to_io_weight(500) == 4950);
    CHECK(blkio_weight_to_io_weight(1000) == 10000);
    CHECK(blkio_weight_to_io_weight(5) == 1);
    CHECK(memory_swap_v2(0, 100) == 0);
    CHECK(memory_swap_v2(-1, 100) == -1);
    CHECK(memory_swap_v2(0, -1) == -1);
    CHECK(memory_swap_v2(300, 100) == 200);
    CHECK(memory_swap_v2(100, 100) == 0);
    CHECK_THROWS_WITH(memory_swap_v2(50, 100), Catch::Contains("is below memory.limit 100"));
    CHECK_THROWS_WITH(memory_swap_v2(50, 0), Catch::Contains("a swap limit needs a memory limit"));
}

TEST_CASE("v2 memory: swap then max then low; unsupported settings warn", "[cgroups][v2]") {
    oci::Resources r;
    r.memory = oci::Memory{};
    r.memory->limit = 100 << 20;
    r.memory->swap = 300 << 20;
    r.memory->reservation = 50 << 20;
    r.memory->swappiness = 10;
    r.memory->disableOOMKiller = true;
    r.memory->kernel = 5;
    Warnings warn;
    auto w = v2_writes(r, {}, warn);
    CHECK(files(w) == std::vector<std::string>{"memory.swap.max=209715200", "memory.max=104857600",
                                               "memory.low=52428800"});
    CHECK(warn.size() == 3);
    r.memory->limit = -1;
    r.memory->swap.reset();
    r.memory->reservation = -1;
    CHECK(files(map(r)) == std::vector<std::string>{"memory.swap.max=max", "memory.max=max", "memory.low=max"});
    V2Facts noswap;
    noswap.has_swap = false;
    CHECK(files(map(r, noswap)) == std::vector<std::string>{"memory.max=max", "memory.low=max"});
    r.memory->limit = 100;
    r.memory->swap = 200;
    CHECK_THROWS_WITH(map(r, noswap), Catch::Contains("does not account swap"));
}

TEST_CASE("v2 cpu: weight, cpu.max forms, burst retry, realtime refused", "[cgroups][v2]") {
    auto cpu = [](std::optional<int64_t> quota, std::optional<uint64_t> period) {
        oci::Resources r;
        r.cpu = oci::Cpu{};
        r.cpu->quota = quota;
        r.cpu->period = period;
        return files(map(r));
    };
    CHECK(cpu(50000, 100000) == std::vector<std::string>{"cpu.max=50000 100000"});
    CHECK(cpu(50000, std::nullopt) == std::vector<std::string>{"cpu.max=50000"});
    CHECK(cpu(std::nullopt, 20000) == std::vector<std::string>{"cpu.max=max 20000"});
    CHECK(cpu(-1, std::nullopt) == std::vector<std::string>{"cpu.max=max"});
    CHECK(cpu(std::nullopt, std::nullopt).empty());
    oci::Resources r;
    r.cpu = oci::Cpu{};
    r.cpu->shares = 1024;
    r.cpu->quota = 20000;
    r.cpu->burst = 5000;
    r.cpu->idle = 0;
    r.cpu->cpus = "1";
    r.cpu->mems = "0";
    auto w = map(r);
    CHECK(files(w) == std::vector<std::string>{"cpu.idle=0", "cpu.weight=100", "cpu.max.burst=5000", "cpu.max=20000",
                                               "cpuset.cpus=1", "cpuset.mems=0"});
    CHECK(w[2].retry_einval);
    CHECK(w[4].controller == "cpuset");
    r.cpu->realtimeRuntime = 1000;
    CHECK_THROWS_WITH(map(r), Catch::Contains("not supported on cgroup v2"));
}

TEST_CASE("v2 io: BFQ weights or io.weight, io.max per device", "[cgroups][v2]") {
    oci::Resources r;
    r.blockIO = oci::BlockIO{};
    r.blockIO->weight = 500;
    r.blockIO->weightDevice.push_back({8, 0, 100, std::nullopt});
    r.blockIO->throttleReadBpsDevice.push_back({8, 0, 1000});
    r.blockIO->throttleWriteBpsDevice.push_back({8, 0, 2000});
    r.blockIO->throttleReadIOPSDevice.push_back({259, 1, 30});
    r.blockIO->throttleWriteIOPSDevice.push_back({259, 1, 40});
    CHECK(files(map(r)) == std::vector<std::string>{"io.weight=4950", "io.weight=8:0 910", "io.max=8:0 rbps=1000",
                                                    "io.max=8:0 wbps=2000", "io.max=259:1 riops=30",
                                                    "io.max=259:1 wiops=40"});
    V2Facts bfq;
    bfq.has_bfq_weight = true;
    auto w = files(map(r, bfq));
    CHECK(w[0] == "io.bfq.weight=500");
    CHECK(w[1] == "io.bfq.weight=8:0 100");
    r.blockIO->leafWeight = 10;
    Warnings warn;
    v2_writes(r, {}, warn);
    REQUIRE(warn.size() == 1);
    CHECK_THAT(warn[0], Catch::Contains("no leaf weights"));
}

TEST_CASE("v2 pids, hugetlb with reservations, rdma, network ignored", "[cgroups][v2]") {
    oci::Resources r;
    r.pids = oci::Pids{-1};
    r.hugepageLimits.push_back({"1GB", 1073741824});
    r.rdma["mlx4_0"] = oci::Rdma{std::nullopt, 1000};
    r.network = oci::Network{7, {}};
    Warnings warn;
    auto w = v2_writes(r, {}, warn);
    CHECK(files(w) == std::vector<std::string>{"pids.max=max", "hugetlb.1GB.max=1073741824",
                                               "hugetlb.1GB.rsvd.max=1073741824", "rdma.max=mlx4_0 hca_object=1000"});
    REQUIRE(warn.size() == 1);
    CHECK_THAT(warn[0], Catch::Contains("network"));
    V2Facts no_rsvd;
    no_rsvd.has_hugetlb_rsvd = false;
    CHECK(map(r, no_rsvd).size() == 3);
}

TEST_CASE("unified keys are checked, then written line by line", "[cgroups][v2]") {
    std::set<std::string> avail = {"memory", "io", "hugetlb"};
    oci::StringMap u = {{"io.max", "259:0 rbps=2097152\n253:0 wiops=120"}, {"memory.high", "1G"},
                        {"cgroup.max.depth", "3"}};
    auto w = unified_writes(u, avail, "/sys/fs/cgroup/web");
    REQUIRE(w.size() == 3);
    CHECK(w[0].file == "cgroup.max.depth");
    CHECK(w[1].file == "io.max");
    CHECK(w[1].value == "259:0 rbps=2097152\n253:0 wiops=120");
    CHECK(w[1].by_line);
    CHECK(w[2].controller == "memory");
    auto bad = [&](const std::string& key) { return unified_writes({{key, "1"}}, avail, "/sys/fs/cgroup/web"); };
    CHECK_THROWS_WITH(bad("../memory.max"), Catch::Contains("no '/'"));
    CHECK_THROWS_WITH(bad(".."), Catch::Contains("no '/', not . or .."));
    CHECK_THROWS_WITH(bad("memory"), Catch::Contains("CONTROLLER.PARAMETER"));
    CHECK_THROWS_WITH(bad(".max"), Catch::Contains("CONTROLLER.PARAMETER"));
    CHECK_THROWS_WITH(bad("pids.max"),
                      "unified \"pids.max\": the pids controller is not available in /sys/fs/cgroup/web "
                      "(cgroup.controllers: hugetlb io memory)");
    CHECK_THROWS_WITH(bad("cgroup.procs"), Catch::Contains("is not a resource setting"));
    CHECK_THROWS_WITH(bad("cgroup.kill"), Catch::Contains("is not a resource setting"));
    CHECK_THROWS_WITH(unified_writes({{"cpu.weight", "1"}}, {}, "/x"), Catch::Contains("(cgroup.controllers: none)"));
}
