#include "runtime/net_devices.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/log.hpp"

namespace hull {

namespace netlink {

namespace {

constexpr size_t align4(size_t n) { return (n + 3) & ~size_t(3); }

template <typename T>
T read_at(std::span<const uint8_t> buf, size_t off) {
    T v{};
    if (off + sizeof(T) > buf.size()) throw Error("netlink: truncated message");
    std::memcpy(&v, buf.data() + off, sizeof(T));
    return v;
}

// Attributes after a family header of hdr_len bytes: type -> payload.
std::map<uint16_t, std::span<const uint8_t>> parse_attrs(std::span<const uint8_t> msg, size_t hdr_len) {
    std::map<uint16_t, std::span<const uint8_t>> attrs;
    size_t off = NLMSG_HDRLEN + align4(hdr_len);
    while (off + sizeof(nlattr) <= msg.size()) {
        auto a = read_at<nlattr>(msg, off);
        if (a.nla_len < sizeof(nlattr) || off + a.nla_len > msg.size()) throw Error("netlink: malformed attribute");
        attrs.emplace(static_cast<uint16_t>(a.nla_type & NLA_TYPE_MASK),
                      msg.subspan(off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN));
        off += align4(a.nla_len);
    }
    return attrs;
}

std::string attr_string(std::span<const uint8_t> a) {
    std::string s(reinterpret_cast<const char*>(a.data()), a.size());
    if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
    return s;
}

std::vector<uint8_t> link_request(uint16_t type, uint16_t flags, int ifindex) {
    MessageBuilder m(type, flags);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = ifindex;
    m.append(&ifi, sizeof ifi);
    return m.finish(0);
}

void set_seq(std::vector<uint8_t>& msg, uint32_t seq) {
    std::memcpy(msg.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
}

}  // namespace

bool is_template(const std::string& name) { return name.find("%d") != std::string::npos; }

bool valid_ifname(const std::string& name, bool allow_template) {
    if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == "..") return false;
    for (char ch : name)
        if (ch == '/' || ch == ':' || std::isspace(static_cast<unsigned char>(ch))) return false;
    auto pct = name.find('%');
    if (pct == std::string::npos) return true;
    // The kernel's __dev_alloc_name: one '%', and it is "%d".
    return allow_template && pct + 1 < name.size() && name[pct + 1] == 'd' &&
           name.find('%', pct + 1) == std::string::npos;
}

MessageBuilder::MessageBuilder(uint16_t type, uint16_t flags) : buf_(NLMSG_HDRLEN, 0) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    std::memcpy(buf_.data(), &h, sizeof h);
}

void MessageBuilder::append(const void* data, size_t len) {
    auto p = static_cast<const uint8_t*>(data);
    buf_.insert(buf_.end(), p, p + len);
    buf_.resize(align4(buf_.size()), 0);
}

void MessageBuilder::attr(uint16_t type, const void* data, size_t len) {
    nlattr a{};
    a.nla_len = static_cast<uint16_t>(NLA_HDRLEN + len);
    a.nla_type = type;
    append(&a, sizeof a);
    append(data, len);
}

std::vector<uint8_t> MessageBuilder::finish(uint32_t seq) const {
    std::vector<uint8_t> out = buf_;
    auto len = static_cast<uint32_t>(out.size());
    std::memcpy(out.data() + offsetof(nlmsghdr, nlmsg_len), &len, sizeof len);
    set_seq(out, seq);
    return out;
}

std::vector<uint8_t> get_link_by_name(const std::string& name, uint32_t seq) {
    MessageBuilder m(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    m.append(&ifi, sizeof ifi);
    m.attr_str(IFLA_IFNAME, name);
    m.attr_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return m.finish(seq);
}

std::vector<uint8_t> get_link_by_index(int ifindex, uint32_t seq) {
    auto msg = link_request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex);
    set_seq(msg, seq);
    return msg;
}

std::vector<uint8_t> dump_addresses(uint32_t seq) {
    MessageBuilder m(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
    ifaddrmsg ifa{};
    ifa.ifa_family = AF_UNSPEC;
    m.append(&ifa, sizeof ifa);
    return m.finish(seq);
}

std::vector<uint8_t> move_link(int ifindex, int netns_fd, const std::string& new_name, uint32_t seq) {
    MessageBuilder m(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = ifindex;
    m.append(&ifi, sizeof ifi);
    m.attr_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
    m.attr_str(IFLA_IFNAME, new_name);
    return m.finish(seq);
}

std::vector<uint8_t> rename_link(int ifindex, const std::string& new_name, uint32_t seq) {
    MessageBuilder m(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = ifindex;
    m.append(&ifi, sizeof ifi);
    m.attr_str(IFLA_IFNAME, new_name);
    return m.finish(seq);
}

std::vector<uint8_t> set_link_up(int ifindex, uint32_t seq) {
    MessageBuilder m(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = ifindex;
    ifi.ifi_flags = IFF_UP;
    ifi.ifi_change = IFF_UP;
    m.append(&ifi, sizeof ifi);
    return m.finish(seq);
}

std::string Address::to_string() const {
    const auto& a = local.empty() ? address : local;
    char text[INET6_ADDRSTRLEN] = "?";
    if ((family == AF_INET && a.size() == 4) || (family == AF_INET6 && a.size() == 16))
        ::inet_ntop(family, a.data(), text, sizeof text);
    return std::string(text) + "/" + std::to_string(prefixlen);
}

bool preserved(const Address& a) { return (a.flags & IFA_F_PERMANENT) && a.scope == RT_SCOPE_UNIVERSE; }

std::vector<uint8_t> add_address(const Address& a, int ifindex, const std::string& old_name,
                                 const std::string& new_name, uint32_t seq) {
    MessageBuilder m(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    ifaddrmsg ifa{};
    ifa.ifa_family = a.family;
    ifa.ifa_prefixlen = a.prefixlen;
    ifa.ifa_scope = a.scope;
    ifa.ifa_index = static_cast<uint32_t>(ifindex);
    // What the user set; the kernel's own state (tentative, deprecated...) is not carried over.
    constexpr uint32_t settable = IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR |
                                  IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN | IFA_F_PERMANENT;
    uint32_t flags = a.flags & settable;
    ifa.ifa_flags = static_cast<uint8_t>(flags & 0xff);
    m.append(&ifa, sizeof ifa);
    if (!a.local.empty()) m.attr(IFA_LOCAL, a.local.data(), a.local.size());
    if (!a.address.empty()) m.attr(IFA_ADDRESS, a.address.data(), a.address.size());
    if (!a.broadcast.empty()) m.attr(IFA_BROADCAST, a.broadcast.data(), a.broadcast.size());
    if (!a.label.empty() && a.label != old_name) {
        std::string label = a.label;
        if (label.starts_with(old_name + ":")) label = new_name + label.substr(old_name.size());
        if (label.size() < IFNAMSIZ) m.attr_str(IFA_LABEL, label);
    }
    m.attr_u32(IFA_FLAGS, flags);
    if (a.priority) m.attr_u32(IFA_RT_PRIORITY, *a.priority);
    return m.finish(seq);
}

std::vector<std::span<const uint8_t>> split_messages(std::span<const uint8_t> buf) {
    std::vector<std::span<const uint8_t>> out;
    size_t off = 0;
    while (off + sizeof(nlmsghdr) <= buf.size()) {
        auto h = read_at<nlmsghdr>(buf, off);
        if (h.nlmsg_len < sizeof(nlmsghdr) || off + h.nlmsg_len > buf.size()) throw Error("netlink: malformed message");
        out.push_back(buf.subspan(off, h.nlmsg_len));
        off += align4(h.nlmsg_len);
    }
    return out;
}

uint16_t message_type(std::span<const uint8_t> msg) { return read_at<nlmsghdr>(msg, 0).nlmsg_type; }
uint32_t message_seq(std::span<const uint8_t> msg) { return read_at<nlmsghdr>(msg, 0).nlmsg_seq; }

Link parse_link(std::span<const uint8_t> msg) {
    auto ifi = read_at<ifinfomsg>(msg, NLMSG_HDRLEN);
    Link l;
    l.index = ifi.ifi_index;
    l.flags = ifi.ifi_flags;
    auto attrs = parse_attrs(msg, sizeof(ifinfomsg));
    if (auto it = attrs.find(IFLA_IFNAME); it != attrs.end()) l.name = attr_string(it->second);
    return l;
}

Address parse_address(std::span<const uint8_t> msg) {
    auto ifa = read_at<ifaddrmsg>(msg, NLMSG_HDRLEN);
    Address a;
    a.family = ifa.ifa_family;
    a.prefixlen = ifa.ifa_prefixlen;
    a.scope = ifa.ifa_scope;
    a.flags = ifa.ifa_flags;
    a.ifindex = static_cast<int>(ifa.ifa_index);
    auto bytes = [](std::span<const uint8_t> s) { return std::vector<uint8_t>(s.begin(), s.end()); };
    for (auto& [type, data] : parse_attrs(msg, sizeof(ifaddrmsg))) {
        switch (type) {
            case IFA_LOCAL: a.local = bytes(data); break;
            case IFA_ADDRESS: a.address = bytes(data); break;
            case IFA_BROADCAST: a.broadcast = bytes(data); break;
            case IFA_LABEL: a.label = attr_string(data); break;
            case IFA_FLAGS:
                if (data.size() >= 4) a.flags = read_at<uint32_t>(data, 0);
                break;
            case IFA_RT_PRIORITY:
                if (data.size() >= 4) a.priority = read_at<uint32_t>(data, 0);
                break;
            default: break;
        }
    }
    return a;
}

ErrorReply parse_error(std::span<const uint8_t> msg) {
    auto h = read_at<nlmsghdr>(msg, 0);
    auto e = read_at<nlmsgerr>(msg, NLMSG_HDRLEN);
    ErrorReply r;
    r.err = -e.error;
    if (!(h.nlmsg_flags & NLM_F_ACK_TLVS)) return r;
    // The TLVs follow the echoed request: its header only when capped, all of it otherwise.
    size_t off = NLMSG_HDRLEN + sizeof(nlmsgerr);
    if (!(h.nlmsg_flags & NLM_F_CAPPED)) off += align4(e.msg.nlmsg_len) - sizeof(nlmsghdr);
    while (off + sizeof(nlattr) <= msg.size()) {
        auto a = read_at<nlattr>(msg, off);
        if (a.nla_len < sizeof(nlattr) || off + a.nla_len > msg.size()) break;
        if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
            r.message = attr_string(msg.subspan(off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN));
        off += align4(a.nla_len);
    }
    return r;
}

}  // namespace netlink

namespace {

using namespace netlink;

// A NETLINK_ROUTE socket; stays bound to the network namespace it was opened in.
class RouteSocket {
public:
    explicit RouteSocket(UniqueFd fd) : fd_(std::move(fd)) {
        int one = 1;
        // Best effort: the kernel's reason in error replies, without the echoed request.
        ::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
        ::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    }
    static RouteSocket open_here() {
        UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
        if (!fd) throw_errno("open a netlink socket");
        return RouteSocket(std::move(fd));
    }

    uint32_t next_seq() { return ++seq_; }

    // Sends msg (whose seq is seq) and returns the replies up to the ack or NLMSG_DONE.
    // A netlink error is thrown as an Error carrying the errno (and the kernel's text).
    std::vector<std::vector<uint8_t>> request(const std::vector<uint8_t>& msg, uint32_t seq) {
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        if (::sendto(fd_.get(), msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
            throw_errno("netlink send");
        std::vector<std::vector<uint8_t>> replies;
        std::vector<uint8_t> buf(65536);
        for (;;) {
            ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), MSG_TRUNC);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_errno("netlink receive");
            }
            if (static_cast<size_t>(n) > buf.size()) throw Error("netlink receive: reply truncated");
            for (auto m : split_messages(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)))) {
                if (message_seq(m) != seq) continue;
                switch (message_type(m)) {
                    case NLMSG_ERROR: {
                        auto e = parse_error(m);
                        if (e.err == 0) return replies;
                        throw Error(e.message.empty() ? std::string("netlink") : e.message, e.err);
                    }
                    case NLMSG_DONE: {
                        int err = 0;
                        if (m.size() >= NLMSG_HDRLEN + sizeof(int)) std::memcpy(&err, m.data() + NLMSG_HDRLEN, sizeof err);
                        if (err < 0) throw Error("netlink dump", -err);
                        return replies;
                    }
                    case NLMSG_NOOP: break;
                    default: replies.emplace_back(m.begin(), m.end());
                }
            }
        }
    }

    // The link named name, or nothing when there is none (ENODEV).
    std::optional<Link> find_link(const std::string& name) {
        try {
            uint32_t seq = next_seq();
            auto msg = get_link_by_name(name, seq);
            for (auto& r : request(msg, seq))
                if (message_type(r) == RTM_NEWLINK) return parse_link(r);
            return std::nullopt;
        } catch (Error& e) {
            if (e.err() == ENODEV) return std::nullopt;
            throw;
        }
    }
    Link link_by_index(int ifindex) {
        uint32_t seq = next_seq();
        auto msg = get_link_by_index(ifindex, seq);
        for (auto& r : request(msg, seq))
            if (message_type(r) == RTM_NEWLINK) return parse_link(r);
        throw Error("no reply for link " + std::to_string(ifindex));
    }
    std::vector<Address> addresses_of(int ifindex) {
        uint32_t seq = next_seq();
        std::vector<Address> out;
        for (auto& r : request(dump_addresses(seq), seq)) {
            if (message_type(r) != RTM_NEWADDR) continue;
            auto a = parse_address(r);
            if (a.ifindex == ifindex) out.push_back(std::move(a));
        }
        return out;
    }
    template <typename Build>
    void call(Build build) {
        uint32_t seq = next_seq();
        request(build(seq), seq);
    }

private:
    UniqueFd fd_;
    uint32_t seq_ = 0;
};

// Hull's network namespace while the guard lives; restored on every way out. Failing to come
// back would leave hull configuring the host from inside a container: that aborts.
class NetnsVisit {
public:
    NetnsVisit(int home_fd, int target_fd) : home_(home_fd) {
        if (::setns(target_fd, CLONE_NEWNET) < 0) throw_errno("enter the container's network namespace");
        inside_ = true;
    }
    NetnsVisit(const NetnsVisit&) = delete;
    NetnsVisit& operator=(const NetnsVisit&) = delete;
    void leave() {
        if (!inside_) return;
        if (::setns(home_, CLONE_NEWNET) < 0) {
            std::fprintf(stderr, "hull: cannot return to hull's network namespace: %s\n", std::strerror(errno));
            std::abort();
        }
        inside_ = false;
    }
    ~NetnsVisit() { leave(); }

private:
    int home_;
    bool inside_ = false;
};

UniqueFd open_netns(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    return fd;
}

bool same_file(int a, int b) {
    struct stat sa {}, sb {};
    if (::fstat(a, &sa) < 0 || ::fstat(b, &sb) < 0) throw_errno("fstat network namespace");
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

void move_one(RouteSocket& host, RouteSocket& ctr, int ctr_ns, const std::string& host_name,
              const std::string& new_name) {
    auto link = host.find_link(host_name);
    if (!link) throw Error("network device " + quoted(host_name) + " not found in hull's network namespace");
    if (link->flags & IFF_LOOPBACK) throw Error("network device " + quoted(host_name) + " is a loopback device: it cannot be moved");
    std::vector<Address> keep;
    for (auto& a : host.addresses_of(link->index))
        if (preserved(a)) keep.push_back(std::move(a));

    // The device arrives under a name known to be free: the new one, or for a template a
    // temporary one, renamed once inside (the kernel then picks the number).
    std::string arrive_as = new_name;
    if (is_template(new_name)) {
        for (int i = 0;; ++i) {
            char tmp[IFNAMSIZ];
            std::snprintf(tmp, sizeof tmp, "hullmv%x", (static_cast<unsigned>(::getpid()) * 16u + static_cast<unsigned>(i)) & 0xffffffu);
            if (!ctr.find_link(tmp)) {
                arrive_as = tmp;
                break;
            }
            if (i > 16) throw Error("no free temporary name in the container's network namespace");
        }
    } else if (ctr.find_link(new_name)) {
        throw Error("network device " + quoted(new_name) + " already exists in the container's network namespace");
    }

    with_context("move network device " + quoted(host_name) + " into the container's network namespace", [&] {
        host.call([&](uint32_t seq) { return move_link(link->index, ctr_ns, arrive_as, seq); });
    });
    // From here on the device is the container's: never moved back.
    auto moved = ctr.find_link(arrive_as);
    if (!moved) throw Error("network device " + quoted(host_name) + " moved, but not found in the container as " + quoted(arrive_as));
    std::string final_name = arrive_as;
    if (arrive_as != new_name) {
        with_context("rename network device " + quoted(arrive_as) + " to " + quoted(new_name), [&] {
            ctr.call([&](uint32_t seq) { return rename_link(moved->index, new_name, seq); });
        });
        final_name = ctr.link_by_index(moved->index).name;
    }
    for (auto& a : keep) {
        with_context("add address " + a.to_string() + " to network device " + quoted(final_name), [&] {
            ctr.call([&](uint32_t seq) { return add_address(a, moved->index, host_name, final_name, seq); });
        });
    }
    with_context("set network device " + quoted(final_name) + " up", [&] {
        ctr.call([&](uint32_t seq) { return set_link_up(moved->index, seq); });
    });
    log::debug("network device \"" + host_name + "\" moved into the container as \"" + final_name + "\" with " +
              std::to_string(keep.size()) + " address(es)");
}

}  // namespace

void check_net_devices(const oci::Linux& lx) {
    if (lx.netDevices.empty()) return;
    bool has_netns = false;
    for (auto& ns : lx.namespaces)
        if (ns.type == "network") has_netns = true;
    if (!has_netns)
        throw Error(".linux.netDevices: moving network devices needs a network namespace of the container's own "
                    "(a new one or one joined by path) in .linux.namespaces");
    std::set<std::string> names;
    for (auto& [host_name, dev] : lx.netDevices) {
        std::string where = ".linux.netDevices[" + quoted(host_name) + "]";
        if (!valid_ifname(host_name, false)) throw Error(where + ": " + quoted(host_name) + " is not a valid network device name");
        std::string new_name = dev.name.value_or(host_name);
        if (!valid_ifname(new_name, true))
            throw Error(where + ".name: " + quoted(new_name) + " is not a valid network device name");
        if (!is_template(new_name) && !names.insert(new_name).second)
            throw Error(where + ": two network devices would be named " + quoted(new_name) + " in the container");
    }
}

void move_net_devices(const std::map<std::string, oci::NetDevice>& devices, int container_pid) {
    if (devices.empty()) return;
    UniqueFd home = open_netns("/proc/self/ns/net");
    UniqueFd ctr_ns = open_netns("/proc/" + std::to_string(container_pid) + "/ns/net");
    if (same_file(home.get(), ctr_ns.get()))
        // A namespace joined by path is entered by the init only after parent_setup_done.
        throw Error("network devices: the container's init is still in hull's network namespace: moving devices "
                    "into a network namespace joined by path is not supported, only into a new one");
    RouteSocket host = RouteSocket::open_here();
    std::optional<RouteSocket> ctr;
    {
        NetnsVisit visit(home.get(), ctr_ns.get());
        UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
        int err = errno;
        visit.leave();
        if (!fd) throw Error("open a netlink socket in the container's network namespace", err);
        ctr.emplace(std::move(fd));
    }
    for (auto& [host_name, dev] : devices)
        move_one(host, *ctr, ctr_ns.get(), host_name, dev.name.value_or(host_name));
}

}  // namespace hull
