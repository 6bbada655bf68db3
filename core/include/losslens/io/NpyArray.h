#pragma once

#include "losslens/io/DataLimits.h"
#include "losslens/loss/Raster.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace losslens {

// What a .npy header says, after strict validation.
struct NpyHeader {
    int majorVersion = 1;
    char byteOrder = '<'; // '<' little, '>' big, '|' not applicable
    char kind = 'f';      // only 'f' (float) is accepted for data
    int itemSize = 4;     // 2, 4 or 8
    bool fortranOrder = false;
    std::vector<std::int64_t> shape;
    std::size_t dataOffset = 0; // bytes from the file start to the data
    [[nodiscard]] std::int64_t elementCount() const;
};

// A float array read from .npy, converted to float32 in C (row-major) order.
struct NpyArray {
    std::vector<std::int64_t> shape;
    std::vector<float> data;
};

// Parses and validates the header at the start of `bytes` (magic, version, length, the
// Python dict literal). Throws std::runtime_error with the reason. Never allocates more
// than the header's own length. This is the fuzzing entry point.
[[nodiscard]] NpyHeader parseNpyHeader(std::span<const std::byte> bytes);

// Decodes a whole .npy held in memory. `fileSize` bytes must be exactly the header plus
// the data the shape claims; the element count is checked against `limits` first.
[[nodiscard]] NpyArray decodeNpy(std::span<const std::byte> bytes, const DataLimits& limits);

// Reads a .npy file; throws DataError naming the file. The size the header claims is
// compared with the file's size before the data is read or any buffer is sized by it.
[[nodiscard]] NpyArray readNpy(const std::filesystem::path& file, const DataLimits& limits = {});

// A float32, little-endian, C-order .npy (version 1.0) of the given shape.
[[nodiscard]] std::string encodeNpyFloat32(std::span<const float> values,
                                           std::span<const std::int64_t> shape);

} // namespace losslens
