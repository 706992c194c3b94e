#include "runtime/exec_process.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace hull {

static const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static bool is_executable(const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::string find_executable(const std::string& arg0, const std::vector<std::string>& env) {
    if (arg0.find('/') != std::string::npos) {
        struct stat st;
        if (::stat(arg0.c_str(), &st) < 0) throw Error("exec: \"" + arg0 + "\": stat " + arg0, errno);
        if (S_ISDIR(st.st_mode)) throw Error("exec: \"" + arg0 + "\": is a directory");
        // Refused at create, not after start: Podman maps this message to exit status 126.
        if (::access(arg0.c_str(), X_OK) < 0) throw Error("exec: \"" + arg0 + "\"", errno);
        return arg0;
    }
    std::string path = kDefaultPath;
    for (auto& e : env)
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        std::string candidate = (dir.empty() ? "." : dir) + "/" + arg0;
        if (is_executable(candidate)) return candidate;
    }
    throw Error("exec: \"" + arg0 + "\": executable file not found in $PATH");
}

static std::string home_of(uint32_t uid) {
    std::ifstream in("/etc/passwd");
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string field;
        while (std::getline(ss, field, ':')) f.push_back(field);
        if (f.size() >= 6 && f[2] == std::to_string(uid)) return f[5];
    }
    return "/";
}

std::vector<std::string> environment_for(const oci::Process& p) {
    std::vector<std::string> env = p.env;
    for (auto& e : env)
        if (e.rfind("HOME=", 0) == 0) return env;
    env.push_back("HOME=" + home_of(p.user.uid));
    return env;
}

void switch_user(const oci::User& user) {
    std::vector<gid_t> groups(user.additionalGids.begin(), user.additionalGids.end());
    if (::setgroups(groups.size(), groups.data()) < 0 && !(errno == EPERM && groups.empty())) {
        int err = errno;
        std::string setgroups;
        std::ifstream("/proc/self/setgroups") >> setgroups;
        if (err == EPERM && setgroups == "deny")
            throw Error("additionalGids: setgroups is denied in this user namespace (a map of one's own gid "
                        "written without newgidmap); give the user subordinate gids in /etc/subgid",
                        EPERM);
        throw Error("setgroups", err);
    }
    if (::setresgid(user.gid, user.gid, user.gid) < 0) throw_errno("setgid " + std::to_string(user.gid));
    if (::setresuid(user.uid, user.uid, user.uid) < 0) throw_errno("setuid " + std::to_string(user.uid));
    if (user.umask) ::umask(static_cast<mode_t>(*user.umask & 0777));
}

void exec_process(const std::string& path, const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(path.c_str(), argv.data(), envp.data());
    throw Error("exec " + path, errno);
}

}  // namespace hull
