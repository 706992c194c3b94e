// Every class of bad config.json is rejected with the source, the JSON path and the reason.
#include <catch2/catch.hpp>
#include <string>

#include "libocispec/config.hpp"
#include "util/error.hpp"

using namespace hull::oci;

namespace {

// The message of the hull::Error that f throws ("" if it throws none).
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const hull::Error& e) {
        return e.what();
    }
    return "";
}

// The message parse_spec rejects `json` with ("" if it accepts it).
std::string rejection(const std::string& json, const std::string& source = "config.json") {
    return error_of([&] { parse_spec(json, source); });
}

// A config.json with `process` and `linux` spliced in.
std::string with_process(const std::string& process) {
    return R"({"ociVersion": "1.3.0", "process": )" + process + "}";
}
std::string with_linux(const std::string& linux) { return R"({"ociVersion": "1.3.0", "linux": )" + linux + "}"; }
std::string process_with(const std::string& fields) {
    return with_process(R"({"cwd": "/", "args": ["sh"], )" + fields + "}");
}

}  // namespace

TEST_CASE("invalid JSON is rejected with yajl's message on one line", "[config][reject]") {
    CHECK(rejection(R"({"ociVersion": "1.0.0")") == "config.json: invalid JSON: parse error: premature EOF");
    CHECK(rejection(R"({"ociVersion": "1.0.0"} x)") == "config.json: invalid JSON: parse error: trailing garbage");
    CHECK(rejection("") == "config.json: invalid JSON: parse error: premature EOF");
}

TEST_CASE("a value of the wrong type is rejected with what it got", "[config][reject]") {
    CHECK(rejection(with_process(R"({"cwd": "/", "args": [12]})"), "bundle/config.json") ==
          "bundle/config.json: .process.args[0]: expected a string, got 12");
    CHECK(rejection(R"([1, 2])") == "config.json: expected an object, got an array");
    CHECK(rejection(R"({"ociVersion": 1.0})") == "config.json: .ociVersion: expected a string, got 1.0");
    CHECK(rejection(process_with(R"("terminal": "yes")")) ==
          "config.json: .process.terminal: expected a boolean, got \"yes\"");
    CHECK(rejection(process_with(R"("user": {"uid": "0"})")) ==
          "config.json: .process.user.uid: expected an integer, got \"0\"");
    CHECK(rejection(process_with(R"("env": {"A": "1"})")) ==
          "config.json: .process.env: expected an array, got an object");
    CHECK(rejection(process_with(R"("capabilities": [])")) ==
          "config.json: .process.capabilities: expected an object, got an array");
    CHECK(rejection(process_with(R"("env": [null])")) == "config.json: .process.env[0]: expected a string, got null");
    CHECK(rejection(R"({"ociVersion": "1.3.0", "annotations": {"org.example": true}})") ==
          "config.json: .annotations[\"org.example\"]: expected a string, got true");
}

TEST_CASE("a missing required field is rejected with the object's path", "[config][reject]") {
    CHECK(rejection(R"({})") == "config.json: missing required field \"ociVersion\"");
    CHECK(rejection(R"({"ociVersion": "1.3.0", "root": {"readonly": true}})") ==
          "config.json: .root: missing required field \"path\"");
    CHECK(rejection(R"({"ociVersion": "1.3.0", "mounts": [{"destination": "/proc"}, {"type": "tmpfs"}]})") ==
          "config.json: .mounts[1]: missing required field \"destination\"");
    CHECK(rejection(with_process(R"({"args": ["sh"]})")) == "config.json: .process: missing required field \"cwd\"");
    CHECK(rejection(process_with(R"("rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1}])")) ==
          "config.json: .process.rlimits[0]: missing required field \"soft\"");
    CHECK(rejection(process_with(R"("consoleSize": {"height": 1})")) ==
          "config.json: .process.consoleSize: missing required field \"width\"");
    CHECK(rejection(R"({"ociVersion": "1.3.0", "hooks": {"poststop": [{"args": []}]}})") ==
          "config.json: .hooks.poststop[0]: missing required field \"path\"");
    CHECK(rejection(with_linux(R"({"namespaces": [{"path": "/proc/1/ns/pid"}]})")) ==
          "config.json: .linux.namespaces[0]: missing required field \"type\"");
    CHECK(rejection(with_linux(R"({"uidMappings": [{"containerID": 0, "hostID": 1000}]})")) ==
          "config.json: .linux.uidMappings[0]: missing required field \"size\"");
    CHECK(rejection(with_linux(R"({"seccomp": {"syscalls": []}})")) ==
          "config.json: .linux.seccomp: missing required field \"defaultAction\"");
    CHECK(rejection(with_linux(R"({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                                   "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1}]}]}})")) ==
          "config.json: .linux.seccomp.syscalls[0].args[0]: missing required field \"op\"");
    CHECK(rejection(with_linux(R"({"resources": {"devices": [{"access": "rwm"}]}})")) ==
          "config.json: .linux.resources.devices[0]: missing required field \"allow\"");
    CHECK(rejection(with_linux(R"({"devices": [{"path": "/dev/x", "type": "c", "major": 1}]})")) ==
          "config.json: .linux.devices[0]: missing required field \"minor\" for device type \"c\"");
    CHECK(rejection(process_with(R"("scheduler": {"nice": 1})")) ==
          "config.json: .process.scheduler: missing required field \"policy\"");
    CHECK(rejection(process_with(R"("ioPriority": {"priority": 1})")) ==
          "config.json: .process.ioPriority: missing required field \"class\"");
}

