#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cstring>

#include <catch2/catch.hpp>

#include "runtime/net_devices.hpp"
#include "util/error.hpp"

using namespace hull::netlink;

namespace {

nlmsghdr header_of(const std::vector<uint8_t>& m) {
    nlmsghdr h{};
    std::memcpy(&h, m.data(), sizeof h);
    return h;
}

std::vector<uint8_t> ip(int family, const char* text) {
    std::vector<uint8_t> b(family == AF_INET ? 4 : 16);
    REQUIRE(inet_pton(family, text, b.data()) == 1);
    return b;
}

// An RTM_NEWADDR as the kernel sends it in a dump.
std::vector<uint8_t> kernel_address(int family, const char* text, uint8_t prefix, uint8_t scope, uint32_t flags,
                                    int ifindex, bool ifa_flags_attr = true) {
    MessageBuilder m(RTM_NEWADDR, NLM_F_MULTI);
    ifaddrmsg ifa{};
    ifa.ifa_family = static_cast<uint8_t>(family);
    ifa.ifa_prefixlen = prefix;
    ifa.ifa_scope = scope;
    ifa.ifa_flags = static_cast<uint8_t>(flags);
    ifa.ifa_index = static_cast<uint32_t>(ifindex);
    m.append(&ifa, sizeof ifa);
    auto a = ip(family, text);
    m.attr(IFA_ADDRESS, a.data(), a.size());
    if (family == AF_INET) {
        m.attr(IFA_LOCAL, a.data(), a.size());
        m.attr_str(IFA_LABEL, "hd1");
    }
    if (ifa_flags_attr) m.attr_u32(IFA_FLAGS, flags);
    return m.finish(7);
}

}  // namespace

TEST_CASE("interface names follow the kernel's rules; %d only where a template is allowed", "[net_devices]") {
    CHECK(valid_ifname("eth0", false));
    CHECK(valid_ifname("a23456789012345", false));  // 15 bytes
    CHECK_FALSE(valid_ifname("a234567890123456", false));
    CHECK_FALSE(valid_ifname("", false));
    CHECK_FALSE(valid_ifname(".", false));
    CHECK_FALSE(valid_ifname("..", false));
    CHECK_FALSE(valid_ifname("a/b", false));
    CHECK_FALSE(valid_ifname("a:b", false));
    CHECK_FALSE(valid_ifname("a b", false));
    CHECK_FALSE(valid_ifname("net%d", false));
    CHECK(valid_ifname("net%d", true));
    CHECK(is_template("net%d"));
    CHECK_FALSE(is_template("net0"));
    CHECK_FALSE(valid_ifname("net%s", true));
    CHECK_FALSE(valid_ifname("n%d%d", true));
    CHECK_FALSE(valid_ifname("net%", true));
}

TEST_CASE("a move is one RTM_NEWLINK with the namespace fd and the name it arrives under", "[net_devices]") {
    auto m = move_link(5, 42, "eth9", 3);
    auto h = header_of(m);
    CHECK(h.nlmsg_len == m.size());
    CHECK(m.size() % 4 == 0);
    CHECK(h.nlmsg_type == RTM_NEWLINK);
    CHECK(h.nlmsg_seq == 3);
    CHECK((h.nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK)) == (NLM_F_REQUEST | NLM_F_ACK));
    CHECK_FALSE(h.nlmsg_flags & NLM_F_CREATE);
    auto msgs = split_messages(m);
    REQUIRE(msgs.size() == 1);
    auto link = parse_link(msgs[0]);
    CHECK(link.index == 5);
    CHECK(link.name == "eth9");
    // IFLA_NET_NS_FD follows the ifinfomsg: 4-byte header, then the fd as u32.
    size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
    nlattr a{};
    std::memcpy(&a, m.data() + off, sizeof a);
    CHECK(a.nla_type == IFLA_NET_NS_FD);
    CHECK(a.nla_len == NLA_HDRLEN + 4);
    uint32_t fd = 0;
    std::memcpy(&fd, m.data() + off + NLA_HDRLEN, 4);
    CHECK(fd == 42);
}

