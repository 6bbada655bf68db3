#pragma once

#include <cstdint>
#include <vector>

namespace losslens {

// The per-sample numbers a training run would report, plus what the plots need.
// Per-variant vectors are indexed like lossVariants().
struct SampleSummary {
    int classes = 0;
    std::vector<int> missing;                   // object classes (1..C-1) with no labelled pixel
    std::int64_t validPixels = 0;               // pixels whose label is not ignore_index
    std::int64_t backgroundPixels = 0;          // pixels labelled 0
    std::int64_t removedPixels = 0;             // labelled 0 and w0 == 0
    std::vector<double> sums;                   // sum of each variant's map over valid pixels
    std::vector<std::vector<double>> classSums; // [variant][label class]
    std::vector<std::int64_t> classPixels;      // valid pixels per label class

    // Spec reduction: mean over valid pixels; removed pixels stay in the denominator.
    [[nodiscard]] double mean(std::size_t variant) const {
        return validPixels > 0 ? sums[variant] / static_cast<double>(validPixels) : 0.0;
    }
};

} // namespace losslens
