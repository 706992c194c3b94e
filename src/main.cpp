// hull: an OCI container runtime with runc's command line.
#include <unistd.h>

#include <cstdio>
#include <cstdint>
#include <cstdlib>

#include "cli/commands.hpp"
#include "cli/container_options.hpp"
#include "cli/options.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

using namespace hull;
using namespace hull::cli;

const std::vector<Command>& hull::cli::commands() {
    static const std::vector<Command> table = {
        {"create", "create a container", cmd_create},
        {"start", "start a created container", cmd_start},
        {"run", "create and start a container", cmd_run},
        {"state", "print the state of a container", cmd_state},
        {"kill", "send a signal to a container's init process", cmd_kill},
        {"delete", "delete a container and what it holds", cmd_delete},
        {"list", "list containers", cmd_list},
        {"spec", "write a default config.json", cmd_spec},
        {"features", "show the features hull implements (JSON)", cmd_features},
        {"exec", "run a new process inside a running container", cmd_exec},
        {"ps", "list the processes of a container", cmd_ps},
        {"pause", "suspend every process of a container", cmd_pause},
        {"resume", "resume a paused container", cmd_resume},
        {"update", "change the resource limits of a container", cmd_update},
        {"events", "print resource usage events of a container", cmd_events},
    };
    return table;
}

static const CommandSpec kGlobal = {
    "", "<command> [arguments...]", "hull: an OCI container runtime (runc command line)",
    {
        {"root", 0, "DIR", "root directory for container state (default /run/hull; rootless $XDG_RUNTIME_DIR/hull)"},
        {"log", 0, "FILE", "write log messages to FILE"},
        {"log-format", 0, "text|json", "format of the log file (default text)"},
        {"debug", 0, nullptr, "log debug messages"},
        {"systemd-cgroup", 0, nullptr, "manage cgroups through systemd (cgroupsPath slice:prefix:name)"},
        {"rootless", 0, "true|false|auto", "tolerate cgroups hull may not make (default auto: when not root)"},
        {"version", 'v', nullptr, "print the version"},
    },
    0, SIZE_MAX, true};

static void print_usage(FILE* to) {
    std::fputs(help_text(kGlobal).c_str(), to);
    std::fputs("\ncommands:\n", to);
    for (auto& c : commands()) std::fprintf(to, "  %-10s %s\n", c.name, c.summary);
}


int main(int argc, char** argv) {
    Args all(argv + 1, argv + argc);
    GlobalOptions g;
    try {
        Parsed p = parse(kGlobal, all);
        if (p.help) {
            print_usage(stdout);
            return 0;
        }
        if (p.has("version")) {
            std::printf("hull version %s\nspec: 1.3.0\n", HULL_VERSION);
            return 0;
        }
        g.log = p.get("log");
        std::string fmt = p.get("log-format", "text");
        if (fmt != "text" && fmt != "json") throw UsageError{"invalid log format \"" + fmt + "\": want text or json"};
        g.log_json = fmt == "json";
        g.debug = p.has("debug");
        g.systemd_cgroup = p.has("systemd-cgroup");
        g.rootless = p.get("rootless", "auto");
        check_rootless_flag(g.rootless);
        log::init(g.log, g.log_json, g.debug);
        if (p.args().empty()) {
            print_usage(stderr);
            return 1;
        }
        const std::string& name = p.args()[0];
        // The default state directory may not exist for a rootless user: only the commands
        // that use it need it.
        bool stateless = name == "spec" || name == "features";
        for (size_t i = 1; i < p.args().size(); ++i)
            stateless = stateless || p.args()[i] == "--help" || p.args()[i] == "-h" || p.args()[i] == "-help";
        g.root = p.has("root") ? p.get("root") : stateless ? "" : default_state_root(state_root_facts());
        for (auto& c : commands()) {
            if (name == c.name) return c.run(g, Args(p.args().begin() + 1, p.args().end()));
        }
        throw UsageError{"no such command \"" + name + "\" (see hull --help)"};
    } catch (const UsageError& e) {
        log::error(e.message);
        return 1;
    } catch (const Error& e) {
        log::error(e.what());
        return 1;
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }
}
