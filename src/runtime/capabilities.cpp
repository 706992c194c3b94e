#include "runtime/capabilities.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hull {

namespace {

constexpr std::array<std::string_view, kLastKnownCap + 1> kCapNames = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }

struct CapFree {
    void operator()(cap_t c) const { cap_free(c); }
};
using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

uint64_t mask_of(const std::optional<oci::Strings>& names, int last_cap, std::vector<std::string>& unavailable,
                 const char* set) {
    uint64_t mask = 0;
    if (!names) return mask;
    for (const std::string& name : *names) {
        auto n = capability_number(name);
        if (!n) throw Error(std::string("capabilities.") + set + ": unknown capability \"" + name + "\"");
        if (*n > last_cap) {
            bool seen = false;
            for (auto& u : unavailable) seen = seen || u == name;
            if (!seen) unavailable.push_back(name);
            continue;
        }
        mask |= bit(*n);
    }
    return mask;
}

// What this process holds now: its bounding and permitted sets.
std::pair<uint64_t, uint64_t> held_sets(int last_cap) {
    CapPtr cur(cap_get_proc());
    if (!cur) throw_errno("read the capabilities of the process");
    uint64_t bounding = 0, permitted = 0;
    for (int c = 0; c <= last_cap && c < 64; ++c) {
        if (cap_get_bound(static_cast<cap_value_t>(c)) > 0) bounding |= bit(c);
        cap_flag_value_t v = CAP_CLEAR;
        if (cap_get_flag(cur.get(), static_cast<cap_value_t>(c), CAP_PERMITTED, &v) == 0 && v == CAP_SET)
            permitted |= bit(c);
    }
    return {bounding, permitted};
}

}  // namespace

std::optional<int> capability_number(std::string_view name) {
    for (size_t i = 0; i < kCapNames.size(); ++i)
        if (kCapNames[i] == name) return static_cast<int>(i);
    return std::nullopt;
}

std::string_view capability_name(int cap) {
    if (cap < 0 || cap > kLastKnownCap) return {};
    return kCapNames[static_cast<size_t>(cap)];
}

std::string capability_list(uint64_t mask) {
    std::string out;
    for (int c = 0; c < 64; ++c) {
        if (!(mask & bit(c))) continue;
        if (!out.empty()) out += ", ";
        std::string_view n = capability_name(c);
        out += n.empty() ? "capability " + std::to_string(c) : std::string(n);
    }
    return out;
}

CapabilityPlan plan_capabilities(const std::optional<oci::Capabilities>& caps, int last_cap) {
    CapabilityPlan plan;
    if (!caps) return plan;
    plan.bounding = mask_of(caps->bounding, last_cap, plan.unavailable, "bounding");
    plan.effective = mask_of(caps->effective, last_cap, plan.unavailable, "effective");
    plan.permitted = mask_of(caps->permitted, last_cap, plan.unavailable, "permitted");
    plan.inheritable = mask_of(caps->inheritable, last_cap, plan.unavailable, "inheritable");
    plan.ambient = mask_of(caps->ambient, last_cap, plan.unavailable, "ambient");
    if (uint64_t extra = plan.effective & ~plan.permitted)
        throw Error("capabilities: effective " + capability_list(extra) +
                    " not in the permitted set (effective capabilities must also be permitted)");
    return plan;
}

std::vector<std::string> restrict_to_held(CapabilityPlan& plan, uint64_t held_bounding, uint64_t held_permitted) {
    std::vector<std::string> warnings;
    auto restrict = [&](uint64_t& set, uint64_t allowed, const char* name, const std::string& why) {
        if (uint64_t lost = set & ~allowed) {
            warnings.push_back(std::string("capabilities: ") + name + " " + capability_list(lost) +
                               " cannot be granted (" + why + "): left out");
            set &= allowed;
        }
    };
    const std::string not_held = "hull does not hold it";
    restrict(plan.bounding, held_bounding, "bounding", not_held);
    restrict(plan.permitted, held_permitted, "permitted", not_held);
    restrict(plan.effective, held_permitted, "effective", not_held);
    restrict(plan.inheritable, held_permitted, "inheritable", not_held);
    restrict(plan.ambient, held_permitted, "ambient", not_held);
    restrict(plan.ambient, plan.permitted & plan.inheritable, "ambient",
             "an ambient capability must be permitted and inheritable");
    return warnings;
}

