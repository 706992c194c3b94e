#include <sys/personality.h>

#include <catch2/catch.hpp>
#include <string>

#include "runtime/process_attrs.hpp"
#include "util/error.hpp"

using hull::parse_id_list;
using V = std::vector<unsigned>;

TEST_CASE("CPU lists: single ids, ranges, commas, spaces, duplicates", "[process_attrs]") {
    CHECK(parse_id_list("0-3,7") == V{0, 1, 2, 3, 7});
    CHECK(parse_id_list("5") == V{5});
    CHECK(parse_id_list("7,0-1, 3 ,1") == V{0, 1, 3, 7});
    CHECK(parse_id_list(" 2-2 ") == V{2});
    CHECK(parse_id_list("").empty());
    CHECK(parse_id_list("  ").empty());
    CHECK(parse_id_list("65535") == V{65535});
}

TEST_CASE("bad CPU lists are rejected with the list and the reason", "[process_attrs]") {
    CHECK_THROWS_WITH(parse_id_list("3-1"), "invalid CPU list \"3-1\": range 3-1 runs backwards");
    CHECK_THROWS_WITH(parse_id_list("a"), "invalid CPU list \"a\": \"a\" is not a number");
    CHECK_THROWS_WITH(parse_id_list("1,,2"), "invalid CPU list \"1,,2\": empty element");
    CHECK_THROWS_WITH(parse_id_list("1,"), "invalid CPU list \"1,\": empty element");
    CHECK_THROWS_WITH(parse_id_list("1-"), Catch::Contains("\"\" is not a number"));
    CHECK_THROWS_WITH(parse_id_list("-1"), Catch::Contains("is not a number"));
    CHECK_THROWS_WITH(parse_id_list("1-2-3"), Catch::Contains("\"2-3\" is not a number"));
    CHECK_THROWS_WITH(parse_id_list("70000"), Catch::Contains("70000 is above 65535"));
    CHECK_THROWS_WITH(parse_id_list("99999999999999999999"), Catch::Contains("is above 65535"));
    CHECK_THROWS_WITH(parse_id_list("x", "node list"), "invalid node list \"x\": \"x\" is not a number");
}

TEST_CASE("scheduler policies and flags map to sched_setattr values", "[process_attrs]") {
    CHECK(hull::sched_policy_value("SCHED_OTHER") == 0u);
    CHECK(hull::sched_policy_value("SCHED_FIFO") == 1u);
    CHECK(hull::sched_policy_value("SCHED_RR") == 2u);
    CHECK(hull::sched_policy_value("SCHED_BATCH") == 3u);
    CHECK(hull::sched_policy_value("SCHED_ISO") == 4u);
    CHECK(hull::sched_policy_value("SCHED_IDLE") == 5u);
    CHECK(hull::sched_policy_value("SCHED_DEADLINE") == 6u);
    CHECK_FALSE(hull::sched_policy_value("SCHED_FOO"));
    CHECK(hull::sched_flag_value("SCHED_FLAG_RESET_ON_FORK") == 0x01u);
    CHECK(hull::sched_flag_value("SCHED_FLAG_RECLAIM") == 0x02u);
    CHECK(hull::sched_flag_value("SCHED_FLAG_DL_OVERRUN") == 0x04u);
    CHECK(hull::sched_flag_value("SCHED_FLAG_KEEP_POLICY") == 0x08u);
    CHECK(hull::sched_flag_value("SCHED_FLAG_KEEP_PARAMS") == 0x10u);
    CHECK(hull::sched_flag_value("SCHED_FLAG_UTIL_CLAMP_MIN") == 0x20u);
    CHECK(hull::sched_flag_value("SCHED_FLAG_UTIL_CLAMP_MAX") == 0x40u);
    CHECK_FALSE(hull::sched_flag_value("SCHED_FLAG_FOO"));
}

TEST_CASE("scheduler settings are checked as runc checks them", "[process_attrs]") {
    hull::oci::Scheduler s;
    s.policy = "SCHED_BATCH";
    s.nice = 5;
    s.flags = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_KEEP_PARAMS"};
    auto out = hull::plan_scheduler(s);
    CHECK(out.policy == 3);
    CHECK(out.nice == 5);
    CHECK(out.flags == 0x11);
    CHECK(out.priority == 0);

    s.nice = 20;
    CHECK_THROWS_WITH(hull::plan_scheduler(s), "scheduler: nice 20 is outside [-20, 19]");
    s.nice = 0;
    s.priority = 10;
    CHECK_THROWS_WITH(hull::plan_scheduler(s),
                      "scheduler: priority can only be set for SCHED_FIFO or SCHED_RR, not SCHED_BATCH");
    s.policy = "SCHED_FIFO";
    CHECK(hull::plan_scheduler(s).priority == 10);
    s.runtime = 1000;
    CHECK_THROWS_WITH(hull::plan_scheduler(s), Catch::Contains("can only be set for SCHED_DEADLINE, not SCHED_FIFO"));
    s = {};
    s.policy = "SCHED_DEADLINE";
    s.runtime = 10000000;
    s.deadline = 20000000;
    s.period = 30000000;
    out = hull::plan_scheduler(s);
    CHECK(out.policy == 6);
    CHECK(out.runtime == 10000000);
    CHECK(out.deadline == 20000000);
    CHECK(out.period == 30000000);
    s.flags = {"SCHED_FLAG_NOPE"};
    CHECK_THROWS_WITH(hull::plan_scheduler(s), "scheduler: unknown flag \"SCHED_FLAG_NOPE\"");
    s.policy = "SCHED_NOPE";
    CHECK_THROWS_WITH(hull::plan_scheduler(s), "scheduler: unknown policy \"SCHED_NOPE\"");
}

