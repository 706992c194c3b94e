#include "runtime/sync.hpp"

#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "util/error.hpp"

namespace hull {

std::pair<UniqueFd, UniqueFd> sync_socketpair() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
    return {UniqueFd(sv[0]), UniqueFd(sv[1])};
}

static void send_with_fd(int sock, const void* data, size_t len, int fd) {
    iovec iov{const_cast<void*>(data), len};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (fd >= 0) {
        std::memset(control, 0, sizeof control);
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    while (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR) throw_errno("send message");
    }
}

static ssize_t recv_with_fd(int sock, void* data, size_t len, UniqueFd& fd) {
    iovec iov{data, len};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    while ((n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0) {
        if (errno != EINTR) throw_errno("receive message");
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int got;
            std::memcpy(&got, CMSG_DATA(c), sizeof got);
            fd.reset(got);
        }
    }
    return n;
}

void send_message(int sock, SyncMsg type, const std::string& payload, int fd) {
    std::string buf(1, static_cast<char>(type));
    buf += payload;
    send_with_fd(sock, buf.data(), buf.size(), fd);
}

std::optional<Message> try_receive_message(int sock) {
    std::vector<char> buf(65536);
    Message m;
    ssize_t n = recv_with_fd(sock, buf.data(), buf.size(), m.fd);
    if (n <= 0) return std::nullopt;
    m.type = static_cast<SyncMsg>(buf[0]);
    m.payload.assign(buf.data() + 1, static_cast<size_t>(n - 1));
    return m;
}

Message receive_message(int sock) {
    std::optional<Message> m = try_receive_message(sock);
    if (!m) throw Error("container init exited during set-up");
    return std::move(*m);
}

Message expect_message(int sock, SyncMsg want) {
    Message m = receive_message(sock);
    if (m.type == SyncMsg::error) throw Error(m.payload);
    if (m.type != want) throw Error("unexpected message " + std::to_string(static_cast<int>(m.type)) + " from container init");
    return m;
}

void send_fd(int sock, int fd, const std::string& name) { send_with_fd(sock, name.data(), name.size(), fd); }

UniqueFd receive_fd(int sock) {
    char buf[4096];
    UniqueFd fd;
    ssize_t n = recv_with_fd(sock, buf, sizeof buf, fd);
    if (n < 0 || !fd) throw Error("no file descriptor received");
    return fd;
}

}  // namespace hull
