#include "cli/container_options.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "runtime/namespaces.hpp"
#include "util/error.hpp"
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
    o.rootless = rootless_mode(g.rootless, ::geteuid(), running_in_user_ns());
    return o;
}

int parse_preserve_fds(const Parsed& p) {
    std::string n = p.get("preserve-fds", "0");
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 6)
        throw UsageError{"invalid value \"" + n + "\" for --preserve-fds: want a number"};
    return std::stoi(n);
}

void check_rootless_flag(const std::string& value) {
    if (value != "true" && value != "false" && value != "auto")
        throw UsageError{"invalid value \"" + value + "\" for --rootless: want true, false or auto"};
}

bool rootless_mode(const std::string& flag, unsigned euid, bool in_user_ns) {
    if (flag == "true") return true;
    if (flag == "false") return false;
    return euid != 0 || in_user_ns;
}

std::string default_state_root(const StateRootFacts& f) {
    bool rootless = f.euid != 0 || (f.in_user_ns && f.user.value_or("") != "root");
    if (!rootless) return "/run/hull";
    if (!f.xdg_runtime_dir.empty()) return f.xdg_runtime_dir + "/hull";
    std::string run_user = "/run/user/" + std::to_string(f.euid);
    if (f.run_user_dir_exists) return run_user + "/hull";
    if (f.euid == 0) return "/run/hull";  // root of a user namespace without a runtime dir: as runc
    throw Error("no directory for the state of rootless containers: XDG_RUNTIME_DIR is not set and " + run_user +
                " does not exist (set XDG_RUNTIME_DIR, or pass --root DIR)");
}

StateRootFacts state_root_facts() {
    StateRootFacts f;
    f.euid = ::geteuid();
    f.in_user_ns = running_in_user_ns();
    if (const char* x = std::getenv("XDG_RUNTIME_DIR")) f.xdg_runtime_dir = x;
    if (const char* u = std::getenv("USER")) f.user = u;
    struct stat st;
    f.run_user_dir_exists = ::stat(("/run/user/" + std::to_string(f.euid)).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    return f;
}

}  // namespace hull::cli
