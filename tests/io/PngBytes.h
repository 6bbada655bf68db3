#pragma once

// PNG files built byte by byte for the readers' tests (chunks with true lengths and CRCs),
// independently of libpng's and OpenCV's writers.

#include <zlib.h>

#include <cstdint>
#include <string>

namespace losslens::testing {

inline void put32(std::string& out, std::uint32_t v, bool bigEndian = true) {
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((v >> (bigEndian ? 24 - 8 * i : 8 * i)) & 0xff);
}

// A chunk with a true length and CRC.
inline std::string pngChunk(const char type[5], const std::string& data) {
    std::string out;
    put32(out, static_cast<std::uint32_t>(data.size()));
    const std::string body = std::string(type, 4) + data;
    out += body;
    put32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                                static_cast<uInt>(body.size()))));
    return out;
}

} // namespace losslens::testing
