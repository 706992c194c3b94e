// The container's terminal: a pty opened inside the container, its master sent to the
// --console-socket as runc does, its slave made the controlling terminal and stdio.
#pragma once
#include <optional>
#include <string>

#include "libocispec/spec.hpp"
#include "util/fd.hpp"

namespace hull {

// Connect to the console socket given on the command line (in hull, before the container exists).
UniqueFd connect_console_socket(const std::string& path);

// Where the terminal goes when there is no --console-socket (`run`, `exec` in the foreground):
// the child sends the master over `child`, hull receives it on `ours` and relays it.
struct TerminalRelay {
    UniqueFd ours, child;
};
TerminalRelay terminal_relay();

// The console for a process with process.terminal: the --console-socket, or a relay when allowed.
// Returns the fd the child sends the master over; relay.ours is set in the relay case.
UniqueFd open_console(const std::string& console_socket, bool may_relay, UniqueFd& relay_ours);

// In the container, after pivot_root: open /dev/ptmx, send the master over console, make the
// slave the controlling terminal and fds 0-2, bind it over /dev/console.
void setup_terminal(int console, const std::optional<oci::ConsoleSize>& size);

}  // namespace hull
