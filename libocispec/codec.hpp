// Generic reading and writing of the model through schema::fields. Internal to libocispec.
//   decode<Rules>(node, x): fills x from a JSON node, checking types, integer ranges, required
//     fields and enums; then Rules::check(node, x) adds the rules a table cannot say.
//   encode(writer, x): writes x; absent optionals and empty lists/maps are left out.
#pragma once
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "libocispec/fields.hpp"
#include "libocispec/json.hpp"

namespace hull::oci::codec {

using json::JsonNode;
using json::JsonWriter;

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;
template <class T>
inline constexpr bool is_vector = false;
template <class T>
inline constexpr bool is_vector<std::vector<T>> = true;
template <class T>
inline constexpr bool is_map = false;
template <class T>
inline constexpr bool is_map<std::map<std::string, T>> = true;

// Rules for types that need none.
struct NoRules {
    template <class T>
    static void check(const JsonNode&, const T&) {}
};

inline void check_enum(const JsonNode& n, std::string_view s, const schema::Enum& e) {
    if (std::find(e.values.begin(), e.values.end(), s) != e.values.end()) return;
    std::string allowed;
    for (auto v : e.values) allowed += (allowed.empty() ? "" : ", ") + std::string(v);
    n.fail("unknown " + std::string(e.noun) + " " + json::quote(s) + " (expected one of: " + allowed + ")");
}

template <class Rules, class T>
void decode(const JsonNode& n, T& x, const schema::Enum* e = nullptr);

// The visitor given to schema::fields while reading one object.
template <class Rules>
class FieldReader {
public:
    explicit FieldReader(const JsonNode& obj) : obj_(obj) {}
    template <class T>
    void operator()(std::string_view key, T& field, schema::Presence p = schema::Optional,
                    const schema::Enum* e = nullptr) {
        if (auto n = obj_.find(key))
            decode<Rules>(*n, field, e);
        else if (p == schema::Required)
            obj_.fail("missing required field " + json::quote(key));
    }

private:
    const JsonNode& obj_;
};

template <class Rules, class T>
void decode(const JsonNode& n, T& x, const schema::Enum* e) {
    if constexpr (std::is_same_v<T, std::string>) {
        x = n.string();
        if (e) check_enum(n, x, *e);
    } else if constexpr (std::is_same_v<T, bool>) {
        x = n.boolean();
    } else if constexpr (std::is_integral_v<T>) {
        x = n.integer<T>();
    } else if constexpr (is_optional<T>) {
        decode<Rules>(n, x.emplace(), e);
    } else if constexpr (is_vector<T>) {
        x.clear();
        for (const JsonNode& item : n.items()) decode<Rules>(item, x.emplace_back(), e);
    } else if constexpr (is_map<T>) {
        x.clear();
        for (const auto& [key, value] : n.members()) decode<Rules>(value, x[std::string(key)], e);
    } else {
        if (!n.is_object()) n.fail_expected("an object");
        FieldReader<Rules> reader(n);
        schema::fields(reader, x);
        Rules::check(n, x);
    }
}

template <class T>
void encode(JsonWriter& w, const T& x);

// The visitor given to schema::fields while writing one object.
class FieldWriter {
public:
    explicit FieldWriter(JsonWriter& w) : w_(w) {}
    template <class T>
    void operator()(std::string_view key, const T& field, schema::Presence p = schema::Optional,
                    const schema::Enum* = nullptr) {
        if (omitted(field, p)) return;
        w_.key(key);
        encode(w_, field);
    }

private:
    template <class T>
    static bool omitted(const T& field, schema::Presence p) {
        if constexpr (is_optional<T>)
            return !field.has_value();
        else if constexpr (is_vector<T> || is_map<T>)
            return field.empty();
        else
            return p == schema::OmitZero && field == T{};
    }
    JsonWriter& w_;
};

template <class T>
void encode(JsonWriter& w, const T& x) {
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_integral_v<T>) {
        w.value(x);
    } else if constexpr (is_optional<T>) {
        encode(w, *x);
    } else if constexpr (is_vector<T>) {
        w.begin_array();
        for (const auto& item : x) encode(w, item);
        w.end_array();
    } else if constexpr (is_map<T>) {
        w.begin_object();
        for (const auto& [key, value] : x) {
            w.key(key);
            encode(w, value);
        }
        w.end_object();
    } else {
        w.begin_object();
        FieldWriter writer(w);
        schema::fields(writer, x);
        w.end_object();
    }
}

// A whole document: `x` as JSON text.
template <class T>
std::string to_json(const T& x, bool pretty) {
    JsonWriter w(pretty);
    encode(w, x);
    return w.str();
}

// A whole document: parse `text` into a T, applying Rules.
template <class T, class Rules>
T from_json(std::string_view text, const std::string& source) {
    json::JsonDocument doc(text, source);
    T x;
    decode<Rules>(doc.root(), x);
    return x;
}

}  // namespace hull::oci::codec
