#include <cstdint>

#include "cli/commands.hpp"
#include "cli/container_options.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"

namespace hull::cli {

int cmd_create(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {
        "create", "<container-id>",
        "Create a container from the bundle: set up its init process, which waits for `hull start`.",
        create_option_specs(), 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    CreateOptions opts = create_options(g, *p);
    with_context("create \"" + opts.id + "\"", [&] {
        CreatedContainer c = CreatedContainer::create(opts, StartGate::fifo);
        c.commit();
    });
    return 0;
}

}  // namespace hull::cli
