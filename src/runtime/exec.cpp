#include "runtime/exec.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocispec/config.hpp"
#include "runtime/child_process.hpp"
#include "runtime/container.hpp"
#include "runtime/lsm.hpp"
#include "runtime/namespaces.hpp"
#include "runtime/process_attrs.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/seccomp.hpp"
#include "runtime/state_store.hpp"
#include "runtime/sync.hpp"
#include "runtime/terminal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull {

namespace {

// The container's namespaces, opened through its init: user first, mount last.
std::vector<OpenedNamespace> open_container_namespaces(int pid, const oci::Linux& lx) {
    std::vector<OpenedNamespace> out;
    unsigned long present = 0;
    for (auto& ns : lx.namespaces) present |= namespace_kind(ns.type).flag;
    for (auto& kind : namespace_kinds()) {
        if (!(present & kind.flag)) continue;
        std::string path = "/proc/" + std::to_string(pid) + "/ns/" + kind.proc;
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + path);
        out.push_back({&kind, std::move(fd)});
    }
    return out;
}

// The exec'd process, in the container's namespaces: its own settings, then execve.
[[noreturn]] void exec_in_namespaces(const ExecOptions& opts, const oci::Linux& lx, bool in_user_ns, int sync_fd,
                                     int console_fd) {
    if (console_fd >= 0) {
        if (::setsid() < 0) throw_errno("setsid");
        setup_terminal(console_fd, opts.process.consoleSize);
    }
    ProcessContext pctx{sync_fd, in_user_ns, opts.preserve_fds};
    pctx.initial_affinity_done = true;
    PreparedProcess prepared = prepare_process(opts.process, lx, pctx);
    exec_prepared(prepared, opts.process, lx, pctx);
}

// fork(), but the child is our parent's (CLONE_PARENT; clone3 wants exit_signal 0 with it:
// the child signals the parent as we do).
int fork_sibling() {
    clone_args args{};
    args.flags = CLONE_PARENT;
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) throw_errno("fork the exec'd process into the container's pid namespace");
    return static_cast<int>(pid);
}

// The child of hull. Joins the namespaces, user first. With a user namespace it joins the pid
// namespace too (hull may lack CAP_SYS_ADMIN in its own user namespace for that, when rootless)
// and forks the process into it as hull's child (CLONE_PARENT); pid_pipe gets its pid.
[[noreturn]] void exec_child(const ExecOptions& opts, const oci::Spec& spec, const std::vector<OpenedNamespace>& nss,
                             int sync_fd, int console_fd, int pid_pipe) {
    try {
        reset_signal_dispositions();
        expect_message(sync_fd, SyncMsg::parent_setup_done);  // in the container's cgroup now
        static const oci::Linux no_linux;
        const oci::Linux& lx = spec.linux ? *spec.linux : no_linux;
        bool in_user_ns = false;
        for (auto& ns : nss) {
            if (ns.kind->flag == CLONE_NEWPID && pid_pipe < 0) continue;  // joined by the parent for us
            join_namespace(ns);
            in_user_ns = in_user_ns || ns.kind->flag == CLONE_NEWUSER;
        }
        if (pid_pipe >= 0) {
            int pid = fork_sibling();
            if (pid == 0) {
                ::close(pid_pipe);
                exec_in_namespaces(opts, lx, in_user_ns, sync_fd, console_fd);
            }
            if (::write(pid_pipe, &pid, sizeof pid) != sizeof pid) throw_errno("send the exec'd process's pid to hull");
            ::_exit(0);
        }
        exec_in_namespaces(opts, lx, in_user_ns, sync_fd, console_fd);
    } catch (const std::exception& e) {
        try {
            send_message(sync_fd, SyncMsg::error, e.what());
        } catch (...) {
        }
    }
    ::_exit(255);
}

}  // namespace

oci::Spec load_container_spec(const std::string& root, const std::string& id) {
    ContainerDir dir = ContainerDir::open_unlocked(root, id);
    return oci::load_spec(dir.file("config.json"));
}

