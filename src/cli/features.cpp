// `hull features`: the Features structure of runtime-spec v1.3.0 (features.md,
// features-linux.md), printed as runc prints it (four-space indentation, one trailing newline).
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "libocispec/json.hpp"
#include "runtime/lsm.hpp"
#include "runtime/mount_options.hpp"
#include "runtime/namespaces.hpp"

namespace hull::cli {

namespace {

using Names = std::vector<std::string>;

void write_array(json::JsonWriter& w, std::string_view key, const Names& names) {
    w.key(key).begin_array();
    for (const std::string& n : names) w.value(n);
    w.end_array();
}

void write_enabled(json::JsonWriter& w, std::string_view key, bool enabled) {
    w.key(key).begin_object().key("enabled").value(enabled).end_object();
}

bool is_mounted_as(const char* path, long magic) {
    struct statfs sfs;
    return ::statfs(path, &sfs) == 0 && static_cast<long>(sfs.f_type) == magic;
}

// Every capability libcap can name, up to the last one the running kernel has.
Names capability_names() {
    Names out;
    int bits = cap_max_bits();
    for (int cap = 0; cap < bits; ++cap) {
        char* name = cap_to_name(static_cast<cap_value_t>(cap));
        if (!name) continue;
        std::string s(name);
        cap_free(name);
        // libcap prints a capability it has no name for as its number.
        if (s.empty() || std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) continue;
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out.push_back(s);
    }
    return out;
}

// The namespace types of config.json, sorted as runc lists them.
Names namespace_names() {
    Names out;
    for (const NamespaceKind& k : namespace_kinds()) out.emplace_back(k.type);
    std::sort(out.begin(), out.end());
    return out;
}

const Names kSeccompActions = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS",
                               "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                               "SCMP_ACT_TRAP"};
const Names kSeccompOperators = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                 "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"};

// The architectures of the schema that the linked libseccomp can resolve.
Names seccomp_archs() {
    static const char* const kArchs[] = {
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",         "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",   "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",      "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64",    "SCMP_ARCH_PPC",    "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",  "SCMP_ARCH_SH",
        "SCMP_ARCH_SHEB",    "SCMP_ARCH_X32",         "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64"};
    Names out;
    for (const char* arch : kArchs) {
        std::string lib = std::string(arch).substr(std::string_view("SCMP_ARCH_").size());
        for (char& c : lib) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (seccomp_arch_resolve_name(lib.c_str()) != 0) out.emplace_back(arch);
    }
    return out;
}

struct SeccompFlag {
    const char* name;
    unsigned long kernel_flags;  // what to probe seccomp(2) with
    unsigned int min_api;        // libseccomp API level that can set it (seccomp_api_get(3))
};

// The filter flags libseccomp can set on a filter.
std::vector<SeccompFlag> known_seccomp_flags() {
    std::vector<SeccompFlag> flags = {
        {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, 2},
        {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, 2},
        {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, 3},
    };
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
    flags.push_back({"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
                     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER, 7});
#endif
    return flags;
}

// The kernel checks the flags before it reads the filter: with no filter, EFAULT means the
// flags are valid (and nothing is installed), EINVAL that it does not know one of them.
bool kernel_has_seccomp_flags(unsigned long flags) {
    return ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, nullptr) < 0 && errno == EFAULT;
}

void write_seccomp(json::JsonWriter& w) {
    auto known = known_seccomp_flags();
    unsigned int api = seccomp_api_get();
    Names known_names, supported;
    for (const SeccompFlag& f : known) {
        known_names.emplace_back(f.name);
        if (api >= f.min_api && kernel_has_seccomp_flags(f.kernel_flags)) supported.emplace_back(f.name);
    }
    w.key("seccomp").begin_object();
    w.key("enabled").value(true);
    write_array(w, "actions", kSeccompActions);
    write_array(w, "operators", kSeccompOperators);
    write_array(w, "archs", seccomp_archs());
    write_array(w, "knownFlags", known_names);
    write_array(w, "supportedFlags", supported);
    w.end_object();
}

std::string libseccomp_version() {
    const scmp_version* v = seccomp_version();
    if (!v) return "";
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

// JsonWriter indents by two spaces (Go's MarshalIndent as `state` uses it); runc's features
// indents by four. No string in this document holds a newline, so leading spaces are indentation.
std::string indent_by_four(const std::string& two) {
    std::string out;
    out.reserve(two.size() * 3 / 2);
    bool at_line_start = true;
    for (char c : two) {
        if (at_line_start && c == ' ') {
            out += "  ";
            continue;
        }
        at_line_start = c == '\n';
        out += c;
    }
    return out;
}

std::string features_json() {
    json::JsonWriter w(true);
    w.begin_object();
    w.key("ociVersionMin").value("1.0.0");
    w.key("ociVersionMax").value("1.3.0");
    write_array(w, "hooks",
                {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"});
    Names mount_options = known_mount_options();
    std::sort(mount_options.begin(), mount_options.end());
    write_array(w, "mountOptions", mount_options);

    w.key("linux").begin_object();
    write_array(w, "namespaces", namespace_names());
    write_array(w, "capabilities", capability_names());
    w.key("cgroup").begin_object();
    for (const char* k : {"v1", "v2", "systemd", "systemdUser", "rdma"}) w.key(k).value(true);
    w.end_object();
    write_seccomp(w);
    // hull applies both (src/runtime/lsm.cpp) where the host has them enabled.
    write_enabled(w, "apparmor", apparmor_enabled());
    write_enabled(w, "selinux", selinux_enabled());
    write_enabled(w, "intelRdt", is_mounted_as("/sys/fs/resctrl", RDTGROUP_SUPER_MAGIC));
    w.key("mountExtensions").begin_object();
    write_enabled(w, "idmap", false);
    w.end_object();
    write_enabled(w, "netDevices", true);
    w.key("memoryPolicy").begin_object();
    write_array(w, "modes",
                {"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                 "MPOL_PREFERRED_MANY", "MPOL_LOCAL"});
    write_array(w, "flags", {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"});
    w.end_object();
    w.end_object();  // linux

    w.key("annotations").begin_object();  // sorted by key, as Go writes a map
    w.key("io.github.seccomp.libseccomp.version").value(libseccomp_version());
    w.key("run.oci.hull.version").value(HULL_VERSION);
    w.end_object();
    // As runc: a value ending in "." is a prefix.
    write_array(w, "potentiallyUnsafeConfigAnnotations", {"bundle", "org.systemd.property.", "org.criu.config"});
    w.end_object();
    return indent_by_four(w.str());
}

}  // namespace

int cmd_features(const GlobalOptions&, const Args& argv) {
    static const CommandSpec spec = {
        "features", "", "Print the features hull implements as JSON (runtime-spec features.md).", {}, 0, 0};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    std::string out = features_json();
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace hull::cli
