#include "runtime/seccomp.hpp"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <memory>

#include "libocispec/config.hpp"
#include "libocispec/json.hpp"
#include "runtime/sync.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
#define HULL_SECCOMP_HAS_WAITKILL 1
#endif

namespace hull {

namespace {

constexpr unsigned kMaxSyscallArgs = 6;

constexpr std::array<std::pair<std::string_view, std::string_view>, 23> kArches = {{
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_AARCH64", "aarch64"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
    {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
}};

constexpr std::array<std::pair<std::string_view, scmp_compare>, 7> kOperators = {{
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
}};

struct FilterFree {
    void operator()(void* c) const { seccomp_release(static_cast<scmp_filter_ctx>(c)); }
};
using FilterPtr = std::unique_ptr<void, FilterFree>;

// libseccomp returns -errno.
void check(int rc, const std::string& what) {
    if (rc < 0) throw Error("seccomp: " + what, -rc);
}

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

std::vector<scmp_arg_cmp> conditions_of(const oci::Syscall& call) {
    std::vector<scmp_arg_cmp> out;
    for (size_t i = 0; i < call.args.size(); ++i) {
        const oci::SyscallArg& a = call.args[i];
        std::string where = "args[" + std::to_string(i) + "]";
        if (a.index >= kMaxSyscallArgs)
            throw Error(where + ": index " + std::to_string(a.index) + " is above 5 (a syscall has 6 arguments)");
        auto op = seccomp_operator(a.op);
        if (!op) throw Error(where + ": unknown operator \"" + a.op + "\"");
        scmp_arg_cmp c{};
        c.arg = a.index;
        c.op = *op;
        c.datum_a = a.value;
        c.datum_b = *op == SCMP_CMP_MASKED_EQ ? a.valueTwo.value_or(0) : 0;
        out.push_back(c);
    }
    return out;
}

UniqueFd load_with_seccomp_syscall(scmp_filter_ctx ctx, const SeccompPlan& plan) {
    UniqueFd mem(static_cast<int>(::syscall(SYS_memfd_create, "hull-seccomp-bpf", MFD_CLOEXEC)));
    if (!mem) throw_errno("seccomp: memfd_create for the BPF program");
    check(seccomp_export_bpf(ctx, mem.get()), "export the BPF program");
    off_t size = ::lseek(mem.get(), 0, SEEK_END);
    if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0)
        throw Error("seccomp: the exported BPF program has a bad size " + std::to_string(size));
    std::vector<sock_filter> code(static_cast<size_t>(size) / sizeof(sock_filter));
    if (::pread(mem.get(), code.data(), static_cast<size_t>(size), 0) != size) throw_errno("seccomp: read back the BPF program");
    sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
    uint32_t flags = plan.kernel_flags;
    if (plan.notify) flags |= kSeccompFlagNewListener;
    if ((flags & kSeccompFlagTsync) && (flags & kSeccompFlagNewListener)) flags |= kSeccompFlagTsyncEsrch;
    long r = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (r < 0) throw Error("seccomp: load the filter (seccomp(2) with flags " + hex(flags) + ")", errno);
    if (r > 0 && !plan.notify) throw Error("seccomp: TSYNC failed: thread " + std::to_string(r) + " cannot be synchronised");
    return UniqueFd(plan.notify ? static_cast<int>(r) : -1);
}

}  // namespace

uint32_t seccomp_action(std::string_view name, std::optional<uint32_t> errno_ret) {
    bool takes_errno = name == "SCMP_ACT_ERRNO" || name == "SCMP_ACT_TRACE";
    if (errno_ret && !takes_errno)
        throw Error("action " + std::string(name) + ": errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE");
    if (errno_ret && *errno_ret > 0xffff)
        throw Error("action " + std::string(name) + ": errnoRet " + std::to_string(*errno_ret) + " is above 65535");
    uint32_t code = errno_ret.value_or(EPERM);
    if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
    if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
    if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
    if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(code);
    if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(code);
    if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
    if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
    if (name == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
    throw Error("unknown action \"" + std::string(name) + "\"");
}

std::optional<std::string_view> seccomp_arch_name(std::string_view name) {
    for (auto& [n, token] : kArches)
        if (n == name) return token;
    return std::nullopt;
}

uint32_t seccomp_arch(std::string_view name) {
    auto token = seccomp_arch_name(name);
    if (!token) throw Error("unknown architecture \"" + std::string(name) + "\"");
    uint32_t arch = seccomp_arch_resolve_name(std::string(*token).c_str());
    if (arch == 0)
        throw Error("architecture " + std::string(name) + " is not supported by this libseccomp (" +
                    std::to_string(SCMP_VER_MAJOR) + "." + std::to_string(SCMP_VER_MINOR) + "." +
                    std::to_string(SCMP_VER_MICRO) + ")");
    return arch;
}

std::optional<scmp_compare> seccomp_operator(std::string_view name) {
    for (auto& [n, op] : kOperators)
        if (n == name) return op;
    return std::nullopt;
}

std::optional<SeccompFlag> seccomp_flag(std::string_view name) {
    if (name == "SECCOMP_FILTER_FLAG_TSYNC") return SeccompFlag{SCMP_FLTATR_CTL_TSYNC, kSeccompFlagTsync};
    if (name == "SECCOMP_FILTER_FLAG_LOG") return SeccompFlag{SCMP_FLTATR_CTL_LOG, kSeccompFlagLog};
    if (name == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SeccompFlag{SCMP_FLTATR_CTL_SSB, kSeccompFlagSpecAllow};
#ifdef HULL_SECCOMP_HAS_WAITKILL
    if (name == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")
        return SeccompFlag{SCMP_FLTATR_CTL_WAITKILL, kSeccompFlagWaitKillableRecv};
#else
    if (name == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") return SeccompFlag{std::nullopt, kSeccompFlagWaitKillableRecv};
#endif
    return std::nullopt;
}

SeccompPlan plan_seccomp(const oci::Seccomp& config) {
    SeccompPlan plan;
    plan.default_action = with_context("defaultAction", [&] {
        return seccomp_action(config.defaultAction, config.defaultErrnoRet);
    });
    if (plan.default_action == SCMP_ACT_NOTIFY) throw Error("defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    for (const std::string& a : config.architectures)
        plan.arches.push_back(with_context("architectures", [&] { return seccomp_arch(a); }));

    for (size_t i = 0; i < config.syscalls.size(); ++i) {
        const oci::Syscall& call = config.syscalls[i];
        with_context("syscalls[" + std::to_string(i) + "]", [&] {
            if (call.names.empty()) throw Error("names: must not be empty");
            uint32_t action = seccomp_action(call.action, call.errnoRet);
            std::vector<scmp_arg_cmp> conditions = conditions_of(call);
            if (action == SCMP_ACT_NOTIFY) {
                plan.notify = true;
                for (auto& n : call.names)
                    if (n == "sendmsg")
                        throw Error("SCMP_ACT_NOTIFY cannot be used for sendmsg: hull hands the notify fd over with it");
            }
            if (action == plan.default_action) return;  // libseccomp refuses it; it changes nothing
            std::array<unsigned, kMaxSyscallArgs> per_index{};
            bool split = false;
            for (auto& c : conditions) split = split || ++per_index[c.arg] > 1;
            for (const std::string& name : call.names) {
                int nr = seccomp_syscall_resolve_name(name.c_str());
                if (nr == __NR_SCMP_ERROR) {
                    plan.unknown_syscalls.push_back(name);
                    continue;
                }
                if (!split) {
                    plan.rules.push_back(SeccompRule{name, nr, action, conditions});
                    continue;
                }
                for (auto& c : conditions) plan.rules.push_back(SeccompRule{name, nr, action, {c}});
            }
        });
    }
    if (plan.notify && !config.listenerPath)
        throw Error("SCMP_ACT_NOTIFY is used but linux.seccomp.listenerPath is not set");

    bool manual = false;
    uint32_t kernel_flags = 0;
    for (const std::string& f : config.flags) {
        auto flag = seccomp_flag(f);
        if (!flag) throw Error("flags: unknown flag \"" + f + "\"");
        if (flag->kernel_flag == kSeccompFlagWaitKillableRecv && !plan.notify) {
            log::debug("seccomp: " + f + " ignored: no rule uses SCMP_ACT_NOTIFY");
            continue;
        }
        kernel_flags |= flag->kernel_flag;
        if (flag->attr)
            plan.attrs.push_back(*flag->attr);
        else
            manual = true;
    }
    if (manual) plan.kernel_flags = kernel_flags;
    return plan;
}

UniqueFd load_seccomp(const SeccompPlan& plan) {
    FilterPtr filter(seccomp_init(plan.default_action));
    if (!filter) throw Error("seccomp: cannot create a filter with default action " + hex(plan.default_action));
    scmp_filter_ctx ctx = filter.get();
    check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "clear the no_new_privs attribute");
    for (scmp_filter_attr a : plan.attrs)
        check(seccomp_attr_set(ctx, a, 1), "set filter attribute " + std::to_string(static_cast<int>(a)));
    for (uint32_t arch : plan.arches) {
        int rc = seccomp_arch_add(ctx, arch);
        if (rc != -EEXIST) check(rc, "add architecture " + hex(arch));
    }
    for (const SeccompRule& r : plan.rules) {
        int rc = seccomp_rule_add_array(ctx, r.action, r.nr, static_cast<unsigned>(r.conditions.size()),
                                        r.conditions.empty() ? nullptr : r.conditions.data());
        check(rc, "add the rule for syscall \"" + r.syscall + "\"");
    }
    if (plan.kernel_flags) return load_with_seccomp_syscall(ctx, plan);
    check(seccomp_load(ctx), "load the filter");
    if (!plan.notify) return UniqueFd();
    int fd = seccomp_notify_fd(ctx);
    if (fd < 0) throw Error("seccomp: get the notify fd of the loaded filter", -fd);
    return UniqueFd(fd);
}

void install_seccomp(const oci::Seccomp& config, int sync_fd) {
    SeccompPlan plan = with_context("linux.seccomp", [&] { return plan_seccomp(config); });
    for (const std::string& name : plan.unknown_syscalls) log::debug("seccomp: unknown syscall \"" + name + "\" ignored");
    UniqueFd notify = load_seccomp(plan);
    if (!notify) return;
    if (sync_fd < 0) throw Error("seccomp: no channel to hull to hand the notify fd over");
    send_message(sync_fd, SyncMsg::seccomp_notify_fd, "", notify.get());
    notify.reset();  // the listener's copy is the only one the container must not keep
    with_context("seccomp: hand the notify fd to " + config.listenerPath.value_or("the listener"),
                 [&] { expect_message(sync_fd, SyncMsg::seccomp_done); });
}

std::string container_process_state(const oci::Seccomp& config, const std::string& state_json) {
    oci::State st = oci::parse_state(state_json, "container state");
    std::string out = "{\"ociVersion\":" + json::quote("1.3.0") + ",\"fds\":[\"seccompFd\"],\"pid\":" +
                      std::to_string(st.pid);
    if (config.listenerMetadata && !config.listenerMetadata->empty())
        out += ",\"metadata\":" + json::quote(*config.listenerMetadata);
    out += ",\"state\":" + state_json + "}";
    return out;
}

void forward_seccomp_listener(const oci::Seccomp& config, const std::string& state_json, int notify_fd) {
    if (!config.listenerPath || config.listenerPath->empty())
        throw Error("seccomp: SCMP_ACT_NOTIFY is used but linux.seccomp.listenerPath is not set");
    const std::string& path = *config.listenerPath;
    std::string where = "seccomp listener \"" + path + "\"";
    std::string payload = with_context(where, [&] { return container_process_state(config, state_json); });

    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw Error(where + ": the path is longer than " + std::to_string(sizeof addr.sun_path - 1) + " bytes");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) throw_errno(where + ": socket");
    int r;
    while ((r = ::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr)) < 0 && errno == EINTR) {}
    if (r < 0) throw_errno(where + ": connect");

    // The fd travels with the first bytes; the rest of the JSON, if any, follows without it.
    iovec iov{payload.data(), payload.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &notify_fd, sizeof notify_fd);
    ssize_t n;
    while ((n = ::sendmsg(sock.get(), &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
    if (n < 0) throw_errno(where + ": send the container process state");
    size_t sent = static_cast<size_t>(n);
    while (sent < payload.size()) {
        n = ::send(sock.get(), payload.data() + sent, payload.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(where + ": send the container process state");
        sent += static_cast<size_t>(n);
    }
}

}  // namespace hull