TEST_CASE("a value outside a schema enum is rejected, naming the allowed ones", "[config][reject]") {
    CHECK(rejection(with_linux(R"({"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "foo"}]})")) ==
          "config.json: .linux.namespaces[2].type: unknown namespace type \"foo\" (expected one of: mount, pid, "
          "network, uts, ipc, user, cgroup, time)");
    CHECK(rejection(with_linux(R"({"rootfsPropagation": "rshared"})")) ==
          "config.json: .linux.rootfsPropagation: unknown rootfs propagation \"rshared\" (expected one of: private, "
          "shared, slave, unbindable)");
    CHECK(rejection(with_linux(R"({"devices": [{"path": "/dev/x", "type": "x"}]})")) ==
          "config.json: .linux.devices[0].type: unknown device type \"x\" (expected one of: c, b, u, p)");
    CHECK(rejection(
              with_linux(R"({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_X"]}})")) ==
          "config.json: .linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_X\" (expected one of: "
          "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)");
    CHECK(rejection(with_linux(R"({"personality": {"domain": "LINUX64"}})")) ==
          "config.json: .linux.personality.domain: unknown personality domain \"LINUX64\" (expected one of: LINUX, "
          "LINUX32)");
    CHECK(rejection(process_with(R"("ioPriority": {"class": "IOPRIO_CLASS_NONE"})")) ==
          "config.json: .process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\" (expected one "
          "of: IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)");
    // Each enum of the schema is checked; only the start of the message is asserted here.
    const std::pair<std::string, std::string> more[] = {
        {with_linux(R"({"seccomp": {"defaultAction": "SCMP_ACT_NOPE"}})"),
         "config.json: .linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\""},
        {with_linux(
             R"({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "x86"]}})"),
         "config.json: .linux.seccomp.architectures[1]: unknown seccomp architecture \"x86\""},
        {with_linux(R"({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
            "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "=="}]}]}})"),
         "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"==\""},
        {process_with(R"("scheduler": {"policy": "SCHED_FAST"})"),
         "config.json: .process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\""},
        {process_with(R"("scheduler": {"policy": "SCHED_RR", "flags": ["SCHED_FLAG_X"]})"),
         "config.json: .process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\""},
        {with_linux(R"({"memoryPolicy": {"mode": "MPOL_ANY"}})"),
         "config.json: .linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_ANY\""},
        {with_linux(R"({"memoryPolicy": {"mode": "MPOL_BIND", "flags": ["MPOL_F_X"]}})"),
         "config.json: .linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_X\""},
    };
    for (const auto& [json, start] : more) {
        INFO(json);
        CHECK_THAT(rejection(json), Catch::StartsWith(start + " (expected one of: "));
    }
}

TEST_CASE("capability names, mount options and syscall names are left to the runtime", "[config][reject]") {
    CHECK(rejection(process_with(R"("capabilities": {"bounding": ["CAP_NOT_A_CAP"]})")) == "");
    CHECK(rejection(R"({"ociVersion": "1.3.0", "mounts": [{"destination": "/x", "options": ["frobnicate"]}]})") == "");
    CHECK(rejection(with_linux(R"({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                                   "syscalls": [{"names": ["no_such_syscall"], "action": "SCMP_ACT_ERRNO"}]}})")) ==
          "");
}

TEST_CASE("a negative value for an unsigned field is rejected", "[config][reject]") {
    CHECK(rejection(process_with(R"("user": {"uid": -1})")) ==
          "config.json: .process.user.uid: expected a non-negative integer, got -1");
    CHECK(rejection(process_with(R"("rlimits": [{"type": "RLIMIT_NOFILE", "hard": -1, "soft": 1}])")) ==
          "config.json: .process.rlimits[0].hard: expected a non-negative integer, got -1");
    CHECK(rejection(with_linux(R"({"resources": {"cpu": {"shares": -99999999999999999999}}})")) ==
          "config.json: .linux.resources.cpu.shares: expected a non-negative integer, got -99999999999999999999");
}

