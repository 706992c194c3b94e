// A stand-in for systemd on a unix socket, for tests/integration/cgroups.sh: it answers the
// D-Bus calls hull's systemd driver makes (Hello, AddMatch, Subscribe, properties, GetUnit,
// StartTransientUnit, StopUnit, ResetFailedUnit, SetUnitProperties) and does what systemd does
// with a transient scope: makes its cgroup in the v2 hierarchy (/sys/fs/cgroup when that is
// cgroup2, else /sys/fs/cgroup/unified), moves the PIDs into it, and on StopUnit kills what is
// in it and removes it; a finished job is announced with JobRemoved. Every call is logged to LOG
// (properties dumped by sd-bus, so a malformed message shows).
//   fake-systemd SOCKET LOG
#include <signal.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <linux/magic.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "runtime/cgroups/files.hpp"
#include "runtime/cgroups/fs_v2.hpp"
#include "runtime/cgroups/path.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace hull;

namespace {

constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";

FILE* g_log = nullptr;
std::string g_root;                          // the v2 hierarchy
std::map<std::string, std::string> g_units;  // unit -> its cgroup
unsigned g_job = 0;

std::string unit_object(const std::string& unit) { return std::string(kPath) + "/unit/" + std::to_string(std::hash<std::string>{}(unit)); }

std::string job_done(sd_bus* bus, sd_bus_message* m, const std::string& unit) {
    std::string job = std::string(kPath) + "/job/" + std::to_string(++g_job);
    sd_bus_reply_method_return(m, "o", job.c_str());
    sd_bus_emit_signal(bus, kPath, kManager, "JobRemoved", "uoss", g_job, job.c_str(), unit.c_str(), "done");
    return job;
}

// Reads StartTransientUnit's properties: Slice and PIDs.
void read_props(sd_bus_message* m, std::string& slice, std::vector<uint32_t>& pids) {
    if (sd_bus_message_enter_container(m, 'a', "(sv)") < 0) throw Error("properties: not a(sv)");
    while (sd_bus_message_enter_container(m, 'r', "sv") > 0) {
        const char* name;
        if (sd_bus_message_read(m, "s", &name) < 0) throw Error("property name");
        const char* contents;
        char type;
        if (sd_bus_message_peek_type(m, &type, &contents) < 0) throw Error("property type");
        std::string n = name;
        if (n == "Slice") {
            const char* s;
            sd_bus_message_read(m, "v", "s", &s);
            slice = s;
        } else if (n == "PIDs") {
            sd_bus_message_enter_container(m, 'v', "au");
            const void* p;
            size_t size;
            sd_bus_message_read_array(m, 'u', &p, &size);
            const uint32_t* u = static_cast<const uint32_t*>(p);
            pids.assign(u, u + size / sizeof(uint32_t));
            sd_bus_message_exit_container(m);
        } else {
            sd_bus_message_skip(m, "v");
        }
        sd_bus_message_exit_container(m);
    }
    sd_bus_message_exit_container(m);
}

int on_message(sd_bus_message* m, void* userdata, sd_bus_error*) {
    sd_bus* bus = static_cast<sd_bus*>(userdata);
    if (sd_bus_message_get_type(m, nullptr) >= 0) {
        uint8_t t;
        sd_bus_message_get_type(m, &t);
        if (t != SD_BUS_MESSAGE_METHOD_CALL) return 0;
    }
    std::string iface = sd_bus_message_get_interface(m) ? sd_bus_message_get_interface(m) : "";
    std::string member = sd_bus_message_get_member(m) ? sd_bus_message_get_member(m) : "";
    std::string path = sd_bus_message_get_path(m) ? sd_bus_message_get_path(m) : "";
    std::fprintf(g_log, "CALL %s.%s %s\n", iface.c_str(), member.c_str(), path.c_str());
    try {
        if (iface == "org.freedesktop.DBus") {
            if (member == "Hello") return sd_bus_reply_method_return(m, "s", ":1.42"), 1;
            return sd_bus_reply_method_return(m, ""), 1;  // AddMatch, RemoveMatch
        }
        if (iface == "org.freedesktop.DBus.Properties" && member == "Get") {
            const char *in, *prop;
            sd_bus_message_read(m, "ss", &in, &prop);
            std::fprintf(g_log, "GET %s %s\n", in, prop);
            std::string p = prop;
            if (path == kPath && p == "Version") return sd_bus_reply_method_return(m, "v", "s", "252.99-fake"), 1;
            if (path == kPath && p == "ControlGroup") return sd_bus_reply_method_return(m, "v", "s", "/"), 1;
            for (auto& [unit, cg] : g_units)
                if (path == unit_object(unit) && p == "ControlGroup")
                    return sd_bus_reply_method_return(m, "v", "s", cg.c_str()), 1;
            return sd_bus_reply_method_errorf(m, "org.freedesktop.DBus.Error.UnknownProperty", "no %s", prop), 1;
        }
        if (iface != kManager) return sd_bus_reply_method_errorf(m, "org.freedesktop.DBus.Error.UnknownMethod", "?"), 1;
        if (member == "Subscribe" || member == "ResetFailedUnit") return sd_bus_reply_method_return(m, ""), 1;
        if (member == "StartTransientUnit" || member == "SetUnitProperties") {
            sd_bus_message_dump(m, g_log, 0);
            sd_bus_message_rewind(m, 1);
            const char *unit, *mode;
            int runtime;
            if (member == "StartTransientUnit")
                sd_bus_message_read(m, "ss", &unit, &mode);
            else
                sd_bus_message_read(m, "sb", &unit, &runtime);
            std::string slice;
            std::vector<uint32_t> pids;
            read_props(m, slice, pids);
            if (member == "SetUnitProperties") return sd_bus_reply_method_return(m, ""), 1;
            if (g_units.count(unit))
                return sd_bus_reply_method_errorf(m, "org.freedesktop.systemd1.UnitExists", "Unit %s already exists.", unit), 1;
            std::string cg = cgroups::expand_slice(slice) + "/" + unit;
            // As systemd: the slices with their controllers enabled for the delegated scope.
            cgroups::create_v2_tree(g_root, cg);
            for (uint32_t pid : pids) cgroups::write_cgroup_file(g_root + cg, "cgroup.procs", std::to_string(pid));
            g_units[unit] = cg;
            job_done(bus, m, unit);
            return 1;
        }
        if (member == "GetUnit") {
            const char* unit;
            sd_bus_message_read(m, "s", &unit);
            if (!g_units.count(unit))
                return sd_bus_reply_method_errorf(m, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", unit), 1;
            return sd_bus_reply_method_return(m, "o", unit_object(unit).c_str()), 1;
        }
        if (member == "StopUnit") {
            const char *unit, *mode;
            sd_bus_message_read(m, "ss", &unit, &mode);
            auto it = g_units.find(unit);
            if (it == g_units.end())
                return sd_bus_reply_method_errorf(m, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", unit), 1;
            std::string dir = g_root + it->second;
            if (cgroups::cgroup_file_exists(dir, "cgroup.kill")) cgroups::write_cgroup_file(dir, "cgroup.kill", "1");
            for (int i = 0; i < 100 && !cgroups::read_procs(dir, true).empty(); ++i) ::usleep(10000);
            ::rmdir(dir.c_str());
            g_units.erase(it);
            job_done(bus, m, unit);
            return 1;
        }
        return sd_bus_reply_method_errorf(m, "org.freedesktop.DBus.Error.UnknownMethod", "no %s", member.c_str()), 1;
    } catch (const std::exception& e) {
        std::fprintf(g_log, "ERROR %s\n", e.what());
        return sd_bus_reply_method_errorf(m, "org.freedesktop.DBus.Error.Failed", "%s", e.what()), 1;
    }
}

void serve(int fd) {
    sd_bus* bus = nullptr;
    sd_id128_t id{};
    id.bytes[0] = 1;
    if (sd_bus_new(&bus) < 0 || sd_bus_set_fd(bus, fd, fd) < 0 || sd_bus_set_server(bus, 1, id) < 0 ||
        sd_bus_set_anonymous(bus, 1) < 0 || sd_bus_add_filter(bus, nullptr, on_message, bus) < 0 || sd_bus_start(bus) < 0) {
        std::fprintf(g_log, "ERROR cannot set up a server bus\n");
        sd_bus_unref(bus);
        ::close(fd);
        return;
    }
    for (;;) {
        int r = sd_bus_process(bus, nullptr);
        if (r < 0) break;
        if (r > 0) continue;
        if (sd_bus_wait(bus, UINT64_MAX) < 0) break;
    }
    std::fflush(g_log);
    sd_bus_flush_close_unref(bus);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: fake-systemd SOCKET LOG\n");
        return 2;
    }
    ::signal(SIGPIPE, SIG_IGN);
    g_log = std::fopen(argv[2], "w");
    if (!g_log) return 1;
    std::setvbuf(g_log, nullptr, _IOLBF, 0);
    struct statfs s;
    g_root = ::statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
    int l = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
    ::unlink(argv[1]);
    if (::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || ::listen(l, 8) < 0) {
        std::perror("bind");
        return 1;
    }
    for (;;) {
        int c = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) serve(c);
    }
}
