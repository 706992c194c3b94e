#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/container.hpp"

namespace hull::cli {

int cmd_start(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {"start", "<container-id>", "Start a created container: its init execs the program.",
                                     {}, 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    start_container(g.root, p->args()[0]);
    return 0;
}

}  // namespace hull::cli