TEST_CASE("a value out of range for the field's integer width is rejected", "[config][reject]") {
    CHECK(rejection(process_with(R"("user": {"uid": 4294967296})")) ==
          "config.json: .process.user.uid: expected an integer between 0 and 4294967295, got 4294967296");
    CHECK(
        rejection(process_with(R"("rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551616, "soft": 1}])")) ==
        "config.json: .process.rlimits[0].hard: expected an integer between 0 and 18446744073709551615, got "
        "18446744073709551616");
    CHECK(rejection(with_linux(R"({"resources": {"memory": {"limit": 9223372036854775808}}})")) ==
          "config.json: .linux.resources.memory.limit: expected an integer between -9223372036854775808 and "
          "9223372036854775807, got 9223372036854775808");
    CHECK(rejection(with_linux(R"({"resources": {"blockIO": {"weight": 65536}}})")) ==
          "config.json: .linux.resources.blockIO.weight: expected an integer between 0 and 65535, got 65536");
    CHECK(rejection(process_with(R"("oomScoreAdj": -2147483649)")) ==
          "config.json: .process.oomScoreAdj: expected an integer between -2147483648 and 2147483647, got -2147483649");
}

TEST_CASE("a non-integer number for an integer field is rejected", "[config][reject]") {
    CHECK(rejection(process_with(R"("rlimits": [{"type": "RLIMIT_NOFILE", "hard": 2, "soft": 1.5}])")) ==
          "config.json: .process.rlimits[0].soft: expected an integer, got 1.5");
    CHECK(rejection(process_with(R"("user": {"uid": 1e3})")) ==
          "config.json: .process.user.uid: expected an integer, got 1e3");
    CHECK(rejection(process_with(R"("user": {"uid": 0, "gid": 0.0})")) ==
          "config.json: .process.user.gid: expected an integer, got 0.0");
}

TEST_CASE("a relative process.cwd is rejected", "[config][reject]") {
    CHECK(rejection(with_process(R"({"cwd": "tmp", "args": ["sh"]})")) ==
          "config.json: .process.cwd: expected an absolute path, got \"tmp\"");
    CHECK(rejection(with_process(R"({"cwd": "", "args": ["sh"]})")) ==
          "config.json: .process.cwd: expected an absolute path, got \"\"");
}

TEST_CASE("process.args must be present and non-empty", "[config][reject]") {
    CHECK(rejection(with_process(R"({"cwd": "/", "args": []})")) == "config.json: .process.args: must not be empty");
    CHECK(rejection(with_process(R"({"cwd": "/"})")) == "config.json: .process: missing required field \"args\"");
}

TEST_CASE("a namespace type given twice is rejected", "[config][reject]") {
    CHECK(rejection(with_linux(
              R"({"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "pid", "path": "/proc/1/ns/pid"}]})")) ==
          "config.json: .linux.namespaces[2].type: duplicate namespace type \"pid\"");
}

TEST_CASE("a relative namespace path is rejected", "[config][reject]") {
    CHECK(rejection(with_linux(R"({"namespaces": [{"type": "network", "path": "ns/net"}]})")) ==
          "config.json: .linux.namespaces[0].path: expected an absolute path, got \"ns/net\"");
    CHECK(rejection(with_linux(R"({"namespaces": [{"type": "network", "path": ""}]})")).empty());
}

TEST_CASE("a hook timeout must be positive", "[config][reject]") {
    CHECK(rejection(R"({"ociVersion": "1.3.0", "hooks": {"prestart": [{"path": "/bin/true", "timeout": 0}]}})") ==
          "config.json: .hooks.prestart[0].timeout: expected a positive integer, got 0");
    CHECK(rejection(
              R"({"ociVersion": "1.3.0", "hooks": {"poststop": [{"path": "/a"}, {"path": "/b", "timeout": -3}]}})") ==
          "config.json: .hooks.poststop[1].timeout: expected a positive integer, got -3");
}

TEST_CASE("a bad state document is rejected", "[state][reject]") {
    auto state_rejection = [](const std::string& json) { return error_of([&] { parse_state(json, "state.json"); }); };
    CHECK(state_rejection(R"({"ociVersion": "1.0.2", "id": "a", "status": "running"})") ==
          "state.json: missing required field \"bundle\"");
    CHECK(
        state_rejection(R"({"ociVersion": "1.0.2", "id": "a", "status": "gone", "bundle": "/b"})") ==
        "state.json: .status: unknown status \"gone\" (expected one of: creating, created, running, stopped, paused)");
    CHECK(state_rejection(R"({"ociVersion": "1.0.2", "id": "a", "status": "created", "bundle": "/b", "pid": -4})") ==
          "state.json: .pid: expected a non-negative integer, got -4");
}