int exec_in_container(const ExecOptions& opts) {
    ContainerDir dir = ContainerDir::open_unlocked(opts.root, opts.id);
    if (!dir.has_state()) throw Error("container does not exist");
    oci::State st = container_state(dir);
    if (st.status == "stopped") throw Error("cannot exec in a stopped container");
    if (st.status == "paused") throw Error("cannot exec in a paused container");
    oci::Spec spec = oci::load_spec(dir.file("config.json"));
    check_lsm_support(opts.process, nullptr);
    static const oci::Linux no_linux;
    std::vector<OpenedNamespace> nss = open_container_namespaces(st.pid, spec.linux ? *spec.linux : no_linux);

    UniqueFd console, relay;
    if (opts.process.terminal) console = open_console(opts.console_socket, !opts.detach, relay);
    bool has_user = false;
    for (auto& ns : nss) has_user = has_user || ns.kind->flag == CLONE_NEWUSER;
    UniqueFd pid_read, pid_write;
    for (auto& ns : nss) {
        if (ns.kind->flag != CLONE_NEWPID) continue;
        if (!has_user) {
            join_namespace(ns);  // our children are born in it
            continue;
        }
        int p[2];
        if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
        pid_read.reset(p[0]);
        pid_write.reset(p[1]);
    }

    auto [parent_end, child_end] = sync_socketpair();
    UniqueFd pidfd;
    int pid = clone_child(0, pidfd);
    if (pid == 0) {
        parent_end.reset();
        pid_read.reset();
        exec_child(opts, spec, nss, child_end.get(), console.get(), pid_write ? pid_write.get() : -1);
    }
    child_end.reset();
    console.reset();
    pid_write.reset();
    try {
        apply_initial_cpu_affinity(opts.process, pid);  // before the cgroup's cpuset applies
        if (auto cg = load_cgroup(dir)) {
            if (opts.sub_cgroup.empty())
                cg->add_process(pid);
            else
                cg->add_process_to(pid, opts.sub_cgroup);
        } else if (!opts.sub_cgroup.empty()) {
            throw Error("--cgroup " + opts.sub_cgroup + ": the container has no cgroup");
        }
        send_message(parent_end.get(), SyncMsg::parent_setup_done);
    } catch (...) {
        pidfd_signal(pidfd.get(), SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw;
    }
    if (pid_read) {
        // The child forked the process into the pid namespace (our child too) and exits.
        int forked = 0;
        ssize_t n;
        while ((n = ::read(pid_read.get(), &forked, sizeof forked)) < 0 && errno == EINTR) {}
        ::waitpid(pid, nullptr, 0);
        if (n != sizeof forked) {
            std::optional<Message> m = try_receive_message(parent_end.get());
            throw Error(m && m->type == SyncMsg::error ? m->payload : "the exec'd process exited during set-up");
        }
        pid = forked;
        pidfd.reset(pidfd_open(pid));
        if (!pidfd) throw_errno("open the exec'd process " + std::to_string(pid));
    }
    // The socket closes on exec: end of file means the program runs. Before that the process
    // may hand over its seccomp notify fd; any other message is an error.
    auto kill_child = [&] {
        pidfd_signal(pidfd.get(), SIGKILL);
        ::waitpid(pid, nullptr, 0);
    };
    while (std::optional<Message> m = try_receive_message(parent_end.get())) {
        if (m->type == SyncMsg::seccomp_notify_fd && m->fd && spec.linux && spec.linux->seccomp) {
            oci::State s = st;
            s.pid = pid;  // the exec'd process, as runc sends it
            try {
                with_context("seccomp listener", [&] {
                    forward_seccomp_listener(*spec.linux->seccomp, oci::write_state(s, false), m->fd.get());
                });
            } catch (...) {
                kill_child();
                throw;
            }
            m->fd.reset();  // the listener holds it now: our copy would keep notified calls waiting
            send_message(parent_end.get(), SyncMsg::seccomp_done);
            continue;
        }
        kill_child();
        throw Error(m->type == SyncMsg::error ? m->payload : "unexpected message from the exec'd process");
    }
    if (!opts.pid_file.empty())
        with_context("write pid file", [&] { write_file_atomic(absolute_path(opts.pid_file), std::to_string(pid)); });
    if (opts.detach) return 0;
    UniqueFd master;
    if (relay) master = receive_fd(relay.get());
    return wait_forwarding_signals(pid, pidfd.get(), master.get());
}

}  // namespace hull
