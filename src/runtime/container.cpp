#include "runtime/container.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <type_traits>

#include "libocispec/config.hpp"
#include "runtime/child_process.hpp"
#include "runtime/hooks.hpp"
#include "runtime/lsm.hpp"
#include "runtime/net_devices.hpp"
#include "runtime/seccomp.hpp"
#include "runtime/sync.hpp"
#include "runtime/terminal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hull {

namespace {

std::string resolve_rootfs(const oci::Spec& spec, const std::string& bundle) {
    if (!spec.root) throw Error("config.json has no root");
    std::string rootfs = spec.root->path[0] == '/' ? spec.root->path : path_join(bundle, spec.root->path);
    rootfs = absolute_path(rootfs);
    struct stat st;
    if (::stat(rootfs.c_str(), &st) < 0) throw Error("rootfs \"" + rootfs + "\"", errno);
    if (!S_ISDIR(st.st_mode)) throw Error("rootfs \"" + rootfs + "\" is not a directory");
    // Symlinks in the path are resolved now, so the mount code sees the real directory.
    return std::filesystem::canonical(rootfs).string();
}

// Answer the init's requests until it is ready: the hooks that run in hull's namespaces
// (prestart, createRuntime) and the seccomp listener.
void serve_init_until_ready(int sync, const oci::Spec& spec, const oci::State& creating) {
    for (;;) {
        Message m = receive_message(sync);
        switch (m.type) {
            case SyncMsg::ready:
                return;
            case SyncMsg::error:
                throw Error(m.payload);
            case SyncMsg::hooks_request: {
                std::string state_json = oci::write_state(creating, false);
                if (spec.hooks) {
                    run_hooks(spec.hooks->prestart, "prestart", state_json);
                    run_hooks(spec.hooks->createRuntime, "createRuntime", state_json);
                }
                oci::State created = creating;
                created.status = "created";
                send_message(sync, SyncMsg::hooks_done, state_json + '\0' + oci::write_state(created, false));
                break;
            }
            case SyncMsg::seccomp_notify_fd: {
                if (!spec.linux || !spec.linux->seccomp || !m.fd) throw Error("container init sent a seccomp fd unasked");
                with_context("seccomp listener", [&] {
                    forward_seccomp_listener(*spec.linux->seccomp, oci::write_state(creating, false), m.fd.get());
                });
                send_message(sync, SyncMsg::seccomp_done);
                break;
            }
            default:
                throw Error("unexpected message " + std::to_string(static_cast<int>(m.type)) + " from container init");
        }
    }
}

// Settings hull does not implement yet are refused before anything is made, never ignored.
void check_unsupported(const oci::Spec& spec, const std::string& config_path) {
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const oci::Mount& m = spec.mounts[i];
        bool idmap = !m.uidMappings.empty();
        for (auto& o : m.options) idmap = idmap || o == "idmap" || o == "ridmap";
        if (idmap)
            throw Error(config_path + ": .mounts[" + std::to_string(i) + "]: idmapped mounts (idmap, uidMappings) are not supported by hull yet");
    }
    if (spec.linux && spec.linux->intelRdt) {
        struct statfs st;
        constexpr long RDTGROUP_SUPER_MAGIC = 0x7655821;
        bool mounted = ::statfs("/sys/fs/resctrl", &st) == 0 && st.f_type == RDTGROUP_SUPER_MAGIC;
        throw Error(config_path + ": .linux.intelRdt: " +
                    (mounted ? "Intel RDT is not supported by hull yet" : "resctrl is not mounted at /sys/fs/resctrl"));
    }
}

