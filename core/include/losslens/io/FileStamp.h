#pragma once

#include <cstdint>
#include <filesystem>

namespace losslens {

// A file's size and modification time in nanoseconds since the epoch (stat's st_mtim): what
// tells that a file changed, on one clock for every one who asks (the score index, the
// window's run scores and its set watcher). A missing or unreadable file: size -1.
struct FileStamp {
    std::int64_t size = -1;
    std::int64_t mtimeNs = 0;
    [[nodiscard]] bool exists() const noexcept { return size >= 0; }
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

// One stat(); never throws.
[[nodiscard]] FileStamp fileStamp(const std::filesystem::path& file) noexcept;

} // namespace losslens
