// spawn-timer: time commands run by run, interleaved, and print their medians.
//
//   spawn-timer [-n RUNS] [-w WARMUP] [-p PAUSE_MS] [-o CSV] [-e ERRFILE] -- NAME CMD ARGS... ';;' NAME CMD ARGS... ...
//
// Round r runs every command once, in the order given (a, b, c, a, b, c, ...), so that drift
// on the machine (frequency, caches, other load) falls on all of them alike. "{i}" in an
// argument becomes a number unique to the run (warm-up runs included), e.g. a container id.
// Each run is timed from just before posix_spawn to waitpid's return on CLOCK_MONOTONIC: the
// spawn, the runtime's whole life and the reaping of it. stdin and stdout are /dev/null,
// stderr goes to ERRFILE.NAME, which is shown and the run stops when a command exits non-zero;
// what the last run of each wrote there is shown at the end.
// PAUSE_MS (default 0) is slept, untimed, before each run: the kernel's deferred work from the
// last run then finishes first (see bench/README.md for what else it changes).
// Built by bench/run-bench.sh, not by `make`.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Command {
    std::string name;
    std::vector<std::string> argv;
    std::vector<double> ms;  // measured runs only
};

double now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string substitute(const std::string& arg, long run) {
    std::string out = arg;
    for (size_t p; (p = out.find("{i}")) != std::string::npos;) out.replace(p, 3, std::to_string(run));
    return out;
}

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "spawn-timer: %s: %s\n", what, std::strerror(errno));
    std::exit(2);
}

void show_file(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) std::fwrite(buf, 1, n, stderr);
    std::fclose(f);
}

// One run of c; its wall time in milliseconds.
double run_once(const Command& c, long run, const std::string& errfile) {
    std::vector<std::string> args;
    for (auto& a : c.argv) args.push_back(substitute(a, run));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    std::string errpath = errfile + "." + c.name;
    int err = open(errpath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (devnull < 0 || err < 0) die("open /dev/null or the error file");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, devnull, 0);
    posix_spawn_file_actions_adddup2(&fa, devnull, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);

    pid_t pid;
    double t0 = now_ms();
    int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    if (rc != 0) {
        errno = rc;
        die(("spawn " + args[0]).c_str());
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    double t1 = now_ms();
    posix_spawn_file_actions_destroy(&fa);
    close(devnull);
    close(err);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "spawn-timer: %s (run %ld) failed (status 0x%x):", c.name.c_str(), run, status);
        for (auto& a : args) std::fprintf(stderr, " %s", a.c_str());
        std::fprintf(stderr, "\n");
        show_file(errpath);
        std::exit(1);
    }
    return t1 - t0;
}

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    double pos = q * static_cast<double>(v.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: spawn-timer [-n RUNS] [-w WARMUP] [-p PAUSE_MS] [-o CSV] [-e ERRFILE] -- NAME CMD ARGS... [';;' NAME CMD ARGS...]...\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    long runs = 50, warmup = 3, pause_ms = 0;
    std::string csv, errfile = "/tmp/spawn-timer.stderr";
    int i = 1;
    for (; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (i + 1 >= argc) usage();
        if (a == "-n") runs = std::atol(argv[++i]);
        else if (a == "-w") warmup = std::atol(argv[++i]);
        else if (a == "-p") pause_ms = std::atol(argv[++i]);
        else if (a == "-o") csv = argv[++i];
        else if (a == "-e") errfile = argv[++i];
        else usage();
    }
    std::vector<Command> cmds;
    for (; i < argc; ++i) {
        std::string a = argv[i];
        if (a == ";;" || cmds.empty()) {
            cmds.push_back({});
            if (a == ";;") continue;
        }
        if (cmds.back().name.empty()) cmds.back().name = a;
        else cmds.back().argv.push_back(a);
    }
    if (runs < 1 || warmup < 0 || pause_ms < 0 || cmds.empty()) usage();
    for (auto& c : cmds)
        if (c.argv.empty()) usage();

    FILE* out = nullptr;
    if (!csv.empty()) {
        out = std::fopen(csv.c_str(), "w");
        if (!out) die(("open " + csv).c_str());
        std::fprintf(out, "round,runtime,ms\n");
    }
    long run = 0;
    for (long r = -warmup; r < runs; ++r) {
        for (auto& c : cmds) {
            if (pause_ms > 0) {
                timespec ts{pause_ms / 1000, (pause_ms % 1000) * 1000000};
                while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
            }
            double ms = run_once(c, ++run, errfile);
            if (r < 0) continue;
            c.ms.push_back(ms);
            if (out) std::fprintf(out, "%ld,%s,%.3f\n", r + 1, c.name.c_str(), ms);
        }
    }
    if (out) std::fclose(out);

    std::printf("%-8s %6s %9s %9s %9s %9s %9s\n", "runtime", "runs", "median", "min", "mean", "p90", "max");
    std::vector<double> medians;
    for (auto& c : cmds) {
        double sum = 0;
        for (double v : c.ms) sum += v;
        medians.push_back(quantile(c.ms, 0.5));
        std::printf("%-8s %6zu %9.2f %9.2f %9.2f %9.2f %9.2f  ms\n", c.name.c_str(), c.ms.size(), medians.back(),
                    quantile(c.ms, 0), sum / static_cast<double>(c.ms.size()), quantile(c.ms, 0.9), quantile(c.ms, 1));
    }
    for (size_t k = 1; k < cmds.size(); ++k)
        std::printf("ratio %s/%s (medians): %.3f\n", cmds[0].name.c_str(), cmds[k].name.c_str(), medians[0] / medians[k]);
    std::fflush(stdout);
    for (auto& c : cmds) {
        std::string errpath = errfile + "." + c.name;
        FILE* f = std::fopen(errpath.c_str(), "r");
        if (!f) continue;
        char line[512];
        if (std::fgets(line, sizeof line, f)) std::printf("note: the last run of %s wrote to stderr: %s", c.name.c_str(), line);
        std::fclose(f);
    }
    return 0;
}
