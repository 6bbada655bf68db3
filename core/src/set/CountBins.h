#pragma once

// Internal to core: the counting loop both loss histograms share.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace losslens::detail {

// Adds 1 to counts[bin(v)] for each value whose label is not ignoreIndex and returns how many
// were counted. The bins of a chunk are found first, in a loop the compiler vectorises (so
// `bin` must be branch-free), then counted.
template <typename Bin>
std::int64_t countBins(std::span<const float> values, std::span<const std::uint16_t> labels,
                       int ignoreIndex, Bin bin, std::int64_t* counts) {
    constexpr std::size_t kChunk = 256;
    std::int32_t bins[kChunk];
    const std::size_t n = std::min(values.size(), labels.size());
    std::int64_t counted = 0;
    for (std::size_t start = 0; start < n; start += kChunk) {
        const std::size_t count = std::min(kChunk, n - start);
        const float* v = values.data() + start;
        for (std::size_t i = 0; i < count; ++i)
            bins[i] = bin(v[i]);
        const std::uint16_t* y = labels.data() + start;
        for (std::size_t i = 0; i < count; ++i) {
            if (y[i] == ignoreIndex)
                continue;
            ++counts[bins[i]];
            ++counted;
        }
    }
    return counted;
}

} // namespace losslens::detail
