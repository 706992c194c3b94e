// Translation of config.json mount options into mount(2) and mount_setattr(2) arguments (pure).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hull {

struct MountOptions {
    unsigned long flags = 0;        // MS_* set by the options (MS_RDONLY, MS_NOSUID, ...)
    unsigned long cleared = 0;      // MS_* explicitly turned off (rw, suid, dev, exec, ...)
    unsigned long propagation = 0;  // one of MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, maybe | MS_REC
    uint64_t rec_attr_set = 0;      // MOUNT_ATTR_* applied recursively (rro, rnosuid, ...)
    uint64_t rec_attr_clr = 0;
    bool bind = false;              // bind or rbind
    bool recursive_bind = false;    // rbind
    std::string data;               // file-system specific options, comma separated
};

MountOptions parse_mount_options(const std::vector<std::string>& options);

// True for types mounted by binding a path: "bind", "rbind" or none with a bind option.
bool is_bind_type(const std::string& type);

// Every option name parse_mount_options() understands (anything else is file-system data),
// each once, in table order: the mountOptions of `hull features`.
const std::vector<std::string>& known_mount_options();

}  // namespace hull
