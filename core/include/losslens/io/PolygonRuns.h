#pragma once

#include "losslens/loss/PixelRun.h"

#include <span>
#include <vector>

namespace losslens {

// The pixels of the union of `polygons` (each x0, y0, x1, y1, ... in pixel coordinates, as
// COCO writes them) in a width x height image: pixel (x, y) is covered by a polygon when the
// point (x + 0.5, y + 0.5) lies inside it by the even-odd rule (spec section 8), tested as
// the crossing-number test does (an edge counts for a row when the row's centre lies in
// [min y, max y) of its ends). Runs come sorted by row, then column, merged, clipped to the
// image. The work is the sum of the edges' heights in rows, not the image's size; a polygon
// crossing more than 2^24 row centres throws std::invalid_argument.
[[nodiscard]] std::vector<PixelRun> polygonRuns(std::span<const std::vector<double>> polygons,
                                                int width, int height);

} // namespace losslens
