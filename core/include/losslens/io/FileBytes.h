#pragma once

#include "losslens/io/DataError.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace losslens {

// The size of a regular file, refusing directories, empty files and files over maxBytes.
// Throws DataError naming the file.
[[nodiscard]] std::int64_t checkedFileSize(const std::filesystem::path& file,
                                           std::int64_t maxBytes);

// Reads a whole regular file, refusing directories, empty files and files over maxBytes
// (checked from the file system before allocating). Throws DataError naming the file.
[[nodiscard]] std::vector<std::byte> readFileBytes(const std::filesystem::path& file,
                                                   std::int64_t maxBytes);
// The same into `bytes` (resized; its buffer reused when large enough).
void readFileBytes(const std::filesystem::path& file, std::int64_t maxBytes,
                   std::vector<std::byte>& bytes);

// The first `count` bytes of a file (all of it when shorter) into `bytes`, with the checks of
// readFileBytes against maxBytes; returns the file's whole size. A header is read this way.
std::int64_t readFileHead(const std::filesystem::path& file, std::int64_t maxBytes,
                          std::size_t count, std::vector<std::byte>& bytes);

// Writes `bytes` to `target` without ever leaving a partial file under the final name:
// the data goes to a temporary file in the same folder, which gets the final name only once
// it is complete. (No fsync: on this machine it made a 30-sample export 20% slower; a power
// cut can still leave an empty file where the file system delays the data.)
// Without `overwrite` an existing target is never replaced (the rename refuses atomically)
// and FileExistsError is thrown. Any other failure (disk full, file too large, the folder
// gone, an I/O error) throws WriteError naming the target, and leaves neither the target
// nor the temporary file behind.
void writeFileAtomically(const std::filesystem::path& target, std::string_view bytes,
                         bool overwrite);

// A file that could not be written: which, and why. A DataError, so every caller that
// reports a bad file by name reports a failed write the same way.
class WriteError : public DataError {
public:
    using DataError::DataError;
};

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
