// The part of systemd's D-Bus API the systemd driver uses, over sd-bus: StartTransientUnit
// (waiting for its job through the JobRemoved signal), StopUnit, SetUnitProperties,
// ResetFailedUnit and a few properties.
#pragma once
#include <memory>
#include <string>

#include "runtime/cgroups/systemd_properties.hpp"

struct sd_bus;
struct sd_bus_message;

namespace hull::cgroups {

class SystemdBus {
public:
    // user: the user's session bus (DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus), for
    // rootless containers. Otherwise the system bus (DBUS_SYSTEM_BUS_ADDRESS, else
    // /run/dbus/system_bus_socket), and as root systemd's own /run/systemd/private when there is
    // no bus daemon. The error names each address tried and what to check.
    static std::unique_ptr<SystemdBus> connect(bool user);
    ~SystemdBus();
    SystemdBus(const SystemdBus&) = delete;
    SystemdBus& operator=(const SystemdBus&) = delete;

    const std::string& address() const { return address_; }
    // The leading number of the manager's Version property ("252.19-1" -> 252).
    int version();
    // The manager's ControlGroup property (a user manager's: /user.slice/user-1000.slice/user@1000.service).
    std::string manager_control_group();
    // Start the unit and wait (up to 30 s) for its job to finish with result "done". When the
    // unit exists already (a failed unit of an earlier container), reset it and try once more.
    void start_transient_unit(const std::string& unit, const Properties& props);
    // Stop the unit and wait for its job; a unit that is not loaded is not an error.
    void stop_unit(const std::string& unit);
    void set_unit_properties(const std::string& unit, const Properties& props);
    // The unit's ControlGroup property: its cgroup path below the hierarchy's root.
    std::string unit_control_group(const std::string& unit);

private:
    SystemdBus(sd_bus* bus, std::string address);
    std::string wait_for_job(const std::string& job, const std::string& what);
    void subscribe();
    sd_bus* bus_;
    std::string address_;
    bool subscribed_ = false;
    struct Jobs;
    std::unique_ptr<Jobs> jobs_;
};

// Append the properties as StartTransientUnit's a(sv) argument.
void append_properties(sd_bus_message* m, const Properties& props);

}  // namespace hull::cgroups
