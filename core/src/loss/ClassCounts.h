#pragma once

// Each class's pixel count and the label check of a sample, on the best SIMD target of the
// CPU (the fused pass's dispatch, FusedPass.h). Internal to core.

#include <cstddef>
#include <cstdint>

namespace losslens::detail {

// Counts each class's pixels (ignore_index excluded) into counts[0..classes); returns false
// when some label is neither a class nor ignore_index (the caller finds it and says where).
[[nodiscard]] bool countClassPixels(const std::uint16_t* labels, std::size_t pixels,
                                    std::size_t classes, std::uint32_t ignore,
                                    std::int64_t* counts);

} // namespace losslens::detail
