#include <cstdio>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "libocispec/config.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"

namespace hull::cli {

int cmd_state(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {"state", "<container-id>", "Print the state of a container as JSON.", {}, 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    ContainerDir dir = ContainerDir::open_unlocked(g.root, p->args()[0]);
    oci::State st;
    if (dir.being_created()) {
        st.ociVersion = "1.3.0";
        st.id = dir.id();
        st.status = "creating";
    } else if (!dir.has_state()) {
        throw Error("container does not exist");
    } else {
        st = container_state(dir);
    }
    std::string out = oci::write_state(st, true);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
}

}  // namespace hull::cli
