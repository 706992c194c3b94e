// The container's init process: a fork of hull that sets itself up, step by step, and execs
// the container's program. Every error goes back to hull over the sync socket.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "runtime/child_process.hpp"
#include "runtime/container.hpp"
#include "runtime/hooks.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/rootfs.hpp"
#include "runtime/sync.hpp"
#include "runtime/terminal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace hull {

namespace {

void become_root_in_user_ns() {
    if (::setresgid(0, 0, 0) < 0) throw_errno("setgid 0 in the user namespace");
    if (::setresuid(0, 0, 0) < 0) throw_errno("setuid 0 in the user namespace");
}

void join_namespaces(const InitContext& c) {
    for (auto& ns : c.joins)
        if (ns.kind->flag != CLONE_NEWPID) join_namespace(ns);  // pid: hull joined it for us
}

void create_time_namespace(const oci::Linux& lx) {
    if (::unshare(CLONE_NEWTIME) < 0) throw_errno("create time namespace");
    if (!lx.timeOffsets) return;
    std::string offsets;
    auto add = [&](const char* clock, const std::optional<oci::TimeOffset>& o) {
        if (o) offsets += std::string(clock) + " " + std::to_string(o->secs) + " " + std::to_string(o->nanosecs) + "\n";
    };
    add("monotonic", lx.timeOffsets->monotonic);
    add("boottime", lx.timeOffsets->boottime);
    with_context("write time namespace offsets", [&] { write_file("/proc/self/timens_offsets", offsets); });
}

void join_session_keyring(const std::string& id) {
    constexpr long KEYCTL_JOIN_SESSION_KEYRING = 1;
    std::string name = "_ses." + id;
    if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str()) < 0 && errno != ENOSYS)
        throw_errno("join a new session keyring");
}

void set_names(const oci::Spec& spec) {
    if (spec.hostname && ::sethostname(spec.hostname->c_str(), spec.hostname->size()) < 0)
        throw_errno("sethostname \"" + *spec.hostname + "\"");
    if (spec.domainname && ::setdomainname(spec.domainname->c_str(), spec.domainname->size()) < 0)
        throw_errno("setdomainname \"" + *spec.domainname + "\"");
}

void apply_sysctls(const oci::Linux& lx) {
    for (auto& [key, value] : lx.sysctl) {
        std::string path = "/proc/sys/" + key;
        std::replace(path.begin() + 10, path.end(), '.', '/');
        with_context("sysctl \"" + key + "\"", [&] { write_file(path, value); });
    }
}

void wait_for_start(const InitContext& c) {
    if (c.fifo_fd >= 0) {
        char b;
        ssize_t n;
        while ((n = ::read(c.fifo_fd, &b, 1)) < 0 && errno == EINTR) {}
        if (n != 1) throw_errno("wait for start");
    } else {
        expect_message(c.sync_fd, SyncMsg::start);
    }
}

// Before pivot_root: hull runs prestart and createRuntime hooks, then we run createContainer
// hooks here in the container's namespaces. Returns the "created" state for startContainer.
std::string run_create_hooks(const InitContext& c) {
    const auto& h = c.spec->hooks;
    if (!h || (h->prestart.empty() && h->createRuntime.empty() && h->createContainer.empty() && h->startContainer.empty()))
        return "";
    send_message(c.sync_fd, SyncMsg::hooks_request);
    Message m = expect_message(c.sync_fd, SyncMsg::hooks_done);
    auto sep = m.payload.find('\0');
    run_hooks(h->createContainer, "createContainer", m.payload.substr(0, sep));
    return m.payload.substr(sep + 1);
}

// The recipe, in order.
[[noreturn]] void init_steps(InitContext& c) {
    const oci::Spec& spec = *c.spec;
    const oci::Process& proc = *spec.process;
    static const oci::Linux no_linux;
    const oci::Linux& lx = spec.linux ? *spec.linux : no_linux;

    UniqueFd(c.state_lock_fd).reset();  // our copy: else the lock lives as long as the container
    reset_signal_dispositions();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // hull gone during set-up: so are we
    // Dumpable until hull has written our id maps: else /proc/<pid>/{uid,gid}_map belong to
    // root, and an unprivileged hull (or newuidmap, which checks the owner) cannot write them.
    if (c.wait_for_parent) expect_message(c.sync_fd, SyncMsg::parent_setup_done);
    ::prctl(PR_SET_DUMPABLE, 0);  // no /proc/<pid>/exe or ptrace of hull from inside
    if (c.unshare_cgroup_ns && ::unshare(CLONE_NEWCGROUP) < 0) throw_errno("create cgroup namespace");
    if (c.plan.new_user) become_root_in_user_ns();
    join_namespaces(c);
    if (c.plan.new_time) create_time_namespace(lx);
    if (::setsid() < 0) throw_errno("setsid");
    if (!c.no_new_keyring) join_session_keyring(c.id);
    if (c.plan.has(CLONE_NEWUTS)) set_names(spec);

    // In a user namespace (ours, or the one hull runs in: rootless Podman) some mounts and mknod
    // are refused, and are replaced by bind mounts.
    bool in_user_ns = c.plan.has(CLONE_NEWUSER) || running_in_user_ns();
    RootfsPlan rootfs{&spec, c.rootfs, c.bundle, in_user_ns, (c.plan.clone_flags & CLONE_NEWCGROUP) != 0,
                      c.no_pivot, c.cgroup_dir};
    prepare_rootfs(rootfs);
    std::string created_state = run_create_hooks(c);
    enter_rootfs(rootfs);
    apply_sysctls(lx);  // before readonlyPaths makes /proc/sys read-only, as runc
    finish_rootfs(rootfs);
    if (c.console_fd >= 0) setup_terminal(c.console_fd, proc.consoleSize);

    ProcessContext pctx{c.sync_fd, c.plan.has(CLONE_NEWUSER), c.preserve_fds};
    PreparedProcess prepared = prepare_process(proc, lx, pctx);

    ::prctl(PR_SET_PDEATHSIG, 0);  // from now on the container outlives `hull create`
    send_message(c.sync_fd, SyncMsg::ready);
    wait_for_start(c);
    try {
        if (spec.hooks) run_hooks(spec.hooks->startContainer, "startContainer", created_state);
        exec_prepared(prepared, proc, lx, pctx);
    } catch (const std::exception& e) {
        // `hull start` is waiting for us to exec: leave it the reason in the state directory.
        if (c.state_dir_fd >= 0) {
            UniqueFd f(::openat(c.state_dir_fd, kStartError, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
            if (f) {
                std::string msg = e.what();
                ssize_t r = ::write(f.get(), msg.data(), msg.size());
                (void)r;
            }
        }
        throw;
    }
}

}  // namespace

void container_init(InitContext& c) {
    try {
        init_steps(c);
    } catch (const std::exception& e) {
        try {
            send_message(c.sync_fd, SyncMsg::error, e.what());
        } catch (...) {
            // hull has gone (the error came after `start`): the container's stderr is all we have.
            std::string line = std::string("hull: ") + e.what() + "\n";
            ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
            (void)r;
        }
    }
    ::_exit(1);
}

}  // namespace hull
