#include <catch2/catch.hpp>

#include "runtime/cgroups/resources_v1.hpp"
#include "util/error.hpp"

using namespace hull;
using namespace hull::cgroups;

namespace {

std::vector<std::string> files(const Writes& w) {
    std::vector<std::string> out;
    for (auto& x : w) out.push_back(x.file + "=" + x.value);
    return out;
}

Writes map(const oci::Resources& r, V1Facts f = {}) {
    Warnings warn;
    return v1_writes(r, f, warn);
}

oci::Resources memory(std::optional<int64_t> limit, std::optional<int64_t> swap) {
    oci::Resources r;
    r.memory = oci::Memory{};
    r.memory->limit = limit;
    r.memory->swap = swap;
    return r;
}

}  // namespace

TEST_CASE("v1 memory: limit and memory+swap in the order the kernel accepts", "[cgroups][v1]") {
    V1Facts f;
    f.memory_limit = 100 << 20;
    // Raising above the current limit: memsw first.
    CHECK(files(map(memory(200 << 20, 400 << 20), f)) ==
          std::vector<std::string>{"memory.memsw.limit_in_bytes=419430400", "memory.limit_in_bytes=209715200"});
    // Lowering: limit first.
    f.memory_limit = 500 << 20;
    CHECK(files(map(memory(50 << 20, 60 << 20), f)) ==
          std::vector<std::string>{"memory.limit_in_bytes=52428800", "memory.memsw.limit_in_bytes=62914560"});
    // A new cgroup (unlimited): limit then memsw.
    CHECK(files(map(memory(50 << 20, 60 << 20))) ==
          std::vector<std::string>{"memory.limit_in_bytes=52428800", "memory.memsw.limit_in_bytes=62914560"});
    // Unlimited memory without swap given: memory+swap unlimited too, written first.
    CHECK(files(map(memory(-1, std::nullopt))) ==
          std::vector<std::string>{"memory.memsw.limit_in_bytes=-1", "memory.limit_in_bytes=-1"});
    // 0 means unset.
    CHECK(map(memory(0, 0)).empty());
}

TEST_CASE("v1 memory without swap accounting", "[cgroups][v1]") {
    V1Facts f;
    f.has_memsw = false;
    CHECK(files(map(memory(-1, std::nullopt), f)) == std::vector<std::string>{"memory.limit_in_bytes=-1"});
    CHECK(files(map(memory(100, -1), f)) == std::vector<std::string>{"memory.limit_in_bytes=100"});
    CHECK_THROWS_WITH(map(memory(100, 200), f), Catch::Contains("does not account swap"));
}

TEST_CASE("v1 memory: reservation, swappiness, OOM killer, kernel limits", "[cgroups][v1]") {
    oci::Resources r = memory(std::nullopt, std::nullopt);
    r.memory->reservation = 1000;
    r.memory->swappiness = 60;
    r.memory->disableOOMKiller = true;
    r.memory->kernel = 1 << 20;
    r.memory->kernelTCP = 1 << 20;
    Warnings warn;
    auto w = v1_writes(r, {}, warn);
    CHECK(files(w) == std::vector<std::string>{"memory.soft_limit_in_bytes=1000", "memory.swappiness=60",
                                               "memory.oom_control=1"});
    for (auto& x : w) CHECK(x.controller == "memory");
    REQUIRE(warn.size() == 2);
    CHECK_THAT(warn[0], Catch::Contains("memory.kernel is ignored"));
    CHECK_THAT(warn[1], Catch::Contains("memory.kernelTCP is ignored"));
    r.memory->swappiness = 101;
    CHECK_THROWS_WITH(v1_writes(r, {}, warn), "memory.swappiness 101: the valid range is 0-100");
    CHECK_THROWS_WITH(map(memory(200, 100)), Catch::Contains("memory.swap 100 is below memory.limit 200"));
}

TEST_CASE("v1 cpu: shares, CFS with retries, realtime, idle, cpuset", "[cgroups][v1]") {
    oci::Resources r;
    r.cpu = oci::Cpu{};
    r.cpu->shares = 512;
    r.cpu->period = 100000;
    r.cpu->quota = 50000;
    r.cpu->burst = 10000;
    r.cpu->realtimePeriod = 1000000;
    r.cpu->realtimeRuntime = 950000;
    r.cpu->idle = 0;
    r.cpu->cpus = "0-1";
    r.cpu->mems = "0";
    auto w = map(r);
    CHECK(files(w) == std::vector<std::string>{"cpu.shares=512", "cpu.cfs_period_us=100000", "cpu.cfs_burst_us=10000",
                                               "cpu.cfs_quota_us=50000", "cpu.rt_period_us=1000000",
                                               "cpu.rt_runtime_us=950000", "cpu.idle=0", "cpuset.cpus=0-1",
                                               "cpuset.mems=0"});
    // Period and burst may not fit the old quota: retried after the new quota.
    CHECK(w[1].retry_einval);
    CHECK(w[2].retry_einval);
    CHECK_FALSE(w[3].retry_einval);
    CHECK(w[7].controller == "cpuset");
    // Without a quota there is nothing to wait for.
    oci::Resources p;
    p.cpu = oci::Cpu{};
    p.cpu->period = 50000;
    CHECK_FALSE(map(p)[0].retry_einval);
    // -1 is no quota.
    p.cpu->quota = -1;
    CHECK(files(map(p)) == std::vector<std::string>{"cpu.cfs_period_us=50000", "cpu.cfs_quota_us=-1"});
    p.cpu->quota = 1000;
    p.cpu->burst = 2000;
    CHECK_THROWS_WITH(map(p), "cpu.burst 2000 is larger than cpu.quota 1000");
    oci::Resources idle;
    idle.cpu = oci::Cpu{};
    idle.cpu->idle = 1;
    idle.cpu->shares = 100;
    CHECK_THROWS_WITH(map(idle), Catch::Contains("cpu.idle and cpu.shares cannot be set together"));
}

