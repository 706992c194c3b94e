#include "runtime/hooks.hpp"

#include "runtime/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/signals.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/log.hpp"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace hull {

namespace {

// How much of the end of a hook's stderr is kept to quote its last line.
constexpr size_t kTailMax = 4096;
// What is still read from stderr once the hook has exited (its descendants may keep writing).
constexpr size_t kDrainMax = 1 << 20;

// fd moved above the standard descriptors, so that the child's dup2 onto 0 and 2 cannot clobber
// it even when hull was started with some of them closed. Close-on-exec stays set.
UniqueFd above_stdio(UniqueFd fd) {
    if (fd.get() > STDERR_FILENO) return fd;
    int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0) throw_errno("fcntl F_DUPFD_CLOEXEC");
    return UniqueFd(moved);
}

struct Pipe {
    UniqueFd read, write;
};

Pipe make_pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe2");
    UniqueFd r(p[0]), w(p[1]);
    return {above_stdio(std::move(r)), above_stdio(std::move(w))};
}

void set_nonblocking(int fd) {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) throw_errno("fcntl O_NONBLOCK");
}

// All signals blocked for the scope (across fork: the child must not run hull's handlers before
// it has reset them).
class AllSignalsBlocked {
public:
    AllSignalsBlocked() {
        sigset_t all;
        sigfillset(&all);
        ::sigprocmask(SIG_BLOCK, &all, &old_);
    }
    ~AllSignalsBlocked() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }
    AllSignalsBlocked(const AllSignalsBlocked&) = delete;
    AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

private:
    sigset_t old_;
};

// SIGPIPE blocked while we write the state to a hook that may exit without reading it: the write
// fails with EPIPE instead. A SIGPIPE that this raised is taken off the pending set before the
// mask is restored, so it is never delivered late.
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        ::sigprocmask(SIG_BLOCK, &pipe_, &old_);
        sigset_t pending;
        was_pending_ = ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    }
    ~SigpipeBlocked() {
        sigset_t pending;
        if (!was_pending_ && ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
            timespec zero{};
            ::sigtimedwait(&pipe_, nullptr, &zero);
        }
        ::sigprocmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    sigset_t pipe_, old_;
    bool was_pending_ = false;
};

// What the child reports on its status pipe when it cannot exec.
enum ChildStage : int { stage_stdio = 1, stage_exec = 2 };

[[noreturn]] void child_fail(int status_fd, int stage) {
    int msg[2] = {stage, errno};
    ssize_t unused = ::write(status_fd, msg, sizeof msg);
    (void)unused;
    ::_exit(127);
}

// Every descriptor from 3 up close-on-exec; close_range where the kernel has it (5.11).
void cloexec_from_3() {
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    rlimit rl{};
    long max = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? static_cast<long>(rl.rlim_cur)
                                                                                      : 1L << 20;
    for (long fd = 3; fd < max; ++fd) {
        int fl = ::fcntl(static_cast<int>(fd), F_GETFD);
        if (fl >= 0 && !(fl & FD_CLOEXEC)) ::fcntl(static_cast<int>(fd), F_SETFD, fl | FD_CLOEXEC);
    }
}

// In the forked child (all signals blocked): stdio, descriptors, signals, exec. Only
// async-signal-safe calls; argv and envp were built before the fork.
[[noreturn]] void exec_child(int stdin_fd, int stderr_fd, int status_fd, const char* path, char* const argv[],
                             char* const envp[]) {
    reset_signal_dispositions();

    if (::dup2(stdin_fd, STDIN_FILENO) < 0 || ::dup2(stderr_fd, STDERR_FILENO) < 0) child_fail(status_fd, stage_stdio);
    int fl = ::fcntl(STDOUT_FILENO, F_GETFD);  // stdout is inherited as it is, but never close-on-exec
    if (fl >= 0 && (fl & FD_CLOEXEC)) ::fcntl(STDOUT_FILENO, F_SETFD, fl & ~FD_CLOEXEC);
    cloexec_from_3();

    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(path, argv, envp);
    child_fail(status_fd, stage_exec);
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// Reap the child behind pidfd; its siginfo.
siginfo_t reap(int pidfd) {
    siginfo_t info{};
    while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED) < 0) {
        if (errno != EINTR) throw_errno("wait for the hook");
    }
    return info;
}

void kill_and_reap(int pidfd) {
    ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
    try {
        reap(pidfd);
    } catch (const Error&) {
    }
}

void write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;  // our stderr is gone or full: the copy is best effort, the tail is kept anyway
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
}

// The hook's stderr: copied to ours as it comes, the end kept in tail.
class StderrTee {
public:
    explicit StderrTee(UniqueFd fd) : fd_(std::move(fd)) {}
    int fd() const { return fd_ ? fd_.get() : -1; }

