#pragma once

// Why a file a reader opened is refused before any of its bytes are read: the one rule the
// .npy, .npz and whole-file readers share. Internal to core.

#include <cstdint>
#include <string>

namespace losslens::detail {

// "" when the descriptor is a regular, non-empty file of at most `maxBytes`; else the reason
// ("is a directory, not a file", "empty file", "file of N bytes exceeds the limit of M", ...).
// `size` receives the file's size when it is accepted.
[[nodiscard]] std::string openFileProblem(int fd, std::int64_t maxBytes, std::int64_t& size);

} // namespace losslens::detail
