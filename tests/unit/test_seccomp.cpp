#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "libocispec/config.hpp"
#include "runtime/seccomp.hpp"
#include "runtime/sync.hpp"
#include "util/error.hpp"

using hull::oci::Seccomp;
using hull::oci::Syscall;
using hull::oci::SyscallArg;
using hull::plan_seccomp;
using hull::seccomp_action;

namespace {

Seccomp profile(std::string default_action, std::vector<Syscall> calls = {}) {
    Seccomp s;
    s.defaultAction = std::move(default_action);
    s.syscalls = std::move(calls);
    return s;
}

Syscall call(std::vector<std::string> names, std::string action, std::optional<uint32_t> errno_ret = {},
             std::vector<SyscallArg> args = {}) {
    Syscall c;
    c.names = std::move(names);
    c.action = std::move(action);
    c.errnoRet = errno_ret;
    c.args = std::move(args);
    return c;
}

SyscallArg arg(uint32_t index, uint64_t value, std::string op, std::optional<uint64_t> two = {}) {
    SyscallArg a;
    a.index = index;
    a.value = value;
    a.valueTwo = two;
    a.op = std::move(op);
    return a;
}

}  // namespace

TEST_CASE("every seccomp action maps to libseccomp's value", "[seccomp]") {
    CHECK(seccomp_action("SCMP_ACT_KILL", {}) == SCMP_ACT_KILL_THREAD);
    CHECK(seccomp_action("SCMP_ACT_KILL_THREAD", {}) == SCMP_ACT_KILL_THREAD);
    CHECK(seccomp_action("SCMP_ACT_KILL_PROCESS", {}) == SCMP_ACT_KILL_PROCESS);
    CHECK(seccomp_action("SCMP_ACT_TRAP", {}) == SCMP_ACT_TRAP);
    CHECK(seccomp_action("SCMP_ACT_ALLOW", {}) == SCMP_ACT_ALLOW);
    CHECK(seccomp_action("SCMP_ACT_LOG", {}) == SCMP_ACT_LOG);
    CHECK(seccomp_action("SCMP_ACT_NOTIFY", {}) == SCMP_ACT_NOTIFY);
    CHECK_THROWS_WITH(seccomp_action("SCMP_ACT_FOO", {}), "unknown action \"SCMP_ACT_FOO\"");
}

TEST_CASE("errnoRet: EPERM by default, only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE", "[seccomp]") {
    CHECK(seccomp_action("SCMP_ACT_ERRNO", {}) == SCMP_ACT_ERRNO(EPERM));
    CHECK(seccomp_action("SCMP_ACT_ERRNO", 38u) == SCMP_ACT_ERRNO(ENOSYS));
    CHECK(seccomp_action("SCMP_ACT_ERRNO", 0u) == SCMP_ACT_ERRNO(0));
    CHECK(seccomp_action("SCMP_ACT_TRACE", {}) == SCMP_ACT_TRACE(EPERM));
    CHECK(seccomp_action("SCMP_ACT_TRACE", 1234u) == SCMP_ACT_TRACE(1234));
    CHECK_THROWS_WITH(seccomp_action("SCMP_ACT_ALLOW", 1u),
                      "action SCMP_ACT_ALLOW: errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE");
    CHECK_THROWS_WITH(seccomp_action("SCMP_ACT_KILL_PROCESS", 1u), Catch::Contains("errnoRet is only valid"));
    CHECK_THROWS_WITH(seccomp_action("SCMP_ACT_ERRNO", 70000u), Catch::Contains("errnoRet 70000 is above 65535"));
    // defaultErrnoRet goes with defaultAction
    Seccomp s = profile("SCMP_ACT_ERRNO");
    s.defaultErrnoRet = 38;
    CHECK(plan_seccomp(s).default_action == SCMP_ACT_ERRNO(38));
    s.defaultAction = "SCMP_ACT_LOG";
    CHECK_THROWS_WITH(plan_seccomp(s), Catch::StartsWith("defaultAction: action SCMP_ACT_LOG: errnoRet"));
}

