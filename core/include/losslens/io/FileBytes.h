#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace losslens {

// Reads a whole regular file, refusing directories, empty files and files over maxBytes
// (checked from the file system before allocating). Throws DataError naming the file.
[[nodiscard]] std::vector<std::byte> readFileBytes(const std::filesystem::path& file,
                                                   std::int64_t maxBytes);

// Writes `bytes` to `target` without ever leaving a partial file under the final name:
// the data goes to a temporary file in the same folder, is flushed to disk, then renamed.
// Without `overwrite` an existing target is never replaced (the rename refuses atomically)
// and FileExistsError is thrown. Throws std::runtime_error on other I/O failures.
void writeFileAtomically(const std::filesystem::path& target, std::string_view bytes,
                         bool overwrite);

class FileExistsError : public std::runtime_error {
public:
    explicit FileExistsError(const std::filesystem::path& file)
        : std::runtime_error(file.string() + ": exists")
        , m_file(file) {}
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return m_file; }

private:
    std::filesystem::path m_file;
};

} // namespace losslens
