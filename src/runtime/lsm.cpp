#include "runtime/lsm.hpp"

#include <sys/stat.h>
#include <sys/vfs.h>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull {

namespace {

bool has(const std::optional<std::string>& s) { return s && !s->empty(); }

void write_attr(const std::string& path, const std::string& value, const std::string& what) {
    with_context("set " + what, [&] { write_file(path, value); });
}

}  // namespace

bool apparmor_enabled() {
    std::string enabled;
    try {
        enabled = read_file("/sys/module/apparmor/parameters/enabled");
    } catch (const Error&) {
        return false;
    }
    return !enabled.empty() && enabled[0] == 'Y' && path_exists("/sys/kernel/security/apparmor");
}

bool selinux_enabled() {
    constexpr long SELINUX_MAGIC = 0xf97cff8c;
    struct statfs st;
    return ::statfs("/sys/fs/selinux", &st) == 0 && st.f_type == SELINUX_MAGIC;
}

void check_lsm_support(const oci::Process& p, const oci::Linux* lx) {
    if (has(p.apparmorProfile) && !apparmor_enabled())
        throw Error("AppArmor profile \"" + *p.apparmorProfile + "\" requested, but AppArmor is not enabled on this host");
    if (has(p.selinuxLabel) && !selinux_enabled())
        throw Error("SELinux label \"" + *p.selinuxLabel + "\" requested, but SELinux is not enabled on this host");
    if (lx && has(lx->mountLabel) && !selinux_enabled())
        throw Error("SELinux mount label \"" + *lx->mountLabel + "\" requested, but SELinux is not enabled on this host");
}

void set_exec_labels(const oci::Process& p) {
    if (has(p.apparmorProfile)) {
        std::string attr = path_exists("/proc/self/attr/apparmor/exec") ? "/proc/self/attr/apparmor/exec" : "/proc/self/attr/exec";
        write_attr(attr, "exec " + *p.apparmorProfile, "AppArmor profile \"" + *p.apparmorProfile + "\"");
    }
    if (has(p.selinuxLabel)) write_attr("/proc/self/attr/exec", *p.selinuxLabel, "SELinux label \"" + *p.selinuxLabel + "\"");
}

}  // namespace hull
