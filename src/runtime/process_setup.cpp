#include "runtime/process_setup.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/exec_process.hpp"
#include "util/error.hpp"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace hull {

namespace {

// No host descriptor may reach the container (CVE-2024-21626): all but stdio and the
// preserved ones close on exec.
void seal_descriptors(int preserve_fds) {
    unsigned first = 3u + static_cast<unsigned>(preserve_fds);
    if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) throw_errno("close_range");
    for (int fd = 3; fd < static_cast<int>(first); ++fd) {
        int fl = ::fcntl(fd, F_GETFD);
        if (fl >= 0) ::fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
    }
}

}  // namespace

PreparedProcess prepare_process(const oci::Process& p, const oci::Linux&, const ProcessContext& ctx) {
    PreparedProcess out;
    out.env = environment_for(p);
    switch_user(p.user);
    if (::chdir(p.cwd.c_str()) < 0) throw_errno("chdir to cwd \"" + p.cwd + "\"");
    out.path = find_executable(p.args.at(0), out.env);
    seal_descriptors(ctx.preserve_fds);
    return out;
}

void exec_prepared(const PreparedProcess& prepared, const oci::Process& p, const oci::Linux&, const ProcessContext&) {
    exec_process(prepared.path, p.args, prepared.env);
}

}  // namespace hull