TEST_CASE("architectures map to libseccomp's tokens and values", "[seccomp]") {
    CHECK(hull::seccomp_arch_name("SCMP_ARCH_X86_64") == "x86_64");
    CHECK(hull::seccomp_arch_name("SCMP_ARCH_AARCH64") == "aarch64");
    CHECK(hull::seccomp_arch_name("SCMP_ARCH_MIPSEL64N32") == "mipsel64n32");
    CHECK(hull::seccomp_arch_name("SCMP_ARCH_LOONGARCH64") == "loongarch64");
    CHECK_FALSE(hull::seccomp_arch_name("SCMP_ARCH_VAX"));
    CHECK(hull::seccomp_arch("SCMP_ARCH_X86") == SCMP_ARCH_X86);
    CHECK(hull::seccomp_arch("SCMP_ARCH_X86_64") == SCMP_ARCH_X86_64);
    CHECK(hull::seccomp_arch("SCMP_ARCH_X32") == SCMP_ARCH_X32);
    CHECK(hull::seccomp_arch("SCMP_ARCH_ARM") == SCMP_ARCH_ARM);
    CHECK(hull::seccomp_arch("SCMP_ARCH_AARCH64") == SCMP_ARCH_AARCH64);
    CHECK(hull::seccomp_arch("SCMP_ARCH_MIPS64N32") == SCMP_ARCH_MIPS64N32);
    CHECK(hull::seccomp_arch("SCMP_ARCH_PPC64LE") == SCMP_ARCH_PPC64LE);
    CHECK(hull::seccomp_arch("SCMP_ARCH_S390X") == SCMP_ARCH_S390X);
    CHECK(hull::seccomp_arch("SCMP_ARCH_PARISC64") == SCMP_ARCH_PARISC64);
    CHECK(hull::seccomp_arch("SCMP_ARCH_RISCV64") == SCMP_ARCH_RISCV64);
    CHECK_THROWS_WITH(hull::seccomp_arch("SCMP_ARCH_VAX"), "unknown architecture \"SCMP_ARCH_VAX\"");
#if SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 6
    CHECK_THROWS_WITH(hull::seccomp_arch("SCMP_ARCH_M68K"),
                      Catch::StartsWith("architecture SCMP_ARCH_M68K is not supported by this libseccomp (2."));
#endif
}

TEST_CASE("operators map to scmp_compare", "[seccomp]") {
    CHECK(hull::seccomp_operator("SCMP_CMP_NE") == SCMP_CMP_NE);
    CHECK(hull::seccomp_operator("SCMP_CMP_LT") == SCMP_CMP_LT);
    CHECK(hull::seccomp_operator("SCMP_CMP_LE") == SCMP_CMP_LE);
    CHECK(hull::seccomp_operator("SCMP_CMP_EQ") == SCMP_CMP_EQ);
    CHECK(hull::seccomp_operator("SCMP_CMP_GE") == SCMP_CMP_GE);
    CHECK(hull::seccomp_operator("SCMP_CMP_GT") == SCMP_CMP_GT);
    CHECK(hull::seccomp_operator("SCMP_CMP_MASKED_EQ") == SCMP_CMP_MASKED_EQ);
    CHECK_FALSE(hull::seccomp_operator("SCMP_CMP_XX"));
}

