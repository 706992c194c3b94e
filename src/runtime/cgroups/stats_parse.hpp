// Parsers of the cgroup stat files (pure: the text is passed in).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cgroups/stats.hpp"

namespace hull::cgroups {

// "key value" lines (memory.stat, cpu.stat, memory.events, cpuacct.stat).
std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text);
// "8:0 rbytes=1 wbytes=2 ..." lines (io.stat): per device, key -> value.
struct NestedLine {
    uint64_t major = 0, minor = 0;
    std::map<std::string, uint64_t> values;
};
std::vector<NestedLine> parse_nested_keyed(std::string_view text);
// Space separated numbers (cpuacct.usage_percpu).
std::vector<uint64_t> parse_uint_list(std::string_view text);
// cpuacct.usage_all: "cpu user system" header, then per cpu lines.
void parse_cpuacct_usage_all(std::string_view text, std::vector<uint64_t>& user, std::vector<uint64_t>& kernel);
// blkio.*_recursive (v1): "8:0 Read 4096" lines and a "Total N" line (skipped).
std::vector<BlkioEntry> parse_blkio_v1(std::string_view text);
// io.stat (v2) to runc's v1-shaped entries: rbytes/wbytes -> service_bytes Read/Write,
// rios/wios -> serviced Read/Write.
void io_stat_to_blkio(std::string_view text, BlkioStats& out);
// "0-3,7" -> {0,1,2,3,7} (cpuset lists).
std::vector<uint16_t> parse_cpu_list(std::string_view text);
// "1234" or "max" (UINT64_MAX) or "-1" (v1 for no limit; UINT64_MAX).
uint64_t parse_limit(std::string_view text);

}  // namespace hull::cgroups
