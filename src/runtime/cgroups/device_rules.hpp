// linux.resources.devices: validation, the rules every container gets, and an emulator of the
// cgroup v1 devices controller. Both drivers use the emulated result: v1 writes it to
// devices.deny/devices.allow, v2 compiles it to an eBPF program (ebpf_devices.hpp), systemd
// turns it into DeviceAllow= (systemd_properties.hpp); all three then agree on what is allowed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "libocispec/spec.hpp"
#include "runtime/cgroups/files.hpp"

namespace hull::cgroups {

enum Access : uint8_t { kMknod = 1, kRead = 2, kWrite = 4, kAll = 7 };  // as BPF_DEVCG_ACC_*

struct DeviceRule {
    bool allow = false;
    char type = 'a';       // 'a' all, 'c' char, 'b' block
    int64_t major = -1;    // -1: any
    int64_t minor = -1;    // -1: any
    uint8_t access = kAll;
    bool operator==(const DeviceRule&) const = default;
};

// One linux.resources.devices entry, checked: type a/b/c, access of r, w, m.
DeviceRule device_rule(const oci::DeviceCgroup& d);
// "c 1:3 rwm", "a *:* rwm": the devices.allow / devices.list format.
std::string rule_string(const DeviceRule& r);
std::string access_string(uint8_t access);

// runc's allowed devices: mknod of any, null zero full random urandom tty, /dev/pts/*, ptmx,
// /dev/net/tun. Appended after the config's rules, so they win, as runc does.
const std::vector<DeviceRule>& default_device_rules();
// The config's rules, then the defaults.
std::vector<DeviceRule> effective_device_rules(const std::vector<oci::DeviceCgroup>& config_rules);

// The state of a v1 devices cgroup: a default (allow or deny everything) and exceptions to it.
// apply() does what the kernel does with a write to devices.allow or devices.deny: an "a" rule
// resets everything; a rule with the default's verdict takes its access out of an identical
// exception; otherwise it adds (or widens) an exception. New cgroups start denying everything.
class DeviceEmulator {
public:
    void apply(const DeviceRule& rule);
    void apply_all(const std::vector<DeviceRule>& rules) {
        for (auto& r : rules) apply(r);
    }
    bool default_allow() const { return default_allow_; }
    const std::vector<DeviceRule>& exceptions() const { return exceptions_; }
    // The kernel's verdict for one access: with a deny default an exception must cover all of
    // `access`; with an allow default any overlap with an exception denies.
    bool permits(char type, uint32_t major, uint32_t minor, uint8_t access) const;
    bool allows_everything() const { return default_allow_ && exceptions_.empty(); }

private:
    bool default_allow_ = false;
    std::vector<DeviceRule> exceptions_;  // each with allow == !default_allow_
};

// The v1 writes that give a cgroup exactly the emulated state: "a" to devices.deny (or
// devices.allow), then each exception.
Writes v1_device_writes(const DeviceEmulator& emu);

}  // namespace hull::cgroups