int kernel_last_cap() {
    std::string text = with_context("read the kernel's last capability", [] {
        return read_file("/proc/sys/kernel/cap_last_cap");
    });
    try {
        return std::stoi(text);
    } catch (const std::exception&) {
        throw Error("/proc/sys/kernel/cap_last_cap: not a number: \"" + text + "\"");
    }
}

CapabilityPlan capabilities_for(const oci::Process& p) {
    int last = std::min(kernel_last_cap(), 63);
    CapabilityPlan plan = plan_capabilities(p.capabilities, last);
    if (!plan.unavailable.empty()) {
        std::string names;
        for (auto& n : plan.unavailable) names += (names.empty() ? "" : ", ") + n;
        log::warn("ignoring capabilities this kernel does not have (cap_last_cap " + std::to_string(last) +
                  "): " + names);
    }
    auto [bounding, permitted] = held_sets(last);
    // Ambient capabilities outside the inheritable set are what runc's and buildah's default
    // configs ask for; runc drops them silently: a debug note, not a warning on every run.
    for (auto& w : restrict_to_held(plan, bounding, permitted)) {
        if (w.find("must be permitted and inheritable") != std::string::npos) log::debug(w);
        else log::warn(w);
    }
    return plan;
}

void drop_bounding_set(const CapabilityPlan& plan) {
    int last = std::min(kernel_last_cap(), 63);
    for (int c = 0; c <= last; ++c) {
        if (plan.bounding & bit(c)) continue;
        auto cap = static_cast<cap_value_t>(c);
        if (cap_get_bound(cap) <= 0) continue;  // not in the set (or unknown to the kernel)
        if (cap_drop_bound(cap) < 0) throw_errno("drop " + capability_list(bit(c)) + " from the bounding set");
    }
}

void keep_capabilities_across_setuid(bool keep) {
    if (::prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) < 0)
        throw_errno(keep ? "keep capabilities across setuid (PR_SET_KEEPCAPS)" : "clear PR_SET_KEEPCAPS");
}

void apply_capability_sets(const CapabilityPlan& plan) {
    CapPtr caps(cap_init());
    if (!caps) throw_errno("cap_init");
    for (int c = 0; c < 64; ++c) {
        cap_value_t v[1] = {static_cast<cap_value_t>(c)};
        auto set = [&](cap_flag_t flag, uint64_t mask) {
            if ((mask & bit(c)) && cap_set_flag(caps.get(), flag, 1, v, CAP_SET) < 0)
                throw_errno("capability " + capability_list(bit(c)));
        };
        set(CAP_EFFECTIVE, plan.effective);
        set(CAP_PERMITTED, plan.permitted);
        set(CAP_INHERITABLE, plan.inheritable);
    }
    if (cap_set_proc(caps.get()) < 0)
        throw Error("set capabilities (effective: [" + capability_list(plan.effective) + "], permitted: [" +
                        capability_list(plan.permitted) + "], inheritable: [" + capability_list(plan.inheritable) +
                        "])",
                    errno);
    if (cap_reset_ambient() < 0 && errno != EINVAL) throw_errno("clear the ambient capabilities");
    for (int c = 0; c < 64; ++c) {
        if (!(plan.ambient & bit(c))) continue;
        if (cap_set_ambient(static_cast<cap_value_t>(c), CAP_SET) < 0)
            log::warn("cannot raise ambient capability " + capability_list(bit(c)) + ": " + std::strerror(errno));
    }
}

}  // namespace hull