TEST_CASE("set up changes only IFF_UP; a rename carries only the name", "[net_devices]") {
    auto up = set_link_up(9, 1);
    ifinfomsg ifi{};
    std::memcpy(&ifi, up.data() + NLMSG_HDRLEN, sizeof ifi);
    CHECK(ifi.ifi_index == 9);
    CHECK(ifi.ifi_flags == IFF_UP);
    CHECK(ifi.ifi_change == IFF_UP);
    CHECK(up.size() == NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg)));
    auto rn = rename_link(9, "net%d", 2);
    CHECK(parse_link(split_messages(rn).at(0)).name == "net%d");
    auto get = get_link_by_name("hd1", 4);
    CHECK(header_of(get).nlmsg_type == RTM_GETLINK);
    CHECK(parse_link(split_messages(get).at(0)).name == "hd1");
    CHECK(header_of(dump_addresses(5)).nlmsg_flags == (NLM_F_REQUEST | NLM_F_DUMP));
}

TEST_CASE("only permanent addresses of global scope are preserved, of any family", "[net_devices]") {
    auto v4 = parse_address(split_messages(kernel_address(AF_INET, "10.231.7.1", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT, 4)).at(0));
    CHECK(v4.family == AF_INET);
    CHECK(v4.ifindex == 4);
    CHECK(v4.label == "hd1");
    CHECK(v4.to_string() == "10.231.7.1/24");
    CHECK(preserved(v4));
    auto v6 = parse_address(split_messages(kernel_address(AF_INET6, "fd00:231::1", 64, RT_SCOPE_UNIVERSE,
                                                          IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE, 4)).at(0));
    CHECK(v6.to_string() == "fd00:231::1/64");
    CHECK(preserved(v6));
    CHECK(v6.flags & IFA_F_NOPREFIXROUTE);  // from IFA_FLAGS: beyond the u8 of ifa_flags
    auto link_local = parse_address(split_messages(kernel_address(AF_INET6, "fe80::1", 64, RT_SCOPE_LINK, IFA_F_PERMANENT, 4)).at(0));
    CHECK_FALSE(preserved(link_local));
    auto host = parse_address(split_messages(kernel_address(AF_INET, "127.0.0.1", 8, RT_SCOPE_HOST, IFA_F_PERMANENT, 1)).at(0));
    CHECK_FALSE(preserved(host));
    auto dynamic = parse_address(split_messages(kernel_address(AF_INET6, "2001:db8::5", 64, RT_SCOPE_UNIVERSE, 0, 4)).at(0));
    CHECK_FALSE(preserved(dynamic));
    auto old_kernel = parse_address(split_messages(kernel_address(AF_INET, "10.0.0.2", 8, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT, 4, false)).at(0));
    CHECK(preserved(old_kernel));
}

TEST_CASE("an address is re-added on the new index with its user flags, not the kernel's state", "[net_devices]") {
    auto a = parse_address(split_messages(kernel_address(AF_INET6, "fd00:231::1", 64, RT_SCOPE_UNIVERSE,
                                                         IFA_F_PERMANENT | IFA_F_NODAD | IFA_F_TENTATIVE, 4)).at(0));
    auto m = add_address(a, 11, "hd1", "eth9", 8);
    auto h = header_of(m);
    CHECK(h.nlmsg_type == RTM_NEWADDR);
    CHECK((h.nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK)) == (NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK));
    auto back = parse_address(split_messages(m).at(0));
    CHECK(back.ifindex == 11);
    CHECK(back.prefixlen == 64);
    CHECK(back.address == a.address);
    CHECK(back.flags == (IFA_F_PERMANENT | IFA_F_NODAD));

    auto v4 = parse_address(split_messages(kernel_address(AF_INET, "10.231.7.1", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT, 4)).at(0));
    CHECK(parse_address(split_messages(add_address(v4, 11, "hd1", "eth9", 9)).at(0)).label.empty());  // default: new name
    v4.label = "hd1:web";
    CHECK(parse_address(split_messages(add_address(v4, 11, "hd1", "eth9", 9)).at(0)).label == "eth9:web");
}

