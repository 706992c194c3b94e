#include <catch2/catch.hpp>

#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/ebpf_devices.hpp"
#include "util/error.hpp"

using namespace hull;
using namespace hull::cgroups;

namespace {

oci::DeviceCgroup rule(bool allow, std::optional<std::string> type, std::optional<int64_t> major,
                       std::optional<int64_t> minor, std::optional<std::string> access) {
    oci::DeviceCgroup d;
    d.allow = allow;
    d.type = type;
    d.major = major;
    d.minor = minor;
    d.access = access;
    return d;
}

DeviceEmulator emulate(const std::vector<oci::DeviceCgroup>& rules, bool with_defaults = false) {
    DeviceEmulator e;
    if (with_defaults) {
        e.apply_all(effective_device_rules(rules));
    } else {
        for (auto& r : rules) e.apply(device_rule(r));
    }
    return e;
}

std::vector<std::string> listing(const DeviceEmulator& e) {
    std::vector<std::string> out;
    for (auto& x : e.exceptions()) out.push_back(rule_string(x));
    return out;
}

// Runs a device filter the way the kernel calls it: R1 points to bpf_cgroup_dev_ctx. Knows the
// instructions device_filter_program emits and fails the test on anything else (or on a jump
// out of the program), so a malformed program cannot pass.
int run_bpf(const std::vector<bpf_insn>& prog, uint32_t access_type, uint32_t major, uint32_t minor) {
    uint32_t ctx[3] = {access_type, major, minor};
    uint64_t reg[11] = {};
    size_t pc = 0;
    for (int steps = 0; steps < 10000; ++steps) {
        REQUIRE(pc < prog.size());
        const bpf_insn& i = prog[pc];
        uint8_t cls = BPF_CLASS(i.code);
        if (i.code == (BPF_LDX | BPF_MEM | BPF_W)) {
            REQUIRE(i.src_reg == BPF_REG_1);
            REQUIRE(i.off % 4 == 0);
            REQUIRE(i.off / 4 < 3);
            reg[i.dst_reg] = ctx[i.off / 4];
        } else if (cls == BPF_ALU) {
            uint32_t src = BPF_SRC(i.code) == BPF_X ? static_cast<uint32_t>(reg[i.src_reg]) : static_cast<uint32_t>(i.imm);
            uint32_t dst = static_cast<uint32_t>(reg[i.dst_reg]);
            switch (BPF_OP(i.code)) {
                case BPF_AND: dst &= src; break;
                case BPF_RSH: dst >>= src; break;
                case BPF_MOV: dst = src; break;
                default: FAIL("unexpected ALU op " << int(i.code));
            }
            reg[i.dst_reg] = dst;
        } else if (cls == BPF_JMP && BPF_OP(i.code) == BPF_EXIT) {
            return static_cast<int>(reg[0]);
        } else if (cls == BPF_JMP) {
            uint64_t src = BPF_SRC(i.code) == BPF_X ? reg[i.src_reg] : static_cast<uint64_t>(static_cast<int64_t>(i.imm));  // the kernel sign-extends
            bool jump;
            switch (BPF_OP(i.code)) {
                case BPF_JNE: jump = reg[i.dst_reg] != src; break;
                case BPF_JEQ: jump = reg[i.dst_reg] == src; break;
                default: FAIL("unexpected JMP op " << int(i.code)); return -1;
            }
            if (jump) pc += static_cast<size_t>(i.off);
        } else {
            FAIL("unexpected instruction " << int(i.code));
        }
        ++pc;
    }
    FAIL("the program does not end");
    return -1;
}

// The program against the emulator for every type, some numbers and every access.
void check_program_matches(const DeviceEmulator& e) {
    auto prog = device_filter_program(e);
    for (char type : {'c', 'b'})
        for (uint32_t major : {1u, 5u, 7u, 10u, 136u, 254u})
            for (uint32_t minor : {0u, 2u, 3u, 5u, 9u, 200u})
                for (uint8_t access = 1; access <= 7; ++access) {
                    uint32_t t = type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
                    int got = run_bpf(prog, (static_cast<uint32_t>(access) << 16) | t, major, minor);
                    INFO(type << " " << major << ":" << minor << " access " << int(access));
                    CHECK(got == (e.permits(type, major, minor, access) ? 1 : 0));
                }
}

}  // namespace

TEST_CASE("device rules are checked and printed as devices.list does", "[cgroups][devices]") {
    auto r = device_rule(rule(true, "c", 1, 3, "rw"));
    CHECK(r.type == 'c');
    CHECK(r.access == (kRead | kWrite));
    CHECK(rule_string(r) == "c 1:3 rw");
    CHECK(rule_string(device_rule(rule(false, std::nullopt, std::nullopt, std::nullopt, std::nullopt))) == "a *:* rwm");
    CHECK(rule_string(device_rule(rule(true, "b", 8, std::nullopt, "m"))) == "b 8:* m");
    CHECK_THROWS_WITH(device_rule(rule(true, "p", 1, 3, "r")), Catch::Contains("type \"p\""));
    CHECK_THROWS_WITH(device_rule(rule(true, "c", 1, 3, "rx")), Catch::Contains("access \"rx\""));
    CHECK_THROWS_WITH(device_rule(rule(true, "c", 1, 3, "")), Catch::Contains("access is empty"));
    CHECK_THROWS_WITH(device_rule(rule(true, "c", -5, 3, "r")), Catch::Contains("out of range"));
    CHECK_THROWS_WITH(effective_device_rules({rule(true, "c", 1, 3, "r"), rule(true, "x", 1, 3, "r")}),
                      Catch::StartsWith("linux.resources.devices[1]: "));
}

