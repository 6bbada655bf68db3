#include "losslens/review/ReviewLocation.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace losslens {

namespace {

bool writable(const std::filesystem::path& dir) {
    // access() asks for this user, with its groups, and says EROFS on a read-only mount
    // (root included).
    return ::access(dir.c_str(), W_OK | X_OK) == 0;
}

std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

std::filesystem::path defaultDataHome() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/')
        return xdg;
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share";
    return std::filesystem::temp_directory_path();
}

} // namespace

ReviewLocation reviewLocation(const std::filesystem::path& dataset,
                              const std::filesystem::path& dataHome) {
    std::error_code ec;
    std::filesystem::path root = std::filesystem::absolute(dataset, ec).lexically_normal();
    if (ec)
        root = dataset;
    if (root.has_filename() == false && root.has_parent_path())
        root = root.parent_path(); // "set/" names the folder "set"
    const std::filesystem::path own = root / ".losslens";
    const bool ownExists = std::filesystem::is_directory(own, ec);
    if (ownExists ? writable(own) : writable(root))
        return {own / "review.sqlite", true};
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(fnv1a(root.string())));
    std::string name = root.filename().string();
    for (char& c : name)
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
            c = '_';
    const std::filesystem::path home = dataHome.empty() ? defaultDataHome() : dataHome;
    return {home / "losslens" / "review" / (name + "-" + hash + ".sqlite"), false};
}

ReviewLocation reviewLocation(const std::filesystem::path& dataset, const std::string& chosen) {
    if (!chosen.empty())
        return {chosen, false};
    return reviewLocation(dataset);
}

} // namespace losslens
