#pragma once

// A TIFF display image decoded to RGB with libtiff's RGBA interface (any photometric
// interpretation, compression and tiling it knows). Internal to core.

#include "losslens/loss/Raster.h"

#include <cstddef>
#include <span>
#include <string>

namespace losslens::detail {

// Empty, with `error` set, when libtiff cannot read the bytes or the first image is not
// exactly width x height. libtiff's own messages never reach stderr.
[[nodiscard]] ByteImage decodeTiffImage(std::span<const std::byte> bytes, int width, int height,
                                        std::string& error);

} // namespace losslens::detail
