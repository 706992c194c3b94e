#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "libocispec/json.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"

namespace hull::cli {

namespace {

// ps(1)'s output, as runc gets it: run ps with the arguments given (default -ef).
std::string run_ps(const std::vector<std::string>& args) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd rd(pipefd[0]), wr(pipefd[1]);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork ps");
    if (pid == 0) {
        ::dup2(wr.get(), STDOUT_FILENO);
        std::vector<char*> argv{const_cast<char*>("ps")};
        for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execvp("ps", argv.data());
        std::fprintf(stderr, "hull: exec ps: %m\n");
        ::_exit(127);
    }
    wr.reset();
    std::string out;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(rd.get(), buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) out.append(buf, static_cast<size_t>(n));
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error("ps exited with status " + std::to_string(WEXITSTATUS(status)));
    return out;
}

}  // namespace

int cmd_ps(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {"ps", "<container-id> [ps options]",
                                     "List the processes of a container (through ps(1), default ps -ef).",
                                     {{"format", 'f', "table|json", "output format (default table)"}}, 1, SIZE_MAX, true};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    std::string format = p->get("format", "table");
    if (format != "table" && format != "json") throw UsageError{"invalid format \"" + format + "\": want table or json"};
    ContainerDir dir = ContainerDir::open_unlocked(g.root, p->args()[0]);
    if (!dir.has_state()) throw Error("container does not exist");
    oci::State st = container_state(dir);
    std::vector<int> pids = st.status == "stopped" ? std::vector<int>{} : container_pids(dir, st);
    if (format == "json") {
        json::JsonWriter w(false);
        w.begin_array();
        for (int pid : pids) w.value(static_cast<int64_t>(pid));
        w.end_array();
        std::puts(w.str().c_str());
        return 0;
    }
    std::vector<std::string> ps_args(p->args().begin() + 1, p->args().end());
    if (ps_args.empty()) ps_args = {"-ef"};
    std::istringstream lines(run_ps(ps_args));
    std::string header;
    std::getline(lines, header);
    // The PID column: its index among the header's fields.
    std::istringstream hs(header);
    std::string field;
    int pid_col = -1, col = 0;
    while (hs >> field) {
        if (field == "PID") pid_col = col;
        ++col;
    }
    if (pid_col < 0) throw Error("ps output has no PID column");
    std::puts(header.c_str());
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream ls(line);
        for (int i = 0; i <= pid_col && ls >> field; ++i) {}
        if (field.find_first_not_of("0123456789") == std::string::npos && !field.empty() &&
            std::find(pids.begin(), pids.end(), std::stoi(field)) != pids.end())
            std::puts(line.c_str());
    }
    return 0;
}

}  // namespace hull::cli
