#pragma once

#include "losslens/loss/PixelRun.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace losslens {

// A mask's runs as the review database keeps them: per run, the row step from the previous
// run, its first column (from the previous run's end on the same row) and its length, as
// LEB128 varints. A candidate of a thousand pixels costs tens of bytes, not a bitmap.
[[nodiscard]] std::vector<std::uint8_t> encodeMaskRuns(std::span<const PixelRun> runs);

// The runs back, or nothing when the bytes are not such a list for an image of width x
// height (cut, a run outside the image, runs out of raster order or overlapping, more runs
// than the image has pixels): a damaged row is a message, never a crash or a huge vector.
[[nodiscard]] std::optional<std::vector<PixelRun>>
decodeMaskRuns(std::span<const std::uint8_t> bytes, int width, int height);

} // namespace losslens
