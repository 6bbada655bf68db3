#pragma once

#include "losslens/loss/Annotation.h"

#include <cstdint>
#include <vector>

namespace losslens {

// The per-sample numbers a training run would report, plus what the plots need.
// Per-variant vectors are indexed like lossVariants(); a variant computeLoss was not asked
// for has zeros.
struct SampleSummary {
    int classes = 0;
    std::vector<int> missing; // the missing set M (spec section 4), ascending
    MissingSource missingSource = MissingSource::Absent; // declared, or the article's rule
    std::int64_t validPixels = 0;                        // pixels whose label is not ignore_index
    std::int64_t backgroundPixels = 0;                   // pixels labelled 0
    std::int64_t removedPixels = 0;                      // labelled 0 and w0 == 0
    std::vector<double> sums;                   // sum of each variant's map over valid pixels
    std::vector<double> weights;                // each variant's mean denominator (see mean)
    std::vector<std::vector<double>> classSums; // [variant][label class]
    // [variant][label class]: valid pixels the variant lets off (letsOff below): where the
    // standard loss penalises and the variant removes or more than halves the penalty.
    std::vector<std::vector<std::int64_t>> classReduced;
    std::vector<std::int64_t> classPixels; // valid pixels per label class

    // The variant's reduction: its sum over the sum of its pixel weights. For standard and
    // partial that is the spec's mean over valid pixels (removed pixels stay in the
    // denominator); weighted divides by the sum of class weights (PyTorch); a sample the
    // drop variant drops has weight 0 and mean 0.
    [[nodiscard]] double mean(std::size_t variant) const {
        if (variant < weights.size())
            return weights[variant] > 0.0 ? sums[variant] / weights[variant] : 0.0;
        return validPixels > 0 ? sums[variant] / static_cast<double>(validPixels) : 0.0;
    }
};

} // namespace losslens
