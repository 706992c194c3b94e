// Logging as runc does it: to stderr, and to --log FILE in text or json (one object per line).
#pragma once
#include <string>

namespace hull::log {

enum class Level { debug, info, warning, error };

// Set up once from the global flags. An unwritable log file is reported and ignored.
void init(const std::string& file, bool json, bool debug);
void write(Level level, const std::string& msg);
inline void debug(const std::string& m) { write(Level::debug, m); }
inline void warn(const std::string& m) { write(Level::warning, m); }
inline void error(const std::string& m) { write(Level::error, m); }

}  // namespace hull::log
