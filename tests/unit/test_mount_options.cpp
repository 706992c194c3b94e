#include <linux/mount.h>
#include <sys/mount.h>

#include <catch2/catch.hpp>

#include "runtime/mount_options.hpp"

using hull::parse_mount_options;

TEST_CASE("flag options set and clear mount flags in order", "[mounts]") {
    auto o = parse_mount_options({"nosuid", "noexec", "nodev", "ro"});
    CHECK(o.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
    CHECK(o.data.empty());
    auto rw = parse_mount_options({"ro", "rw"});
    CHECK((rw.flags & MS_RDONLY) == 0);
    CHECK((rw.cleared & MS_RDONLY) != 0);
}

TEST_CASE("bind and rbind make a bind mount", "[mounts]") {
    auto b = parse_mount_options({"bind"});
    CHECK(b.bind);
    CHECK_FALSE(b.recursive_bind);
    auto rb = parse_mount_options({"rbind", "rprivate"});
    CHECK(rb.bind);
    CHECK(rb.recursive_bind);
    CHECK(rb.propagation == (MS_PRIVATE | MS_REC));
    CHECK(hull::is_bind_type("bind"));
    CHECK_FALSE(hull::is_bind_type("tmpfs"));
}

TEST_CASE("propagation options: the last one wins", "[mounts]") {
    CHECK(parse_mount_options({"shared"}).propagation == MS_SHARED);
    CHECK(parse_mount_options({"rslave"}).propagation == (MS_SLAVE | MS_REC));
    CHECK(parse_mount_options({"private", "runbindable"}).propagation == (MS_UNBINDABLE | MS_REC));
}

TEST_CASE("recursive attributes go to mount_setattr", "[mounts]") {
    auto o = parse_mount_options({"rro", "rnosuid", "rnoexec"});
    CHECK(o.rec_attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC));
    CHECK(o.flags == 0);
    auto a = parse_mount_options({"rnoatime"});
    CHECK(a.rec_attr_set == MOUNT_ATTR_NOATIME);
    CHECK((a.rec_attr_clr & MOUNT_ATTR__ATIME) != 0);
}

TEST_CASE("unknown options are file-system data, comma separated", "[mounts]") {
    auto o = parse_mount_options({"nosuid", "mode=755", "size=65536k", "strictatime"});
    CHECK(o.flags == (MS_NOSUID | MS_STRICTATIME));
    CHECK(o.data == "mode=755,size=65536k");
    auto ov = parse_mount_options({"lowerdir=/a:/b", "upperdir=u", "workdir=w"});
    CHECK(ov.data == "lowerdir=/a:/b,upperdir=u,workdir=w");
}
