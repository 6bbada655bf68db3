#pragma once

// A PNG display image decoded to RGB with libpng (any colour type and depth: palettes and
// grey expanded, 16 bits cut to 8, alpha dropped). Internal to core.

#include "losslens/loss/Raster.h"

#include <cstddef>
#include <span>
#include <string>

namespace losslens::detail {

// Empty, with `error` set, when the bytes are not a PNG of exactly width x height or are
// corrupt. The size is checked from the header before any pixel buffer exists.
[[nodiscard]] ByteImage decodePngImage(std::span<const std::byte> bytes, int width, int height,
                                       std::string& error);

} // namespace losslens::detail
