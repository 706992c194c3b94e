#include <signal.h>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/child_process.hpp"
#include "libocispec/config.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"

namespace hull::cli {

int cmd_delete(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {
        "delete", "<container-id>", "Delete a container: its state, and its processes when it was created but not started.",
        {{"force", 'f', nullptr, "kill the container first if it is still running"}}, 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    const std::string& id = p->args()[0];
    bool force = p->has("force");
    std::optional<ContainerDir> dir;
    try {
        dir.emplace(ContainerDir::open(g.root, id));
    } catch (const Error& e) {
        if (force && e.message() == "container does not exist") return 0;
        throw;
    }
    if (!dir->has_state()) {  // a create that was interrupted
        dir->remove();
        return 0;
    }
    oci::State st = container_state(*dir);
    if (st.status == "running" || st.status == "paused") {
        if (!force) throw Error("cannot delete container " + id + " that is not stopped: " + st.status);
    }
    if (st.status != "stopped") {
        kill_container(*dir, st, SIGKILL, true);
        if (!wait_for_exit(st.pid, 10000)) throw Error("container " + id + " did not exit after SIGKILL");
    }
    oci::Spec config = oci::load_spec(dir->file("config.json"));
    if (auto cg = load_cgroup(*dir)) {
        cg->kill_all(SIGKILL);  // what is left of the container (exec'd processes, in a shared pid namespace)
        cg->destroy();
    }
    dir->remove();
    run_poststop_hooks(config, st);
    return 0;
}

}  // namespace hull::cli
