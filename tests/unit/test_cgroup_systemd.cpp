#include <sys/socket.h>
#include <systemd/sd-bus.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "runtime/cgroups/systemd_bus.hpp"
#include "runtime/cgroups/systemd_properties.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

using namespace hull;
using namespace hull::cgroups;

namespace {

const char* kProcDevices =
    "Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n  5 /dev/tty\n136 pts\n\n"
    "Block devices:\n  7 loop\n  8 sd\n254 virtblk\n";

std::vector<std::string> shown(const Properties& p) {
    std::vector<std::string> out;
    for (auto& x : p) out.push_back(x.name + "=" + describe(x.value));
    return out;
}

const PropertyValue* find(const Properties& p, const std::string& name) {
    for (auto& x : p)
        if (x.name == name) return &x.value;
    return nullptr;
}

oci::DeviceCgroup rule(bool allow, std::optional<std::string> type, std::optional<int64_t> major,
                       std::optional<int64_t> minor, std::string access) {
    oci::DeviceCgroup d;
    d.allow = allow;
    d.type = type;
    d.major = major;
    d.minor = minor;
    d.access = access;
    return d;
}

}  // namespace

TEST_CASE("GVariant text values of org.systemd.property annotations", "[cgroups][systemd]") {
    CHECK(describe(parse_gvariant("true")) == "b true");
    CHECK(describe(parse_gvariant(" false ")) == "b false");
    CHECK(describe(parse_gvariant("'inactive-or-failed'")) == "s \"inactive-or-failed\"");
    CHECK(describe(parse_gvariant("\"it's\"")) == "s \"it's\"");
    CHECK(describe(parse_gvariant("'a\\'b'")) == "s \"a'b\"");
    CHECK(describe(parse_gvariant("123")) == "i 123");
    CHECK(describe(parse_gvariant("-5")) == "i -5");
    CHECK(describe(parse_gvariant("uint64 123456789012")) == "t 123456789012");
    CHECK(describe(parse_gvariant("@t 7")) == "t 7");
    CHECK(describe(parse_gvariant("int64 -1")) == "x -1");
    CHECK(describe(parse_gvariant("uint32 5")) == "u 5");
    CHECK(describe(parse_gvariant("byte 3")) == "y 3");
    CHECK(describe(parse_gvariant("uint16 65535")) == "q 65535");
    CHECK(signature(parse_gvariant("1.5")) == "d");
    CHECK(describe(parse_gvariant("['a.service', \"b.service\"]")) == "as [\"a.service\",\"b.service\"]");
    CHECK(describe(parse_gvariant("@as []")) == "as []");
    CHECK_THROWS_WITH(parse_gvariant("[]"), Catch::Contains("write @as []"));
    CHECK_THROWS_WITH(parse_gvariant("uint8 3"), Catch::Contains("unknown type \"uint8\""));
    CHECK_THROWS_WITH(parse_gvariant("byte 300"), Catch::Contains("not a number of type y"));
    CHECK_THROWS_WITH(parse_gvariant("5000000000"), Catch::Contains("out of range of int32"));
    CHECK_THROWS_WITH(parse_gvariant("'open"), Catch::Contains("unterminated"));
    CHECK_THROWS_WITH(parse_gvariant("yes"), Catch::Contains("not a value"));
    CHECK_THROWS_WITH(parse_gvariant("[1, 2]"), Catch::Contains("only arrays of strings"));
}