TEST_CASE("the emulator does what a v1 devices cgroup does", "[cgroups][devices]") {
    // New cgroups deny everything; allow rules are exceptions.
    auto e = emulate({rule(true, "c", 1, 3, "rw"), rule(true, "c", 1, 3, "m")});
    CHECK_FALSE(e.default_allow());
    CHECK(listing(e) == std::vector<std::string>{"c 1:3 rwm"});
    CHECK(e.permits('c', 1, 3, kRead | kWrite));
    CHECK_FALSE(e.permits('c', 1, 5, kRead));
    // "a" resets: allow all, then deny exceptions.
    e = emulate({rule(true, "c", 1, 3, "rw"), rule(true, "a", std::nullopt, std::nullopt, "rwm"),
                 rule(false, "c", 1, 5, "w")});
    CHECK(e.default_allow());
    CHECK(listing(e) == std::vector<std::string>{"c 1:5 w"});
    // With an allow default any overlap with a deny exception denies (rw needs w).
    CHECK_FALSE(e.permits('c', 1, 5, kRead | kWrite));
    CHECK(e.permits('c', 1, 5, kRead));
    CHECK(e.permits('b', 8, 0, kAll));
    // A rule with the default's verdict takes access out of an identical exception only.
    e = emulate({rule(true, "c", 1, 3, "rwm"), rule(false, "c", 1, 3, "w")});
    CHECK(listing(e) == std::vector<std::string>{"c 1:3 rm"});
    e = emulate({rule(true, "c", std::nullopt, std::nullopt, "rwm"), rule(false, "c", 1, 3, "rwm")});
    CHECK(listing(e) == std::vector<std::string>{"c *:* rwm"});  // no hole punched into the wildcard
    CHECK(e.permits('c', 1, 3, kRead));
    e = emulate({rule(true, "c", 1, 3, "r"), rule(false, "c", 1, 3, "r")});
    CHECK(e.exceptions().empty());
    // Allow-all is what an "a" allow leaves.
    CHECK(emulate({rule(true, std::nullopt, std::nullopt, std::nullopt, std::nullopt)}).allows_everything());
    CHECK_FALSE(emulate({}).allows_everything());
}

TEST_CASE("the defaults come after the config's rules, as runc appends them", "[cgroups][devices]") {
    auto rules = effective_device_rules({rule(false, "a", std::nullopt, std::nullopt, "rwm")});
    REQUIRE(rules.size() == 1 + default_device_rules().size());
    CHECK(rule_string(rules[0]) == "a *:* rwm");
    auto e = emulate({rule(false, std::nullopt, std::nullopt, std::nullopt, "rwm"), rule(true, "c", 10, 229, "rw")}, true);
    CHECK(listing(e) == std::vector<std::string>{"c 10:229 rw", "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm",
                                                 "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm",
                                                 "c 5:2 rwm", "c 10:200 rwm"});
    // A deny of a default device in the config is undone by the default that follows it.
    e = emulate({rule(false, "c", 1, 3, "rwm")}, true);
    CHECK(e.permits('c', 1, 3, kWrite));
    CHECK_FALSE(e.permits('b', 7, 0, kRead));
    CHECK(e.permits('b', 7, 0, kMknod));
}

TEST_CASE("v1 writes reproduce the emulated state", "[cgroups][devices]") {
    auto w = v1_device_writes(emulate({rule(true, "c", 1, 3, "rw")}));
    REQUIRE(w.size() == 2);
    CHECK(w[0].file == "devices.deny");
    CHECK(w[0].value == "a");
    CHECK(w[1].file == "devices.allow");
    CHECK(w[1].value == "c 1:3 rw");
    w = v1_device_writes(emulate({rule(true, "a", std::nullopt, std::nullopt, "rwm"), rule(false, "b", 8, 0, "w")}));
    CHECK(w[0].file == "devices.allow");
    CHECK(w[1].file == "devices.deny");
    CHECK(w[1].value == "b 8:0 w");
}

TEST_CASE("the eBPF device filter decides as the emulator does", "[cgroups][devices][ebpf]") {
    check_program_matches(emulate({}, true));
    check_program_matches(emulate({rule(true, "c", 1, 3, "rw"), rule(true, "b", 7, std::nullopt, "r"),
                                   rule(true, "c", std::nullopt, 5, "m")}));
    check_program_matches(emulate({rule(true, "a", std::nullopt, std::nullopt, "rwm"), rule(false, "c", 1, 5, "w"),
                                   rule(false, "b", std::nullopt, std::nullopt, "rw"), rule(false, "c", 136, std::nullopt, "rwm")}));
    check_program_matches(emulate({rule(true, "a", std::nullopt, std::nullopt, "rwm")}));
    check_program_matches(emulate({}));
}

TEST_CASE("the eBPF device filter's shape", "[cgroups][devices][ebpf]") {
    // Prologue of 6, then per rule: type check, access check (3, unless rwm), major, minor,
    // verdict (2); then the default (2).
    auto p = device_filter_program(emulate({rule(true, "c", 1, 3, "rw")}));
    CHECK(p.size() == 6 + (1 + 3 + 1 + 1 + 2) + 2);
    auto q = device_filter_program(emulate({rule(true, "c", 1, std::nullopt, "rwm")}));
    CHECK(q.size() == 6 + (1 + 1 + 2) + 2);
    CHECK(q.back().code == (BPF_JMP | BPF_EXIT));
    CHECK(q[q.size() - 2].imm == 0);  // default deny
}
