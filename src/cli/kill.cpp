#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/container.hpp"
#include "runtime/signals.hpp"

namespace hull::cli {

int cmd_kill(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {
        "kill", "<container-id> [signal]",
        "Send a signal (name or number, default SIGTERM) to the container's init process.",
        {{"all", 'a', nullptr, "send the signal to every process of the container"}}, 1, 2};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    int sig = parse_signal(p->args().size() > 1 ? p->args()[1] : "SIGTERM");
    ContainerDir dir = ContainerDir::open(g.root, p->args()[0]);
    kill_container(dir, container_state(dir), sig, p->has("all"));
    return 0;
}

}  // namespace hull::cli
