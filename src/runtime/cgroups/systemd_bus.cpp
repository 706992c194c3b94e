#include "runtime/cgroups/systemd_bus.hpp"

#include <systemd/sd-bus.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/error.hpp"

namespace hull::cgroups {

namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr uint64_t kCallTimeout = 30ull * 1000 * 1000;  // usec

template <class... T>
struct overload : T... {
    using T::operator()...;
};
template <class... T>
overload(T...) -> overload<T...>;

void check(int r, const std::string& what) {
    if (r < 0) throw Error(what, -r);
}

// Owners of sd-bus objects.
struct Message {
    sd_bus_message* m = nullptr;
    ~Message() { sd_bus_message_unref(m); }
};
struct BusError {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    ~BusError() { sd_bus_error_free(&e); }
    std::string text() const {
        std::string s = e.message ? e.message : "";
        if (e.name) s += std::string(s.empty() ? "" : " ") + "(" + e.name + ")";
        return s;
    }
};
struct FreeString {
    char* s = nullptr;
    ~FreeString() { std::free(s); }
};

void append_value(sd_bus_message* m, const PropertyValue& v) {
    auto basic = [&](char type, const void* p) { check(sd_bus_message_append_basic(m, type, p), "append a D-Bus value"); };
    std::visit(overload{[&](bool b) {
                            int i = b;
                            basic('b', &i);
                        },
                        [&](uint8_t n) { basic('y', &n); }, [&](int16_t n) { basic('n', &n); },
                        [&](uint16_t n) { basic('q', &n); }, [&](int32_t n) { basic('i', &n); },
                        [&](uint32_t n) { basic('u', &n); }, [&](int64_t n) { basic('x', &n); },
                        [&](uint64_t n) { basic('t', &n); }, [&](double d) { basic('d', &d); },
                        [&](const std::string& s) { basic('s', s.c_str()); },
                        [&](const std::vector<uint8_t>& a) {
                            check(sd_bus_message_append_array(m, 'y', a.data(), a.size()), "append a D-Bus array");
                        },
                        [&](const std::vector<uint32_t>& a) {
                            check(sd_bus_message_append_array(m, 'u', a.data(), a.size() * sizeof(uint32_t)),
                                  "append a D-Bus array");
                        },
                        [&](const std::vector<std::string>& a) {
                            check(sd_bus_message_open_container(m, 'a', "s"), "open a D-Bus array");
                            for (auto& s : a) basic('s', s.c_str());
                            check(sd_bus_message_close_container(m), "close a D-Bus array");
                        },
                        [&](const std::vector<DeviceAllow>& a) {
                            check(sd_bus_message_open_container(m, 'a', "(ss)"), "open a D-Bus array");
                            for (auto& d : a)
                                check(sd_bus_message_append(m, "(ss)", d.path.c_str(), d.perms.c_str()),
                                      "append a D-Bus struct");
                            check(sd_bus_message_close_container(m), "close a D-Bus array");
                        }},
               v);
}

// strerror as hull::Error prints it ("no such file or directory").
std::string errno_text(int e) { return std::string(Error("-", e).what()).substr(3); }

int leading_number(const std::string& s) {
    int n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') break;
        n = n * 10 + (c - '0');
    }
    return n;
}

}  // namespace

struct SystemdBus::Jobs {
    sd_bus_slot* slot = nullptr;
    std::vector<std::pair<std::string, std::string>> removed;  // job path, result
    ~Jobs() { sd_bus_slot_unref(slot); }
};

void append_properties(sd_bus_message* m, const Properties& props) {
    check(sd_bus_message_open_container(m, 'a', "(sv)"), "open the D-Bus property list");
    for (auto& p : props) {
        std::string sig = signature(p.value);
        check(sd_bus_message_open_container(m, 'r', "sv"), "open a D-Bus property");
        check(sd_bus_message_append_basic(m, 's', p.name.c_str()), "append property " + p.name);
        check(sd_bus_message_open_container(m, 'v', sig.c_str()), "open the value of property " + p.name);
        with_context("property " + p.name, [&] { append_value(m, p.value); });
        check(sd_bus_message_close_container(m), "close the value of property " + p.name);
        check(sd_bus_message_close_container(m), "close property " + p.name);
    }
    check(sd_bus_message_close_container(m), "close the D-Bus property list");
}

