#include "libocispec/json.hpp"

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"

namespace hull::json {

// ---- JsonWriter ----

JsonWriter::JsonWriter(bool pretty) : gen_(yajl_gen_alloc(nullptr)), pretty_(pretty) {
    if (gen_ == nullptr) throw Error("json: out of memory");
    yajl_gen_config(gen_, yajl_gen_print_callback, &JsonWriter::print, this);
    if (pretty_) {
        yajl_gen_config(gen_, yajl_gen_beautify, 1);
        yajl_gen_config(gen_, yajl_gen_indent_string, "  ");
    }
}

JsonWriter::~JsonWriter() { yajl_gen_free(gen_); }

void JsonWriter::print(void* self, const char* s, size_t len) { static_cast<JsonWriter*>(self)->out_.append(s, len); }

void JsonWriter::check(int status, const char* what) {
    if (status == yajl_gen_status_ok) return;
    throw Error(std::string("json: cannot write ") + what + " (yajl_gen status " + std::to_string(status) + ")");
}

void JsonWriter::mark_child() {
    if (!open_.empty()) open_.back().empty = false;
}

JsonWriter& JsonWriter::open(bool object) {
    mark_child();
    check(object ? yajl_gen_map_open(gen_) : yajl_gen_array_open(gen_), object ? "object" : "array");
    open_.push_back({out_.size(), true});
    return *this;
}

JsonWriter& JsonWriter::close(bool object) {
    check(object ? yajl_gen_map_close(gen_) : yajl_gen_array_close(gen_), object ? "end of object" : "end of array");
    Open o = open_.back();
    open_.pop_back();
    // yajl beautifies an empty container as "{\n\n}"; Go prints "{}".
    if (pretty_ && o.empty) {
        out_.resize(o.after_bracket - 1);  // drop the newline after the bracket and all since
        out_ += object ? '}' : ']';
    }
    return *this;
}

JsonWriter& JsonWriter::begin_object() { return open(true); }
JsonWriter& JsonWriter::end_object() { return close(true); }
JsonWriter& JsonWriter::begin_array() { return open(false); }
JsonWriter& JsonWriter::end_array() { return close(false); }

JsonWriter& JsonWriter::key(std::string_view k) {
    mark_child();
    check(yajl_gen_string(gen_, reinterpret_cast<const unsigned char*>(k.data()), k.size()), "key");
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    mark_child();
    check(yajl_gen_string(gen_, reinterpret_cast<const unsigned char*>(s.data()), s.size()), "string");
    return *this;
}

namespace {
template <typename N>
std::string_view to_text(char (&buf)[24], N n) {
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    return {buf, static_cast<size_t>(r.ptr - buf)};
}
}  // namespace

JsonWriter& JsonWriter::value(int64_t n) {
    mark_child();
    char buf[24];
    auto t = to_text(buf, n);
    check(yajl_gen_number(gen_, t.data(), t.size()), "number");
    return *this;
}

JsonWriter& JsonWriter::value(uint64_t n) {
    mark_child();
    char buf[24];
    auto t = to_text(buf, n);
    check(yajl_gen_number(gen_, t.data(), t.size()), "number");
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    mark_child();
    check(yajl_gen_bool(gen_, b ? 1 : 0), "boolean");
    return *this;
}

JsonWriter& JsonWriter::null() {
    mark_child();
    check(yajl_gen_null(gen_), "null");
    return *this;
}

std::string JsonWriter::str() const {
    // In beautify mode yajl ends a complete document with a newline; Go's MarshalIndent does not.
    if (pretty_ && !out_.empty() && out_.back() == '\n') return out_.substr(0, out_.size() - 1);
    return out_;
}

// ---- reading ----

std::string quote(std::string_view s) {
    std::string q = "\"";
    for (char c : s) {
        switch (c) {
            case '"':
                q += "\\\"";
                break;
            case '\\':
                q += "\\\\";
                break;
            case '\n':
                q += "\\n";
                break;
            case '\r':
                q += "\\r";
                break;
            case '\t':
                q += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static const char hex[] = "0123456789abcdef";
                    q += "\\u00";
                    q += hex[(c >> 4) & 0xf];
                    q += hex[c & 0xf];
                } else {
                    q += c;
                }
        }
    }
    return q + "\"";
}

JsonDocument::JsonDocument(std::string_view text, std::string source) : tree_(nullptr), source_(std::move(source)) {
    std::string copy(text);  // yajl_tree_parse wants a NUL-terminated text
    char err[1024] = "";
    tree_ = yajl_tree_parse(copy.c_str(), err, sizeof err);
    if (tree_ == nullptr) {
        std::string msg(err, strcspn(err, "\n"));  // the first line; the rest is a context picture
        throw Error(source_ + ": invalid JSON: " + (msg.empty() ? "parse error" : msg));
    }
}

