#pragma once

// RGB PNGs read back by libpng's simplified reader, independently of the project's encoder:
// it checks the signature, every critical chunk's CRC, the zlib stream (Adler-32 included)
// and the row filters.

#include <png.h>

#include <cstdint>
#include <string>
#include <vector>

namespace losslens::testing {

struct Decoded {
    bool ok = false;
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;
    std::string message;
};

inline Decoded decodeWithLibpng(const std::string& bytes) {
    Decoded out;
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
        out.message = image.message;
        return out;
    }
    image.format = PNG_FORMAT_RGB;
    out.width = static_cast<int>(image.width);
    out.height = static_cast<int>(image.height);
    out.rgb.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr)) {
        out.message = image.message;
        png_image_free(&image);
        return out;
    }
    out.ok = true;
    return out;
}

} // namespace losslens::testing
