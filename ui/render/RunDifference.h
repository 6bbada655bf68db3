#pragma once

#include "session/SampleData.h"

#include <cstddef>
#include <functional>
#include <span>

namespace losslens {

// This run's variant minus the same variant of another run's sample of the same stem (the
// run difference heatmap), a band of rows at a time so neither sample needs its map whole.

// Whether `other` can be subtracted from `data` (same size and number of variants).
[[nodiscard]] bool comparable(const SampleData& data, const SampleData& other);
// Hands the differences of the valid pixels to `sink`, a band of rows at a time.
void forEachRunDifference(const SampleData& data, const SampleData& other, std::size_t variant,
                          int ignoreIndex, const std::function<void(std::span<const float>)>& sink);
// The largest |this run's variant - the other's| over the valid pixels of a pair.
[[nodiscard]] float maxRunDifference(const SampleData& data, const SampleData& other,
                                     std::size_t variant, int ignoreIndex);

} // namespace losslens
