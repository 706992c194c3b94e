#include "runtime/state_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "libocispec/config.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull {

void validate_container_id(const std::string& id) {
    bool ok = !id.empty() && id != "." && id != ".." && id.size() <= 1024;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '+' && c != '-' && c != '.') ok = false;
    if (!ok) throw Error("invalid container id \"" + id + "\": use letters, digits, '_', '+', '-' and '.'");
}

static UniqueFd open_dir(const std::string& path) { return UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

ContainerDir ContainerDir::create(const std::string& root, const std::string& id) {
    validate_container_id(id);
    mkdir_all(root, 0700);
    std::string path = path_join(root, id);
    if (::mkdir(path.c_str(), 0711) < 0) {
        if (errno == EEXIST) throw Error("container with id exists: " + id);
        throw_errno("mkdir " + path);
    }
    UniqueFd fd = open_dir(path);
    if (!fd || ::flock(fd.get(), LOCK_EX) < 0) {
        int e = errno;
        ::rmdir(path.c_str());
        throw Error("lock " + path, e);
    }
    return ContainerDir(id, path, std::move(fd));
}

ContainerDir ContainerDir::open_unlocked(const std::string& root, const std::string& id) {
    validate_container_id(id);
    std::string path = path_join(root, id);
    UniqueFd fd = open_dir(path);
    if (!fd) {
        if (errno == ENOENT) throw Error("container does not exist");
        throw_errno("open " + path);
    }
    return ContainerDir(id, path, std::move(fd));
}

ContainerDir ContainerDir::open(const std::string& root, const std::string& id) {
    ContainerDir d = open_unlocked(root, id);
    d.lock();
    return d;
}

void ContainerDir::lock() {
    if (!fd_) fd_ = open_dir(path_);
    if (!fd_) throw_errno("open " + path_);
    while (::flock(fd_.get(), LOCK_EX) < 0) {
        if (errno != EINTR) throw_errno("lock " + path_);
    }
}

std::string ContainerDir::file(const std::string& name) const { return path_join(path_, name); }

bool ContainerDir::being_created() const {
    if (has_state()) return false;
    UniqueFd probe = open_dir(path_);
    if (!probe) return false;
    if (::flock(probe.get(), LOCK_EX | LOCK_NB) == 0) return false;
    return errno == EWOULDBLOCK;
}

void ContainerDir::save_init(int pid, unsigned long long start_time) const {
    write_file(file("init"), std::to_string(pid) + " " + std::to_string(start_time) + "\n", 0600);
}

void ContainerDir::save(const oci::State& state) const {
    write_file_atomic(file("state.json"), oci::write_state(state, true), 0600);
}

bool ContainerDir::has_state() const { return ::faccessat(fd_.get(), "state.json", F_OK, 0) == 0; }

oci::State ContainerDir::load() const {
    oci::State st = oci::parse_state(read_file(file("state.json")), file("state.json"));
    int pid = 0;
    unsigned long long saved_start = 0;
    std::string init = read_file(file("init"));
    if (std::sscanf(init.c_str(), "%d %llu", &pid, &saved_start) != 2) throw Error("corrupt " + file("init"));
    auto now_start = process_start_time(pid);
    if (pid <= 0 || !now_start || *now_start != saved_start) {
        st.status = "stopped";
        st.pid = 0;
    } else if (::faccessat(fd_.get(), kExecFifo, F_OK, 0) == 0) {
        st.status = "created";
    } else {
        st.status = "running";
    }
    return st;
}

void ContainerDir::remove() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    if (ec) throw Error("remove " + path_ + ": " + ec.message());
}

std::vector<std::string> list_container_ids(const std::string& root) {
    std::vector<std::string> ids;
    DIR* d = ::opendir(root.c_str());
    if (!d) {
        if (errno == ENOENT) return ids;
        throw_errno("open " + root);
    }
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || e->d_type != DT_DIR) continue;
        ids.push_back(name);
    }
    ::closedir(d);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::optional<unsigned long long> process_start_time(int pid) {
    if (pid <= 0) return std::nullopt;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    std::string stat;
    try {
        stat = read_file(path);
    } catch (const Error&) {
        return std::nullopt;
    }
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return std::nullopt;
    char state = stat[close + 2];
    if (state == 'Z' || state == 'X') return std::nullopt;
    unsigned long long v = 0;
    const char* p = stat.c_str() + close + 2;
    for (int field = 3; field < 22; ++field) {
        p = std::strchr(p, ' ');
        if (!p) return std::nullopt;
        ++p;
    }
    if (std::sscanf(p, "%llu", &v) != 1) return std::nullopt;
    return v;
}

}  // namespace hull