// The container's cgroup, made before the init exists. Rootless, a host that does not
// delegate a cgroup to the user gets a container without one (with a warning), as runc does,
// unless the config asks for limits that only a cgroup can enforce.
std::unique_ptr<cgroups::Manager> make_cgroup(const CreateOptions& opts, const oci::Spec& spec) {
    cgroups::CgroupConfig cfg;
    cfg.id = opts.id;
    cfg.systemd = opts.systemd_cgroup;
    cfg.rootless = opts.rootless;
    cfg.annotations = spec.annotations;
    if (spec.linux) {
        cfg.cgroups_path = spec.linux->cgroupsPath;
        if (spec.linux->resources) cfg.resources = &*spec.linux->resources;
    }
    std::unique_ptr<cgroups::Manager> m = cgroups::make_manager(cfg);
    try {
        m->create();
    } catch (const Error& e) {
        bool denied = e.err() == EACCES || e.err() == EPERM || e.err() == EROFS;
        if (!denied) throw;
        std::string who = "user " + std::to_string(::geteuid());
        if (const passwd* pw = ::getpwuid(::geteuid())) who = "user " + std::string(pw->pw_name);
        if (running_in_user_ns()) {
            std::optional<unsigned> host;
            try {
                host = id_outside(read_file("/proc/self/uid_map"), ::geteuid());
            } catch (const Error&) {
            }
            if (host) who += " (uid " + std::to_string(*host) + " outside its user namespace)";
        }
        if (!cfg.rootless) {
            if (::geteuid() == 0 && !running_in_user_ns()) throw;
            throw Error(std::string(e.what()) + " (--rootless false: a cgroup hull cannot make is an error)");
        }
        if (cfg.resources && has_resource_limits(*cfg.resources))
            throw Error(std::string(e.what()) + ": the cgroup of " + who +
                        " is not delegated, so the limits in linux.resources cannot be applied (delegate a cgroup "
                        "to the user, e.g. systemd's user@.service with Delegate=yes, or remove the limits)");
        log::warn(std::string(e.what()) + ": running without a cgroup (the cgroup of " + who + " is not delegated)");
        return nullptr;
    }
    return m;
}

// What a supervisor hands to hull reaches the container, as with runc and crun:
// socket activation (LISTEN_FDS: the fds 3.. are kept and LISTEN_PID is the container's init)
// and sd_notify (NOTIFY_SOCKET: the socket is bound into the container, so READY=1 sent there
// reaches the supervisor). Returns how many extra fds to keep.
int pass_on_supervisor_env(oci::Spec& spec) {
    int fds = 0;
    if (const char* listen = std::getenv("LISTEN_FDS"); listen && *listen) {
        fds = std::atoi(listen);
        if (fds > 0) {
            spec.process->env.push_back("LISTEN_FDS=" + std::to_string(fds));
            spec.process->env.push_back("LISTEN_PID=1");
        }
    }
    if (const char* notify = std::getenv("NOTIFY_SOCKET"); notify && *notify) {
        if (notify[0] == '@') {
            log::warn("NOTIFY_SOCKET " + std::string(notify) + " is an abstract socket: it cannot be bound into the container");
        } else {
            const std::string inside = "/run/notify/notify.sock";
            spec.mounts.push_back({inside, std::string(notify), std::string("bind"), {"bind", "nosuid", "nodev", "noexec"}, {}, {}});
            spec.process->env.push_back("NOTIFY_SOCKET=" + inside);
        }
    }
    return std::max(fds, 0);
}

}  // namespace

bool has_resource_limits(const oci::Resources& r) {
    auto set = [](const auto& o) { return o && *o != std::remove_cvref_t<decltype(*o)>{}; };
    return set(r.memory) || set(r.cpu) || set(r.pids) || set(r.blockIO) || !r.hugepageLimits.empty() ||
           set(r.network) || !r.rdma.empty() || !r.unified.empty();
}