TEST_CASE("v1 pids: -1 is max, 0 is a limit", "[cgroups][v1]") {
    oci::Resources r;
    r.pids = oci::Pids{};
    r.pids->limit = -1;
    CHECK(files(map(r)) == std::vector<std::string>{"pids.max=max"});
    r.pids->limit = 0;
    CHECK(files(map(r)) == std::vector<std::string>{"pids.max=0"});
    r.pids->limit = 32;
    CHECK(files(map(r)) == std::vector<std::string>{"pids.max=32"});
    r.pids->limit.reset();
    CHECK(map(r).empty());
}

TEST_CASE("v1 blkio: CFQ or BFQ weight files, throttling", "[cgroups][v1]") {
    oci::Resources r;
    r.blockIO = oci::BlockIO{};
    r.blockIO->weight = 300;
    r.blockIO->leafWeight = 200;
    r.blockIO->weightDevice.push_back({8, 0, 500, 400});
    r.blockIO->throttleReadBpsDevice.push_back({8, 0, 1048576});
    r.blockIO->throttleWriteBpsDevice.push_back({8, 16, 2048});
    r.blockIO->throttleReadIOPSDevice.push_back({8, 0, 100});
    r.blockIO->throttleWriteIOPSDevice.push_back({8, 0, 50});
    CHECK(files(map(r)) == std::vector<std::string>{
                               "blkio.weight=300", "blkio.leaf_weight=200", "blkio.weight_device=8:0 500",
                               "blkio.leaf_weight_device=8:0 400", "blkio.throttle.read_bps_device=8:0 1048576",
                               "blkio.throttle.write_bps_device=8:16 2048", "blkio.throttle.read_iops_device=8:0 100",
                               "blkio.throttle.write_iops_device=8:0 50"});
    V1Facts bfq;
    bfq.has_blkio_weight = false;
    Warnings warn;
    auto w = v1_writes(r, bfq, warn);
    CHECK(files(w)[0] == "blkio.bfq.weight=300");
    CHECK(files(w)[1] == "blkio.bfq.weight_device=8:0 500");
    CHECK(w.size() == 6);
    REQUIRE(warn.size() == 2);
    CHECK_THAT(warn[0], Catch::Contains("leafWeight is ignored"));
    r.blockIO->weight = 2000;
    CHECK_THROWS_WITH(map(r), "blockIO.weight 2000: the valid range is 1-1000");
}

TEST_CASE("v1 hugetlb, net_cls, net_prio, rdma", "[cgroups][v1]") {
    oci::Resources r;
    r.hugepageLimits.push_back({"2MB", 209715200});
    r.network = oci::Network{};
    r.network->classID = 1048577;
    r.network->priorities.push_back({"eth0", 500});
    r.rdma["mlx5_1"] = oci::Rdma{3, 10000};
    r.rdma["rxe3"] = oci::Rdma{std::nullopt, 100};
    auto w = map(r);
    CHECK(files(w) == std::vector<std::string>{"hugetlb.2MB.limit_in_bytes=209715200", "net_cls.classid=1048577",
                                               "net_prio.ifpriomap=eth0 500",
                                               "rdma.max=mlx5_1 hca_handle=3 hca_object=10000",
                                               "rdma.max=rxe3 hca_object=100"});
    CHECK(w[1].controller == "net_cls");
    CHECK(w[2].controller == "net_prio");
    V1Facts rsvd;
    rsvd.has_hugetlb_rsvd = true;
    Warnings warn;
    CHECK(files(v1_writes(r, rsvd, warn))[1] == "hugetlb.2MB.rsvd.limit_in_bytes=209715200");
    r.hugepageLimits[0].pageSize = "2M";
    CHECK_THROWS_WITH(map(r), Catch::Contains("pageSize \"2M\""));
    r.hugepageLimits.clear();
    r.rdma["bad"] = oci::Rdma{};
    CHECK_THROWS_WITH(map(r), "rdma \"bad\": give hcaHandles, hcaObjects or both");
}
