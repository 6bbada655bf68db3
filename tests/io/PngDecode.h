#pragma once

// RGB PNGs read back by libpng's simplified reader, independently of the project's encoder:
// it checks the signature, every critical chunk's CRC, the zlib stream (Adler-32 included)
// and the row filters.

#include "losslens/report/Colormap.h"

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

// How many of n pixels of an RGB image differ from the heatmap of `values` over [0, hi]
// (linear) with the colour map `lut`, grey where the label is 255: the colour map's entry of
// each value written out here, apart from the project's colouring.
inline std::size_t heatmapPixelsDiffering(const std::vector<std::uint8_t>& rgb, const float* values,
                                          const std::uint16_t* labels, std::size_t n,
                                          const ColormapLut& lut, float hi) {
    if (rgb.size() != 3 * n)
        return n;
    std::size_t differ = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float t = values[i] / hi * 255.0f + 0.5f;
        const Rgb expected = labels[i] == 255
                                 ? Rgb{128, 128, 128}
                                 : lut[static_cast<std::size_t>(t >= 255.0f ? 255.0f : t)];
        differ += rgb[3 * i] != expected[0] || rgb[3 * i + 1] != expected[1] ||
                  rgb[3 * i + 2] != expected[2];
    }
    return differ;
}

} // namespace losslens::testing
