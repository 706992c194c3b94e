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
    // runtime.md: deleting a container that is not stopped MUST fail and change nothing.
    if (st.status != "stopped" && !force)
        throw Error("cannot delete container " + id + " that is not stopped: " + st.status);
    destroy_container(*dir, oci::load_spec(dir->file("config.json")), st);
    return 0;
}

}  // namespace hull::cli
