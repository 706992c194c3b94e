// The subcommands: one file each under src/cli/, all dispatched from src/main.cpp.
#pragma once
#include <string>
#include <vector>

namespace hull::cli {

struct GlobalOptions {
    std::string root;            // --root: state of all containers
    std::string log;             // --log FILE
    bool log_json = false;       // --log-format json
    bool debug = false;
    bool systemd_cgroup = false;
    std::string rootless = "auto";  // --rootless true|false|auto
};

using Args = std::vector<std::string>;
using CommandFn = int (*)(const GlobalOptions&, const Args&);

struct Command {
    const char* name;
    const char* summary;
    CommandFn run;
};

int cmd_create(const GlobalOptions&, const Args&);
int cmd_start(const GlobalOptions&, const Args&);
int cmd_run(const GlobalOptions&, const Args&);
int cmd_state(const GlobalOptions&, const Args&);
int cmd_kill(const GlobalOptions&, const Args&);
int cmd_delete(const GlobalOptions&, const Args&);
int cmd_list(const GlobalOptions&, const Args&);
int cmd_spec(const GlobalOptions&, const Args&);
int cmd_features(const GlobalOptions&, const Args&);
int cmd_exec(const GlobalOptions&, const Args&);
int cmd_ps(const GlobalOptions&, const Args&);
int cmd_pause(const GlobalOptions&, const Args&);
int cmd_resume(const GlobalOptions&, const Args&);
int cmd_update(const GlobalOptions&, const Args&);
int cmd_events(const GlobalOptions&, const Args&);

const std::vector<Command>& commands();

}  // namespace hull::cli
