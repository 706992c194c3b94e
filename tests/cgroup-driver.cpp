// A test-only driver of hull's cgroup managers for tests/integration/cgroups.sh:
//   cgroup-driver [--systemd] [--rootless] create ID CONFIG.JSON [PID]
//       prints the saved state; with PID, adds that process right away (as hull's create does:
//       the systemd driver starts its unit then, with the config's resources)
//   cgroup-driver add STATE PID                 (add and run rewrite STATE: a systemd unit
//                                                starts with its first process)
//   cgroup-driver run STATE [--cgroupns|--clone-newcgroup] -- CMD ARGS...
//       clone3 (with CLONE_INTO_CGROUP when the manager gives a cgroup fd, else add_process
//       before the child goes on), then exec CMD; prints "exit N" or "signal N"
//   cgroup-driver update STATE CONFIG.JSON      (linux.resources of that config)
//   cgroup-driver freeze|thaw|frozen|pids|stats|path|driver|destroy STATE
//   cgroup-driver kill STATE SIGNUM
//   cgroup-driver add-to STATE PID SUB           (exec --cgroup)
//   cgroup-driver oom STATE                      (OOM kills so far, or "none")
// STATE is a file holding what `create` printed. Errors: "cgroup-driver: <message>", exit 1.
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "libocispec/config.hpp"
#include "runtime/cgroups/manager.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

using namespace hull;

namespace {

[[noreturn]] void usage() {
    std::cerr << "usage: cgroup-driver [--systemd] [--rootless] create ID CONFIG [PID] | add STATE PID | run STATE "
                 "[--cgroupns|--clone-newcgroup] -- CMD... | update STATE CONFIG | freeze|thaw|frozen|pids|stats|"
                 "path|driver|destroy STATE | kill STATE SIGNUM\n";
    std::exit(2);
}

std::unique_ptr<cgroups::Manager> load(const std::string& state) { return cgroups::load_manager(read_file(state)); }

template <typename F>
int run(cgroups::Manager& m, bool child_unshare, bool clone_newcgroup, std::vector<char*> argv, F&& resave) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd rd(fds[0]), wr(fds[1]);
    int cgfd = m.cgroup_fd_for_clone3();
    clone_args args{};
    args.exit_signal = SIGCHLD;
    if (cgfd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<uint64_t>(cgfd);
    }
    if (clone_newcgroup) args.flags |= CLONE_NEWCGROUP;
    std::fflush(stdout);
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) throw_errno("clone3");
    if (pid == 0) {
        wr.reset();
        char c;
        if (::read(rd.get(), &c, 1) != 1) _exit(120);
        if (child_unshare && ::unshare(CLONE_NEWCGROUP) < 0) {
            std::perror("unshare(CLONE_NEWCGROUP)");
            _exit(121);
        }
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        std::perror(argv[0]);
        _exit(127);
    }
    rd.reset();
    try {
        if (cgfd < 0) m.add_process(static_cast<int>(pid));
    } catch (...) {
        ::kill(static_cast<int>(pid), SIGKILL);
        ::waitpid(static_cast<int>(pid), nullptr, 0);
        throw;
    }
    resave();
    if (::write(wr.get(), "x", 1) != 1) throw_errno("release the child");
    wr.reset();
    int status = 0;
    while (::waitpid(static_cast<int>(pid), &status, 0) < 0)
        if (errno != EINTR) throw_errno("waitpid");
    if (WIFSIGNALED(status))
        std::printf("signal %d\n", WTERMSIG(status));
    else
        std::printf("exit %d\n", WEXITSTATUS(status));
    return 0;
}

int main2(int argc, char** argv) {
    std::vector<std::string> a(argv + 1, argv + argc);
    bool systemd = false, rootless = false;
    while (!a.empty() && a[0].rfind("--", 0) == 0) {
        if (a[0] == "--systemd") systemd = true;
        else if (a[0] == "--rootless") rootless = true;
        else usage();
        a.erase(a.begin());
    }
    if (a.size() < 2) usage();
    const std::string& cmd = a[0];
    if (cmd == "create") {
        if (a.size() != 3 && a.size() != 4) usage();
        oci::Spec spec = oci::load_spec(a[2]);
        cgroups::CgroupConfig cfg;
        cfg.id = a[1];
        cfg.systemd = systemd;
        cfg.rootless = rootless;
        if (spec.linux) {
            cfg.cgroups_path = spec.linux->cgroupsPath;
            if (spec.linux->resources) cfg.resources = &*spec.linux->resources;
        }
        cfg.annotations = spec.annotations;
        auto m = cgroups::make_manager(cfg);
        m->create();
        if (a.size() == 4) m->add_process(std::stoi(a[3]));
        std::printf("%s\n", m->save().c_str());
        return 0;
    }
    auto m = load(a[1]);
    // The systemd driver starts its unit with the first process: keep what it knows then.
    auto resave = [&] { write_file_atomic(a[1], m->save() + "\n"); };
    if (cmd == "add" && a.size() == 3) {
        m->add_process(std::stoi(a[2]));
        resave();
    } else if (cmd == "run") {
        bool unshare_ns = false, clone_ns = false;
        size_t i = 2;
        for (; i < a.size() && a[i] != "--"; ++i) {
            if (a[i] == "--cgroupns") unshare_ns = true;
            else if (a[i] == "--clone-newcgroup") clone_ns = true;
            else usage();
        }
        if (i + 1 >= a.size()) usage();
        // a[j] is argv[j + 1 + the number of leading flags]
        size_t flags = static_cast<size_t>(argc - 1) - a.size();
        std::vector<char*> args;
        for (size_t k = i + 2 + flags; k < static_cast<size_t>(argc); ++k) args.push_back(argv[k]);
        return run(*m, unshare_ns, clone_ns, args, resave);
    } else if (cmd == "update" && a.size() == 3) {
        oci::Spec spec = oci::load_spec(a[2]);
        m->update(spec.linux && spec.linux->resources ? *spec.linux->resources : oci::Resources{});
    } else if (cmd == "freeze") {
        m->freeze();
    } else if (cmd == "thaw") {
        m->thaw();
    } else if (cmd == "frozen") {
        std::printf("%s\n", m->frozen() ? "true" : "false");
    } else if (cmd == "pids") {
        for (int p : m->pids()) std::printf("%d\n", p);
    } else if (cmd == "stats") {
        std::printf("%s\n", cgroups::stats_to_json(m->stats()).c_str());
    } else if (cmd == "path") {
        std::printf("%s\n", m->path().c_str());
    } else if (cmd == "driver") {
        std::printf("%s\n", cgroups::driver_name(m->driver()));
    } else if (cmd == "destroy") {
        m->destroy();
    } else if (cmd == "add-to" && a.size() == 4) {
        m->add_process_to(std::stoi(a[2]), a[3]);
    } else if (cmd == "oom") {
        auto n = m->oom_kill_count();
        std::printf("%s\n", n ? std::to_string(*n).c_str() : "none");
    } else if (cmd == "kill" && a.size() == 3) {
        m->kill_all(std::stoi(a[2]));
    } else {
        usage();
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return main2(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cgroup-driver: %s\n", e.what());
        return 1;
    }
}