TEST_CASE("annotations: letters-only names, *Sec in microseconds", "[cgroups][systemd]") {
    auto p = annotation_properties({{"org.systemd.property.TimeoutStopSec", "uint64 5"},
                                    {"org.systemd.property.CollectMode", "'inactive-or-failed'"},
                                    {"org.systemd.property.RuntimeMaxSec", "1.5"},
                                    {"org.systemd.property.TimeoutStopUSec", "uint64 7"},
                                    {"org.example.other", "x"}});
    CHECK(shown(p) == std::vector<std::string>{"CollectMode=s \"inactive-or-failed\"", "RuntimeMaxUSec=t 1500000",
                                               "TimeoutStopUSec=t 5000000", "TimeoutStopUSec=t 7"});
    CHECK_THROWS_WITH(annotation_properties({{"org.systemd.property.Bad-Name", "1"}}),
                      Catch::Contains("letters only"));
    CHECK_THROWS_WITH(annotation_properties({{"org.systemd.property.TimeoutSec", "'x'"}}), Catch::Contains("not a number"));
    CHECK_THROWS_WITH(annotation_properties({{"org.systemd.property.TimeoutSec", "-1"}}), Catch::Contains("negative"));
    CHECK_THROWS_WITH(annotation_properties({{"org.systemd.property.CPUWeight", "big"}}),
                      Catch::StartsWith("annotation org.systemd.property.CPUWeight: value \"big\""));
}

TEST_CASE("CPU lists as AllowedCPUs bitmasks; device groups of /proc/devices", "[cgroups][systemd]") {
    CHECK(cpu_list_to_bitmask("0-3,7") == std::vector<uint8_t>{0x8f});
    CHECK(cpu_list_to_bitmask("8") == std::vector<uint8_t>{0x00, 0x01});
    CHECK(cpu_list_to_bitmask("1,9-10") == std::vector<uint8_t>{0x02, 0x06});
    CHECK_THROWS(cpu_list_to_bitmask("3-1"));
    CHECK(device_group(kProcDevices, 'c', 136) == "char-pts");
    CHECK(device_group(kProcDevices, 'c', 4) == "char-/dev/vc/0");
    CHECK(device_group(kProcDevices, 'b', 8) == "block-sd");
    CHECK(device_group(kProcDevices, 'b', 136) == "");
    CHECK(device_group(kProcDevices, 'c', 8) == "");
}

TEST_CASE("device rules as DevicePolicy and DeviceAllow", "[cgroups][systemd]") {
    Warnings w;
    DeviceEmulator e;
    e.apply_all(effective_device_rules({rule(true, "b", 8, std::nullopt, "rw"), rule(true, "c", std::nullopt, 3, "r")}));
    auto p = device_properties(e, kProcDevices, w);
    CHECK(shown(p) == std::vector<std::string>{
                          "DevicePolicy=s \"strict\"", "DeviceAllow=a(ss) []",
                          "DeviceAllow=a(ss) [(\"block-sd\",\"rw\")]", "DeviceAllow=a(ss) [(\"char-*\",\"m\")]",
                          "DeviceAllow=a(ss) [(\"block-*\",\"m\")]", "DeviceAllow=a(ss) [(\"/dev/char/1:3\",\"rwm\")]",
                          "DeviceAllow=a(ss) [(\"/dev/char/1:8\",\"rwm\")]",
                          "DeviceAllow=a(ss) [(\"/dev/char/1:7\",\"rwm\")]",
                          "DeviceAllow=a(ss) [(\"/dev/char/5:0\",\"rwm\")]",
                          "DeviceAllow=a(ss) [(\"/dev/char/1:5\",\"rwm\")]",
                          "DeviceAllow=a(ss) [(\"/dev/char/1:9\",\"rwm\")]", "DeviceAllow=a(ss) [(\"char-pts\",\"rwm\")]",
                          "DeviceAllow=a(ss) [(\"/dev/char/5:2\",\"rwm\")]",
                          "DeviceAllow=a(ss) [(\"/dev/char/10:200\",\"rwm\")]"});
    REQUIRE(w.size() == 1);
    CHECK_THAT(w[0], Catch::Contains("c *:3 r"));
    DeviceEmulator all;
    all.apply(device_rule(rule(true, std::nullopt, std::nullopt, std::nullopt, "rwm")));
    CHECK(shown(device_properties(all, kProcDevices, w)) ==
          std::vector<std::string>{"DevicePolicy=s \"auto\"", "DeviceAllow=a(ss) []"});
    DeviceEmulator deny;
    deny.apply(device_rule(rule(true, std::nullopt, std::nullopt, std::nullopt, "rwm")));
    deny.apply(device_rule(rule(false, "c", 1, 3, "w")));
    w.clear();
    CHECK(shown(device_properties(deny, kProcDevices, w)).size() == 2);
    CHECK_THAT(w.at(0), Catch::Contains("deny-list"));
}

