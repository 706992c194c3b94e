#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "libocispec/config.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull::cli {

int cmd_spec(const GlobalOptions&, const Args& argv) {
    static const CommandSpec spec = {"spec", "", "Write a default config.json (runc's defaults) into the bundle.",
                                     {{"bundle", 'b', "DIR", "where to write config.json (default: current directory)"},
                                      {"rootless", 0, nullptr, "a config for an unprivileged user"}},
                                     0, 0};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    std::string path = path_join(absolute_path(p->get("bundle", ".")), "config.json");
    if (path_exists(path)) throw Error("File " + path + " exists. Remove it first");
    write_file(path, oci::write_spec(oci::default_spec(p->has("rootless")), true) + "\n", 0644);
    return 0;
}

}  // namespace hull::cli