JsonDocument::~JsonDocument() { yajl_tree_free(tree_); }

JsonNode JsonDocument::root() const { return JsonNode(tree_, nullptr, {}, JsonNode::kMember, &source_); }

bool JsonNode::is_null() const { return YAJL_IS_NULL(v_); }
bool JsonNode::is_object() const { return YAJL_IS_OBJECT(v_); }
bool JsonNode::is_array() const { return YAJL_IS_ARRAY(v_); }

void JsonNode::fail(const std::string& msg) const {
    std::string p = path();
    throw Error(*source_ + ": " + (p.empty() ? "" : p + ": ") + msg);
}

void JsonNode::fail_expected(const std::string& what) const { fail("expected " + what + ", got " + describe()); }

std::string JsonNode::describe() const {
    switch (v_->type) {
        case yajl_t_string: {
            std::string_view s = v_->u.string;
            constexpr size_t max = 64;
            return s.size() > max ? quote(s.substr(0, max)) + "..." : quote(s);
        }
        case yajl_t_number:
            return v_->u.number.r;
        case yajl_t_object:
            return "an object";
        case yajl_t_array:
            return "an array";
        case yajl_t_true:
            return "true";
        case yajl_t_false:
            return "false";
        default:
            return "null";
    }
}

std::string_view JsonNode::string() const {
    if (!YAJL_IS_STRING(v_)) fail_expected("a string");
    return v_->u.string;
}

bool JsonNode::boolean() const {
    if (YAJL_IS_TRUE(v_)) return true;
    if (!YAJL_IS_FALSE(v_)) fail_expected("a boolean");
    return false;
}

// The raw text of an integer number (yajl_tree keeps it, also for values beyond int64).
const char* JsonNode::integer_text() const {
    if (!YAJL_IS_NUMBER(v_) || std::strpbrk(v_->u.number.r, ".eE") != nullptr) fail_expected("an integer");
    return v_->u.number.r;
}

int64_t JsonNode::signed_in(int64_t lo, int64_t hi) const {
    const char* text = integer_text();
    errno = 0;
    long long n = std::strtoll(text, nullptr, 10);
    if (errno == ERANGE || n < lo || n > hi)
        fail_expected("an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
    return n;
}

uint64_t JsonNode::unsigned_in(uint64_t hi) const {
    const char* text = integer_text();
    if (text[0] == '-') {
        if (std::strtoll(text, nullptr, 10) != 0) fail_expected("a non-negative integer");
        return 0;  // "-0"
    }
    errno = 0;
    unsigned long long n = std::strtoull(text, nullptr, 10);
    if (errno == ERANGE || n > hi) fail_expected("an integer between 0 and " + std::to_string(hi));
    return n;
}

namespace {
bool is_identifier(std::string_view k) {
    if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
    for (char c : k)
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return true;
}
}  // namespace

std::string JsonNode::path() const {
    if (parent_ == nullptr) return "";
    std::string p = parent_->path();
    if (index_ != kMember) return p + "[" + std::to_string(index_) + "]";
    return p + (is_identifier(key_) ? "." + std::string(key_) : "[" + quote(key_) + "]");
}

std::optional<JsonNode> JsonNode::find(std::string_view key) const {
    if (!YAJL_IS_OBJECT(v_)) fail_expected("an object");
    for (size_t i = v_->u.object.len; i-- > 0;) {
        if (key != v_->u.object.keys[i]) continue;
        yajl_val v = v_->u.object.values[i];
        if (YAJL_IS_NULL(v)) return std::nullopt;
        return JsonNode(v, this, v_->u.object.keys[i], kMember, source_);  // the key outlives `key`
    }
    return std::nullopt;
}

JsonNode JsonNode::item(size_t i) const {
    if (!YAJL_IS_ARRAY(v_)) fail_expected("an array");
    if (i >= v_->u.array.len) fail("no element " + std::to_string(i));
    return JsonNode(v_->u.array.values[i], this, {}, i, source_);
}

std::vector<JsonNode> JsonNode::items() const {
    if (!YAJL_IS_ARRAY(v_)) fail_expected("an array");
    std::vector<JsonNode> out;
    out.reserve(v_->u.array.len);
    for (size_t i = 0; i < v_->u.array.len; ++i) out.push_back(item(i));
    return out;
}

std::vector<std::pair<std::string_view, JsonNode>> JsonNode::members() const {
    if (!YAJL_IS_OBJECT(v_)) fail_expected("an object");
    std::vector<std::pair<std::string_view, JsonNode>> out;
    out.reserve(v_->u.object.len);
    for (size_t i = 0; i < v_->u.object.len; ++i) {
        std::string_view key = v_->u.object.keys[i];
        out.emplace_back(key, JsonNode(v_->u.object.values[i], this, key, kMember, source_));
    }
    return out;
}

}  // namespace hull::json
