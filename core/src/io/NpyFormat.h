#pragma once

// What the .npy header parser and the reader share. Internal to core.

#include "losslens/io/NpyArray.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace losslens::detail {

// numpy's own limit on a header is far below this; a longer one is refused unread.
inline constexpr std::size_t kMaxNpyHeaderLength = std::size_t{1} << 20;

[[noreturn]] inline void fail(const std::string& reason) {
    throw std::runtime_error(reason);
}

// Element conversion shared by the .npy reader and the .npz member reader.
// float32 in this machine's byte order and C order: the data is the array, byte for byte.
[[nodiscard]] bool isNativeFloat32(const NpyHeader& header);
[[nodiscard]] bool isNativeFloat16(const NpyHeader& header);
[[nodiscard]] float readElement(const std::byte* p, const NpyHeader& header);
// n elements of the header's dtype and byte order at `in` as float32 at `out`.
void convertElements(const NpyHeader& header, const std::byte* in, float* out, std::size_t n);
// Throws (the reason) unless `available` data bytes are exactly what the header claims.
void checkDataSize(const NpyHeader& header, std::int64_t available);

} // namespace losslens::detail
