#include <csignal>

#include <catch2/catch.hpp>

#include "runtime/signals.hpp"
#include "util/error.hpp"

using hull::parse_signal;

TEST_CASE("signals parse by name, SIG name, lower case and number", "[signals]") {
    CHECK(parse_signal("TERM") == SIGTERM);
    CHECK(parse_signal("SIGKILL") == SIGKILL);
    CHECK(parse_signal("sigusr1") == SIGUSR1);
    CHECK(parse_signal("9") == 9);
    CHECK(parse_signal("15") == SIGTERM);
    CHECK(parse_signal("RTMIN") == SIGRTMIN);
    CHECK(parse_signal("SIGRTMIN+3") == SIGRTMIN + 3);
    CHECK(parse_signal("RTMAX-1") == SIGRTMAX - 1);
}

TEST_CASE("unknown or out of range signals are refused with the input in the message", "[signals]") {
    CHECK_THROWS_WITH(parse_signal("FOO"), "invalid signal \"FOO\"");
    CHECK_THROWS_WITH(parse_signal("0"), "invalid signal \"0\"");
    CHECK_THROWS_WITH(parse_signal("99"), "invalid signal \"99\"");
    CHECK_THROWS_WITH(parse_signal("RTMIN+100"), "invalid signal \"RTMIN+100\"");
    CHECK_THROWS_WITH(parse_signal(""), "invalid signal \"\"");
}

TEST_CASE("signal names print as SIGNAME", "[signals]") {
    CHECK(hull::signal_name(SIGTERM) == "SIGTERM");
    CHECK(hull::signal_name(SIGWINCH) == "SIGWINCH");
    CHECK(hull::signal_name(0).empty());
}
