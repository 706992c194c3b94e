#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/container_options.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

namespace hull::cli {

namespace {

// Forward the signals hull gets to the container's init until it exits; its exit status.
int wait_forwarding_signals(const CreatedContainer& c) {
    sigset_t set;
    sigfillset(&set);
    for (int s : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigdelset(&set, s);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!sfd) throw_errno("signalfd");
    for (;;) {
        pollfd fds[2] = {{c.pidfd(), POLLIN, 0}, {sfd.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo si;
            if (::read(sfd.get(), &si, sizeof si) == sizeof si && si.ssi_signo != SIGCHLD)
                ::kill(c.pid(), static_cast<int>(si.ssi_signo));
        }
        if (fds[0].revents & POLLIN) {
            int status = 0;
            while (::waitpid(c.pid(), &status, 0) < 0) {
                if (errno != EINTR) throw_errno("wait for the container");
            }
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            return 255;
        }
    }
}

}  // namespace

int cmd_run(const GlobalOptions& g, const Args& argv) {
    std::vector<OptionSpec> options = create_option_specs();
    options.push_back({"detach", 'd', nullptr, "return once the container has started"});
    static const CommandSpec spec = {"run", "<container-id>",
                                     "Create and start a container; without --detach wait for it and exit with its status.",
                                     options, 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    CreateOptions opts = create_options(g, *p);
    return with_context("run \"" + opts.id + "\"", [&] {
        CreatedContainer c = CreatedContainer::create(opts, StartGate::socket);
        c.start();
        c.commit();
        if (p->has("detach")) return 0;
        int status = wait_forwarding_signals(c);
        c.dir().lock();
        c.dir().remove();  // a container that `run` waited for is deleted when it exits, as runc does
        return status;
    });
}

}  // namespace hull::cli
