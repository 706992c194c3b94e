#include "runtime/process_setup.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <optional>

#include "runtime/capabilities.hpp"
#include "runtime/exec_process.hpp"
#include "runtime/lsm.hpp"
#include "runtime/process_attrs.hpp"
#include "runtime/rlimits.hpp"
#include "runtime/seccomp.hpp"
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

// setuid clears the parent-death signal: put it back (hull gone during set-up: so are we).
void switch_user_keeping_caps(const oci::User& user) {
    int pdeath = 0;
    ::prctl(PR_GET_PDEATHSIG, &pdeath, 0, 0, 0);
    keep_capabilities_across_setuid(true);
    switch_user(user);
    keep_capabilities_across_setuid(false);
    if (pdeath != 0 && ::prctl(PR_SET_PDEATHSIG, pdeath, 0, 0, 0) < 0) throw_errno("restore the parent-death signal");
}

}  // namespace

PreparedProcess prepare_process(const oci::Process& p, const oci::Linux& lx, const ProcessContext& ctx) {
    PreparedProcess out;
    if (!ctx.initial_affinity_done) apply_initial_cpu_affinity(p);

    // Every translation first: a bad config fails before anything about the process changes.
    std::vector<RlimitSetting> rlimits = plan_rlimits(p.rlimits);
    CapabilityPlan caps = capabilities_for(p);
    std::optional<SchedulerSetting> sched;
    if (p.scheduler) sched = plan_scheduler(*p.scheduler);
    std::optional<MemoryPolicySetting> mempolicy;
    if (lx.memoryPolicy) mempolicy = plan_memory_policy(*lx.memoryPolicy);
    if (p.ioPriority) io_priority_value(*p.ioPriority);
    if (lx.personality) personality_value(*lx.personality);

    out.env = environment_for(p);
    // Settings that may need privilege (CAP_SYS_RESOURCE, CAP_SYS_NICE...): before caps drop.
    apply_rlimits(rlimits);
    if (p.oomScoreAdj) apply_oom_score_adj(*p.oomScoreAdj);
    if (sched) apply_scheduler(*sched, *p.scheduler);
    if (p.ioPriority) apply_io_priority(*p.ioPriority);
    if (mempolicy) apply_memory_policy(*mempolicy, *lx.memoryPolicy);
    if (lx.personality) apply_personality(*lx.personality);

    if (p.noNewPrivileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) throw_errno("set no_new_privs");
    // Without no_new_privs loading a filter needs CAP_SYS_ADMIN: while we still have it.
    if (lx.seccomp && !p.noNewPrivileges) install_seccomp(*lx.seccomp, ctx.sync_fd);

    drop_bounding_set(caps);
    switch_user_keeping_caps(p.user);
    if (::chdir(p.cwd.c_str()) < 0) throw_errno("chdir to cwd \"" + p.cwd + "\"");
    apply_capability_sets(caps);

    out.path = find_executable(p.args.at(0), out.env);
    seal_descriptors(ctx.preserve_fds);
    // As close to execve as we can while hull still listens: few syscalls run under the filter.
    if (lx.seccomp && p.noNewPrivileges) install_seccomp(*lx.seccomp, ctx.sync_fd);
    return out;
}

void exec_prepared(const PreparedProcess& prepared, const oci::Process& p, const oci::Linux&, const ProcessContext&) {
    apply_final_cpu_affinity(p);
    set_exec_labels(p);  // AppArmor profile / SELinux label that execve switches to
    exec_process(prepared.path, p.args, prepared.env);
}

}  // namespace hull
