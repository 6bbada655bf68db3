#pragma once

#include "losslens/LossConfig.h"
#include "losslens/LossResult.h"
#include "losslens/LossVariant.h"
#include "losslens/Prediction.h"
#include "losslens/Raster.h"

#include <stdexcept>

namespace losslens {

// Raised when a label map and a prediction cannot be scored together (sizes disagree, a
// label is >= C and not ignore_index). The message says which and where.
class LossError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Computes, for one sample, the per-pixel map of every variant in `variants` (the others'
// maps stay empty, their sums 0), w0, the removed-penalty mask, the argmax and the summary
// (spec section 1). Thread-safe: no shared state.
[[nodiscard]] LossResult computeLoss(const LabelMap& labels, const Prediction& prediction,
                                     const LossConfig& config = {},
                                     VariantMask variants = kAllVariants);

// The same into `result`, reusing its buffers when they already have the sample's size (no
// allocation, no zero fill): for a pipeline or benchmark that scores sample after sample.
void computeLoss(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                 VariantMask variants, LossResult& result);

} // namespace losslens
