#include <cstdint>

#include "cli/commands.hpp"
#include "cli/container_options.hpp"
#include "cli/options.hpp"
#include "libocispec/config.hpp"
#include "runtime/exec.hpp"
#include "util/error.hpp"

namespace hull::cli {

namespace {

uint32_t parse_id(const std::string& s, const char* what) {
    if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError{std::string("invalid ") + what + " \"" + s + "\": want a number"};
    unsigned long v = std::stoul(s);
    if (v > UINT32_MAX) throw UsageError{std::string("invalid ") + what + " \"" + s + "\""};
    return static_cast<uint32_t>(v);
}

void set_env(std::vector<std::string>& env, const std::string& kv) {
    std::string key = kv.substr(0, kv.find('='));
    for (auto& e : env)
        if (e.substr(0, e.find('=')) == key) {
            e = kv;
            return;
        }
    env.push_back(kv);
}

// The process to run: --process FILE, or the container's process with the args and flags given.
oci::Process build_process(const Parsed& p, const oci::Spec& spec) {
    oci::Process proc;
    if (p.has("process")) {
        std::string file = p.get("process");
        proc = oci::parse_process(oci::read_config_file(file), file);
    } else {
        if (p.args().size() < 2) throw UsageError{"exec needs a command to run after the container id (or --process)"};
        if (spec.process) proc = *spec.process;
        proc.args.assign(p.args().begin() + 1, p.args().end());
        proc.terminal = false;
    }
    if (p.has("tty")) proc.terminal = true;
    for (auto& e : p.all("env")) set_env(proc.env, e);
    if (p.has("cwd")) proc.cwd = p.get("cwd");
    if (p.has("user")) {
        std::string u = p.get("user");
        auto colon = u.find(':');
        proc.user.uid = parse_id(u.substr(0, colon), "uid");
        if (colon != std::string::npos) proc.user.gid = parse_id(u.substr(colon + 1), "gid");
    }
    for (auto& g : p.all("additional-gids")) proc.user.additionalGids.push_back(parse_id(g, "gid"));
    if (!p.all("cap").empty()) {
        if (!proc.capabilities) proc.capabilities = oci::Capabilities{};
        auto& c = *proc.capabilities;
        for (auto* set : {&c.bounding, &c.effective, &c.permitted, &c.ambient, &c.inheritable}) {
            if (!*set && set == &c.inheritable) continue;  // runc adds no inheritable set of its own
            if (!*set) *set = oci::Strings{};
            for (auto& cap : p.all("cap")) (*set)->push_back(cap);
        }
    }
    if (p.has("no-new-privs")) proc.noNewPrivileges = true;
    if (p.has("apparmor")) proc.apparmorProfile = p.get("apparmor");
    if (p.has("process-label")) proc.selinuxLabel = p.get("process-label");
    if (proc.cwd.empty()) proc.cwd = "/";
    return proc;
}

// exec --cgroup as runc takes it: PATH or :PATH (every controller), repeatable. A path for
// one controller only (CONTROLLER:PATH, cgroup v1) is refused: hull keeps a container's
// processes in one cgroup per hierarchy.
std::string parse_sub_cgroup(const std::vector<std::string>& values) {
    std::string sub;
    for (auto& v : values) {
        auto colon = v.find(':');
        if (colon != std::string::npos && colon != 0)
            throw UsageError{"--cgroup " + v + ": a sub-cgroup for some controllers only is not supported; use --cgroup PATH"};
        std::string path = colon == std::string::npos ? v : v.substr(1);
        if (path.empty()) throw UsageError{"--cgroup needs a path"};
        if (!sub.empty() && sub != path) throw UsageError{"--cgroup given twice with different paths"};
        sub = path;
    }
    return sub;
}

}  // namespace

int cmd_exec(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {
        "exec", "<container-id> <command> [args...]",
        "Run a new process inside a running container (in all its namespaces, with its security settings).",
        {
            {"process", 'p', "FILE", "the process as a JSON file (config.json's process object)"},
            {"tty", 't', nullptr, "give the process a terminal (needs --console-socket)"},
            {"console-socket", 0, "SOCKET", "unix socket that receives the pty master"},
            {"detach", 'd', nullptr, "do not wait for the process"},
            {"pid-file", 0, "FILE", "write the process's pid to FILE"},
            {"env", 'e', "KEY=VALUE", "set an environment variable (repeatable)"},
            {"cwd", 0, "DIR", "working directory in the container"},
            {"user", 'u', "UID[:GID]", "run as this user"},
            {"additional-gids", 'g', "GID", "an additional group (repeatable)"},
            {"cap", 'c', "CAP", "add a capability (repeatable)"},
            {"no-new-privs", 0, nullptr, "set no_new_privs"},
            {"apparmor", 0, "PROFILE", "AppArmor profile"},
            {"process-label", 0, "LABEL", "SELinux label"},
            {"preserve-fds", 0, "N", "pass N extra file descriptors (3 .. 3+N-1)"},
            {"cgroup", 0, "PATH", "a sub-cgroup of the container for the process"},
        },
        1, SIZE_MAX, true};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    ExecOptions opts;
    opts.root = g.root;
    opts.id = p->args()[0];
    return with_context("exec \"" + opts.id + "\"", [&] {
        opts.process = build_process(*p, load_container_spec(g.root, opts.id));
        opts.console_socket = p->get("console-socket");
        opts.pid_file = p->get("pid-file");
        opts.detach = p->has("detach");
        opts.preserve_fds = parse_preserve_fds(*p);
        opts.sub_cgroup = parse_sub_cgroup(p->all("cgroup"));
        return exec_in_container(opts);
    });
}

}  // namespace hull::cli
