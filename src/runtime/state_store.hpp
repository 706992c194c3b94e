// Container state under --root: one directory per container with state.json, the init process
// identity, the start fifo while created, and a lock (flock on the directory).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "libocispec/spec.hpp"
#include "util/fd.hpp"

namespace hull {

// runc's rule for ids: letters, digits, '_', '+', '-', '.'; not "." or "..".
void validate_container_id(const std::string& id);

class ContainerDir {
public:
    // Make <root>/<id> and lock it. Throws "container with id exists: <id>".
    static ContainerDir create(const std::string& root, const std::string& id);
    // Open and lock it (blocking). Throws "container does not exist" when missing.
    static ContainerDir open(const std::string& root, const std::string& id);
    // Open without taking the lock (readers: state, list).
    static ContainerDir open_unlocked(const std::string& root, const std::string& id);

    const std::string& id() const { return id_; }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const;
    bool being_created() const;
    int lock_fd() const { return fd_.get(); }  // the init closes its inherited copy  // no state.json yet and another process holds the lock

    // The init's identity (pid + start time, against pid reuse), then state.json: its
    // existence marks the end of create.
    void save_init(int pid, unsigned long long start_time) const;
    void save(const oci::State& state) const;
    bool has_state() const;
    oci::State load() const;  // with status derived from the live process
    // Remove the directory and all it holds.
    void remove();
    // Let other commands in (after create), and take the lock again (before run's delete).
    void unlock() { fd_.reset(); }
    void lock();

private:
    ContainerDir(std::string id, std::string path, UniqueFd fd) : id_(std::move(id)), path_(std::move(path)), fd_(std::move(fd)) {}
    std::string id_, path_;
    UniqueFd fd_;
};

std::vector<std::string> list_container_ids(const std::string& root);

// Field 22 of /proc/<pid>/stat (start time in clock ticks); nullopt when the process is gone
// or a zombie.
std::optional<unsigned long long> process_start_time(int pid);

// The name of the exec fifo that keeps a created container waiting for `start`.
inline const char* kExecFifo = "exec.fifo";
// What the init writes there when it fails between `start` and execve.
inline const char* kStartError = "start.error";

}  // namespace hull
