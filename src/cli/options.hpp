// A command-line parser with runc's (urfave/cli) conventions: `--flag value`, `--flag=value`,
// `-flag value`, short `-d`, boolean flags, and positional arguments.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hull::cli {

struct OptionSpec {
    const char* name;      // long name without dashes
    char short_name;       // 0 when none
    const char* value;     // placeholder of the value ("FILE"); nullptr for a boolean flag
    const char* help;
};

struct CommandSpec {
    const char* name;
    const char* usage;     // "<container-id>"
    const char* summary;
    std::vector<OptionSpec> options;
    size_t min_args = 0;
    size_t max_args = 0;           // SIZE_MAX: no limit
    bool stop_at_first_arg = false;  // everything after the first positional is positional (exec)
};

class Parsed {
public:
    bool has(const std::string& name) const { return values_.count(name) != 0; }
    // Last value given for name, or fallback.
    std::string get(const std::string& name, const std::string& fallback = "") const;
    std::vector<std::string> all(const std::string& name) const;
    const std::vector<std::string>& args() const { return args_; }
    bool help = false;

private:
    friend Parsed parse(const CommandSpec&, const std::vector<std::string>&);
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> args_;
};

// Parse argv (without the command name). Throws UsageError.
Parsed parse(const CommandSpec& spec, const std::vector<std::string>& argv);
std::string help_text(const CommandSpec& spec);

struct UsageError {
    std::string message;
};

}  // namespace hull::cli

namespace hull::cli {
// parse(), but prints the help text and returns nullopt for --help.
std::optional<Parsed> parse_command(const CommandSpec& spec, const std::vector<std::string>& argv);
}  // namespace hull::cli
