// Small file-system helpers that throw hull::Error with the path in the message.
#pragma once
#include <string>
#include <string_view>
#include <sys/types.h>

namespace hull {

std::string read_file(const std::string& path);
// Write the whole of data to path (created with mode, truncated).
void write_file(const std::string& path, std::string_view data, mode_t mode = 0644);
// Write to a temporary file beside path, then rename it over path.
void write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);
void mkdir_all(const std::string& path, mode_t mode = 0755);
bool path_exists(const std::string& path);
// path made absolute against the current directory, with "." and ".." and duplicate '/' removed.
std::string absolute_path(const std::string& path);
// Join a and b with exactly one '/'.
std::string path_join(std::string_view a, std::string_view b);
// Current time as RFC 3339 in UTC with nanoseconds, as Go's time.RFC3339Nano prints it.
std::string now_rfc3339();

}  // namespace hull
