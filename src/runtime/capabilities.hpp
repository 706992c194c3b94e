// process.capabilities: the five capability sets of the container process, applied with libcap
// in runc's order (bounding set, keep caps across the user switch, then effective, permitted,
// inheritable, then ambient). A process without `capabilities` gets none.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libocispec/spec.hpp"

namespace hull {

// The highest capability number this table knows (CAP_CHECKPOINT_RESTORE).
inline constexpr int kLastKnownCap = 40;

// "CAP_CHOWN" -> 0 ... "CAP_CHECKPOINT_RESTORE" -> 40; nullopt for any other name. Exact,
// upper-case names as the spec writes them.
std::optional<int> capability_number(std::string_view name);
// 0 -> "CAP_CHOWN"; "" outside the table.
std::string_view capability_name(int cap);

// Capability sets as bit masks (bit n = capability n).
struct CapabilityPlan {
    uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
    std::vector<std::string> unavailable;  // known names above the kernel's cap_last_cap: skipped
};

// The config's lists as masks. An unknown name throws Error(`unknown capability "CAP_FOO"`);
// a known one above last_cap goes to `unavailable` (the caller warns, as runc does). An absent
// object or list is an empty set. Effective must be a subset of permitted.
CapabilityPlan plan_capabilities(const std::optional<oci::Capabilities>& caps, int last_cap);

// Leave out what this process cannot grant because it does not hold it (hull runs without some
// capability): bounding outside held_bounding, the other sets outside held_permitted, ambient
// outside permitted & inheritable. Returns one warning per set that lost something.
std::vector<std::string> restrict_to_held(CapabilityPlan& plan, uint64_t held_bounding, uint64_t held_permitted);

// "CAP_KILL, CAP_CHOWN" for the bits of mask, lowest first.
std::string capability_list(uint64_t mask);

// /proc/sys/kernel/cap_last_cap (the kernel's highest capability number).
int kernel_last_cap();

// The steps, for prepare_process. Each throws hull::Error naming what failed.
// Reads the kernel's last cap and what this process holds, warns about what is skipped.
CapabilityPlan capabilities_for(const oci::Process& p);
void drop_bounding_set(const CapabilityPlan& plan);
void keep_capabilities_across_setuid(bool keep);  // PR_SET_KEEPCAPS
void apply_capability_sets(const CapabilityPlan& plan);  // effective/permitted/inheritable, then ambient

}  // namespace hull
