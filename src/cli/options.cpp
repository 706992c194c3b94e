#include "cli/options.hpp"

#include <cstdint>

namespace hull::cli {

std::string Parsed::get(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Parsed::all(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

static const OptionSpec* find_long(const CommandSpec& spec, const std::string& name) {
    for (auto& o : spec.options)
        if (name == o.name) return &o;
    return nullptr;
}

static const OptionSpec* find_short(const CommandSpec& spec, char c) {
    for (auto& o : spec.options)
        if (o.short_name == c) return &o;
    return nullptr;
}

Parsed parse(const CommandSpec& spec, const std::vector<std::string>& argv) {
    Parsed p;
    bool only_args = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (only_args || a.size() < 2 || a[0] != '-') {
            p.args_.push_back(a);
            if (spec.stop_at_first_arg) only_args = true;
            continue;
        }
        if (a == "--") {
            only_args = true;
            continue;
        }
        std::string body = a.substr(a[1] == '-' ? 2 : 1);
        std::optional<std::string> inline_value;
        if (auto eq = body.find('='); eq != std::string::npos) {
            inline_value = body.substr(eq + 1);
            body.resize(eq);
        }
        if (body == "help" || body == "h") {
            p.help = true;
            continue;
        }
        const OptionSpec* o = find_long(spec, body);
        if (!o && body.size() == 1) o = find_short(spec, body[0]);
        if (!o && a[1] != '-' && !inline_value) {
            // A cluster of short boolean flags: -dt
            bool all_bool = true;
            for (char c : body) {
                const OptionSpec* s = find_short(spec, c);
                if (!s || s->value) all_bool = false;
            }
            if (all_bool) {
                for (char c : body) p.values_[find_short(spec, c)->name].push_back("true");
                continue;
            }
        }
        if (!o) throw UsageError{"flag provided but not defined: -" + body};
        if (!o->value) {
            std::string v = inline_value.value_or("true");
            if (v != "true" && v != "false") throw UsageError{"invalid boolean value \"" + v + "\" for -" + body};
            if (v == "true") p.values_[o->name].push_back(v);
            continue;
        }
        if (inline_value) {
            p.values_[o->name].push_back(*inline_value);
        } else {
            if (i + 1 >= argv.size()) throw UsageError{"flag needs an argument: -" + body};
            p.values_[o->name].push_back(argv[++i]);
        }
    }
    if (p.help) return p;
    if (p.args_.size() < spec.min_args || (spec.max_args != SIZE_MAX && p.args_.size() > spec.max_args)) {
        std::string want = spec.min_args == spec.max_args ? std::to_string(spec.min_args)
                           : spec.max_args == SIZE_MAX    ? "at least " + std::to_string(spec.min_args)
                                                          : std::to_string(spec.min_args) + " to " +
                                                                std::to_string(spec.max_args);
        throw UsageError{std::string("\"") + spec.name + "\" requires " + want + " argument(s), got " +
                         std::to_string(p.args_.size())};
    }
    return p;
}

std::string help_text(const CommandSpec& spec) {
    std::string out = std::string("usage: hull ") + spec.name + " [options] " + spec.usage + "\n\n" +
                      spec.summary + "\n";
    if (!spec.options.empty()) out += "\noptions:\n";
    for (auto& o : spec.options) {
        std::string left = "  --" + std::string(o.name);
        if (o.short_name) left += std::string(", -") + o.short_name;
        if (o.value) left += std::string(" ") + o.value;
        if (left.size() < 30) left.resize(30, ' ');
        else left += "  ";
        out += left + o.help + "\n";
    }
    return out;
}

}  // namespace hull::cli

#include <cstdio>

namespace hull::cli {
std::optional<Parsed> parse_command(const CommandSpec& spec, const std::vector<std::string>& argv) {
    Parsed p = parse(spec, argv);
    if (p.help) {
        std::fputs(help_text(spec).c_str(), stdout);
        return std::nullopt;
    }
    return p;
}
}  // namespace hull::cli
