// Creating, starting, signalling and deleting a container (the operations of runtime.md).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "libocispec/spec.hpp"
#include "runtime/cgroups/manager.hpp"
#include "runtime/namespaces.hpp"
#include "runtime/state_store.hpp"
#include "util/fd.hpp"

namespace hull {

struct CreateOptions {
    std::string root;            // --root
    std::string id;
    std::string bundle;          // absolute
    std::string pid_file;
    std::string console_socket;
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    bool relay_terminal = false;  // no --console-socket: hull keeps the pty master (run)
    bool systemd_cgroup = false;  // --systemd-cgroup
    bool rootless = false;        // --rootless (auto: not root): a cgroup hull may not make is no error
};

// linux.resources asks for a limit (memory, cpu, pids, blockIO, hugepages, network, rdma,
// unified); device rules do not count (a rootless container goes without them). Pure.
bool has_resource_limits(const oci::Resources& r);

// How the created init process waits for `start`.
enum class StartGate {
    fifo,    // exec.fifo in the state directory: `hull start` from another process
    socket,  // the sync socket: `hull run`, which starts it itself
};

// What the container's init process needs; it is a fork of hull (no re-exec).
struct InitContext {
    const oci::Spec* spec = nullptr;
    std::string id, bundle, rootfs;
    NamespacePlan plan;
    std::vector<OpenedNamespace> joins;
    int sync_fd = -1;
    int fifo_fd = -1;     // StartGate::fifo
    int state_dir_fd = -1;  // StartGate::fifo: where a failure after start is written (kStartError)
    int console_fd = -1;  // connected --console-socket when process.terminal
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    int state_lock_fd = -1;
    bool wait_for_parent = false;
    std::string cgroup_dir;  // the container's cgroup on a pure v2 host, "" when none
    bool unshare_cgroup_ns = false;  // create the cgroup namespace after joining the cgroup  // hull writes id maps or joins us to the cgroup first  // the create's lock on the state directory: not the init's to hold
};

// The child side: the set-up recipe, in order, then execve. Never returns.
[[noreturn]] void container_init(InitContext& ctx);

// A container whose init is set up and waits to be started. If the object is destroyed before
// commit(), the process is killed and the state directory removed: a failed create leaves
// nothing behind.
class CreatedContainer {
public:
    static CreatedContainer create(const CreateOptions& opts, StartGate gate);
    CreatedContainer(CreatedContainer&& o) noexcept
        : spec_(std::move(o.spec_)), state_(std::move(o.state_)), dir_(std::move(o.dir_)), pid_(o.pid_), pidfd_(std::move(o.pidfd_)),
          sync_(std::move(o.sync_)), terminal_master_(std::move(o.terminal_master_)),
          cgroup_(std::move(o.cgroup_)), committed_(std::exchange(o.committed_, true)) {}
    ~CreatedContainer();

    int pid() const { return pid_; }
    int pidfd() const { return pidfd_.get(); }
    int terminal_master() const { return terminal_master_.get(); }  // -1 unless relayed
    const oci::Spec& spec() const { return spec_; }
    const oci::State& state() const { return state_; }
    ContainerDir& dir() { return dir_; }
    // StartGate::socket only: release the init; returns once it has exec'd (its socket closes on
    // exec), throws when it failed first (a startContainer hook, execve).
    void start();
    void commit();  // keep the container

private:
    CreatedContainer(ContainerDir dir) : dir_(std::move(dir)) {}
    oci::Spec spec_;
    oci::State state_;
    ContainerDir dir_;
    int pid_ = 0;
    UniqueFd pidfd_;
    UniqueFd sync_;
    UniqueFd terminal_master_;
    std::unique_ptr<cgroups::Manager> cgroup_;
    bool committed_ = false;
};

// Kill what is left of the container, remove its cgroup and state, run the poststop hooks.
void destroy_container(ContainerDir& dir, const oci::Spec& spec, const oci::State& st);

// poststart hooks (a failure fails the operation, spec 1.3.0) and poststop hooks (warnings).
void run_poststart_hooks(const oci::Spec& spec, const oci::State& running);
void run_poststop_hooks(const oci::Spec& spec, oci::State stopped);

// `hull start`: release a created container's init through its exec fifo.
void start_container(const std::string& root, const std::string& id);

// The container's cgroup as create saved it; nullptr when it has none (rootless without
// delegation).
std::unique_ptr<cgroups::Manager> load_cgroup(const ContainerDir& dir);
// dir.load() plus "paused" when the cgroup is frozen.
oci::State container_state(const ContainerDir& dir);

// The pids of the container's processes, init first.
std::vector<int> container_pids(const ContainerDir& dir, const oci::State& st);

// Send sig to the init (all = every process in the container's pid namespace).
void kill_container(const ContainerDir& dir, const oci::State& st, int sig, bool all);

}  // namespace hull
