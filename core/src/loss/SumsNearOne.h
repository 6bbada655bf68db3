#pragma once

// The prediction reader's quick check of each pixel's sum, on the best SIMD target of the CPU
// (the fused pass's dispatch, FusedPass.h). Internal to core.

#include <cstddef>
#include <cstdint>

namespace losslens::detail {

// Whether the sum of each pixel's `classes` values is within `tolerance` of 1, each pixel's
// values added as four sums in flight (classes k, k + 4, ... in sum k % 4; with C = 2 to 4
// the values in class order), the same verdict on every target.
[[nodiscard]] bool sumsNearOne(const float* p, std::size_t pixels, std::size_t classes,
                               float tolerance);
// The same verdict for float16 bits, widened in registers where the target can (C >= 5).
[[nodiscard]] bool sumsNearOne(const std::uint16_t* h, std::size_t pixels, std::size_t classes,
                               float tolerance);

} // namespace losslens::detail
