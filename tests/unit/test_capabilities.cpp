#include <sys/capability.h>

#include <catch2/catch.hpp>
#include <string>

#include "runtime/capabilities.hpp"
#include "runtime/rlimits.hpp"
#include "util/error.hpp"

using hull::CapabilityPlan;
using hull::capability_name;
using hull::capability_number;
using hull::plan_capabilities;

namespace {
constexpr uint64_t bit(int n) { return uint64_t{1} << n; }

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

TEST_CASE("every capability name from CAP_CHOWN to CAP_CHECKPOINT_RESTORE has its kernel number", "[capabilities]") {
    CHECK(capability_number("CAP_CHOWN") == 0);
    CHECK(capability_number("CAP_DAC_OVERRIDE") == 1);
    CHECK(capability_number("CAP_KILL") == 5);
    CHECK(capability_number("CAP_SETPCAP") == 8);
    CHECK(capability_number("CAP_NET_BIND_SERVICE") == 10);
    CHECK(capability_number("CAP_SYS_ADMIN") == 21);
    CHECK(capability_number("CAP_SYS_RESOURCE") == 24);
    CHECK(capability_number("CAP_AUDIT_WRITE") == 29);
    CHECK(capability_number("CAP_SETFCAP") == 31);
    CHECK(capability_number("CAP_AUDIT_READ") == 37);
    CHECK(capability_number("CAP_PERFMON") == 38);
    CHECK(capability_number("CAP_BPF") == 39);
    CHECK(capability_number("CAP_CHECKPOINT_RESTORE") == 40);
    // libcap agrees on every number it knows (it prints lower-case names).
    for (int c = 0; c <= hull::kLastKnownCap && c <= CAP_LAST_CAP; ++c) {
        char* lib = cap_to_name(static_cast<cap_value_t>(c));
        REQUIRE(lib != nullptr);
        std::string libname = upper(lib);
        cap_free(lib);
        INFO("capability " << c);
        CHECK(std::string(capability_name(c)) == libname);
        CHECK(capability_number(libname) == c);
    }
    CHECK(capability_name(41).empty());
    CHECK(capability_name(-1).empty());
}

TEST_CASE("names that are not capabilities are rejected with the name in the message", "[capabilities]") {
    CHECK_FALSE(capability_number("CAP_FOO"));
    CHECK_FALSE(capability_number("cap_chown"));  // the spec's names are upper case
    CHECK_FALSE(capability_number("CHOWN"));
    CHECK_FALSE(capability_number("5"));
    hull::oci::Capabilities caps;
    caps.bounding = hull::oci::Strings{"CAP_CHOWN", "CAP_FOO"};
    CHECK_THROWS_WITH(plan_capabilities(caps, 40), "capabilities.bounding: unknown capability \"CAP_FOO\"");
    caps.bounding.reset();
    caps.ambient = hull::oci::Strings{"CAP_BAR"};
    CHECK_THROWS_WITH(plan_capabilities(caps, 40), "capabilities.ambient: unknown capability \"CAP_BAR\"");
}

TEST_CASE("the five sets become masks; absent lists and an absent object give nothing", "[capabilities]") {
    CapabilityPlan none = plan_capabilities(std::nullopt, 40);
    CHECK(none.bounding == 0);
    CHECK(none.effective == 0);
    CHECK(none.permitted == 0);
    CHECK(none.inheritable == 0);
    CHECK(none.ambient == 0);

    hull::oci::Capabilities caps;
    caps.bounding = hull::oci::Strings{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    caps.effective = caps.bounding;
    caps.permitted = caps.bounding;
    caps.ambient = hull::oci::Strings{"CAP_KILL"};
    CapabilityPlan p = plan_capabilities(caps, 40);
    CHECK(p.bounding == 0x20000420);  // what runc's default config shows as CapBnd
    CHECK(p.effective == 0x20000420);
    CHECK(p.permitted == 0x20000420);
    CHECK(p.inheritable == 0);
    CHECK(p.ambient == bit(5));
    CHECK(p.unavailable.empty());
}

TEST_CASE("capabilities above the kernel's cap_last_cap are skipped and reported once", "[capabilities]") {
    hull::oci::Capabilities caps;
    caps.bounding = hull::oci::Strings{"CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
    caps.permitted = hull::oci::Strings{"CAP_CHECKPOINT_RESTORE"};
    CapabilityPlan p = plan_capabilities(caps, 38);
    CHECK(p.bounding == bit(0));
    CHECK(p.permitted == 0);
    CHECK(p.unavailable == std::vector<std::string>{"CAP_BPF", "CAP_CHECKPOINT_RESTORE"});
}

TEST_CASE("effective capabilities must be permitted", "[capabilities]") {
    hull::oci::Capabilities caps;
    caps.effective = hull::oci::Strings{"CAP_KILL", "CAP_CHOWN"};
    caps.permitted = hull::oci::Strings{"CAP_KILL"};
    CHECK_THROWS_WITH(plan_capabilities(caps, 40), Catch::Contains("effective CAP_CHOWN not in the permitted set"));
}

TEST_CASE("what hull does not hold is left out with a warning; ambient needs permitted and inheritable", "[capabilities]") {
    hull::oci::Capabilities caps;
    caps.bounding = hull::oci::Strings{"CAP_KILL", "CAP_SYS_RESOURCE"};
    caps.permitted = caps.bounding;
    caps.effective = caps.bounding;
    caps.inheritable = hull::oci::Strings{"CAP_KILL"};
    caps.ambient = hull::oci::Strings{"CAP_KILL", "CAP_CHOWN"};
    CapabilityPlan p = plan_capabilities(caps, 40);
    uint64_t held = 0x1fffeffffff;  // this machine: everything but CAP_SYS_RESOURCE
    auto warnings = hull::restrict_to_held(p, held, held);
    CHECK(p.bounding == bit(5));
    CHECK(p.permitted == bit(5));
    CHECK(p.effective == bit(5));
    CHECK(p.inheritable == bit(5));
    CHECK(p.ambient == bit(5));
    REQUIRE(warnings.size() == 4);
    CHECK(warnings[0] == "capabilities: bounding CAP_SYS_RESOURCE cannot be granted (hull does not hold it): left out");
    CHECK(warnings[3] ==
          "capabilities: ambient CAP_CHOWN cannot be granted (an ambient capability must be permitted and "
          "inheritable): left out");
    CHECK(hull::capability_list(bit(0) | bit(5) | bit(40)) == "CAP_CHOWN, CAP_KILL, CAP_CHECKPOINT_RESTORE");
}

TEST_CASE("the kernel's last capability is read from /proc", "[capabilities]") {
    int last = hull::kernel_last_cap();
    CHECK(last >= 36);
    CHECK(last < 64);
}

// ---- rlimits

TEST_CASE("rlimit names map to getrlimit's resources", "[rlimits]") {
    CHECK(hull::rlimit_resource("RLIMIT_NOFILE") == RLIMIT_NOFILE);
    CHECK(hull::rlimit_resource("RLIMIT_NPROC") == RLIMIT_NPROC);
    CHECK(hull::rlimit_resource("RLIMIT_CORE") == RLIMIT_CORE);
    CHECK(hull::rlimit_resource("RLIMIT_AS") == RLIMIT_AS);
    CHECK(hull::rlimit_resource("RLIMIT_MSGQUEUE") == RLIMIT_MSGQUEUE);
    CHECK(hull::rlimit_resource("RLIMIT_RTTIME") == RLIMIT_RTTIME);
    CHECK(hull::rlimit_resource("RLIMIT_STACK") == RLIMIT_STACK);
    CHECK_FALSE(hull::rlimit_resource("RLIMIT_FOO"));
    CHECK_FALSE(hull::rlimit_resource("NOFILE"));
}

TEST_CASE("rlimit lists are checked: unknown, duplicate, soft above hard", "[rlimits]") {
    using R = hull::oci::Rlimit;
    auto ok = hull::plan_rlimits({R{"RLIMIT_NOFILE", 512, 1024}, R{"RLIMIT_CORE", 0, ~uint64_t{0}}});
    REQUIRE(ok.size() == 2);
    CHECK(ok[0].resource == RLIMIT_NOFILE);
    CHECK(ok[0].value.rlim_cur == 512);
    CHECK(ok[0].value.rlim_max == 1024);
    CHECK(ok[1].value.rlim_max == RLIM_INFINITY);
    CHECK_THROWS_WITH(hull::plan_rlimits({R{"RLIMIT_FOO", 1, 1}}), "rlimits: unknown rlimit type \"RLIMIT_FOO\"");
    CHECK_THROWS_WITH(hull::plan_rlimits({R{"RLIMIT_NOFILE", 1, 1}, R{"RLIMIT_NOFILE", 2, 2}}),
                      "rlimits: rlimit type \"RLIMIT_NOFILE\" listed twice");
    CHECK_THROWS_WITH(hull::plan_rlimits({R{"RLIMIT_NOFILE", 2048, 1024}}),
                      "rlimit RLIMIT_NOFILE: the soft limit 2048 is above the hard limit 1024");
}

TEST_CASE("a refused rlimit says what was asked and what is allowed", "[rlimits]") {
    hull::RlimitSetting asked{"RLIMIT_NOFILE", RLIMIT_NOFILE, {1048576, 1048576}};
    rlimit current{1024, 524288};
    CHECK(hull::explain_rlimit_failure(asked, current, EPERM, 1048576) ==
          "rlimit RLIMIT_NOFILE: cannot raise the hard limit to 1048576 (the current hard limit is 524288 and "
          "raising it needs CAP_SYS_RESOURCE)");
    hull::RlimitSetting huge{"RLIMIT_NOFILE", RLIMIT_NOFILE, {2000000, 2000000}};
    CHECK(hull::explain_rlimit_failure(huge, current, EPERM, 1048576) ==
          "rlimit RLIMIT_NOFILE: cannot set the hard limit to 2000000 (it is above fs.nr_open, 1048576)");
    hull::RlimitSetting core{"RLIMIT_CORE", RLIMIT_CORE, {RLIM_INFINITY, RLIM_INFINITY}};
    CHECK(hull::explain_rlimit_failure(core, rlimit{0, 4096}, EPERM, std::nullopt) ==
          "rlimit RLIMIT_CORE: cannot raise the hard limit to unlimited (the current hard limit is 4096 and raising "
          "it needs CAP_SYS_RESOURCE)");
    CHECK(hull::explain_rlimit_failure(core, rlimit{0, 4096}, EINVAL, std::nullopt) ==
          "rlimit RLIMIT_CORE: setrlimit soft unlimited hard unlimited: invalid argument");
}
