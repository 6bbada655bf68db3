#pragma once

// The common label PNG decoded without libpng: chunks walked here, the image data inflated
// whole by libdeflate (zlib's inflate, through libpng, was 15-20% of `stats` on the demo set;
// libdeflate inflates the same label data 6-12x faster). Internal to core.

#include "losslens/io/DataLimits.h"
#include "losslens/loss/Raster.h"

#include <cstddef>
#include <span>

namespace losslens::detail {

// Decodes `bytes` into `labels` (resized, its buffer reused) and sets the size, when the
// file is the common case: 8- or 16-bit grey or an 8-bit palette, not interlaced, every
// critical chunk whole with its CRC right, the image data exactly the rows the header
// claims, at most kDirectLimit bytes of them. Returns false, with `labels` unspecified, for
// anything else: the caller then decodes with libpng, which says what is wrong with a bad
// file (so a file gets the same labels or the same message either way).
[[nodiscard]] bool decodeLabelPngDirect(std::span<const std::byte> bytes, const DataLimits& limits,
                                        LabelMap::Storage& labels, int& width, int& height);

// The largest filtered image (rows with their filter bytes) decoded here: a buffer that size
// is kept per thread; a larger label map goes through libpng a row at a time.
inline constexpr std::size_t kDirectLimit = std::size_t{32} << 20;

} // namespace losslens::detail
