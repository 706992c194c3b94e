#include "runtime/child_process.hpp"

#include <linux/sched.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "util/error.hpp"
#include "util/fd.hpp"

namespace hull {

int clone_child(unsigned long flags, UniqueFd& pidfd, int cgroup_fd) {
    int fd = -1;
    clone_args args{};
    args.flags = flags | CLONE_PIDFD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    args.pidfd = reinterpret_cast<uint64_t>(&fd);
    args.exit_signal = SIGCHLD;
    std::fflush(stdout);
    std::fflush(stderr);
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) throw_errno("clone a child process");
    if (pid > 0) pidfd.reset(fd);
    return static_cast<int>(pid);
}

void reset_signal_dispositions() {
    // The kernel's struct sigaction: glibc's sigaction() refuses the signals it reserves.
    struct KernelSigaction {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)();
        uint64_t mask;
    } dfl{SIG_DFL, 0, nullptr, 0};
    for (int sig = 1; sig <= 64; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP) ::syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof(uint64_t));
}

int pidfd_open(int pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

bool pidfd_signal(int pidfd, int sig) { return ::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) == 0; }

bool wait_for_exit(int pid, int timeout_ms) {
    UniqueFd pidfd(pidfd_open(pid));
    if (!pidfd) return true;
    pollfd p{pidfd.get(), POLLIN, 0};
    int r;
    while ((r = ::poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {}
    return r > 0;
}

namespace {

// Our terminal in raw mode for as long as the relay runs.
class RawMode {
public:
    explicit RawMode(int fd) : fd_(fd) {
        if (!::isatty(fd) || ::tcgetattr(fd, &saved_) < 0) return;
        termios raw = saved_;
        ::cfmakeraw(&raw);
        active_ = ::tcsetattr(fd, TCSANOW, &raw) == 0;
    }
    ~RawMode() {
        if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
    }
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

void copy_window_size(int from, int to) {
    winsize ws;
    if (::ioctl(from, TIOCGWINSZ, &ws) == 0) ::ioctl(to, TIOCSWINSZ, &ws);
}

// Move what is readable on from to to; false at end of file or error.
bool pump(int from, int to) {
    char buf[16384];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n <= 0) return n < 0 && (errno == EINTR || errno == EAGAIN);
    for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        off += w;
    }
    return true;
}

int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

}  // namespace

int wait_forwarding_signals(int pid, int pidfd, int master) {
    sigset_t set;
    sigfillset(&set);
    for (int s : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigdelset(&set, s);
    sigset_t old;
    sigprocmask(SIG_BLOCK, &set, &old);
    UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!sfd) throw_errno("signalfd");
    std::optional<RawMode> raw;
    bool stdin_open = master >= 0, master_open = master >= 0;
    if (master >= 0) {
        raw.emplace(STDIN_FILENO);
        copy_window_size(STDIN_FILENO, master);
    }
    for (;;) {
        pollfd fds[4] = {{pidfd, POLLIN, 0}, {sfd.get(), POLLIN, 0},
                         {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}, {master_open ? master : -1, POLLIN, 0}};
        if (::poll(fds, 4, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo si;
            if (::read(sfd.get(), &si, sizeof si) == sizeof si) {
                int sig = static_cast<int>(si.ssi_signo);
                if (sig == SIGWINCH && master >= 0) copy_window_size(STDIN_FILENO, master);
                else if (sig != SIGCHLD) ::kill(pid, sig);
            }
        }
        if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) stdin_open = pump(STDIN_FILENO, master);
        if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) master_open = pump(master, STDOUT_FILENO);
        if (fds[0].revents & POLLIN) {
            int status = 0;
            while (::waitpid(pid, &status, 0) < 0) {
                if (errno != EINTR) throw_errno("wait for the container process");
            }
            if (master_open) {  // what the process wrote just before it exited
                ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
                for (;;) {
                    errno = 0;
                    if (!pump(master, STDOUT_FILENO) || errno == EAGAIN) break;
                }
            }
            sigprocmask(SIG_SETMASK, &old, nullptr);
            return exit_code(status);
        }
    }
}

}  // namespace hull
