#include "runtime/cgroups/ebpf_devices.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "util/error.hpp"

namespace hull::cgroups {

namespace {

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

bpf_insn ldx_w(uint8_t dst, uint8_t src, int16_t off) { return insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0); }
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn mov32_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn jmp_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off) { return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm); }
bpf_insn jmp_reg(uint8_t op, uint8_t dst, uint8_t src, int16_t off) { return insn(BPF_JMP | op | BPF_X, dst, src, off, 0); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

}  // namespace

std::vector<bpf_insn> device_filter_program(const DeviceEmulator& emu) {
    std::vector<bpf_insn> p;
    // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; };
    // access_type is (access << 16) | type.
    p.push_back(ldx_w(BPF_REG_2, BPF_REG_1, 0));
    p.push_back(alu32_imm(BPF_AND, BPF_REG_2, 0xffff));  // R2: type
    p.push_back(ldx_w(BPF_REG_3, BPF_REG_1, 0));
    p.push_back(alu32_imm(BPF_RSH, BPF_REG_3, 16));      // R3: access
    p.push_back(ldx_w(BPF_REG_4, BPF_REG_1, 4));         // R4: major
    p.push_back(ldx_w(BPF_REG_5, BPF_REG_1, 8));         // R5: minor

    for (const DeviceRule& e : emu.exceptions()) {
        std::vector<bpf_insn> block;
        // Jumps in a block go to its end (the next block); offsets are patched below.
        std::vector<size_t> jumps;
        int32_t type = e.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
        jumps.push_back(block.size());
        block.push_back(jmp_imm(BPF_JNE, BPF_REG_2, type, 0));
        if (e.access != kAll) {
            block.push_back(mov32_reg(BPF_REG_1, BPF_REG_3));
            block.push_back(alu32_imm(BPF_AND, BPF_REG_1, e.access));
            jumps.push_back(block.size());
            if (emu.default_allow())
                // A deny exception matches any overlap: skip when access & rule == 0.
                block.push_back(jmp_imm(BPF_JEQ, BPF_REG_1, 0, 0));
            else
                // An allow exception must cover the whole access: skip when access & rule != access.
                block.push_back(jmp_reg(BPF_JNE, BPF_REG_1, BPF_REG_3, 0));
        }
        if (e.major >= 0) {
            jumps.push_back(block.size());
            block.push_back(jmp_imm(BPF_JNE, BPF_REG_4, static_cast<int32_t>(static_cast<uint32_t>(e.major)), 0));
        }
        if (e.minor >= 0) {
            jumps.push_back(block.size());
            block.push_back(jmp_imm(BPF_JNE, BPF_REG_5, static_cast<int32_t>(static_cast<uint32_t>(e.minor)), 0));
        }
        block.push_back(alu32_imm(BPF_MOV, BPF_REG_0, e.allow ? 1 : 0));
        block.push_back(exit_insn());
        for (size_t j : jumps) block[j].off = static_cast<int16_t>(block.size() - j - 1);
        p.insert(p.end(), block.begin(), block.end());
    }
    p.push_back(alu32_imm(BPF_MOV, BPF_REG_0, emu.default_allow() ? 1 : 0));
    p.push_back(exit_insn());
    return p;
}

UniqueFd load_device_program(const std::vector<bpf_insn>& program) {
    static const char license[] = "Apache";
    std::string log(64 * 1024, '\0');
    bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = reinterpret_cast<uint64_t>(program.data());
    attr.insn_cnt = static_cast<uint32_t>(program.size());
    attr.license = reinterpret_cast<uint64_t>(license);
    long fd = bpf(BPF_PROG_LOAD, attr);
    if (fd < 0 && errno == EINVAL) {
        // Ask again with the verifier's log for the message.
        attr.log_buf = reinterpret_cast<uint64_t>(log.data());
        attr.log_size = static_cast<uint32_t>(log.size());
        attr.log_level = 1;
        fd = bpf(BPF_PROG_LOAD, attr);
        if (fd < 0) {
            int e = errno;
            log.resize(std::strlen(log.c_str()));
            while (!log.empty() && log.back() == '\n') log.pop_back();
            throw Error("load the eBPF device filter (" + std::to_string(program.size()) + " instructions)" +
                            (log.empty() ? "" : ", verifier: " + log),
                        e);
        }
    }
    if (fd < 0) {
        int e = errno;
        std::string hint = e == EPERM ? " (needs CAP_BPF or CAP_SYS_ADMIN)" : "";
        throw Error("load the eBPF device filter" + hint, e);
    }
    return UniqueFd(static_cast<int>(fd));
}

void attach_device_program(int cgroup_fd, int prog_fd, const std::string& cgroup_path) {
    // The programs attached before this one, to detach once the new one is in place.
    std::vector<uint32_t> old_ids(64);
    bpf_attr q;
    std::memset(&q, 0, sizeof q);
    q.query.target_fd = static_cast<uint32_t>(cgroup_fd);
    q.query.attach_type = BPF_CGROUP_DEVICE;
    q.query.prog_ids = reinterpret_cast<uint64_t>(old_ids.data());
    q.query.prog_cnt = static_cast<uint32_t>(old_ids.size());
    if (bpf(BPF_PROG_QUERY, q) < 0) throw Error("query the eBPF device filters of " + cgroup_path, errno);
    old_ids.resize(q.query.prog_cnt);

    bpf_attr a;
    std::memset(&a, 0, sizeof a);
    a.target_fd = static_cast<uint32_t>(cgroup_fd);
    a.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, a) < 0) throw Error("attach the eBPF device filter to " + cgroup_path, errno);

    for (uint32_t id : old_ids) {
        bpf_attr g;
        std::memset(&g, 0, sizeof g);
        g.prog_id = id;
        long fd = bpf(BPF_PROG_GET_FD_BY_ID, g);
        if (fd < 0) {
            if (errno == ENOENT) continue;
            throw Error("open eBPF program " + std::to_string(id) + " of " + cgroup_path, errno);
        }
        UniqueFd old(static_cast<int>(fd));
        bpf_attr d;
        std::memset(&d, 0, sizeof d);
        d.target_fd = static_cast<uint32_t>(cgroup_fd);
        d.attach_bpf_fd = static_cast<uint32_t>(old.get());
        d.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, d) < 0 && errno != ENOENT)
            throw Error("detach the old eBPF device filter " + std::to_string(id) + " from " + cgroup_path, errno);
    }
}

}  // namespace hull::cgroups
