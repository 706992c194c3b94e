#include "runtime/rlimits.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull {

namespace {

constexpr std::array<std::pair<std::string_view, int>, 16> kRlimits = {{
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
}};

std::optional<uint64_t> read_nr_open() {
    try {
        return std::stoull(read_file("/proc/sys/fs/nr_open"));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

std::optional<int> rlimit_resource(std::string_view name) {
    for (auto& [n, r] : kRlimits)
        if (n == name) return r;
    return std::nullopt;
}

std::string rlimit_value_text(rlim_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

std::vector<RlimitSetting> plan_rlimits(const std::vector<oci::Rlimit>& limits) {
    std::vector<RlimitSetting> out;
    std::set<std::string> seen;
    for (const oci::Rlimit& l : limits) {
        auto resource = rlimit_resource(l.type);
        if (!resource) throw Error("rlimits: unknown rlimit type \"" + l.type + "\"");
        if (!seen.insert(l.type).second) throw Error("rlimits: rlimit type \"" + l.type + "\" listed twice");
        if (l.soft > l.hard)
            throw Error("rlimit " + l.type + ": the soft limit " + rlimit_value_text(l.soft) +
                        " is above the hard limit " + rlimit_value_text(l.hard));
        out.push_back({l.type, *resource, rlimit{static_cast<rlim_t>(l.soft), static_cast<rlim_t>(l.hard)}});
    }
    return out;
}

std::string explain_rlimit_failure(const RlimitSetting& asked, const rlimit& current, int err,
                                   std::optional<uint64_t> nr_open) {
    std::string head = "rlimit " + asked.name + ": ";
    if (err == EPERM && asked.resource == RLIMIT_NOFILE && nr_open && asked.value.rlim_max != RLIM_INFINITY &&
        asked.value.rlim_max > *nr_open)
        return head + "cannot set the hard limit to " + rlimit_value_text(asked.value.rlim_max) +
               " (it is above fs.nr_open, " + std::to_string(*nr_open) + ")";
    if (err == EPERM && asked.resource == RLIMIT_NOFILE && asked.value.rlim_max == RLIM_INFINITY)
        return head + "cannot set the hard limit to unlimited (the limit of open files is at most fs.nr_open" +
               (nr_open ? ", " + std::to_string(*nr_open) : std::string()) + ")";
    if (err == EPERM && asked.value.rlim_max > current.rlim_max)
        return head + "cannot raise the hard limit to " + rlimit_value_text(asked.value.rlim_max) +
               " (the current hard limit is " + rlimit_value_text(current.rlim_max) +
               " and raising it needs CAP_SYS_RESOURCE)";
    std::string why = std::strerror(err);
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
    return head + "setrlimit soft " + rlimit_value_text(asked.value.rlim_cur) + " hard " +
           rlimit_value_text(asked.value.rlim_max) + ": " + why;
}

void apply_rlimits(const std::vector<RlimitSetting>& limits) {
    for (const RlimitSetting& l : limits) {
        if (::setrlimit(static_cast<__rlimit_resource_t>(l.resource), &l.value) == 0) continue;
        int err = errno;
        rlimit current{};
        ::getrlimit(static_cast<__rlimit_resource_t>(l.resource), &current);
        throw Error(explain_rlimit_failure(l, current, err, read_nr_open()));
    }
}

}  // namespace hull
