#include "runtime/signals.hpp"

#include <csignal>
#include <cstdlib>
#include <string_view>

#include "util/error.hpp"

namespace hull {

namespace {
struct SignalName {
    const char* name;
    int number;
};
constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},         {"POLL", SIGPOLL},   {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

bool parse_int(std::string_view s, int& out) {
    if (s.empty() || s.size() > 4) return false;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}
}  // namespace

int parse_signal(const std::string& input) {
    std::string s;
    for (char c : input) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    int n = 0;
    if (parse_int(s, n)) {
        if (n >= 1 && n <= SIGRTMAX) return n;
        throw Error("invalid signal \"" + input + "\"");
    }
    std::string_view v = s;
    if (v.substr(0, 3) == "SIG") v.remove_prefix(3);
    for (auto& sn : kSignals)
        if (v == sn.name) return sn.number;
    auto rt = [&](std::string_view base, int origin, int dir) -> int {
        if (v.substr(0, base.size()) != base) return 0;
        std::string_view rest = v.substr(base.size());
        if (rest.empty()) return origin;
        int off = 0;
        if ((rest[0] == '+' || rest[0] == '-') && parse_int(rest.substr(1), off)) {
            int sig = origin + (rest[0] == '+' ? off : -off) * dir;
            if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
        }
        return 0;
    };
    if (int sig = rt("RTMIN", SIGRTMIN, 1)) return sig;
    if (int sig = rt("RTMAX", SIGRTMAX, 1)) return sig;
    throw Error("invalid signal \"" + input + "\"");
}

std::string signal_name(int sig) {
    for (auto& sn : kSignals)
        if (sn.number == sig) return std::string("SIG") + sn.name;
    return "";
}

}  // namespace hull
