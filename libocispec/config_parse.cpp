// parse_spec / load_spec: the table-driven reader (codec.hpp) plus the rules of config.md and
// config-linux.md that a field table cannot express.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "libocispec/codec.hpp"
#include "libocispec/config.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

namespace hull::oci {

namespace {

using json::JsonNode;

// MAJOR.MINOR.PATCH with an optional -prerelease and +build (SemVer 2.0).
bool is_semver(const std::string& v) {
    size_t i = 0;
    for (int part = 0; part < 3; ++part) {
        size_t start = i;
        while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
        if (i == start) return false;
        if (part < 2) {
            if (i >= v.size() || v[i] != '.') return false;
            ++i;
        }
    }
    if (i == v.size()) return true;
    if (v[i] != '-' && v[i] != '+') return false;
    for (size_t j = i + 1; j < v.size(); ++j)
        if (!std::isalnum(static_cast<unsigned char>(v[j])) && v[j] != '.' && v[j] != '-' && v[j] != '+') return false;
    return i + 1 < v.size();
}

struct SpecRules : codec::NoRules {
    using NoRules::check;

    static void check(const JsonNode& n, const Process& p) {
        if (p.cwd.empty() || p.cwd[0] != '/') n.find("cwd")->fail_expected("an absolute path");
        if (p.args.empty()) n.find("args")->fail("must not be empty");
    }

    static void check(const JsonNode& n, const Hook& h) {
        if (h.timeout && *h.timeout <= 0) n.find("timeout")->fail_expected("a positive integer");
    }

    static void check(const JsonNode& n, const Device& d) {
        if (d.type == "p") return;
        for (const char* key : {"major", "minor"})
            if (!n.find(key))
                n.fail("missing required field " + json::quote(key) + " for device type " + json::quote(d.type));
    }

    static void check(const JsonNode& n, const Spec& s) {
        if (!is_semver(s.ociVersion)) n.find("ociVersion")->fail_expected("a SemVer 2.0 version");
        for (auto& [key, value] : s.annotations)
            if (key.empty()) n.find("annotations")->fail("an annotation key must not be empty");
    }

    static void check(const JsonNode& n, const Mount& m) {
        if (m.uidMappings.empty() != m.gidMappings.empty())
            n.fail("uidMappings and gidMappings must be given together");
    }

    static void check(const JsonNode& n, const WeightDevice& w) {
        if (!w.weight && !w.leafWeight) n.fail("a weightDevice needs weight or leafWeight");
    }

    static void check(const JsonNode& n, const Seccomp& s) {
        if (s.listenerMetadata && !s.listenerPath) n.find("listenerMetadata")->fail("needs listenerPath");
    }

    static void check(const JsonNode& n, const Linux& l) {
        for (const char* key : {"maskedPaths", "readonlyPaths"}) {
            const auto& paths = std::string_view(key) == "maskedPaths" ? l.maskedPaths : l.readonlyPaths;
            for (size_t i = 0; i < paths.size(); ++i)
                if (paths[i].empty() || paths[i][0] != '/') n.find(key)->item(i).fail_expected("an absolute path");
        }
        std::set<std::string_view> seen;
        for (size_t i = 0; i < l.namespaces.size(); ++i) {
            const std::string& type = l.namespaces[i].type;
            if (!seen.insert(type).second)
                n.find("namespaces")->item(i).find("type")->fail("duplicate namespace type " + json::quote(type));
            const auto& path = l.namespaces[i].path;
            if (path && !path->empty() && (*path)[0] != '/')  // relative would resolve against the cwd
                n.find("namespaces")->item(i).find("path")->fail_expected("an absolute path");
        }
    }
};

}  // namespace

Spec parse_spec(std::string_view json, const std::string& source) {
    return codec::from_json<Spec, SpecRules>(json, source);
}

Process parse_process(std::string_view json, const std::string& source) {
    return codec::from_json<Process, SpecRules>(json, source);
}

Resources parse_resources(std::string_view json, const std::string& source) {
    return codec::from_json<Resources, SpecRules>(json, source);
}

// libocispec does not link against src/ (hull::read_file lives there), hence its own loop.
std::string read_config_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("read " + path);
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    return text;
}

Spec load_spec(const std::string& path) { return parse_spec(read_config_file(path), path); }

}  // namespace hull::oci
