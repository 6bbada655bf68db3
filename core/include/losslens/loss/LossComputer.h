#pragma once

#include "losslens/loss/Annotation.h"
#include "losslens/loss/LossConfig.h"
#include "losslens/loss/LossResult.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"

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
// (spec sections 1 and 4). `annotation` is the sample's declaration of which classes it was
// annotated for; the missing set M every variant uses is derived from it and the label map
// here and nowhere else. The default (no declaration) is the article's rule. Thread-safe.
[[nodiscard]] LossResult computeLoss(const LabelMap& labels, const Prediction& prediction,
                                     const LossConfig& config = {},
                                     VariantMask variants = kAllVariants,
                                     const Annotation& annotation = {});

// The same into `result`, reusing its buffers when they already have the sample's size (no
// allocation, no zero fill): for a pipeline or benchmark that scores sample after sample.
void computeLoss(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                 VariantMask variants, LossResult& result, const Annotation& annotation = {});

// The same summary without any map: what `stats` needs. Nothing is allocated in proportion to
// the image; the maps and masks live a block at a time in cache.
[[nodiscard]] SampleSummary summarizeLoss(const LabelMap& labels, const Prediction& prediction,
                                          const LossConfig& config = {},
                                          VariantMask variants = kAllVariants,
                                          const Annotation& annotation = {});

} // namespace losslens
