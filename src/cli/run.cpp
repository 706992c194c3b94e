#include "cli/commands.hpp"
#include "cli/container_options.hpp"
#include "runtime/container.hpp"
#include "runtime/child_process.hpp"
#include "util/error.hpp"

namespace hull::cli {

int cmd_run(const GlobalOptions& g, const Args& argv) {
    std::vector<OptionSpec> options = create_option_specs();
    options.push_back({"detach", 'd', nullptr, "return once the container has started"});
    static const CommandSpec spec = {"run", "<container-id>",
                                     "Create and start a container; without --detach wait for it and exit with its status.",
                                     options, 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    CreateOptions opts = create_options(g, *p);
    opts.relay_terminal = !p->has("detach");
    return with_context("run \"" + opts.id + "\"", [&] {
        CreatedContainer c = CreatedContainer::create(opts, StartGate::socket);
        c.start();
        c.commit();
        oci::State running = c.state();
        running.status = "running";
        try {
            run_poststart_hooks(c.spec(), running);
        } catch (const Error&) {
            c.dir().lock();
            destroy_container(c.dir(), c.spec(), running);
            throw;
        }
        if (p->has("detach")) return 0;
        int status = wait_forwarding_signals(c.pid(), c.pidfd(), c.terminal_master());
        // A container that `run` waited for is deleted when it exits, as runc does.
        c.dir().lock();
        oci::State stopped = running;
        stopped.status = "stopped";
        destroy_container(c.dir(), c.spec(), stopped);
        return status;
    });
}

}  // namespace hull::cli
