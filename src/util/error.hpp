// Errors as values with a chain of context, thrown up to one place that prints them.
#pragma once
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

namespace hull {

class Error : public std::exception {
public:
    explicit Error(std::string msg, int err = 0) : msg_(std::move(msg)), errno_(err) { render(); }

    // Prepend context: "mount /proc: permission denied" -> "create web: mount /proc: ...".
    Error& wrap(const std::string& ctx) {
        msg_ = ctx + ": " + msg_;
        render();
        return *this;
    }
    const std::string& message() const { return msg_; }
    int err() const { return errno_; }
    const char* what() const noexcept override { return full_.c_str(); }

private:
    void render() {
        full_ = msg_;
        if (errno_ != 0) full_ += std::string(": ") + describe_errno(errno_);
    }
    static std::string describe_errno(int e) {
        std::string s = std::strerror(e);
        // runc (Go) prints lower-case errno texts; clients such as Podman match them.
        if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
        return s;
    }
    std::string msg_;
    int errno_;
    std::string full_;
};

// Error from the current errno.
[[noreturn]] inline void throw_errno(const std::string& what) { throw Error(what, errno); }

// Run f, adding ctx to any hull::Error it throws.
template <typename F>
auto with_context(const std::string& ctx, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (Error& e) {
        e.wrap(ctx);
        throw;
    }
}

}  // namespace hull