TEST_CASE("filter flags map to libseccomp attributes (or a kernel flag libseccomp lacks)", "[seccomp]") {
    auto tsync = hull::seccomp_flag("SECCOMP_FILTER_FLAG_TSYNC");
    REQUIRE(tsync);
    CHECK(tsync->attr == SCMP_FLTATR_CTL_TSYNC);
    CHECK(tsync->kernel_flag == 1u);
    CHECK(hull::seccomp_flag("SECCOMP_FILTER_FLAG_LOG")->attr == SCMP_FLTATR_CTL_LOG);
    CHECK(hull::seccomp_flag("SECCOMP_FILTER_FLAG_SPEC_ALLOW")->attr == SCMP_FLTATR_CTL_SSB);
    CHECK(hull::seccomp_flag("SECCOMP_FILTER_FLAG_SPEC_ALLOW")->kernel_flag == 4u);
    auto wait = hull::seccomp_flag("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    REQUIRE(wait);
    CHECK(wait->kernel_flag == 32u);
    CHECK_FALSE(hull::seccomp_flag("SECCOMP_FILTER_FLAG_FOO"));

    Seccomp s = profile("SCMP_ACT_ALLOW");
    s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    auto plan = plan_seccomp(s);
    CHECK(plan.attrs == std::vector<scmp_filter_attr>{SCMP_FLTATR_CTL_LOG, SCMP_FLTATR_CTL_SSB});
    CHECK(plan.kernel_flags == 0);  // libseccomp loads it
    s.flags = {"SECCOMP_FILTER_FLAG_BOGUS"};
    CHECK_THROWS_WITH(plan_seccomp(s), "flags: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");

    // WAIT_KILLABLE_RECV only means something with a listener
    s = profile("SCMP_ACT_ALLOW", {call({"mkdir"}, "SCMP_ACT_NOTIFY")});
    s.listenerPath = "/run/agent.sock";
    s.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_LOG"};
    plan = plan_seccomp(s);
    CHECK(plan.notify);
#if SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 6
    CHECK(plan.kernel_flags == (32u | 2u));  // loaded with seccomp(2) by hull
#endif
    s.syscalls = {};
    plan = plan_seccomp(s);
    CHECK(plan.kernel_flags == 0);
    CHECK(plan.attrs == std::vector<scmp_filter_attr>{SCMP_FLTATR_CTL_LOG});
}

TEST_CASE("rules: one per name, unknown syscalls skipped, default-action rules left out", "[seccomp]") {
    Seccomp s = profile("SCMP_ACT_ERRNO", {call({"read", "no_such_syscall_x", "write"}, "SCMP_ACT_ALLOW"),
                                           call({"mkdir"}, "SCMP_ACT_ERRNO"),
                                           call({"getcwd"}, "SCMP_ACT_ERRNO", 38u)});
    auto plan = plan_seccomp(s);
    CHECK(plan.default_action == SCMP_ACT_ERRNO(EPERM));
    REQUIRE(plan.rules.size() == 3);
    CHECK(plan.rules[0].syscall == "read");
    CHECK(plan.rules[0].nr == seccomp_syscall_resolve_name("read"));
    CHECK(plan.rules[0].action == SCMP_ACT_ALLOW);
    CHECK(plan.rules[1].syscall == "write");
    CHECK(plan.rules[2].syscall == "getcwd");  // mkdir's rule is the default action: left out
    CHECK(plan.rules[2].action == SCMP_ACT_ERRNO(ENOSYS));
    CHECK(plan.unknown_syscalls == std::vector<std::string>{"no_such_syscall_x"});
    CHECK_FALSE(plan.notify);
}

TEST_CASE("argument conditions: all operators, valueTwo for MASKED_EQ, same index split", "[seccomp]") {
    Seccomp s = profile("SCMP_ACT_ALLOW",
                        {call({"personality"}, "SCMP_ACT_ERRNO", {},
                              {arg(0, 8, "SCMP_CMP_NE"), arg(1, 0xff, "SCMP_CMP_MASKED_EQ", 0x10), arg(2, 3, "SCMP_CMP_GT", 99)})});
    auto plan = plan_seccomp(s);
    REQUIRE(plan.rules.size() == 1);
    auto& c = plan.rules[0].conditions;
    REQUIRE(c.size() == 3);
    CHECK(c[0].arg == 0);
    CHECK(c[0].op == SCMP_CMP_NE);
    CHECK(c[0].datum_a == 8);
    CHECK(c[1].op == SCMP_CMP_MASKED_EQ);
    CHECK(c[1].datum_a == 0xff);
    CHECK(c[1].datum_b == 0x10);
    CHECK(c[2].datum_b == 0);  // valueTwo means nothing for GT

    // runc: several conditions on one index become one rule per condition
    s.syscalls = {call({"personality", "clone"}, "SCMP_ACT_ERRNO", {},
                       {arg(0, 0, "SCMP_CMP_EQ"), arg(0, 8, "SCMP_CMP_EQ"), arg(1, 1, "SCMP_CMP_LE")})};
    plan = plan_seccomp(s);
    REQUIRE(plan.rules.size() == 6);
    CHECK(plan.rules[0].syscall == "personality");
    CHECK(plan.rules[0].conditions.size() == 1);
    CHECK(plan.rules[1].conditions[0].datum_a == 8);
    CHECK(plan.rules[2].conditions[0].op == SCMP_CMP_LE);
    CHECK(plan.rules[3].syscall == "clone");

    s.syscalls = {call({"read"}, "SCMP_ACT_ERRNO", {}, {arg(6, 0, "SCMP_CMP_EQ")})};
    CHECK_THROWS_WITH(plan_seccomp(s), "syscalls[0]: args[0]: index 6 is above 5 (a syscall has 6 arguments)");
    s.syscalls = {call({"read"}, "SCMP_ACT_ERRNO", {}, {arg(0, 0, "SCMP_CMP_XX")})};
    CHECK_THROWS_WITH(plan_seccomp(s), "syscalls[0]: args[0]: unknown operator \"SCMP_CMP_XX\"");
    s.syscalls = {call({}, "SCMP_ACT_ERRNO")};
    CHECK_THROWS_WITH(plan_seccomp(s), "syscalls[0]: names: must not be empty");
}

TEST_CASE("SCMP_ACT_NOTIFY needs a listener, is no default action and never for sendmsg", "[seccomp]") {
    Seccomp s = profile("SCMP_ACT_ALLOW", {call({"mkdir"}, "SCMP_ACT_NOTIFY")});
    CHECK_THROWS_WITH(plan_seccomp(s), "SCMP_ACT_NOTIFY is used but linux.seccomp.listenerPath is not set");
    s.listenerPath = "/run/agent.sock";
    CHECK(plan_seccomp(s).notify);
    s.syscalls = {call({"mkdir", "sendmsg"}, "SCMP_ACT_NOTIFY")};
    CHECK_THROWS_WITH(plan_seccomp(s), Catch::Contains("SCMP_ACT_NOTIFY cannot be used for sendmsg"));
    CHECK_THROWS_WITH(plan_seccomp(profile("SCMP_ACT_NOTIFY")),
                      "defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
}

TEST_CASE("the container process state for the listener follows config-linux.md", "[seccomp]") {
    Seccomp s = profile("SCMP_ACT_ALLOW");
    s.listenerMetadata = "MKNOD=/dev/null";
    std::string state = R"({"ociVersion":"1.3.0","id":"c1","pid":4422,"status":"creating","bundle":"/b"})";
    CHECK(hull::container_process_state(s, state) ==
          R"({"ociVersion":"1.3.0","fds":["seccompFd"],"pid":4422,"metadata":"MKNOD=/dev/null","state":)" + state + "}");
    s.listenerMetadata.reset();
    CHECK(hull::container_process_state(s, state).find("metadata") == std::string::npos);
    CHECK_THROWS(hull::container_process_state(s, "not json"));
}

// A real filter: a child loads SCMP_ACT_NOTIFY for one syscall and hands us the fd, which
// forward_seccomp_listener passes on to a listener socket with the state.
TEST_CASE("a notify fd is forwarded to listenerPath with the state JSON", "[seccomp]") {
    char dir[] = "/tmp/hull-seccomp-test.XXXXXX";
    REQUIRE(::mkdtemp(dir));
    std::string path = std::string(dir) + "/agent.sock";
    hull::UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener.get(), 1) == 0);

    Seccomp s = profile("SCMP_ACT_ALLOW", {call({"getppid"}, "SCMP_ACT_NOTIFY")});
    s.listenerPath = path;
    s.listenerMetadata = "meta";

    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
    hull::UniqueFd ours(sv[0]), theirs(sv[1]);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int rc = 1;
        try {
            ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            hull::UniqueFd fd = hull::load_seccomp(plan_seccomp(s));
            if (fd) {
                hull::send_fd(theirs.get(), fd.get(), "notify");
                rc = 0;
            }
        } catch (...) {
        }
        ::_exit(rc);
    }
    theirs.reset();
    hull::UniqueFd notify = hull::receive_fd(ours.get());
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    char target[64] = {};
    REQUIRE(::readlink(("/proc/self/fd/" + std::to_string(notify.get())).c_str(), target, sizeof target - 1) > 0);
    CHECK(std::string(target) == "anon_inode:seccomp notify");

    std::string state = R"({"ociVersion":"1.3.0","id":"c1","pid":77,"status":"creating","bundle":"/b"})";
    hull::forward_seccomp_listener(s, state, notify.get());
    hull::UniqueFd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(conn);
    char buf[4096] = {};
    hull::UniqueFd got;
    iovec iov{buf, sizeof buf - 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(conn.get(), &msg, MSG_CMSG_CLOEXEC);
    REQUIRE(n > 0);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_type == SCM_RIGHTS) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
            got.reset(fd);
        }
    CHECK(std::string(buf, static_cast<size_t>(n)) == hull::container_process_state(s, state));
    REQUIRE(got);
    std::memset(target, 0, sizeof target);
    REQUIRE(::readlink(("/proc/self/fd/" + std::to_string(got.get())).c_str(), target, sizeof target - 1) > 0);
    CHECK(std::string(target) == "anon_inode:seccomp notify");
    char more;
    CHECK(::recv(conn.get(), &more, 1, 0) == 0);  // one state per connection, then closed

    ::unlink(path.c_str());
    ::rmdir(dir);
    s.listenerPath = std::string(dir) + "/missing.sock";
    CHECK_THROWS_WITH(hull::forward_seccomp_listener(s, state, notify.get()),
                      Catch::Contains("missing.sock\": connect: no such file or directory"));
}
