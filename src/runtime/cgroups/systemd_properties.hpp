// What the systemd driver asks systemd for: the properties of StartTransientUnit, built from the
// unit, linux.resources, the device rules and the org.systemd.property.* annotations. Pure (the
// systemd version and /proc/devices come in as arguments); systemd_bus.cpp sends them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "libocispec/spec.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/path.hpp"
#include "runtime/cgroups/resources_common.hpp"

namespace hull::cgroups {

struct DeviceAllow {
    std::string path;   // "/dev/char/1:3", "char-pts", "block-*"
    std::string perms;  // "rwm"
    bool operator==(const DeviceAllow&) const = default;
};

// D-Bus values by type: b y n q i u x t d s ay au as a(ss).
using PropertyValue = std::variant<bool, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, double,
                                   std::string, std::vector<uint8_t>, std::vector<uint32_t>,
                                   std::vector<std::string>, std::vector<DeviceAllow>>;
// The D-Bus signature of the value: "t", "as", "a(ss)"...
std::string signature(const PropertyValue& v);
// A readable form for messages and tests: t 100, s "system.slice", as ["a"], a(ss) [("p","rwm")].
std::string describe(const PropertyValue& v);

struct Property {
    std::string name;
    PropertyValue value;
    bool operator==(const Property&) const = default;
};
using Properties = std::vector<Property>;

constexpr uint64_t kInfinity = UINT64_MAX;  // systemd's USEC_INFINITY / CGROUP_LIMIT_MAX

// A GVariant text value, as an org.systemd.property.* annotation holds it (runc parses them with
// dbus.ParseVariant): true false, 'str' "str", 123 (int32), 1.5 (double), typed numbers such as
// "uint64 123" "int64 -1" "uint32 5" "byte 3", and string arrays ['a', 'b'] (@as [] empty).
PropertyValue parse_gvariant(std::string_view text);
// The org.systemd.property.<Name> annotations: Name must be letters only; a value of a
// *Sec property (TimeoutStopSec) is converted to microseconds and the name to *USec, as runc.
Properties annotation_properties(const oci::StringMap& annotations);

// "0-3,7" -> the byte array of AllowedCPUs= (CPU n is bit n%8 of byte n/8).
std::vector<uint8_t> cpu_list_to_bitmask(const std::string& list);
// The group of a major number in /proc/devices: ('c', 136) -> "char-pts"; "" when not there.
std::string device_group(std::string_view proc_devices, char type, int64_t major);

// DevicePolicy= and DeviceAllow= from the emulated rules, as runc: strict with the allowed
// devices; allow-everything is auto with no list; a deny list cannot be said in systemd (the
// fs side sets it), so it is strict and empty plus a warning. "c *:5" rules cannot be said
// either (warning; the fs side sets them).
Properties device_properties(const DeviceEmulator& emu, std::string_view proc_devices, Warnings& warnings);

struct UnitSpec {
    SystemdUnit unit;
    std::string description;       // "hull container <id>"
    int pid = -1;                  // PIDs=; -1 for a slice without a process
    bool cgroup_v2 = true;         // v2 property names (MemoryMax...) or v1 ones (MemoryLimit...)
    int systemd_version = 0;       // of the manager: CPUQuotaPeriodUSec needs 242, AllowedCPUs 244
};

// Everything StartTransientUnit gets, in runc's order: Description, Slice (scope) or Wants
// (slice), Delegate, PIDs, accounting, DefaultDependencies=no, the resources, the device rules,
// then the annotations (which override).
Properties unit_properties(const UnitSpec& spec, const oci::Resources* r, const DeviceEmulator* devices,
                           const oci::StringMap& annotations, std::string_view proc_devices, Warnings& warnings);
// The resource part alone (also what `hull update` sends with SetUnitProperties).
Properties resource_properties(const oci::Resources& r, bool cgroup_v2, int systemd_version, Warnings& warnings);

}  // namespace hull::cgroups
