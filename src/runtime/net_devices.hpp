// linux.netDevices: moving host network devices into the container's network namespace
// (config-linux.md "Network Devices"), over NETLINK_ROUTE by hand. The message building and
// parsing is pure (and unit-tested); move_net_devices is the part that talks to the kernel.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

// Checks that need no kernel: the container has a network namespace (new or joined), every
// host name is a valid interface name, every new name is one too (a "%d" template allowed), and
// no two devices get the same (non-template) name. Throws with the entry at fault.
void check_net_devices(const oci::Linux& lx);

// For each device: find it in hull's network namespace, note its permanent global addresses,
// move it into the network namespace of container_pid under its new name, re-add the addresses
// and set it up. Run by hull (single-threaded, root) between clone and parent_setup_done. Hull's
// own network namespace is never left for longer than opening a socket. Devices are never
// moved back (the spec forbids it): one that fails half-way stays with the container.
void move_net_devices(const std::map<std::string, oci::NetDevice>& devices, int container_pid);

namespace netlink {

// A valid interface name: 1..15 bytes, not "." or "..", no '/', ':' or white space.
// With allow_template, one "%d" may appear (the kernel picks the number).
bool valid_ifname(const std::string& name, bool allow_template);
bool is_template(const std::string& name);

// One netlink request being built: header, family header, attributes (4-byte aligned).
class MessageBuilder {
public:
    MessageBuilder(uint16_t type, uint16_t flags);
    void append(const void* data, size_t len);  // the family header (ifinfomsg, ifaddrmsg)
    void attr(uint16_t type, const void* data, size_t len);
    void attr_u32(uint16_t type, uint32_t v) { attr(type, &v, sizeof v); }
    void attr_str(uint16_t type, const std::string& s) { attr(type, s.c_str(), s.size() + 1); }
    std::vector<uint8_t> finish(uint32_t seq) const;

private:
    std::vector<uint8_t> buf_;
};

std::vector<uint8_t> get_link_by_name(const std::string& name, uint32_t seq);
std::vector<uint8_t> get_link_by_index(int ifindex, uint32_t seq);
std::vector<uint8_t> dump_addresses(uint32_t seq);
// RTM_NEWLINK moving ifindex into the namespace netns_fd, named new_name there.
std::vector<uint8_t> move_link(int ifindex, int netns_fd, const std::string& new_name, uint32_t seq);
std::vector<uint8_t> rename_link(int ifindex, const std::string& new_name, uint32_t seq);
std::vector<uint8_t> set_link_up(int ifindex, uint32_t seq);

struct Link {
    int index = 0;
    unsigned flags = 0;  // IFF_*
    std::string name;
};

struct Address {
    uint8_t family = 0;
    uint8_t prefixlen = 0;
    uint8_t scope = 0;
    uint32_t flags = 0;  // IFA_F_*: IFA_FLAGS when present, else ifa_flags
    int ifindex = 0;
    std::vector<uint8_t> local, address, broadcast;
    std::string label;
    std::optional<uint32_t> priority;
    std::string to_string() const;  // "10.0.0.1/24"
};

// What the spec says to keep: IFA_F_PERMANENT and RT_SCOPE_UNIVERSE, any family.
bool preserved(const Address& a);
// RTM_NEWADDR re-adding a on ifindex; an IPv4 label naming the old device is renamed with it.
std::vector<uint8_t> add_address(const Address& a, int ifindex, const std::string& old_name,
                                 const std::string& new_name, uint32_t seq);

// The messages in a datagram; throws for a malformed one.
std::vector<std::span<const uint8_t>> split_messages(std::span<const uint8_t> buf);
uint16_t message_type(std::span<const uint8_t> msg);
uint32_t message_seq(std::span<const uint8_t> msg);
Link parse_link(std::span<const uint8_t> msg);        // RTM_NEWLINK
Address parse_address(std::span<const uint8_t> msg);  // RTM_NEWADDR
// NLMSG_ERROR: the positive errno (0 for an ack) and the kernel's extended ack text, if any.
struct ErrorReply {
    int err = 0;
    std::string message;
};
ErrorReply parse_error(std::span<const uint8_t> msg);

}  // namespace netlink
}  // namespace hull
