// events: the container's resource usage as runc prints it, once (--stats) or every --interval.
#include <unistd.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"

namespace hull::cli {

namespace {

// "5s", "500ms", "1m", "2" (seconds) -> milliseconds.
long parse_interval(const std::string& s) {
    size_t end = 0;
    double v = 0;
    try {
        v = std::stod(s, &end);
    } catch (const std::exception&) {
        throw UsageError{"invalid interval \"" + s + "\""};
    }
    std::string unit = s.substr(end);
    double ms = unit == "ms" ? v : unit == "s" || unit.empty() ? v * 1000 : unit == "m" ? v * 60000 : -1;
    if (ms <= 0) throw UsageError{"invalid interval \"" + s + "\": want e.g. 5s or 500ms"};
    return static_cast<long>(ms);
}

}  // namespace

int cmd_events(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {"events", "<container-id>",
                                     "Print the container's resource usage as JSON events (runc's format).",
                                     {{"stats", 0, nullptr, "print the statistics once and exit"},
                                      {"interval", 0, "DURATION", "time between statistics (default 5s)"}},
                                     1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    const std::string& id = p->args()[0];
    long interval = parse_interval(p->get("interval", "5s"));
    ContainerDir dir = ContainerDir::open_unlocked(g.root, id);
    if (!dir.has_state()) throw Error("container does not exist");
    auto cg = load_cgroup(dir);
    if (!cg) throw Error("the container has no cgroup: no statistics to show");
    for (;;) {
        oci::State st = container_state(dir);
        if (st.status == "stopped") throw Error("container " + id + " is not running");
        std::string line = "{\"type\":\"stats\",\"id\":\"" + id + "\",\"data\":" + cgroups::stats_to_json(cg->stats()) + "}";
        std::puts(line.c_str());
        std::fflush(stdout);
        if (p->has("stats")) return 0;
        ::usleep(static_cast<useconds_t>(interval * 1000));
    }
}

}  // namespace hull::cli
