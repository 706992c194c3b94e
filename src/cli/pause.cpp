// pause and resume: freeze and thaw every process of the container through its cgroup.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"

namespace hull::cli {

namespace {

std::unique_ptr<cgroups::Manager> cgroup_of(const ContainerDir& dir) {
    auto cg = load_cgroup(dir);
    if (!cg) throw Error("the container has no cgroup (rootless without cgroup delegation): it cannot be paused");
    return cg;
}

}  // namespace

int cmd_pause(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {"pause", "<container-id>", "Suspend every process of a container (cgroup freezer).", {}, 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    ContainerDir dir = ContainerDir::open(g.root, p->args()[0]);
    oci::State st = container_state(dir);
    if (st.status != "running") throw Error("container not running");
    cgroup_of(dir)->freeze();
    return 0;
}

int cmd_resume(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {"resume", "<container-id>", "Resume every process of a paused container.", {}, 1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    ContainerDir dir = ContainerDir::open(g.root, p->args()[0]);
    oci::State st = container_state(dir);
    if (st.status != "paused") throw Error("container not paused");
    cgroup_of(dir)->thaw();
    return 0;
}

}  // namespace hull::cli