TEST_CASE("resources as systemd properties, v2 and v1 names", "[cgroups][systemd]") {
    oci::Resources r;
    r.memory = oci::Memory{};
    r.memory->limit = 100 << 20;
    r.memory->reservation = 50 << 20;
    r.memory->swap = 300 << 20;
    r.cpu = oci::Cpu{};
    r.cpu->shares = 1024;
    r.cpu->quota = 12345;
    r.cpu->period = 100000;
    r.cpu->cpus = "0-1";
    r.cpu->mems = "0";
    r.pids = oci::Pids{-1};
    r.blockIO = oci::BlockIO{};
    r.blockIO->weight = 500;
    Warnings w;
    CHECK(shown(resource_properties(r, true, 252, w)) ==
          std::vector<std::string>{"MemoryMax=t 104857600", "MemoryLow=t 52428800", "MemorySwapMax=t 209715200",
                                   "CPUWeight=t 100", "CPUQuotaPeriodUSec=t 100000", "CPUQuotaPerSecUSec=t 130000",
                                   "AllowedCPUs=ay [3]", "AllowedMemoryNodes=ay [1]", "TasksMax=t infinity",
                                   "IOWeight=t 4950"});
    // Older systemd: no period, no AllowedCPUs (the cgroup files get them).
    auto old = resource_properties(r, true, 241, w);
    CHECK(find(old, "CPUQuotaPeriodUSec") == nullptr);
    CHECK(find(old, "AllowedCPUs") == nullptr);
    CHECK(find(old, "CPUQuotaPerSecUSec") != nullptr);
    CHECK(shown(resource_properties(r, false, 252, w)) ==
          std::vector<std::string>{"MemoryLimit=t 104857600", "CPUShares=t 1024", "CPUQuotaPeriodUSec=t 100000",
                                   "CPUQuotaPerSecUSec=t 130000", "AllowedCPUs=ay [3]", "AllowedMemoryNodes=ay [1]",
                                   "TasksMax=t infinity", "BlockIOWeight=t 500"});
    oci::Resources q;
    q.cpu = oci::Cpu{};
    q.cpu->quota = -1;
    q.cpu->idle = 1;
    q.memory = oci::Memory{};
    q.memory->limit = -1;
    q.unified = {{"memory.high", "max"}, {"memory.min", "1000"}, {"cpu.max", "50000 200000"}, {"io.max", "8:0 rbps=1"}};
    w.clear();
    CHECK(shown(resource_properties(q, true, 252, w)) ==
          std::vector<std::string>{"MemoryMax=t infinity", "MemorySwapMax=t infinity", "CPUWeight=t 0",
                                   "CPUQuotaPerSecUSec=t infinity", "CPUQuotaPeriodUSec=t 200000",
                                   "CPUQuotaPerSecUSec=t 250000", "MemoryHigh=t infinity", "MemoryMin=t 1000"});
    auto no_idle = resource_properties(q, true, 251, w);
    CHECK(find(no_idle, "CPUWeight") == nullptr);
    CHECK_THAT(w.back(), Catch::Contains("cannot set cpu.idle"));
    q.unified = {{"memory.max", "lots"}};
    CHECK_THROWS_WITH(resource_properties(q, true, 252, w), "unified memory.max: \"lots\" is not a number or max");
}

