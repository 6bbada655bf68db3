#pragma once

#include "losslens/loss/LossResult.h"
#include "losslens/set/LossHistogram.h"
#include "losslens/set/LossQuantiles.h"

#include <vector>

namespace losslens {

// Bins of the per-variant loss histograms a set view shows (fixed, so they add up).
inline constexpr int kHistogramBins = 64;

// What a set-wide view needs of one scored sample besides its SampleSummary: the largest
// loss (the heatmap's auto range), the largest difference of every pair of variants (the
// difference view's range) and each variant's histogram. Each costs a pass over the maps,
// so the CLI asks for them only when it wants them; the window's scan and its loader both
// make them here, once.
struct SampleStatistics {
    float maxLoss = 0.0f;                  // maxLoss over valid pixels, every variant
    std::vector<float> maxDifferences;     // maxDifferences: V x V
    std::vector<LossHistogram> histograms; // per variant, kHistogramBins bins
    LossQuantiles quantiles;               // every variant's valid pixels, pooled
};

[[nodiscard]] SampleStatistics sampleStatistics(const LossResult& loss, const LabelMap& labels,
                                                int ignoreIndex);

} // namespace losslens