CreatedContainer CreatedContainer::create(const CreateOptions& opts, StartGate gate) {
    std::string config_path = path_join(opts.bundle, "config.json");
    oci::Spec spec = oci::load_spec(config_path);
    if (!spec.process) throw Error(config_path + ": .process: missing required field");
    check_lsm_support(*spec.process, spec.linux ? &*spec.linux : nullptr);
    check_unsupported(spec, config_path);
    static const oci::Linux no_linux;
    const oci::Linux& lx = spec.linux ? *spec.linux : no_linux;  // valid until spec moves below
    with_context(config_path, [&] { check_net_devices(lx); });

    InitContext ctx;
    ctx.id = opts.id;
    ctx.bundle = opts.bundle;
    ctx.rootfs = resolve_rootfs(spec, opts.bundle);
    ctx.plan = with_context(config_path + ": .linux.namespaces", [&] { return plan_namespaces(lx.namespaces); });
    with_context(config_path + ": .linux.sysctl", [&] { check_sysctls(lx.sysctl, ctx.plan); });
    if (ctx.plan.new_user && lx.uidMappings.empty())
        throw Error(config_path + ": .linux.uidMappings: a new user namespace needs uid mappings");
    ctx.joins = open_namespaces(ctx.plan);
    ctx.no_pivot = opts.no_pivot;
    ctx.no_new_keyring = opts.no_new_keyring;
    ctx.preserve_fds = opts.preserve_fds;
    UniqueFd console, relay;
    if (spec.process->terminal) {
        console = open_console(opts.console_socket, opts.relay_terminal, relay);
        ctx.console_fd = console.get();
    }

    ctx.preserve_fds += pass_on_supervisor_env(spec);

    CreatedContainer c(ContainerDir::create(opts.root, opts.id));
    c.spec_ = std::move(spec);
    ctx.spec = &c.spec_;
    ctx.state_lock_fd = c.dir_.lock_fd();

    UniqueFd fifo, state_dir;
    if (gate == StartGate::fifo) {
        std::string fifo_path = c.dir_.file(kExecFifo);
        if (::mkfifo(fifo_path.c_str(), 0600) < 0) throw_errno("mkfifo " + fifo_path);
        // Held open for reading and writing by the init: it blocks in read() until `start` writes.
        fifo.reset(::open(fifo_path.c_str(), O_RDWR | O_CLOEXEC));
        if (!fifo) throw_errno("open " + fifo_path);
        ctx.fifo_fd = fifo.get();
        state_dir.reset(::open(c.dir_.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!state_dir) throw_errno("open " + c.dir_.path());
        ctx.state_dir_fd = state_dir.get();
    }
    // A pid namespace given by path is entered by our children once we have joined it.
    for (auto& ns : ctx.joins)
        if (ns.kind->flag == CLONE_NEWPID) join_namespace(ns);

    c.cgroup_ = make_cgroup(opts, c.spec_);
    int cgroup_fd = c.cgroup_ ? c.cgroup_->cgroup_fd_for_clone3() : -1;
    // Bound when cgroup2 cannot be mounted (a user namespace). A systemd scope's cgroup is known
    // only once the init is in it: the init binds the host's /sys/fs/cgroup then.
    if (c.cgroup_ && c.cgroup_->driver() == cgroups::Driver::v2) {
        constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC
        struct statfs sfs;
        if (::statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == kCgroup2Magic) ctx.cgroup_dir = c.cgroup_->path();
    }
    ctx.wait_for_parent = ctx.plan.new_user || (c.cgroup_ && cgroup_fd < 0) || (c.spec_.linux && !c.spec_.linux->netDevices.empty());

    auto [parent_end, child_end] = sync_socketpair();
    ctx.sync_fd = child_end.get();
    unsigned long clone_flags = ctx.plan.clone_flags;
    if (c.cgroup_ && cgroup_fd < 0 && (clone_flags & CLONE_NEWCGROUP)) {
        // The cgroup namespace must be rooted at the container's cgroup, which the init joins
        // only after the clone here: it unshares the namespace itself once it is in it.
        clone_flags &= ~CLONE_NEWCGROUP;
        ctx.unshare_cgroup_ns = true;
    }
    try {
        c.pid_ = clone_child(clone_flags, c.pidfd_, cgroup_fd);
    } catch (const Error& e) {
        bool refused = e.err() == EPERM || e.err() == ENOSPC || e.err() == EUSERS;
        if (!refused || (::geteuid() == 0 && !running_in_user_ns())) throw;
        if (!ctx.plan.new_user)
            throw Error(std::string(e.what()) + " (without root the container needs a user namespace of its own: "
                        "see hull spec --rootless)");
        throw Error(std::string(e.what()) + " (the kernel refuses a new user namespace to this user: see "
                    "/proc/sys/user/max_user_namespaces and /proc/sys/kernel/unprivileged_userns_clone)");
    }
    if (c.pid_ == 0) {
        parent_end.reset();
        container_init(ctx);
    }
    child_end.reset();
    fifo.reset();
    state_dir.reset();
    console.reset();
    c.sync_ = std::move(parent_end);

    if (ctx.plan.new_user) {
        const oci::Linux& l = *c.spec_.linux;
        write_id_maps(c.pid_, plan_id_maps(l.uidMappings, l.gidMappings, c.pid_, ::geteuid(), ::getegid()),
                      l.uidMappings, l.gidMappings);
    }
    if (c.cgroup_ && cgroup_fd < 0) c.cgroup_->add_process(c.pid_);
    if (c.spec_.linux) move_net_devices(c.spec_.linux->netDevices, c.pid_);
    if (ctx.wait_for_parent) send_message(c.sync_.get(), SyncMsg::parent_setup_done);
    oci::State st;
    st.ociVersion = c.spec_.ociVersion;
    st.id = opts.id;
    st.status = "creating";
    st.pid = c.pid_;
    st.bundle = opts.bundle;
    st.rootfs = ctx.rootfs;
    st.created = now_rfc3339();
    st.annotations = c.spec_.annotations;
    c.state_ = st;
    // While the init sets itself up on the other CPU: what does not depend on its outcome.
    auto start_time = process_start_time(c.pid_);
    if (!start_time) throw Error("container init exited during set-up");
    c.dir_.save_init(c.pid_, *start_time);
    // The config as created: later operations (delete's poststop hooks, exec) read this copy.
    write_file(c.dir_.file("config.json"), oci::write_spec(c.spec_, false), 0600);
    if (c.cgroup_) write_file(c.dir_.file("cgroup.json"), c.cgroup_->save(), 0600);

    serve_init_until_ready(c.sync_.get(), c.spec_, st);
    st.status = "created";
    if (relay) c.terminal_master_ = receive_fd(relay.get());
    c.dir_.save(st);
    c.state_ = st;
    if (!opts.pid_file.empty())
        with_context("write pid file", [&] { write_file_atomic(absolute_path(opts.pid_file), std::to_string(c.pid_)); });
    return c;
}

CreatedContainer::~CreatedContainer() {
    if (committed_) return;
    if (pid_ > 0) {
        if (pidfd_) pidfd_signal(pidfd_.get(), SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    try {
        if (cgroup_) cgroup_->destroy();
        dir_.remove();
    } catch (const Error& e) {
        log::warn(e.what());
    }
    // The lifecycle goes on at delete: poststop hooks run after a failed create too.
    if (pid_ > 0) run_poststop_hooks(spec_, state_);
}

void destroy_container(ContainerDir& dir, const oci::Spec& spec, const oci::State& st) {
    if (st.status != "stopped") {
        try {
            kill_container(dir, st, SIGKILL, true);
        } catch (const Error&) {
            // The init exited after its status was read (a subreaper such as systemd reaps it at
            // once): what is left in the cgroup is killed below.
            if (::kill(st.pid, 0) == 0) throw;
        }
        if (!wait_for_exit(st.pid, 10000)) throw Error("container " + st.id + " did not exit after SIGKILL");
    }
    if (auto cg = load_cgroup(dir)) {
        cg->kill_all(SIGKILL);  // what is left (exec'd processes, in a shared pid namespace)
        cg->destroy();
    }
    dir.remove();
    run_poststop_hooks(spec, st);
}

void CreatedContainer::start() {
    send_message(sync_.get(), SyncMsg::start);
    if (std::optional<Message> m = try_receive_message(sync_.get()))
        throw Error(m->type == SyncMsg::error ? m->payload : "unexpected message from container init");
}

void CreatedContainer::commit() {
    committed_ = true;
    dir_.unlock();
}

void start_container(const std::string& root, const std::string& id) {
    ContainerDir dir = ContainerDir::open(root, id);
    oci::State st = dir.load();
    if (st.status == "stopped") throw Error("cannot start a container that has stopped");
    if (st.status != "created") throw Error("cannot start an already running container");
    std::string fifo_path = dir.file(kExecFifo);
    UniqueFd fifo(::open(fifo_path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo) {
        if (errno == ENXIO) throw Error("cannot start a container that has stopped");
        throw_errno("open " + fifo_path);
    }
    if (::write(fifo.get(), "0", 1) != 1) throw_errno("write " + fifo_path);
    ::unlink(fifo_path.c_str());
    oci::Spec spec = oci::load_spec(dir.file("config.json"));
    st.status = "running";
    try {
        // The init holds the only reader: POLLERR on our end means it has exec'd (close on exec)
        // or died — in a startContainer hook, or in execve itself.
        pollfd p{fifo.get(), 0, 0};
        while (::poll(&p, 1, -1) < 0 && errno == EINTR) {}
        std::string failure = dir.file(kStartError);
        if (path_exists(failure)) throw Error(read_file(failure));
        run_poststart_hooks(spec, st);
    } catch (const Error&) {
        destroy_container(dir, spec, st);  // a failing poststart stops and destroys it (spec 1.3.0)
        throw;
    }
}

void run_poststart_hooks(const oci::Spec& spec, const oci::State& running) {
    if (spec.hooks && !spec.hooks->poststart.empty())
        run_hooks(spec.hooks->poststart, "poststart", oci::write_state(running, false));
}

void run_poststop_hooks(const oci::Spec& spec, oci::State stopped) {
    stopped.status = "stopped";
    stopped.pid = 0;
    if (spec.hooks && !spec.hooks->poststop.empty())
        run_hooks_warn(spec.hooks->poststop, "poststop", oci::write_state(stopped, false));
}

static std::string ns_link(int pid, const char* ns) {
    char buf[128];
    std::string p = "/proc/" + std::to_string(pid) + "/ns/" + ns;
    ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::unique_ptr<cgroups::Manager> load_cgroup(const ContainerDir& dir) {
    std::string file = dir.file("cgroup.json");
    if (!path_exists(file)) return nullptr;
    return cgroups::load_manager(read_file(file));
}

oci::State container_state(const ContainerDir& dir) {
    oci::State st = dir.load();
    if (st.status == "running") {
        if (auto cg = load_cgroup(dir); cg && cg->frozen()) st.status = "paused";
    }
    return st;
}

std::vector<int> container_pids(const ContainerDir& dir, const oci::State& st) {
    std::vector<int> pids;
    if (st.status == "stopped") return pids;
    if (auto cg = load_cgroup(dir)) {
        pids = cg->pids();
        // init first, as the callers print it
        auto it = std::find(pids.begin(), pids.end(), st.pid);
        if (it != pids.end()) std::rotate(pids.begin(), it, it + 1);
        return pids;
    }
    pids.push_back(st.pid);
    // The others: the processes in its pid namespace, when it has one of its own.
    std::string ns = ns_link(st.pid, "pid");
    if (ns.empty() || ns == ns_link(::getpid(), "pid")) return pids;
    for (auto& e : std::filesystem::directory_iterator("/proc")) {
        std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        int pid = std::stoi(name);
        if (pid != st.pid && ns_link(pid, "pid") == ns) pids.push_back(pid);
    }
    return pids;
}

void kill_container(const ContainerDir& dir, const oci::State& st, int sig, bool all) {
    if (st.status == "stopped") {
        if (all) return;  // nothing left to signal: runc (and containerd's shim clean-up) expect success
        throw Error("container not running");
    }
    UniqueFd pidfd(pidfd_open(st.pid));
    if (!pidfd) throw Error("container not running");
    if (!pidfd_signal(pidfd.get(), sig)) throw_errno("kill container");
    if (!all) return;
    if (auto cg = load_cgroup(dir)) {
        cg->kill_all(sig);
        return;
    }
    for (int pid : container_pids(dir, st))
        if (pid != st.pid) ::kill(pid, sig);
}

}  // namespace hull
