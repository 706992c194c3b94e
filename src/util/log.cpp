#include "util/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "libocispec/json.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

namespace hull::log {

namespace {
UniqueFd g_file;
bool g_json = false;
bool g_debug = false;

const char* name(Level l) {
    switch (l) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warning: return "warning";
        case Level::error: return "error";
    }
    return "info";
}

std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
    return out + "\"";
}

void write_fd(int fd, const std::string& line) {
    ssize_t r = ::write(fd, line.data(), line.size());
    (void)r;  // nothing sensible to do when a log write fails
}
}  // namespace

void init(const std::string& file, bool json, bool debug) {
    g_json = json;
    g_debug = debug;
    if (file.empty()) return;
    g_file.reset(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!g_file) std::fprintf(stderr, "hull: open log file %s: %m\n", file.c_str());
}

void write(Level level, const std::string& msg) {
    if (level == Level::debug && !g_debug) return;
    if (level != Level::debug || g_file.get() < 0) {
        std::string prefix = level == Level::warning ? "hull: warning: " : "hull: ";
        write_fd(STDERR_FILENO, prefix + msg + "\n");
    }
    if (!g_file) return;
    std::string line;
    if (g_json) {
        json::JsonWriter w(false);
        w.begin_object();
        w.key("level"), w.value(name(level));
        w.key("msg"), w.value(msg);
        w.key("time"), w.value(now_rfc3339());
        w.end_object();
        line = w.str() + "\n";
    } else {
        line = "time=\"" + now_rfc3339() + "\" level=" + name(level) + " msg=" + quote(msg) + "\n";
    }
    write_fd(g_file.get(), line);
}

}  // namespace hull::log