TEST_CASE("error replies give the errno and the kernel's extended ack text", "[net_devices]") {
    // NLMSG_ERROR, capped: nlmsgerr (error + the request's header), then NLMSGERR_ATTR_MSG.
    MessageBuilder m(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS);
    nlmsgerr e{};
    e.error = -EEXIST;
    e.msg.nlmsg_len = 64;
    m.append(&e, sizeof e);
    m.attr_str(NLMSGERR_ATTR_MSG, "Device name already in use");
    auto r = parse_error(split_messages(m.finish(3)).at(0));
    CHECK(r.err == EEXIST);
    CHECK(r.message == "Device name already in use");

    MessageBuilder ack(NLMSG_ERROR, 0);
    nlmsgerr ok{};
    ack.append(&ok, sizeof ok);
    CHECK(parse_error(split_messages(ack.finish(4)).at(0)).err == 0);
}

TEST_CASE("datagrams split into messages; a bad length is refused", "[net_devices]") {
    auto a = set_link_up(1, 1), b = get_link_by_name("eth0", 2);
    std::vector<uint8_t> both = a;
    both.insert(both.end(), b.begin(), b.end());
    auto msgs = split_messages(both);
    REQUIRE(msgs.size() == 2);
    CHECK(message_seq(msgs[1]) == 2);
    CHECK(message_type(msgs[1]) == RTM_GETLINK);
    auto bad = a;
    uint32_t len = static_cast<uint32_t>(bad.size() + 8);
    std::memcpy(bad.data(), &len, 4);
    CHECK_THROWS_WITH(split_messages(bad), "netlink: malformed message");
}

TEST_CASE("netDevices need the container's own network namespace and valid names", "[net_devices]") {
    hull::oci::Linux lx;
    lx.namespaces = {{"mount", {}}, {"pid", {}}};
    hull::check_net_devices(lx);  // nothing to move: fine
    lx.netDevices["hd1"].name = "eth9";
    CHECK_THROWS_WITH(hull::check_net_devices(lx), Catch::Contains("needs a network namespace"));
    lx.namespaces.push_back({"network", std::string("/run/netns/x")});
    hull::check_net_devices(lx);
    lx.namespaces.back().path.reset();
    hull::check_net_devices(lx);
    lx.netDevices["hd2"].name = "net%d";
    lx.netDevices["hd3"].name = "net%d";  // templates may repeat: the kernel numbers them
    hull::check_net_devices(lx);
    lx.netDevices["hd4"] = {};  // keeps its host name
    hull::check_net_devices(lx);
    lx.netDevices["hd5"].name = "eth9";
    CHECK_THROWS_WITH(hull::check_net_devices(lx), ".linux.netDevices[\"hd5\"]: two network devices would be named \"eth9\" in the container");
    lx.netDevices.erase("hd5");
    lx.netDevices["hd6"].name = "a/b";
    CHECK_THROWS_WITH(hull::check_net_devices(lx), ".linux.netDevices[\"hd6\"].name: \"a/b\" is not a valid network device name");
    lx.netDevices.erase("hd6");
    lx.netDevices["much-too-long-name"] = {};
    CHECK_THROWS_WITH(hull::check_net_devices(lx), Catch::Contains("\"much-too-long-name\" is not a valid network device name"));
    lx.netDevices.erase("much-too-long-name");
    lx.netDevices["h%d"] = {};
    CHECK_THROWS_WITH(hull::check_net_devices(lx), Catch::Contains("\"h%d\" is not a valid network device name"));
}
