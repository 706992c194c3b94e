// Signal names and numbers (pure).
#pragma once
#include <string>

namespace hull {

// "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3" -> number. Throws hull::Error for an unknown one.
int parse_signal(const std::string& s);
// 15 -> "SIGTERM"; unknown -> "" .
std::string signal_name(int sig);

}  // namespace hull
