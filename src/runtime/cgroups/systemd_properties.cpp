#include "runtime/cgroups/systemd_properties.hpp"

#include <charconv>
#include <limits>

#include "runtime/cgroups/stats_parse.hpp"
#include "util/error.hpp"

namespace hull::cgroups {

namespace {

template <class... T>
struct overload : T... {
    using T::operator()...;
};
template <class... T>
overload(T...) -> overload<T...>;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

Property prop(std::string name, PropertyValue v) { return {std::move(name), std::move(v)}; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

template <typename T>
bool parse_int(std::string_view s, T& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// A quoted GVariant string starting at s[0]; `used` is its length with the quotes.
std::string parse_string(std::string_view s, size_t& used) {
    char q = s[0];
    std::string out;
    for (size_t i = 1; i < s.size(); ++i) {
        char c = s[i];
        if (c == q) {
            used = i + 1;
            return out;
        }
        if (c == '\\' && i + 1 < s.size()) {
            char n = s[++i];
            switch (n) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                default: out += n;
            }
            continue;
        }
        out += c;
    }
    throw Error("unterminated string " + std::string(s));
}

// runc's CPUQuotaPerSecUSec: quota per second of CPU time, rounded up to 10ms because systemd
// keeps it as a percentage.
uint64_t quota_per_sec(int64_t quota, uint64_t period) {
    if (period == 0) period = 100000;
    uint64_t v = static_cast<uint64_t>(quota) * 1000000 / period;
    if (v % 10000 != 0) v = (v / 10000 + 1) * 10000;
    return v;
}

void add_cpu_quota(Properties& p, int64_t quota, uint64_t period, int version) {
    if (period != 0 && version >= 242) p.push_back(prop("CPUQuotaPeriodUSec", period));
    if (quota != 0 || period != 0) p.push_back(prop("CPUQuotaPerSecUSec", quota > 0 ? quota_per_sec(quota, period) : kInfinity));
}

void add_cpuset(Properties& p, const std::optional<std::string>& cpus, const std::optional<std::string>& mems,
                int version) {
    // Older systemd has no AllowedCPUs: the fs side writes cpuset.cpus then.
    if (version < 244) return;
    if (cpus && !cpus->empty()) p.push_back(prop("AllowedCPUs", cpu_list_to_bitmask(*cpus)));
    if (mems && !mems->empty()) p.push_back(prop("AllowedMemoryNodes", cpu_list_to_bitmask(*mems)));
}

uint64_t limit_value(int64_t v) { return v < 0 ? kInfinity : static_cast<uint64_t>(v); }

uint64_t unified_number(const std::string& key, const std::string& value) {
    std::string v(trim(value));
    if (v == "max") return kInfinity;
    uint64_t n;
    if (!parse_int(v, n)) throw Error("unified " + key + ": " + quoted(value) + " is not a number or max");
    return n;
}

// The unified keys systemd has a property for; the others are only written to the files.
void unified_properties(Properties& p, const oci::StringMap& unified, int version) {
    static const std::pair<const char*, const char*> memory[] = {
        {"memory.min", "MemoryMin"}, {"memory.low", "MemoryLow"},         {"memory.high", "MemoryHigh"},
        {"memory.max", "MemoryMax"}, {"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"},
        {"cpu.weight", "CPUWeight"}};
    for (auto& [key, value] : unified) {
        bool done = false;
        for (auto& [k, name] : memory)
            if (key == k) {
                p.push_back(prop(name, unified_number(key, value)));
                done = true;
            }
        if (done) continue;
        if (key == "cpu.max") {
            auto words = std::string(trim(value));
            auto sp = words.find(' ');
            std::string q = words.substr(0, sp);
            uint64_t period = sp == std::string::npos ? 0 : unified_number(key, words.substr(sp + 1));
            int64_t quota = q == "max" ? -1 : static_cast<int64_t>(unified_number(key, q));
            add_cpu_quota(p, quota, period, version);
        } else if (key == "cpuset.cpus") {
            add_cpuset(p, value, std::nullopt, version);
        } else if (key == "cpuset.mems") {
            add_cpuset(p, std::nullopt, value, version);
        }
    }
}

}  // namespace

std::string signature(const PropertyValue& v) {
    return std::visit(overload{[](bool) { return std::string("b"); }, [](uint8_t) { return std::string("y"); },
                               [](int16_t) { return std::string("n"); }, [](uint16_t) { return std::string("q"); },
                               [](int32_t) { return std::string("i"); }, [](uint32_t) { return std::string("u"); },
                               [](int64_t) { return std::string("x"); }, [](uint64_t) { return std::string("t"); },
                               [](double) { return std::string("d"); },
                               [](const std::string&) { return std::string("s"); },
                               [](const std::vector<uint8_t>&) { return std::string("ay"); },
                               [](const std::vector<uint32_t>&) { return std::string("au"); },
                               [](const std::vector<std::string>&) { return std::string("as"); },
                               [](const std::vector<DeviceAllow>&) { return std::string("a(ss)"); }},
                      v);
}

std::string describe(const PropertyValue& v) {
    std::string sig = signature(v);
    std::string body = std::visit(
        overload{[](bool b) { return std::string(b ? "true" : "false"); },
                 [](uint8_t n) { return std::to_string(n); }, [](int16_t n) { return std::to_string(n); },
                 [](uint16_t n) { return std::to_string(n); }, [](int32_t n) { return std::to_string(n); },
                 [](uint32_t n) { return std::to_string(n); }, [](int64_t n) { return std::to_string(n); },
                 [](uint64_t n) { return n == kInfinity ? std::string("infinity") : std::to_string(n); },
                 [](double d) { return std::to_string(d); }, [](const std::string& s) { return quoted(s); },
                 [](const std::vector<uint8_t>& a) {
                     std::string s = "[";
                     for (size_t i = 0; i < a.size(); ++i) s += (i ? "," : "") + std::to_string(a[i]);
                     return s + "]";
                 },
                 [](const std::vector<uint32_t>& a) {
                     std::string s = "[";
                     for (size_t i = 0; i < a.size(); ++i) s += (i ? "," : "") + std::to_string(a[i]);
                     return s + "]";
                 },
                 [](const std::vector<std::string>& a) {
                     std::string s = "[";
                     for (size_t i = 0; i < a.size(); ++i) s += (i ? "," : "") + quoted(a[i]);
                     return s + "]";
                 },
                 [](const std::vector<DeviceAllow>& a) {
                     std::string s = "[";
                     for (size_t i = 0; i < a.size(); ++i)
                         s += (i ? "," : "") + std::string("(") + quoted(a[i].path) + "," + quoted(a[i].perms) + ")";
                     return s + "]";
                 }},
        v);
    return sig + " " + body;
}

PropertyValue parse_gvariant(std::string_view text) {
    std::string_view s = trim(text);
    auto bad = [&](const std::string& why) {
        return Error("value " + quoted(std::string(text)) + ": " + why +
                     " (GVariant text: true, 'text', 123, uint64 123, ['a', 'b'])");
    };
    if (s.empty()) throw bad("empty");
    if (s == "true" || s == "false") return s == "true";
    if (s[0] == '\'' || s[0] == '"') {
        size_t used = 0;
        std::string v = parse_string(s, used);
        if (used != s.size()) throw bad("text after the string");
        return v;
    }
    if (s == "@as []") return std::vector<std::string>{};
    if (s[0] == '[') {
        if (s.back() != ']') throw bad("unterminated array");
        std::string_view body = trim(s.substr(1, s.size() - 2));
        std::vector<std::string> out;
        if (body.empty()) throw bad("the type of an empty array is unknown: write @as []");
        while (!body.empty()) {
            if (body[0] != '\'' && body[0] != '"') throw bad("only arrays of strings are supported");
            size_t used = 0;
            out.push_back(parse_string(body, used));
            body = trim(body.substr(used));
            if (body.empty()) break;
            if (body[0] != ',') throw bad("expected , between array items");
            body = trim(body.substr(1));
        }
        return out;
    }
    // Typed numbers: "uint64 5" or "@t 5".
    static const std::pair<const char*, const char*> types[] = {
        {"byte", "y"},  {"int16", "n"}, {"uint16", "q"}, {"int32", "i"},  {"uint32", "u"},
        {"int64", "x"}, {"uint64", "t"}, {"double", "d"}, {"boolean", "b"}, {"string", "s"}};
    std::string type;
    auto sp = s.find(' ');
    std::string_view num = s;
    if (sp != std::string_view::npos) {
        std::string_view word = s.substr(0, sp);
        for (auto& [name, sig] : types)
            if (word == name || (word.size() == 2 && word[0] == '@' && word.substr(1) == sig)) type = sig;
        if (type.empty()) throw bad("unknown type " + quoted(std::string(word)));
        num = trim(s.substr(sp + 1));
        if (type == "b" || type == "s") return parse_gvariant(num);
    }
    auto check = [&](auto v) -> PropertyValue {
        if (!parse_int(num, v)) throw bad("not a number of type " + type);
        return v;
    };
    if (type == "y") return check(uint8_t{});
    if (type == "n") return check(int16_t{});
    if (type == "q") return check(uint16_t{});
    if (type == "i") return check(int32_t{});
    if (type == "u") return check(uint32_t{});
    if (type == "x") return check(int64_t{});
    if (type == "t") return check(uint64_t{});
    bool numeric = !num.empty() && (std::isdigit(static_cast<unsigned char>(num[0])) || num[0] == '-' ||
                                    num[0] == '+' || num[0] == '.');
    bool is_float = numeric && num.find_first_of(".eE") != std::string_view::npos;
    if (type == "d" || (type.empty() && is_float)) {
        try {
            size_t used = 0;
            double d = std::stod(std::string(num), &used);
            if (used == num.size()) return d;
        } catch (const std::exception&) {
        }
        throw bad("not a number");
    }
    int32_t i;
    if (parse_int(num, i)) return i;
    int64_t big;
    if (parse_int(num, big)) throw bad("out of range of int32 (the type of a plain number): write uint64 or int64");
    throw bad("not a value");
}

Properties annotation_properties(const oci::StringMap& annotations) {
    const std::string prefix = "org.systemd.property.";
    Properties out;
    for (auto& [key, value] : annotations) {
        if (key.rfind(prefix, 0) != 0) continue;
        std::string name = key.substr(prefix.size());
        auto ctx = "annotation " + key;
        if (name.size() < 3 || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
            throw Error(ctx + ": the property name must be letters only (e.g. CollectMode)");
        PropertyValue v = with_context(ctx, [&] { return parse_gvariant(value); });
        // TimeoutStopSec=5 -> TimeoutStopUSec=5000000, as runc.
        if (name.size() > 4 && name.compare(name.size() - 3, 3, "Sec") == 0 && std::islower(static_cast<unsigned char>(name[name.size() - 4]))) {
            constexpr uint64_t M = 1000000;
            uint64_t usec = with_context(ctx, [&] { return std::visit(
                overload{[](bool) -> uint64_t { throw Error("not a number"); },
                         [](double d) -> uint64_t {
                             if (d < 0) throw Error("negative");
                             return static_cast<uint64_t>(d * M);
                         },
                         [](uint64_t n) -> uint64_t { return n * M; },
                         [](const std::string&) -> uint64_t { throw Error("not a number"); },
                         [](const std::vector<uint8_t>&) -> uint64_t { throw Error("not a number"); },
                         [](const std::vector<uint32_t>&) -> uint64_t { throw Error("not a number"); },
                         [](const std::vector<std::string>&) -> uint64_t { throw Error("not a number"); },
                         [](const std::vector<DeviceAllow>&) -> uint64_t { throw Error("not a number"); },
                         [](auto n) -> uint64_t {
                             if (n < 0) throw Error("negative");
                             return static_cast<uint64_t>(n) * M;
                         }},
                v); });
            name = name.substr(0, name.size() - 3) + "USec";
            v = usec;
        }
        out.push_back({name, v});
    }
    return out;
}

std::vector<uint8_t> cpu_list_to_bitmask(const std::string& list) {
    std::vector<uint8_t> out;
    for (uint16_t cpu : parse_cpu_list(list)) {
        size_t byte = cpu / 8;
        if (out.size() <= byte) out.resize(byte + 1, 0);
        out[byte] = static_cast<uint8_t>(out[byte] | (1u << (cpu % 8)));
    }
    return out;
}

std::string device_group(std::string_view proc_devices, char type, int64_t major) {
    bool in_section = false;
    size_t pos = 0;
    while (pos < proc_devices.size()) {
        size_t nl = proc_devices.find('\n', pos);
        std::string_view l = trim(proc_devices.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
        pos = nl == std::string_view::npos ? proc_devices.size() : nl + 1;
        if (l == "Character devices:") {
            in_section = type == 'c';
            continue;
        }
        if (l == "Block devices:") {
            in_section = type == 'b';
            continue;
        }
        if (!in_section || l.empty()) continue;
        auto sp = l.find(' ');
        int64_t m;
        if (sp == std::string_view::npos || !parse_int(l.substr(0, sp), m) || m != major) continue;
        return std::string(type == 'c' ? "char-" : "block-") + std::string(trim(l.substr(sp + 1)));
    }
    return "";
}

Properties device_properties(const DeviceEmulator& emu, std::string_view proc_devices, Warnings& warnings) {
    if (emu.allows_everything())
        return {prop("DevicePolicy", std::string("auto")), prop("DeviceAllow", std::vector<DeviceAllow>{})};
    Properties p = {prop("DevicePolicy", std::string("strict")), prop("DeviceAllow", std::vector<DeviceAllow>{})};
    if (emu.default_allow()) {
        warnings.push_back("systemd cannot express deny-list device rules: the unit gets a deny-all rule and the "
                           "cgroup files get the rules");
        return p;
    }
    for (auto& e : emu.exceptions()) {
        DeviceAllow entry{"", access_string(e.access)};
        std::string t = e.type == 'b' ? "block" : "char";
        if (e.major < 0) {
            if (e.minor >= 0) {
                warnings.push_back("systemd cannot express the device rule \"" + rule_string(e) +
                                   "\": the cgroup files get it");
                continue;
            }
            entry.path = t + "-*";
        } else if (e.minor < 0) {
            entry.path = device_group(proc_devices, e.type, e.major);
            if (entry.path.empty()) {
                warnings.push_back("no device group for \"" + rule_string(e) +
                                   "\" in /proc/devices: systemd does not get it, the cgroup files do");
                continue;
            }
        } else {
            entry.path = "/dev/" + t + "/" + std::to_string(e.major) + ":" + std::to_string(e.minor);
        }
        p.push_back(prop("DeviceAllow", std::vector<DeviceAllow>{entry}));
    }
    return p;
}

Properties resource_properties(const oci::Resources& r, bool v2, int version, Warnings& warnings) {
    check_resources(r);
    Properties p;
    if (r.memory) {
        const auto& m = *r.memory;
        int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0);
        if (limit != 0) p.push_back(prop(v2 ? "MemoryMax" : "MemoryLimit", limit_value(limit)));
        if (v2) {
            if (m.reservation && *m.reservation != 0) p.push_back(prop("MemoryLow", limit_value(*m.reservation)));
            int64_t s = memory_swap_v2(swap, limit);
            if (s != 0) p.push_back(prop("MemorySwapMax", limit_value(s)));
        }
    }
    if (r.cpu) {
        const auto& c = *r.cpu;
        bool idle = c.idle && *c.idle != 0;
        if (idle && v2) {
            if (version >= 252)
                p.push_back(prop("CPUWeight", uint64_t{0}));  // systemd 252: weight 0 is cpu.idle=1
            else
                warnings.push_back("systemd " + std::to_string(version) +
                                   " cannot set cpu.idle (252 can): the cgroup file gets it");
        }
        if (!idle && c.shares && *c.shares != 0)
            p.push_back(v2 ? prop("CPUWeight", cpu_shares_to_weight(*c.shares)) : prop("CPUShares", *c.shares));
        add_cpu_quota(p, c.quota.value_or(0), c.period.value_or(0), version);
        add_cpuset(p, c.cpus, c.mems, version);
    }
    if (r.pids && r.pids->limit) p.push_back(prop("TasksMax", limit_value(*r.pids->limit)));
    if (r.blockIO && r.blockIO->weight && *r.blockIO->weight != 0) {
        if (v2)
            p.push_back(prop("IOWeight", blkio_weight_to_io_weight(*r.blockIO->weight)));
        else
            p.push_back(prop("BlockIOWeight", uint64_t{*r.blockIO->weight}));
    }
    if (v2) unified_properties(p, r.unified, version);
    return p;
}

Properties unit_properties(const UnitSpec& spec, const oci::Resources* r, const DeviceEmulator* devices,
                           const oci::StringMap& annotations, std::string_view proc_devices, Warnings& warnings) {
    Properties p;
    p.push_back(prop("Description", spec.description));
    if (spec.unit.is_slice()) {
        p.push_back(prop("Wants", std::vector<std::string>{spec.unit.slice}));
    } else {
        p.push_back(prop("Slice", spec.unit.slice));
        p.push_back(prop("Delegate", true));
    }
    if (spec.pid > 0) p.push_back(prop("PIDs", std::vector<uint32_t>{static_cast<uint32_t>(spec.pid)}));
    p.push_back(prop("MemoryAccounting", true));
    p.push_back(prop("CPUAccounting", true));
    p.push_back(prop(spec.cgroup_v2 ? "IOAccounting" : "BlockIOAccounting", true));
    p.push_back(prop("TasksAccounting", true));
    p.push_back(prop("DefaultDependencies", false));
    if (r) {
        auto res = resource_properties(*r, spec.cgroup_v2, spec.systemd_version, warnings);
        p.insert(p.end(), res.begin(), res.end());
    }
    if (devices) {
        auto dev = device_properties(*devices, proc_devices, warnings);
        p.insert(p.end(), dev.begin(), dev.end());
    }
    auto ann = annotation_properties(annotations);
    p.insert(p.end(), ann.begin(), ann.end());
    return p;
}

}  // namespace hull::cgroups
