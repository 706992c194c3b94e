#include "runtime/cgroups/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <thread>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

namespace hull::cgroups {

namespace {

std::string shown_value(std::string_view v) {
    std::string s(v.substr(0, 64));
    if (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

}  // namespace

void write_cgroup_file(const std::string& dir, const std::string& file, std::string_view value) {
    std::string path = path_join(dir, file);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw Error("write \"" + file + "\" of " + dir, errno);
    ssize_t n;
    do {
        n = ::write(fd.get(), value.data(), value.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw Error("write \"" + file + "\" of " + dir + " (value \"" + shown_value(value) + "\")", errno);
    if (static_cast<size_t>(n) != value.size())
        throw Error("write \"" + file + "\" of " + dir + ": short write of \"" + shown_value(value) + "\"");
}

std::string read_cgroup_file(const std::string& dir, const std::string& file) {
    std::string path = path_join(dir, file);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw Error("read \"" + file + "\" of " + dir, errno);
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error("read \"" + file + "\" of " + dir, errno);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::optional<std::string> read_cgroup_file_if_exists(const std::string& dir, const std::string& file) {
    try {
        return read_cgroup_file(dir, file);
    } catch (const Error& e) {
        if (e.err() == ENOENT) return std::nullopt;
        throw;
    }
}

bool cgroup_file_exists(const std::string& dir, const std::string& file) {
    return ::access(path_join(dir, file).c_str(), F_OK) == 0;
}

std::string read_cgroup_value(const std::string& dir, const std::string& file) {
    std::string s = read_cgroup_file(dir, file);
    auto nl = s.find('\n');
    if (nl != std::string::npos) s.resize(nl);
    return s;
}

uint64_t read_cgroup_uint(const std::string& dir, const std::string& file) {
    std::string s = read_cgroup_value(dir, file);
    if (s == "max") return std::numeric_limits<uint64_t>::max();
    try {
        size_t used = 0;
        // v1 memory files print -1 for "no limit" in a few places (memory.soft_limit_in_bytes once did).
        if (!s.empty() && s[0] == '-') return std::numeric_limits<uint64_t>::max();
        uint64_t v = std::stoull(s, &used);
        if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
    throw Error("read \"" + file + "\" of " + dir + ": not a number: \"" + shown_value(s) + "\"");
}

void apply_write(const std::string& dir, const Write& w) {
    if (!w.by_line) {
        write_cgroup_file(dir, w.file, w.value);
        return;
    }
    size_t pos = 0;
    while (pos <= w.value.size()) {
        size_t nl = w.value.find('\n', pos);
        std::string_view line = std::string_view(w.value).substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (!line.empty()) write_cgroup_file(dir, w.file, line);
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
}

static void collect_procs(const std::string& dir, bool recursive, std::vector<int>& out) {
    std::string text = read_cgroup_file(dir, "cgroup.procs");
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (!line.empty()) out.push_back(std::stoi(line));
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    if (!recursive) return;
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno == ENOENT) return;
        throw Error("open cgroup " + dir, errno);
    }
    std::vector<std::string> subdirs;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (e->d_type == DT_DIR) subdirs.push_back(name);
    }
    ::closedir(d);
    for (auto& s : subdirs) collect_procs(path_join(dir, s), true, out);
}

std::vector<int> read_procs(const std::string& dir, bool recursive) {
    std::vector<int> out;
    collect_procs(dir, recursive, out);
    return out;
}

bool make_cgroup_dir(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0755) == 0) return true;
    if (errno == EEXIST) return false;
    throw Error("mkdir " + dir, errno);  // callers say which cgroup
}

static std::vector<std::string> child_dirs(const std::string& dir) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != ".." && e->d_type == DT_DIR) out.push_back(path_join(dir, name));
    }
    ::closedir(d);
    return out;
}

static bool rmdir_tree(const std::string& dir, int& last_errno) {
    bool ok = true;
    for (auto& c : child_dirs(dir)) ok = rmdir_tree(c, last_errno) && ok;
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return ok;
    last_errno = errno;
    return false;
}

void remove_cgroup_dir(const std::string& dir) {
    using namespace std::chrono_literals;
    int err = 0;
    auto delay = 5ms;
    for (int attempt = 0; attempt < 40; ++attempt) {
        if (rmdir_tree(dir, err)) return;
        if (err != EBUSY) break;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, 100ms);
    }
    std::string msg = "remove cgroup " + dir;
    if (err == EBUSY) {
        try {
            auto pids = read_procs(dir, true);
            if (!pids.empty()) msg += " (" + std::to_string(pids.size()) + " process(es) still in it)";
        } catch (const Error&) {
        }
    }
    throw Error(msg, err);
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
        if (j > i) out.emplace_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

}  // namespace hull::cgroups