std::unique_ptr<SystemdBus> SystemdBus::connect(bool user) {
    sd_bus* bus = nullptr;
    if (user) {
        std::string addr;
        if (const char* a = std::getenv("DBUS_SESSION_BUS_ADDRESS"))
            addr = a;
        else if (const char* d = std::getenv("XDG_RUNTIME_DIR"))
            addr = std::string("unix:path=") + d + "/bus";
        else
            throw Error("connect to the systemd user bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set "
                        "(run from a login session, or `loginctl enable-linger $USER` and set "
                        "XDG_RUNTIME_DIR=/run/user/$(id -u))");
        int r = sd_bus_open_user(&bus);
        if (r < 0)
            throw Error("connect to the systemd user bus at " + addr +
                            " (is a systemd user instance running? check `systemctl --user status`, that "
                            "XDG_RUNTIME_DIR is /run/user/$(id -u), and `loginctl enable-linger $USER`)",
                        -r);
        return std::unique_ptr<SystemdBus>(new SystemdBus(bus, addr));
    }
    std::string sys = "unix:path=/run/dbus/system_bus_socket";
    if (const char* a = std::getenv("DBUS_SYSTEM_BUS_ADDRESS")) sys = a;
    int r = sd_bus_open_system(&bus);
    if (r >= 0) return std::unique_ptr<SystemdBus>(new SystemdBus(bus, sys));
    std::string msg = "connect to systemd: the system bus at " + sys + ": " + errno_text(-r);
    if (::geteuid() == 0) {
        // No bus daemon: systemd also listens on a socket of its own for root.
        const std::string priv = "unix:path=/run/systemd/private";
        int r2 = sd_bus_new(&bus);
        if (r2 >= 0) r2 = sd_bus_set_address(bus, priv.c_str());
        if (r2 >= 0) r2 = sd_bus_start(bus);
        if (r2 >= 0) return std::unique_ptr<SystemdBus>(new SystemdBus(bus, priv));
        sd_bus_unref(bus);
        msg += "; systemd's socket " + priv + ": " + errno_text(-r2);
    }
    throw Error(msg + " (--systemd-cgroup needs systemd as PID 1, see `ps -p 1 -o comm=`; without it, leave "
                      "--systemd-cgroup off to use the cgroupfs driver)");
}

SystemdBus::SystemdBus(sd_bus* bus, std::string address) : bus_(bus), address_(std::move(address)) {}

SystemdBus::~SystemdBus() {
    jobs_.reset();
    sd_bus_flush_close_unref(bus_);
}

int SystemdBus::version() {
    BusError err;
    FreeString v;
    int r = sd_bus_get_property_string(bus_, kService, kPath, kManager, "Version", &err.e, &v.s);
    if (r < 0) throw Error("read systemd's version over " + address_ + ": " + err.text(), -r);
    return leading_number(v.s);
}

std::string SystemdBus::manager_control_group() {
    BusError err;
    FreeString v;
    int r = sd_bus_get_property_string(bus_, kService, kPath, kManager, "ControlGroup", &err.e, &v.s);
    if (r < 0) throw Error("read the ControlGroup of the systemd manager at " + address_ + ": " + err.text(), -r);
    return v.s;
}

void SystemdBus::subscribe() {
    if (subscribed_) return;
    jobs_ = std::make_unique<Jobs>();
    auto on_removed = [](sd_bus_message* m, void* userdata, sd_bus_error*) -> int {
        auto* jobs = static_cast<Jobs*>(userdata);
        uint32_t id;
        const char *path, *unit, *result;
        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0) jobs->removed.emplace_back(path, result);
        return 0;
    };
    check(sd_bus_match_signal(bus_, &jobs_->slot, nullptr, kPath, kManager, "JobRemoved", on_removed, jobs_.get()),
          "listen to systemd's JobRemoved signal");
    BusError err;
    Message reply;
    int r = sd_bus_call_method(bus_, kService, kPath, kManager, "Subscribe", &err.e, &reply.m, "");
    // Already subscribed on a shared bus connection: fine.
    if (r < 0 && !sd_bus_error_has_name(&err.e, "org.freedesktop.systemd1.AlreadySubscribed"))
        throw Error("subscribe to systemd's signals: " + err.text(), -r);
    subscribed_ = true;
}

