// update: change the resource limits of a running container in place.
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "libocispec/config.hpp"
#include "runtime/container.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hull::cli {

namespace {

// "64m", "1G", "1024", "-1" -> bytes (binary units, as runc's units.RAMInBytes).
int64_t parse_bytes(const std::string& flag, const std::string& s) {
    if (s == "-1") return -1;
    size_t end = 0;
    long long v = 0;
    try {
        v = std::stoll(s, &end);
    } catch (const std::exception&) {
        throw UsageError{"invalid value \"" + s + "\" for --" + flag};
    }
    std::string unit = s.substr(end);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    const std::string units = "kmgtp";
    if (unit.size() > 1 || (unit.size() == 1 && units.find(unit[0]) == std::string::npos) || v < 0)
        throw UsageError{"invalid value \"" + s + "\" for --" + flag};
    if (!unit.empty())
        for (size_t i = 0; i <= units.find(unit[0]); ++i) v *= 1024;
    return v;
}

uint64_t parse_uint(const std::string& flag, const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError{"invalid value \"" + s + "\" for --" + flag + ": want a number"};
    return std::stoull(s);
}

// Merge what u sets into r (the resources kept in the saved config).
void merge(oci::Resources& r, const oci::Resources& u) {
    if (u.memory) {
        if (!r.memory) r.memory = oci::Memory{};
        auto& m = *r.memory;
        const auto& n = *u.memory;
        if (n.limit) m.limit = n.limit;
        if (n.reservation) m.reservation = n.reservation;
        if (n.swap) m.swap = n.swap;
        if (n.kernel) m.kernel = n.kernel;
        if (n.kernelTCP) m.kernelTCP = n.kernelTCP;
        if (n.swappiness) m.swappiness = n.swappiness;
        if (n.disableOOMKiller) m.disableOOMKiller = n.disableOOMKiller;
    }
    if (u.cpu) {
        if (!r.cpu) r.cpu = oci::Cpu{};
        auto& c = *r.cpu;
        const auto& n = *u.cpu;
        if (n.shares) c.shares = n.shares;
        if (n.quota) c.quota = n.quota;
        if (n.burst) c.burst = n.burst;
        if (n.period) c.period = n.period;
        if (n.realtimeRuntime) c.realtimeRuntime = n.realtimeRuntime;
        if (n.realtimePeriod) c.realtimePeriod = n.realtimePeriod;
        if (n.cpus) c.cpus = n.cpus;
        if (n.mems) c.mems = n.mems;
        if (n.idle) c.idle = n.idle;
    }
    if (u.pids) r.pids = u.pids;
    if (u.blockIO) r.blockIO = u.blockIO;
    if (!u.hugepageLimits.empty()) r.hugepageLimits = u.hugepageLimits;
    if (!u.devices.empty()) r.devices = u.devices;
    if (u.network) r.network = u.network;
    for (auto& [k, v] : u.rdma) r.rdma[k] = v;
    for (auto& [k, v] : u.unified) r.unified[k] = v;
}

}  // namespace