TEST_CASE("I/O priorities are class << 13 | priority", "[process_attrs]") {
    CHECK(hull::io_priority_value({"IOPRIO_CLASS_RT", 0}) == (1 << 13));
    CHECK(hull::io_priority_value({"IOPRIO_CLASS_BE", 4}) == ((2 << 13) | 4));
    CHECK(hull::io_priority_value({"IOPRIO_CLASS_IDLE", 7}) == ((3 << 13) | 7));
    CHECK_THROWS_WITH(hull::io_priority_value({"IOPRIO_CLASS_BE", 8}), "ioPriority: priority 8 is outside [0, 7]");
    CHECK_THROWS_WITH(hull::io_priority_value({"IOPRIO_CLASS_NONE", 0}), "ioPriority: unknown class \"IOPRIO_CLASS_NONE\"");
}

TEST_CASE("personality: LINUX, LINUX32 and personality(2) flags", "[process_attrs]") {
    CHECK(hull::personality_value({"LINUX", {}}) == PER_LINUX);
    CHECK(hull::personality_value({"LINUX32", {}}) == PER_LINUX32);
    CHECK(hull::personality_value({"LINUX32", {}}) == 0x0008);
    CHECK(hull::personality_value({"LINUX", {"ADDR_NO_RANDOMIZE"}}) == 0x0040000);
    CHECK(hull::personality_value({"LINUX32", {"ADDR_NO_RANDOMIZE", "UNAME26"}}) == (0x0008 | 0x0040000 | 0x0020000));
    CHECK(hull::personality_value({"LINUX", {"READ_IMPLIES_EXEC", "ADDR_LIMIT_3GB", "SHORT_INODE"}}) ==
          (READ_IMPLIES_EXEC | ADDR_LIMIT_3GB | SHORT_INODE));
    CHECK_THROWS_WITH(hull::personality_value({"LINUX64", {}}), "personality: unknown domain \"LINUX64\" (LINUX or LINUX32)");
    CHECK_THROWS_WITH(hull::personality_value({"LINUX", {"FOO"}}), "personality: unknown flag \"FOO\"");
}

TEST_CASE("memory policy modes, flags and node masks", "[process_attrs]") {
    CHECK(hull::mempolicy_mode_value("MPOL_DEFAULT") == 0);
    CHECK(hull::mempolicy_mode_value("MPOL_PREFERRED") == 1);
    CHECK(hull::mempolicy_mode_value("MPOL_BIND") == 2);
    CHECK(hull::mempolicy_mode_value("MPOL_INTERLEAVE") == 3);
    CHECK(hull::mempolicy_mode_value("MPOL_LOCAL") == 4);
    CHECK(hull::mempolicy_mode_value("MPOL_PREFERRED_MANY") == 5);
    CHECK(hull::mempolicy_mode_value("MPOL_WEIGHTED_INTERLEAVE") == 6);
    CHECK(hull::mempolicy_flag_value("MPOL_F_STATIC_NODES") == 1u << 15);
    CHECK(hull::mempolicy_flag_value("MPOL_F_RELATIVE_NODES") == 1u << 14);
    CHECK(hull::mempolicy_flag_value("MPOL_F_NUMA_BALANCING") == 1u << 13);

    hull::oci::MemoryPolicy m;
    m.mode = "MPOL_INTERLEAVE";
    m.nodes = "0-2,65";
    m.flags = {"MPOL_F_STATIC_NODES"};
    auto s = hull::plan_memory_policy(m);
    CHECK(s.mode == 3);
    CHECK(s.flags == 1u << 15);
    REQUIRE(s.nodemask.size() == 2);
    CHECK(s.nodemask[0] == 0x7);
    CHECK(s.nodemask[1] == 0x2);
    CHECK(s.maxnode == 129);

    m.flags = {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"};
    CHECK_THROWS_WITH(hull::plan_memory_policy(m), Catch::Contains("cannot be used together"));
    m.flags = {};
    m.mode = "MPOL_DEFAULT";
    CHECK_THROWS_WITH(hull::plan_memory_policy(m), "memoryPolicy: MPOL_DEFAULT takes no nodes, got \"0-2,65\"");
    m.nodes.reset();
    s = hull::plan_memory_policy(m);
    CHECK(s.nodemask.empty());
    CHECK(s.maxnode == 0);
    m.mode = "MPOL_BIND";
    CHECK_THROWS_WITH(hull::plan_memory_policy(m), "memoryPolicy: MPOL_BIND needs at least one node");
    m.mode = "MPOL_PREFERRED";  // no nodes: local allocation
    CHECK(hull::plan_memory_policy(m).mode == 1);
    m.mode = "MPOL_NOPE";
    CHECK_THROWS_WITH(hull::plan_memory_policy(m), "memoryPolicy: unknown mode \"MPOL_NOPE\"");
    m.mode = "MPOL_BIND";
    m.nodes = "1-0";
    CHECK_THROWS_WITH(hull::plan_memory_policy(m), "memoryPolicy: invalid node list \"1-0\": range 1-0 runs backwards");
}

TEST_CASE("refused oom_score_adj values are explained", "[process_attrs]") {
    CHECK(hull::explain_oom_score_adj_failure(-500, 0, EACCES) ==
          "oomScoreAdj: cannot set oom_score_adj to -500 (the current value is 0 and lowering it needs CAP_SYS_RESOURCE)");
    CHECK(hull::explain_oom_score_adj_failure(2000, 0, EINVAL) ==
          "oomScoreAdj: cannot set oom_score_adj to 2000: the value must be between -1000 and 1000");
    CHECK_THROWS_WITH(hull::apply_oom_score_adj(-1001), Catch::Contains("must be between -1000 and 1000"));
}
