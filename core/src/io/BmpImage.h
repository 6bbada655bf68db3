#pragma once

// A Windows BMP display image decoded to RGB: uncompressed 24 and 32 bits a pixel (BI_RGB,
// or BI_BITFIELDS with the usual masks), and 1, 4 and 8 bits through a palette; bottom-up or
// top-down. Run-length compressed BMPs are refused (a warning: shown on grey). Internal.

#include "losslens/loss/Raster.h"

#include <cstddef>
#include <span>
#include <string>

namespace losslens::detail {

// Empty, with `error` set, when the bytes are not such a BMP of exactly width x height, or
// hold fewer pixel bytes than its header says.
[[nodiscard]] ByteImage decodeBmpImage(std::span<const std::byte> bytes, int width, int height,
                                       std::string& error);

} // namespace losslens::detail
