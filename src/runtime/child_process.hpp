// Child processes of hull: cloned with namespaces and a pidfd, waited for, signalled.
#pragma once
#include "util/fd.hpp"

namespace hull {

// fork() with namespaces: clone3 gives the child the new namespaces in flags and the parent a
// pidfd; with cgroup_fd >= 0 the child starts in that cgroup (CLONE_INTO_CGROUP). Returns 0 in
// the child, the pid in the parent.
int clone_child(unsigned long flags, UniqueFd& pidfd, int cgroup_fd = -1);
int pidfd_open(int pid);
// Every signal back to its default action, glibc's internal ones (32, 33) included: what hull
// was started with ignored must not reach a container or hook. Async-signal-safe.
void reset_signal_dispositions();  // -1 with errno when pid is gone
bool pidfd_signal(int pidfd, int sig);

// Wait (up to timeout_ms, -1 forever) for any pid (not only our children) to exit.
bool wait_for_exit(int pid, int timeout_ms);

// Forward every catchable signal hull gets to pid until it exits (pidfd readable); returns
// its exit status, or 128+N when it was killed by signal N (as runc and shells report it).
// With a terminal master (>= 0), also relay our stdin to it and its output to our stdout, with
// our terminal in raw mode and its window size passed on (SIGWINCH resizes instead).
int wait_forwarding_signals(int pid, int pidfd, int terminal_master = -1);

}  // namespace hull
