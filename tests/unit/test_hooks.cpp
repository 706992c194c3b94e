#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "runtime/hooks.hpp"
#include "util/error.hpp"

using hull::oci::Hook;
using hull::run_hook;
using hull::run_hooks;

namespace {

// A scratch directory removed at the end of the test.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/hull-hooks.XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Hook sh(const std::string& script, std::vector<std::string> env = {}) {
    Hook h;
    h.path = "/bin/sh";
    h.args = {"sh", "-c", script};
    h.env = std::move(env);
    return h;
}

// Our stderr into a file for the scope.
class CaptureStderr {
public:
    explicit CaptureStderr(const std::string& path) {
        saved_ = ::dup(STDERR_FILENO);
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~CaptureStderr() {
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
    }

private:
    int saved_;
};

const std::string kState = R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":42,"bundle":"/b"})";

}  // namespace

TEST_CASE("a hook gets the state on stdin, then end of file", "[hooks]") {
    TempDir d;
    run_hooks({sh("cat > \"$OUT\"; echo done >> \"$OUT\"", {"OUT=" + d.file("state")})}, "createRuntime", kState);
    CHECK(slurp(d.file("state")) == kState + "done\n");
}

TEST_CASE("a hook gets exactly its env, and none when it has none", "[hooks]") {
    TempDir d;
    ::setenv("HULL_TEST_LEAK", "1", 1);
    run_hook(sh("exec /usr/bin/env > " + d.file("env"), {"A=1", "B=two words"}), "prestart", kState);
    ::unsetenv("HULL_TEST_LEAK");
    std::string env = slurp(d.file("env"));
    CHECK(env.find("A=1\n") != std::string::npos);
    CHECK(env.find("B=two words\n") != std::string::npos);
    CHECK(env.find("HULL_TEST_LEAK") == std::string::npos);
    // dash adds PWD itself; nothing else may be there.
    std::istringstream lines(env);
    for (std::string line; std::getline(lines, line);)
        CHECK((line == "A=1" || line == "B=two words" || line.rfind("PWD=", 0) == 0));

    // No env at all: /usr/bin/env started directly prints nothing.
    Hook bare;
    bare.path = "/bin/sh";
    bare.args = {"sh", "-c", "exec /usr/bin/env > " + d.file("none")};
    run_hook(bare, "prestart", kState);
    std::string none = slurp(d.file("none"));
    CHECK((none.empty() || none.rfind("PWD=", 0) == 0));
}

TEST_CASE("args[0] is argv[0]; with no args argv is [path]", "[hooks]") {
    TempDir d;
    Hook named = sh("tr '\\0' ' ' < /proc/$$/cmdline > " + d.file("argv"));
    named.args[0] = "my-hook";
    run_hook(named, "poststart", kState);
    CHECK(slurp(d.file("argv")).rfind("my-hook -c ", 0) == 0);

    // /bin/sh with no arguments reads its script from stdin: the state is the script.
    Hook bare;
    bare.path = "/bin/sh";
    run_hook(bare, "poststart", "tr '\\0' '|' < /proc/$$/cmdline > " + d.file("bare") + "\n");
    CHECK(slurp(d.file("bare")) == "/bin/sh|");
}

TEST_CASE("a non-zero exit fails with the status and the last line of stderr", "[hooks]") {
    TempDir d;
    std::string msg;
    {
        CaptureStderr cap(d.file("stderr"));
        try {
            run_hooks({sh("true"), sh("echo first >&2; echo 'it broke' >&2; echo >&2; exit 3"), sh("touch " + d.file("third"))},
                      "createContainer", kState);
        } catch (const hull::Error& e) {
            msg = e.what();
        }
    }
    CHECK(msg == "createContainer hook \"/bin/sh\" exited with status 3: it broke");
    CHECK(slurp(d.file("stderr")) == "first\nit broke\n\n");  // teed through to our stderr
    CHECK(::access(d.file("third").c_str(), F_OK) != 0);        // the hooks after it do not run

    CHECK_THROWS_WITH(run_hook(sh("exit 1"), "prestart", kState), "prestart hook \"/bin/sh\" exited with status 1");
    CHECK_THROWS_WITH(run_hook(sh("kill -SEGV $$"), "prestart", kState),
                      "prestart hook \"/bin/sh\" was killed by signal SIGSEGV");
}

TEST_CASE("a hook past its timeout is killed", "[hooks]") {
    Hook h;
    h.path = "/bin/sleep";
    h.args = {"sleep", "10"};
    h.timeout = 1;
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(run_hook(h, "poststart", kState), "poststart hook \"/bin/sleep\" timed out after 1 seconds");
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(s >= 0.9);
    CHECK(s < 2.5);

    h.args = {"sleep", "0.1"};
    h.timeout = 5;
    CHECK_NOTHROW(run_hook(h, "poststart", kState));
}

TEST_CASE("a missing binary or a relative path is reported", "[hooks]") {
    Hook h;
    h.path = "/nonexistent/hook";
    CHECK_THROWS_WITH(run_hook(h, "prestart", kState), "exec prestart hook \"/nonexistent/hook\": no such file or directory");
    h.path = "relative/hook";
    CHECK_THROWS_WITH(run_hook(h, "prestart", kState), "prestart hook \"relative/hook\": path must be absolute");
    h.path = "/bin/true";
    h.timeout = 0;
    CHECK_THROWS_WITH(run_hook(h, "prestart", kState), "prestart hook \"/bin/true\": timeout must be greater than zero");
}

TEST_CASE("a hook gets no descriptor of ours, no blocked or ignored signal", "[hooks]") {
    TempDir d;
    int leaked = ::open("/dev/null", O_RDONLY);  // not close-on-exec
    REQUIRE(leaked >= 3);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGUSR1);
    ::sigprocmask(SIG_BLOCK, &block, &old);
    struct sigaction ign {}, old_int {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGINT, &ign, &old_int);

    // exec: the hook process itself looks (dash blocks every signal for a while around the
    // commands it forks, so it is not the one to ask).
    run_hook(sh("exec grep -E '^Sig(Blk|Ign)' /proc/self/status > " + d.file("sig")), "createRuntime", kState);
    run_hook(sh("exec ls /proc/self/fd > " + d.file("fds")), "createRuntime", kState);

    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    ::close(leaked);
    CHECK(slurp(d.file("fds")) == "0\n1\n2\n3\n");  // 3: the directory ls reads
    CHECK(slurp(d.file("sig")) == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST_CASE("a hook may ignore a large state; a descendant holding stderr does not hold us", "[hooks]") {
    Hook t;
    t.path = "/bin/true";
    CHECK_NOTHROW(run_hook(t, "poststop", std::string(4 << 20, 'x')));  // no SIGPIPE, no hang

    auto start = std::chrono::steady_clock::now();
    CHECK_NOTHROW(run_hook(sh("sleep 3 & exit 0"), "poststop", kState));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("poststop hooks: a failure is a warning and the next hook runs", "[hooks]") {
    TempDir d;
    {
        CaptureStderr cap(d.file("stderr"));
        CHECK_NOTHROW(hull::run_hooks_warn({sh("exit 2"), sh("touch " + d.file("second"))}, "poststop", kState));
    }
    CHECK(::access(d.file("second").c_str(), F_OK) == 0);
}
