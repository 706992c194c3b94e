// Small RAII wrappers over yajl: JsonWriter (yajl_gen) for any JSON hull prints, and
// JsonDocument/JsonNode (yajl_tree) for reading with the JSON path of every value kept, so a
// bad value is reported as `config.json: .process.args[0]: expected a string, got 12`.
#pragma once
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

struct yajl_gen_t;
struct yajl_val_s;

namespace hull::json {

// Builds one JSON document. Pretty output is indented by two spaces like Go's
// json.MarshalIndent (runc's `state`, `spec`); str() has no trailing newline in either mode.
// Misuse (a value where a key is due, a second document) throws hull::Error.
class JsonWriter {
public:
    explicit JsonWriter(bool pretty = false);
    ~JsonWriter();
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(int64_t n);
    JsonWriter& value(uint64_t n);
    JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
    JsonWriter& value(bool b);
    // Any other integer type (uint32_t, unsigned, long long...) without overload ambiguity.
    template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>) JsonWriter& value(T n) {
        if constexpr (std::is_signed_v<T>)
            return value(static_cast<int64_t>(n));
        else
            return value(static_cast<uint64_t>(n));
    }
    JsonWriter& null();

    std::string str() const;

private:
    struct Open {
        size_t after_bracket;  // out_ size right after the opening bracket was printed
        bool empty;
    };
    JsonWriter& open(bool object);
    JsonWriter& close(bool object);
    void check(int status, const char* what);
    void mark_child();
    static void print(void* self, const char* s, size_t len);

    yajl_gen_t* gen_;
    bool pretty_;
    std::string out_;
    std::vector<Open> open_;
};

class JsonNode;

// A parsed JSON text; owns the yajl tree. `source` names the text in messages (a file name).
class JsonDocument {
public:
    // Throws hull::Error("<source>: invalid JSON: <yajl's message>").
    JsonDocument(std::string_view text, std::string source);
    ~JsonDocument();
    JsonDocument(const JsonDocument&) = delete;
    JsonDocument& operator=(const JsonDocument&) = delete;

    JsonNode root() const;

private:
    yajl_val_s* tree_;
    std::string source_;
};

// One value inside a JsonDocument (which must outlive it). A node knows its JSON path
// (".a.b[2]", "" for the root) through the node it was reached from, so keep a node only while
// that one is alive, as a recursive reader naturally does. Accessors check the type and throw
// hull::Error naming the source and the path.
class JsonNode {
public:
    std::string path() const;

    bool is_null() const;
    bool is_object() const;
    bool is_array() const;

    std::string_view string() const;
    bool boolean() const;
    template <std::integral T>
    T integer() const {
        if constexpr (std::is_signed_v<T>)
            return static_cast<T>(signed_in(std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
        else
            return static_cast<T>(unsigned_in(std::numeric_limits<T>::max()));
    }

    // Object member `key`; nullopt when absent or null (as Go's encoding/json treats null).
    // The last of duplicate keys wins, as in Go.
    std::optional<JsonNode> find(std::string_view key) const;
    std::vector<JsonNode> items() const;                                 // array elements
    JsonNode item(size_t i) const;                                       // one array element
    std::vector<std::pair<std::string_view, JsonNode>> members() const;  // object members

    // The value as shown after "got": 12, "foo", true, null, an object, an array.
    std::string describe() const;
    // Throw hull::Error("<source>: <path>: <msg>").
    [[noreturn]] void fail(const std::string& msg) const;
    // fail("expected <what>, got <describe()>").
    [[noreturn]] void fail_expected(const std::string& what) const;

private:
    friend class JsonDocument;
    static constexpr size_t kMember = static_cast<size_t>(-1);
    JsonNode(yajl_val_s* v, const JsonNode* parent, std::string_view key, size_t index, const std::string* source)
        : v_(v), parent_(parent), key_(key), index_(index), source_(source) {}
    int64_t signed_in(int64_t lo, int64_t hi) const;
    uint64_t unsigned_in(uint64_t hi) const;
    const char* integer_text() const;

    yajl_val_s* v_;
    const JsonNode* parent_;  // nullptr for the root
    std::string_view key_;    // object member name, or
    size_t index_;            // array index (kMember for a member)
    const std::string* source_;
};

// `s` as a JSON string literal, quotes included.
std::string quote(std::string_view s);

}  // namespace hull::json
