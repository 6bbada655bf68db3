#pragma once

// What the .npy header parser and the reader share. Internal to core.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace losslens::detail {

// numpy's own limit on a header is far below this; a longer one is refused unread.
inline constexpr std::size_t kMaxNpyHeaderLength = std::size_t{1} << 20;

[[noreturn]] inline void fail(const std::string& reason) {
    throw std::runtime_error(reason);
}

} // namespace losslens::detail
