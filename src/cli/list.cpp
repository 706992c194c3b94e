#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "libocispec/json.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"

namespace hull::cli {

namespace {

std::string owner_of(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return "";
    if (passwd* pw = ::getpwuid(st.st_uid)) return pw->pw_name;
    return "#" + std::to_string(st.st_uid);
}

// Columns as Go's tabwriter with minwidth 12 and padding 3 lays them out (runc list).
void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(12);
            width[i] = std::max(width[i], r[i].size() + 3);
        }
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(width[i] - r[i].size(), ' ');
        }
        std::puts(line.c_str());
    }
}

}  // namespace

int cmd_list(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {"list", "", "List the containers under --root.",
                                     {{"format", 'f', "table|json", "output format (default table)"},
                                      {"quiet", 'q', nullptr, "print only the container ids"}},
                                     0, 0};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    std::string format = p->get("format", "table");
    if (format != "table" && format != "json") throw cli::UsageError{"invalid format \"" + format + "\": want table or json"};
    std::vector<std::pair<oci::State, std::string>> containers;
    for (auto& id : list_container_ids(g.root)) {
        try {
            ContainerDir dir = ContainerDir::open_unlocked(g.root, id);
            if (!dir.has_state()) continue;
            containers.emplace_back(container_state(dir), owner_of(dir.path()));
        } catch (const Error&) {
            continue;  // removed while we looked, or not a container
        }
    }
    if (p->has("quiet")) {
        for (auto& [st, owner] : containers) std::puts(st.id.c_str());
        return 0;
    }
    if (format == "json") {
        json::JsonWriter w(false);
        w.begin_array();
        for (auto& [st, owner] : containers) {
            w.begin_object();
            w.key("ociVersion"), w.value(st.ociVersion);
            w.key("id"), w.value(st.id);
            w.key("pid"), w.value(static_cast<int64_t>(st.pid));
            w.key("status"), w.value(st.status);
            w.key("bundle"), w.value(st.bundle);
            w.key("rootfs"), w.value(st.rootfs);
            w.key("created"), w.value(st.created);
            if (!st.annotations.empty()) {
                w.key("annotations");
                w.begin_object();
                for (auto& [k, v] : st.annotations) w.key(k), w.value(v);
                w.end_object();
            }
            w.key("owner"), w.value(owner);
            w.end_object();
        }
        w.end_array();
        std::puts(w.str().c_str());
        return 0;
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    for (auto& [st, owner] : containers)
        rows.push_back({st.id, std::to_string(st.pid), st.status, st.bundle, st.created, owner});
    print_table(rows);
    return 0;
}

}  // namespace hull::cli
