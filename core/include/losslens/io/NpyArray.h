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

// A .npy file's header and size, without its data (to estimate what loading it costs).
struct NpyFileHeader {
    NpyHeader header;
    std::int64_t fileSize = 0;
};
[[nodiscard]] NpyFileHeader readNpyHeader(const std::filesystem::path& file,
                                          const DataLimits& limits = {});

// Whether a .npy file is whole yet, from its header and size alone (a watcher asks while a
// writer may still be writing it): Incomplete for an empty file, a header cut short or data
// shorter than the header says; Bad for a file that is unreadable or not a .npy a writer
// could finish; Complete otherwise. Reads the header only (about 128 bytes), never the data.
enum class NpyState { Complete, Incomplete, Bad };
[[nodiscard]] NpyState npyState(const std::filesystem::path& file);

// An open .npy file whose size was checked against the limits and whose header was read and
// validated, the data not yet read: a sample's loader looks at the header (the memory it
// will need) before reading, with one open of the file. Throws DataError naming the file.
class NpyFile {
public:
    NpyFile(const std::filesystem::path& file, const DataLimits& limits);
    ~NpyFile();
    NpyFile(const NpyFile&) = delete;
    NpyFile& operator=(const NpyFile&) = delete;

    [[nodiscard]] const NpyHeader& header() const noexcept { return m_header; }
    [[nodiscard]] std::int64_t fileSize() const noexcept { return m_size; }
    // Whether the file holds exactly the data its header describes (not truncated, nothing
    // after it); readInto reports either with its reason.
    [[nodiscard]] bool sizeMatches() const;

    // The array as float32 in C order into `data`: resized without a zero fill, its buffer
    // reused when it is large enough (a scan reads sample after sample into one buffer).
    // Native float32 in C order is read straight into it; other types are converted a block
    // at a time. Checks the element count against the limits first.
    void readInto(Raster<float>::Storage& data);
    void readInto(std::vector<float>& data);

private:
    template <typename Floats> void read(Floats& data);
    void readAt(std::int64_t offset, void* to, std::int64_t count) const;

    std::filesystem::path m_file;
    DataLimits m_limits;
    int m_fd = -1;
    std::int64_t m_size = 0;
    NpyHeader m_header;
};

// Reads a .npy file; throws DataError naming the file. The size the header claims is
// compared with the file's size before the data is read or any buffer is sized by it.
[[nodiscard]] NpyArray readNpy(const std::filesystem::path& file, const DataLimits& limits = {});

// A float32, little-endian, C-order .npy (version 1.0) of the given shape.
[[nodiscard]] std::string encodeNpyFloat32(std::span<const float> values,
                                           std::span<const std::int64_t> shape);

} // namespace losslens