TEST_CASE("the unit's properties in runc's order, annotations last", "[cgroups][systemd]") {
    UnitSpec spec{parse_systemd_path(std::nullopt, "web", false), "hull container web", 4242, true, 252};
    oci::Resources r;
    r.pids = oci::Pids{100};
    Warnings w;
    DeviceEmulator all;
    all.apply(device_rule(rule(true, std::nullopt, std::nullopt, std::nullopt, "rwm")));
    auto p = unit_properties(spec, &r, &all, {{"org.systemd.property.TasksMax", "uint64 50"}}, kProcDevices, w);
    CHECK(shown(p) == std::vector<std::string>{
                          "Description=s \"hull container web\"", "Slice=s \"system.slice\"", "Delegate=b true",
                          "PIDs=au [4242]", "MemoryAccounting=b true", "CPUAccounting=b true", "IOAccounting=b true",
                          "TasksAccounting=b true", "DefaultDependencies=b false", "TasksMax=t 100",
                          "DevicePolicy=s \"auto\"", "DeviceAllow=a(ss) []", "TasksMax=t 50"});
    spec.unit = parse_systemd_path(std::string("system.slice:hull:pod-1.slice"), "web", false);
    spec.pid = -1;
    spec.cgroup_v2 = false;
    auto s = unit_properties(spec, nullptr, nullptr, {}, kProcDevices, w);
    CHECK(shown(s) == std::vector<std::string>{"Description=s \"hull container web\"", "Wants=as [\"system.slice\"]",
                                               "MemoryAccounting=b true", "CPUAccounting=b true",
                                               "BlockIOAccounting=b true", "TasksAccounting=b true",
                                               "DefaultDependencies=b false"});
}

TEST_CASE("properties serialize as StartTransientUnit's a(sv)", "[cgroups][systemd]") {
    // A bus on one end of a socket pair is enough to build (not send) messages.
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    UniqueFd a(sv[0]), b(sv[1]);
    sd_bus* bus = nullptr;
    REQUIRE(sd_bus_new(&bus) >= 0);
    REQUIRE(sd_bus_set_fd(bus, a.get(), a.get()) >= 0);
    REQUIRE(sd_bus_start(bus) >= 0);
    sd_bus_message* m = nullptr;
    REQUIRE(sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager", "StartTransientUnit") >= 0);
    REQUIRE(sd_bus_message_append(m, "ss", "hull-web.scope", "replace") >= 0);
    Properties props = {{"Delegate", true},
                        {"PIDs", std::vector<uint32_t>{42, 43}},
                        {"MemoryMax", uint64_t{1024}},
                        {"AllowedCPUs", std::vector<uint8_t>{0x03}},
                        {"Wants", std::vector<std::string>{"a.slice"}},
                        {"DeviceAllow", std::vector<DeviceAllow>{{"/dev/char/1:3", "rwm"}}},
                        {"Nice", int32_t{-5}}};
    append_properties(m, props);
    REQUIRE(sd_bus_message_append(m, "a(sa(sv))", 0) >= 0);
    REQUIRE(sd_bus_message_seal(m, 1, 0) >= 0);
    CHECK(std::string(sd_bus_message_get_signature(m, 1)) == "ssa(sv)a(sa(sv))");
    char* text = nullptr;
    size_t size = 0;
    FILE* f = open_memstream(&text, &size);
    REQUIRE(sd_bus_message_dump(m, f, 0) >= 0);
    std::fclose(f);
    std::string dump(text, size);
    std::free(text);
    sd_bus_message_unref(m);
    sd_bus_flush_close_unref(bus);
    a.release();  // closed by sd_bus
    for (const char* want : {"STRING \"Delegate\";", "VARIANT \"b\" {", "BOOLEAN true;", "VARIANT \"au\" {",
                             "UINT32 42;", "UINT32 43;", "VARIANT \"t\" {", "UINT64 1024;", "VARIANT \"ay\" {",
                             "BYTE 3;", "VARIANT \"as\" {", "STRING \"a.slice\";", "VARIANT \"a(ss)\" {",
                             "STRING \"/dev/char/1:3\";", "STRING \"rwm\";", "VARIANT \"i\" {", "INT32 -5;"})
        CHECK_THAT(dump, Catch::Contains(want));
}
