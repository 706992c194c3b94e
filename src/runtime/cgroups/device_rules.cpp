#include "runtime/cgroups/device_rules.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace hull::cgroups {

std::string access_string(uint8_t access) {
    std::string s;
    if (access & kRead) s += 'r';
    if (access & kWrite) s += 'w';
    if (access & kMknod) s += 'm';
    return s;
}

DeviceRule device_rule(const oci::DeviceCgroup& d) {
    DeviceRule r;
    r.allow = d.allow;
    std::string type = d.type.value_or("a");
    if (type != "a" && type != "b" && type != "c")
        throw Error("device rule type \"" + type + "\": expected a (all), b (block) or c (char)");
    r.type = type[0];
    r.major = d.major.value_or(-1);
    r.minor = d.minor.value_or(-1);
    for (int64_t n : {r.major, r.minor})
        if (n < -1 || n > 0x7fffffffLL) throw Error("device rule number " + std::to_string(n) + " is out of range");
    if (d.access) {
        r.access = 0;
        for (char c : *d.access) {
            switch (c) {
                case 'r': r.access |= kRead; break;
                case 'w': r.access |= kWrite; break;
                case 'm': r.access |= kMknod; break;
                default: throw Error("device rule access \"" + *d.access + "\": expected letters of r, w and m");
            }
        }
        if (r.access == 0) throw Error("device rule access is empty: expected letters of r, w and m");
    }
    return r;
}

std::string rule_string(const DeviceRule& r) {
    auto num = [](int64_t n) { return n < 0 ? std::string("*") : std::to_string(n); };
    return std::string(1, r.type) + " " + num(r.major) + ":" + num(r.minor) + " " + access_string(r.access);
}

const std::vector<DeviceRule>& default_device_rules() {
    static const std::vector<DeviceRule> rules = {
        {true, 'c', -1, -1, kMknod},  {true, 'b', -1, -1, kMknod},  // mknod of any device
        {true, 'c', 1, 3, kAll},      {true, 'c', 1, 8, kAll},      // null, random
        {true, 'c', 1, 7, kAll},      {true, 'c', 5, 0, kAll},      // full, tty
        {true, 'c', 1, 5, kAll},      {true, 'c', 1, 9, kAll},      // zero, urandom
        {true, 'c', 136, -1, kAll},   {true, 'c', 5, 2, kAll},      // /dev/pts/*, ptmx
        {true, 'c', 10, 200, kAll},                                 // /dev/net/tun
    };
    return rules;
}

std::vector<DeviceRule> effective_device_rules(const std::vector<oci::DeviceCgroup>& config_rules) {
    std::vector<DeviceRule> out;
    for (size_t i = 0; i < config_rules.size(); ++i)
        out.push_back(with_context("linux.resources.devices[" + std::to_string(i) + "]",
                                   [&] { return device_rule(config_rules[i]); }));
    for (auto& r : default_device_rules()) out.push_back(r);
    return out;
}

void DeviceEmulator::apply(const DeviceRule& rule) {
    if (rule.type == 'a') {
        // devices.allow "a" / devices.deny "a": a new default, no exceptions (the kernel reads
        // nothing after the "a").
        default_allow_ = rule.allow;
        exceptions_.clear();
        return;
    }
    auto same = [&](const DeviceRule& e) {
        return e.type == rule.type && e.major == rule.major && e.minor == rule.minor;
    };
    auto it = std::find_if(exceptions_.begin(), exceptions_.end(), same);
    if (rule.allow == default_allow_) {
        // The kernel's dev_exception_rm: only an identical exception loses the access; a
        // narrower rule does not punch a hole into a wider exception.
        if (it == exceptions_.end()) return;
        it->access &= static_cast<uint8_t>(~rule.access);
        if (it->access == 0) exceptions_.erase(it);
        return;
    }
    if (it != exceptions_.end()) {
        it->access |= rule.access;
        return;
    }
    DeviceRule e = rule;
    e.allow = !default_allow_;
    exceptions_.push_back(e);
}

bool DeviceEmulator::permits(char type, uint32_t major, uint32_t minor, uint8_t access) const {
    for (auto& e : exceptions_) {
        if (e.type != type) continue;
        if (e.major >= 0 && static_cast<uint32_t>(e.major) != major) continue;
        if (e.minor >= 0 && static_cast<uint32_t>(e.minor) != minor) continue;
        if (default_allow_) {
            if (access & e.access) return false;
        } else {
            if ((access & e.access) == access) return true;
        }
    }
    return default_allow_;
}

Writes v1_device_writes(const DeviceEmulator& emu) {
    Writes w;
    w.push_back({"devices", emu.default_allow() ? "devices.allow" : "devices.deny", "a"});
    for (auto& e : emu.exceptions())
        w.push_back({"devices", e.allow ? "devices.allow" : "devices.deny", rule_string(e)});
    return w;
}

}  // namespace hull::cgroups
