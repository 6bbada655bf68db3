#pragma once

// float16 (IEEE binary16, this machine's byte order) to float32, exact for every value: the
// .npy and .npz readers widen a file's halves with it, and the loss pass a float16
// prediction's block. Internal to core.

#include <cstddef>
#include <cstdint>

namespace losslens::detail {

[[nodiscard]] float halfToFloat(std::uint16_t h);
// n halves at `in` (any alignment) as floats at `out`: the CPU's F16C where there is one.
void halvesToFloats(const std::byte* in, float* out, std::size_t n);
void halvesToFloats(const std::uint16_t* in, float* out, std::size_t n);

} // namespace losslens::detail
