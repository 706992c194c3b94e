#include "runtime/cgroups/stats_parse.hpp"

#include <charconv>
#include <limits>

#include "util/error.hpp"

namespace hull::cgroups {

namespace {

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        auto l = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        if (!l.empty()) out.push_back(l);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return out;
}

std::vector<std::string_view> words(std::string_view l) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < l.size()) {
        while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
        size_t j = i;
        while (j < l.size() && l[j] != ' ' && l[j] != '\t') ++j;
        if (j > i) out.push_back(l.substr(i, j - i));
        i = j;
    }
    return out;
}

bool to_u64(std::string_view s, uint64_t& v) {
    if (s == "max") {
        v = std::numeric_limits<uint64_t>::max();
        return true;
    }
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool dev_numbers(std::string_view s, uint64_t& major, uint64_t& minor) {
    auto colon = s.find(':');
    return colon != std::string_view::npos && to_u64(s.substr(0, colon), major) && to_u64(s.substr(colon + 1), minor);
}

}  // namespace

std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text) {
    std::map<std::string, uint64_t> out;
    for (auto l : lines(text)) {
        auto w = words(l);
        uint64_t v;
        if (w.size() == 2 && to_u64(w[1], v)) out[std::string(w[0])] = v;
    }
    return out;
}

std::vector<NestedLine> parse_nested_keyed(std::string_view text) {
    std::vector<NestedLine> out;
    for (auto l : lines(text)) {
        auto w = words(l);
        NestedLine n;
        if (w.empty() || !dev_numbers(w[0], n.major, n.minor)) continue;
        for (size_t i = 1; i < w.size(); ++i) {
            auto eq = w[i].find('=');
            uint64_t v;
            if (eq != std::string_view::npos && to_u64(w[i].substr(eq + 1), v))
                n.values[std::string(w[i].substr(0, eq))] = v;
        }
        out.push_back(std::move(n));
    }
    return out;
}

std::vector<uint64_t> parse_uint_list(std::string_view text) {
    std::vector<uint64_t> out;
    for (auto l : lines(text))
        for (auto w : words(l)) {
            uint64_t v;
            if (!to_u64(w, v)) throw Error("not a number: \"" + std::string(w) + "\"");
            out.push_back(v);
        }
    return out;
}

void parse_cpuacct_usage_all(std::string_view text, std::vector<uint64_t>& user, std::vector<uint64_t>& kernel) {
    auto ls = lines(text);
    for (size_t i = 1; i < ls.size(); ++i) {
        auto w = words(ls[i]);
        uint64_t u, k;
        if (w.size() == 3 && to_u64(w[1], u) && to_u64(w[2], k)) {
            user.push_back(u);
            kernel.push_back(k);
        }
    }
}

std::vector<BlkioEntry> parse_blkio_v1(std::string_view text) {
    std::vector<BlkioEntry> out;
    for (auto l : lines(text)) {
        auto w = words(l);
        BlkioEntry e;
        if (w.size() != 3 || !dev_numbers(w[0], e.major, e.minor) || !to_u64(w[2], e.value)) continue;
        e.op = std::string(w[1]);
        out.push_back(std::move(e));
    }
    return out;
}

void io_stat_to_blkio(std::string_view text, BlkioStats& out) {
    for (auto& n : parse_nested_keyed(text)) {
        auto add = [&](std::vector<BlkioEntry>& to, const char* key, const char* op) {
            auto it = n.values.find(key);
            if (it != n.values.end()) to.push_back({n.major, n.minor, op, it->second});
        };
        add(out.service_bytes, "rbytes", "Read");
        add(out.service_bytes, "wbytes", "Write");
        add(out.serviced, "rios", "Read");
        add(out.serviced, "wios", "Write");
    }
}

std::vector<uint16_t> parse_cpu_list(std::string_view text) {
    std::vector<uint16_t> out;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    if (text.empty()) return out;
    size_t pos = 0;
    for (;;) {
        size_t comma = text.find(',', pos);
        auto part = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        auto dash = part.find('-');
        uint64_t a, b;
        bool ok = dash == std::string_view::npos ? to_u64(part, a) && ((b = a), true)
                                                 : to_u64(part.substr(0, dash), a) && to_u64(part.substr(dash + 1), b);
        if (!ok || a > b || b > 65535) throw Error("invalid CPU list \"" + std::string(text) + "\"");
        for (uint64_t i = a; i <= b; ++i) out.push_back(static_cast<uint16_t>(i));
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return out;
}

uint64_t parse_limit(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    if (!text.empty() && text[0] == '-') return std::numeric_limits<uint64_t>::max();
    uint64_t v;
    if (!to_u64(text, v)) throw Error("not a number: \"" + std::string(text) + "\"");
    return v;
}

}  // namespace hull::cgroups
