// The typed messages between hull and the container's init process over a SOCK_SEQPACKET pair;
// a message may carry one file descriptor (SCM_RIGHTS).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "util/fd.hpp"

namespace hull {

enum class SyncMsg : uint8_t {
    parent_setup_done = 1,  // parent -> child: uid/gid maps written, cgroup joined
    ready = 2,            // child -> parent: set up, waiting for start
    error = 3,            // child -> parent: payload is the message
    start = 4,            // parent -> child (hull run): exec now
    hooks_request = 5,    // child -> parent: run the named hooks (payload) in the runtime namespace
    hooks_done = 6,       // parent -> child
    seccomp_notify_fd = 7,  // child -> parent: the seccomp notify fd travels with it
    seccomp_done = 8,       // parent -> child: the fd went to linux.seccomp.listenerPath
};

struct Message {
    SyncMsg type{};
    std::string payload;
    UniqueFd fd;  // a descriptor that travelled with the message
};

std::pair<UniqueFd, UniqueFd> sync_socketpair();
void send_message(int sock, SyncMsg type, const std::string& payload = "", int fd = -1);
// Blocks; nullopt when the other end closed (it exec'd or died).
std::optional<Message> try_receive_message(int sock);
// Blocks; throws Error("container init exited during set-up") on EOF.
Message receive_message(int sock);
// The next message must be of type want: an error message is rethrown as hull::Error.
Message expect_message(int sock, SyncMsg want);

// Send fd over a connected unix socket with name as data (console socket, as runc does).
void send_fd(int sock, int fd, const std::string& name);
UniqueFd receive_fd(int sock);

}  // namespace hull