    // Read what is there; closes at end of file. Returns the bytes read (0 when none or closed).
    size_t pump() {
        if (!fd_) return 0;
        char buf[16384];
        ssize_t n = ::read(fd_.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno != EINTR && errno != EAGAIN) fd_.reset();
            return 0;
        }
        if (n == 0) {
            fd_.reset();
            return 0;
        }
        write_all(STDERR_FILENO, buf, static_cast<size_t>(n));
        tail_.append(buf, static_cast<size_t>(n));
        if (tail_.size() > kTailMax) tail_.erase(0, tail_.size() - kTailMax);
        return static_cast<size_t>(n);
    }

    // After the hook exited: what is already in the pipe, without waiting for end of file (a
    // descendant may hold the pipe open for ever).
    void drain() {
        size_t total = 0;
        while (fd_ && total < kDrainMax) {
            size_t n = pump();
            if (n == 0) break;
            total += n;
        }
        fd_.reset();
    }

    std::string last_line() const {
        size_t end = tail_.find_last_not_of(" \t\r\n");
        if (end == std::string::npos) return "";
        size_t start = tail_.rfind('\n', end);
        start = start == std::string::npos ? 0 : start + 1;
        return tail_.substr(start, end + 1 - start);
    }

private:
    UniqueFd fd_;
    std::string tail_;
};

std::string with_stderr(std::string msg, const StderrTee& err) {
    std::string line = err.last_line();
    if (!line.empty()) msg += ": " + line;
    return msg;
}

}  // namespace

void run_hook(const oci::Hook& hook, const char* kind, const std::string& state_json) {
    const std::string what = std::string(kind) + " hook \"" + hook.path + "\"";
    if (hook.path.empty() || hook.path[0] != '/') throw Error(what + ": path must be absolute");
    if (hook.timeout && *hook.timeout <= 0) throw Error(what + ": timeout must be greater than zero");
    log::debug("running " + what);

    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    std::vector<char*> argv = c_strings(args);
    std::vector<char*> envp = c_strings(hook.env);

    Pipe in = make_pipe(), err = make_pipe(), status = make_pipe();
    set_nonblocking(in.write.get());  // only our ends: the hook sees ordinary blocking pipes
    set_nonblocking(err.read.get());

    SigpipeBlocked no_sigpipe;
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid;
    {
        AllSignalsBlocked blocked;
        pid = ::fork();
        if (pid == 0) exec_child(in.read.get(), err.write.get(), status.write.get(), hook.path.c_str(), argv.data(),
                                 envp.data());
    }
    if (pid < 0) throw_errno("fork " + what);
    in.read.reset();
    err.write.reset();
    status.write.reset();

    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) {
        int e = errno;
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {}
        throw Error("pidfd_open for " + what, e);
    }

    // The child closes the status pipe by exec'ing, or writes why it could not.
    int report[2] = {0, 0};
    ssize_t got;
    while ((got = ::read(status.read.get(), report, sizeof report)) < 0 && errno == EINTR) {}
    if (got == static_cast<ssize_t>(sizeof report)) {
        reap(pidfd.get());
        throw Error((report[0] == stage_exec ? "exec " : "set up stdio of ") + what, report[1]);
    }
    status.read.reset();

    using Clock = std::chrono::steady_clock;
    const bool timed = hook.timeout.has_value();
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(timed ? *hook.timeout : 0);
    StderrTee tee(std::move(err.read));
    size_t written = 0;
    if (state_json.empty()) in.write.reset();

    for (;;) {
        int wait_ms = -1;
        if (timed) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) {
                kill_and_reap(pidfd.get());
                tee.drain();
                throw Error(what + " timed out after " + std::to_string(*hook.timeout) + " seconds");
            }
            wait_ms = static_cast<int>(std::min<long long>(left, 1 << 30));
        }
        pollfd fds[3] = {{pidfd.get(), POLLIN, 0}, {tee.fd(), POLLIN, 0}, {in.write ? in.write.get() : -1, POLLOUT, 0}};
        int r = ::poll(fds, 3, wait_ms);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            kill_and_reap(pidfd.get());
            throw Error("poll for " + what, e);
        }
        if (fds[2].revents) {
            ssize_t w = ::write(in.write.get(), state_json.data() + written, state_json.size() - written);
            if (w > 0) written += static_cast<size_t>(w);
            // Done, or the hook closed its stdin (EPIPE): either way nothing more to give it.
            if (written == state_json.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) in.write.reset();
        }
        if (fds[1].revents) tee.pump();
        if (fds[0].revents & POLLIN) break;
    }

    in.write.reset();
    siginfo_t info = reap(pidfd.get());
    tee.drain();
    if (info.si_code == CLD_EXITED) {
        if (info.si_status != 0)
            throw Error(with_stderr(what + " exited with status " + std::to_string(info.si_status), tee));
        return;
    }
    std::string sig = signal_name(info.si_status);
    if (sig.empty()) sig = std::to_string(info.si_status);
    throw Error(with_stderr(what + " was killed by signal " + sig, tee));
}

void run_hooks(const std::vector<oci::Hook>& hooks, const char* kind, const std::string& state_json) {
    for (const oci::Hook& h : hooks) run_hook(h, kind, state_json);
}

void run_hooks_warn(const std::vector<oci::Hook>& hooks, const char* kind, const std::string& state_json) {
    for (const oci::Hook& h : hooks) {
        try {
            run_hook(h, kind, state_json);
        } catch (const std::exception& e) {
            log::warn(e.what());
        }
    }
}

}  // namespace hull
