#pragma once

#include "losslens/loss/PixelRun.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace losslens {

// COCO's run-length encoding of a binary mask (pycocotools' maskApi): the mask read in
// column-major order (down each column, left to right), as alternating counts of 0s and 1s
// starting with 0s. The one codec of LossLens: candidates' exports write it, COCO
// annotation files (spec section 8) are read with it.
using RleCounts = std::vector<std::uint32_t>;

// The counts of a mask given as runs of rows (a candidate's), in an image of width x height.
// Runs may come in any order but must not overlap or leave the image.
[[nodiscard]] RleCounts rleFromRuns(std::span<const PixelRun> runs, int width, int height);

// COCO's string compression of counts (rleToString): each count, less the count two before
// it from the third on, in 5-bit groups with a continuation bit, offset by 48 ('0').
[[nodiscard]] std::string rleToString(std::span<const std::uint32_t> counts);

// The inverse (rleFrString). Throws std::invalid_argument on a character outside the
// alphabet, a truncated group or a negative count.
[[nodiscard]] RleCounts rleFromString(std::string_view text);

// The mask's pixels as row runs, the counts checked to cover exactly width * height pixels
// (std::invalid_argument otherwise).
[[nodiscard]] std::vector<PixelRun> runsFromRle(std::span<const std::uint32_t> counts, int width,
                                                int height);

} // namespace losslens