int cmd_update(const GlobalOptions& g, const Args& argv) {
    static const CommandSpec spec = {
        "update", "<container-id>", "Change the resource limits of a container (linux.resources) in place.",
        {
            {"resources", 'r', "FILE", "a linux.resources JSON object (\"-\" reads stdin)"},
            {"memory", 'm', "BYTES", "memory limit (64m, 1g, -1 for none)"},
            {"memory-reservation", 0, "BYTES", "memory soft limit"},
            {"memory-swap", 0, "BYTES", "memory plus swap limit"},
            {"kernel-memory", 0, "BYTES", "kernel memory limit (ignored by the kernel)"},
            {"kernel-memory-tcp", 0, "BYTES", "kernel TCP memory limit (ignored by the kernel)"},
            {"cpu-shares", 0, "N", "CPU shares (relative weight)"},
            {"cpu-quota", 0, "USEC", "CPU time per period"},
            {"cpu-period", 0, "USEC", "CPU period"},
            {"cpu-burst", 0, "USEC", "CPU burst"},
            {"cpu-rt-runtime", 0, "USEC", "realtime runtime"},
            {"cpu-rt-period", 0, "USEC", "realtime period"},
            {"cpuset-cpus", 0, "LIST", "CPUs to use (0-3,7)"},
            {"cpuset-mems", 0, "LIST", "memory nodes to use"},
            {"pids-limit", 0, "N", "maximum number of processes"},
            {"blkio-weight", 0, "N", "block IO weight (10-1000)"},
        },
        1, 1};
    auto p = parse_command(spec, argv);
    if (!p) return 0;
    const std::string& id = p->args()[0];
    oci::Resources u;
    if (p->has("resources")) {
        std::string file = p->get("resources");
        std::string text = file == "-" ? std::string(std::istreambuf_iterator<char>(std::cin), {}) : oci::read_config_file(file);
        u = oci::parse_resources(text, file == "-" ? "stdin" : file);
    }
    auto mem = [&]() -> oci::Memory& { if (!u.memory) u.memory = oci::Memory{}; return *u.memory; };
    auto cpu = [&]() -> oci::Cpu& { if (!u.cpu) u.cpu = oci::Cpu{}; return *u.cpu; };
    if (p->has("memory")) mem().limit = parse_bytes("memory", p->get("memory"));
    if (p->has("memory-reservation")) mem().reservation = parse_bytes("memory-reservation", p->get("memory-reservation"));
    if (p->has("memory-swap")) mem().swap = parse_bytes("memory-swap", p->get("memory-swap"));
    if (p->has("kernel-memory")) mem().kernel = parse_bytes("kernel-memory", p->get("kernel-memory"));
    if (p->has("kernel-memory-tcp")) mem().kernelTCP = parse_bytes("kernel-memory-tcp", p->get("kernel-memory-tcp"));
    if (p->has("cpu-shares")) cpu().shares = parse_uint("cpu-shares", p->get("cpu-shares"));
    if (p->has("cpu-quota")) cpu().quota = std::stoll(p->get("cpu-quota"));
    if (p->has("cpu-period")) cpu().period = parse_uint("cpu-period", p->get("cpu-period"));
    if (p->has("cpu-burst")) cpu().burst = parse_uint("cpu-burst", p->get("cpu-burst"));
    if (p->has("cpu-rt-runtime")) cpu().realtimeRuntime = std::stoll(p->get("cpu-rt-runtime"));
    if (p->has("cpu-rt-period")) cpu().realtimePeriod = parse_uint("cpu-rt-period", p->get("cpu-rt-period"));
    if (p->has("cpuset-cpus")) cpu().cpus = p->get("cpuset-cpus");
    if (p->has("cpuset-mems")) cpu().mems = p->get("cpuset-mems");
    if (p->has("pids-limit")) u.pids = oci::Pids{std::stoll(p->get("pids-limit"))};
    if (p->has("blkio-weight")) u.blockIO = oci::BlockIO{static_cast<uint16_t>(parse_uint("blkio-weight", p->get("blkio-weight"))), {}, {}, {}, {}, {}, {}};

    return with_context("update \"" + id + "\"", [&] {
        ContainerDir dir = ContainerDir::open(g.root, id);
        oci::State st = container_state(dir);
        if (st.status == "stopped") throw Error("container not running");
        auto cg = load_cgroup(dir);
        if (!cg) throw Error("the container has no cgroup (rootless without cgroup delegation): nothing to update");
        oci::Spec config = oci::load_spec(dir.file("config.json"));
        const auto& saved = config.linux && config.linux->resources ? config.linux->resources->memory : std::nullopt;
        bool check = (u.memory && u.memory->checkBeforeUpdate.value_or(false)) ||
                     (saved && saved->checkBeforeUpdate.value_or(false));
        if (check && u.memory && u.memory->limit && *u.memory->limit > 0) {
            // memory.checkBeforeUpdate: a limit below what the container uses is refused, not applied.
            uint64_t usage = cg->stats().memory.usage.usage;
            if (usage > static_cast<uint64_t>(*u.memory->limit))
                throw Error("memory limit " + std::to_string(*u.memory->limit) + " is below the current usage " +
                            std::to_string(usage) + " (linux.resources.memory.checkBeforeUpdate)");
        }
        cg->update(u);
        // Keep the new limits with the container, as runc does.
        if (!config.linux) config.linux = oci::Linux{};
        if (!config.linux->resources) config.linux->resources = oci::Resources{};
        merge(*config.linux->resources, u);
        write_file_atomic(dir.file("config.json"), oci::write_spec(config, false), 0600);
        return 0;
    });
}

}  // namespace hull::cli