std::string SystemdBus::wait_for_job(const std::string& job, const std::string& what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        for (auto& [path, result] : jobs_->removed)
            if (path == job) return result;
        int r = sd_bus_process(bus_, nullptr);
        if (r < 0) throw Error(what + ": read from " + address_, -r);
        if (r > 0) continue;
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw Error(what + ": systemd did not finish job " + job + " within 30 seconds");
        r = sd_bus_wait(bus_, static_cast<uint64_t>(left.count()));
        if (r < 0 && r != -EINTR) throw Error(what + ": wait for systemd", -r);
    }
}

void SystemdBus::start_transient_unit(const std::string& unit, const Properties& props) {
    std::string what = "start systemd unit " + unit;
    subscribe();
    for (int attempt = 0;; ++attempt) {
        Message m, reply;
        BusError err;
        check(sd_bus_message_new_method_call(bus_, &m.m, kService, kPath, kManager, "StartTransientUnit"), what);
        check(sd_bus_message_append(m.m, "ss", unit.c_str(), "replace"), what);
        with_context(what, [&] { append_properties(m.m, props); });
        check(sd_bus_message_append(m.m, "a(sa(sv))", 0), what);
        int r = sd_bus_call(bus_, m.m, kCallTimeout, &err.e, &reply.m);
        if (r < 0) {
            if (attempt == 0 && sd_bus_error_has_name(&err.e, "org.freedesktop.systemd1.UnitExists")) {
                BusError e2;
                Message r2;
                sd_bus_call_method(bus_, kService, kPath, kManager, "ResetFailedUnit", &e2.e, &r2.m, "s", unit.c_str());
                continue;
            }
            throw Error(what + ": " + err.text(), -r);
        }
        const char* job = nullptr;
        check(sd_bus_message_read(reply.m, "o", &job), what + ": read the job");
        std::string result = wait_for_job(job, what);
        if (result != "done")
            throw Error(what + ": the job finished with result \"" + result + "\" (see `journalctl -u " + unit + "`)");
        return;
    }
}

void SystemdBus::stop_unit(const std::string& unit) {
    std::string what = "stop systemd unit " + unit;
    subscribe();
    BusError err;
    Message reply;
    int r = sd_bus_call_method(bus_, kService, kPath, kManager, "StopUnit", &err.e, &reply.m, "ss", unit.c_str(),
                               "replace");
    if (r < 0) {
        if (sd_bus_error_has_name(&err.e, "org.freedesktop.systemd1.NoSuchUnit")) return;
        throw Error(what + ": " + err.text(), -r);
    }
    const char* job = nullptr;
    check(sd_bus_message_read(reply.m, "o", &job), what + ": read the job");
    std::string result = wait_for_job(job, what);
    if (result != "done" && result != "skipped")
        throw Error(what + ": the job finished with result \"" + result + "\"");
    // A failed scope stays loaded; forget it so the name can be used again.
    BusError e2;
    Message r2;
    sd_bus_call_method(bus_, kService, kPath, kManager, "ResetFailedUnit", &e2.e, &r2.m, "s", unit.c_str());
}

void SystemdBus::set_unit_properties(const std::string& unit, const Properties& props) {
    std::string what = "set properties of systemd unit " + unit;
    Message m, reply;
    BusError err;
    check(sd_bus_message_new_method_call(bus_, &m.m, kService, kPath, kManager, "SetUnitProperties"), what);
    check(sd_bus_message_append(m.m, "sb", unit.c_str(), 1), what);
    with_context(what, [&] { append_properties(m.m, props); });
    int r = sd_bus_call(bus_, m.m, kCallTimeout, &err.e, &reply.m);
    if (r < 0) throw Error(what + ": " + err.text(), -r);
}

std::string SystemdBus::unit_control_group(const std::string& unit) {
    std::string what = "find the cgroup of systemd unit " + unit;
    BusError err;
    Message reply;
    int r = sd_bus_call_method(bus_, kService, kPath, kManager, "GetUnit", &err.e, &reply.m, "s", unit.c_str());
    if (r < 0) throw Error(what + ": " + err.text(), -r);
    const char* obj = nullptr;
    check(sd_bus_message_read(reply.m, "o", &obj), what);
    bool slice = unit.size() > 6 && unit.compare(unit.size() - 6, 6, ".slice") == 0;
    BusError e2;
    FreeString cg;
    r = sd_bus_get_property_string(bus_, kService, obj, slice ? "org.freedesktop.systemd1.Slice" : "org.freedesktop.systemd1.Scope",
                                   "ControlGroup", &e2.e, &cg.s);
    if (r < 0) throw Error(what + ": " + e2.text(), -r);
    return cg.s;
}

}  // namespace hull::cgroups
