#include "cli/container_options.hpp"

#include <unistd.h>

#include "util/fs.hpp"

namespace hull::cli {

std::vector<OptionSpec> create_option_specs() {
    return {
        {"bundle", 'b', "DIR", "the bundle: config.json and the root filesystem (default: current directory)"},
        {"pid-file", 0, "FILE", "write the init process's pid to FILE"},
        {"console-socket", 0, "SOCKET", "unix socket that receives the pty master when process.terminal is true"},
        {"no-pivot", 0, nullptr, "do not use pivot_root (MS_MOVE + chroot), for ramdisk roots"},
        {"no-new-keyring", 0, nullptr, "keep the caller's session keyring"},
        {"preserve-fds", 0, "N", "pass N extra file descriptors (3 .. 3+N-1) to the container"},
    };
}

CreateOptions create_options(const GlobalOptions& g, const Parsed& p) {
    CreateOptions o;
    o.root = g.root;
    o.systemd_cgroup = g.systemd_cgroup;
    o.id = p.args().at(0);
    o.bundle = absolute_path(p.get("bundle", "."));
    o.pid_file = p.get("pid-file");
    o.console_socket = p.get("console-socket");
    o.no_pivot = p.has("no-pivot");
    o.no_new_keyring = p.has("no-new-keyring");
    o.preserve_fds = parse_preserve_fds(p);
    return o;
}

int parse_preserve_fds(const Parsed& p) {
    std::string n = p.get("preserve-fds", "0");
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 6)
        throw UsageError{"invalid value \"" + n + "\" for --preserve-fds: want a number"};
    return std::stoi(n);
}

}  // namespace hull::cli
