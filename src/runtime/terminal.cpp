#include "runtime/terminal.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "runtime/sync.hpp"
#include "util/error.hpp"

namespace hull {

UniqueFd connect_console_socket(const std::string& path) {
    UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!s) throw_errno("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw Error("console socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throw_errno("connect to console socket " + path);
    return s;
}

TerminalRelay terminal_relay() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair for the terminal");
    return {UniqueFd(sv[0]), UniqueFd(sv[1])};
}

UniqueFd open_console(const std::string& console_socket, bool may_relay, UniqueFd& relay_ours) {
    if (!console_socket.empty()) return connect_console_socket(console_socket);
    if (!may_relay) throw Error("process.terminal is true: a --console-socket is needed to hand over the terminal");
    TerminalRelay r = terminal_relay();
    relay_ours = std::move(r.ours);
    return std::move(r.child);
}

void setup_terminal(int console, const std::optional<oci::ConsoleSize>& size) {
    UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master) throw_errno("open /dev/ptmx");
    if (::unlockpt(master.get()) < 0) throw_errno("unlockpt");
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) throw_errno("ptsname");
    UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) throw_errno(std::string("open ") + name);
    if (size) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(size->height);
        ws.ws_col = static_cast<unsigned short>(size->width);
        if (::ioctl(slave.get(), TIOCSWINSZ, &ws) < 0) throw_errno("set window size");
    }
    // /dev/console is the container's terminal, as in runc.
    UniqueFd console_file(::open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (console_file && ::mount(name, "/dev/console", nullptr, MS_BIND, nullptr) < 0)
        throw_errno(std::string("bind ") + name + " on /dev/console");
    send_fd(console, master.get(), name);
    if (::ioctl(slave.get(), TIOCSCTTY, 0) < 0) throw_errno("make the terminal controlling");
    for (int i = 0; i < 3; ++i)
        if (::dup2(slave.get(), i) < 0) throw_errno("dup terminal");
}

}  // namespace hull
