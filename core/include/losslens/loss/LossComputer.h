#pragma once

#include "losslens/loss/Annotation.h"
#include "losslens/loss/LossBlock.h"
#include "losslens/loss/LossConfig.h"
#include "losslens/loss/LossResult.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"

#include <span>
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

// What a pass keeps besides the summary, and who sees its blocks: a window showing an
// 8192 x 8192 sample keeps the masks but no map (it draws what is on screen with
// computeLossAt) and takes every variant's statistics from the blocks.
struct LossOutputs {
    VariantMask keptMaps = kAllVariants; // scored variants whose maps the result keeps
    LossBlockSink sink;                  // each block of every scored variant, in order
};
void computeLoss(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                 VariantMask variants, LossResult& result, const Annotation& annotation,
                 const LossOutputs& outputs);

// The same summary without any map: what `stats` needs. Nothing is allocated in proportion to
// the image; the maps and masks live a block at a time in cache.
[[nodiscard]] SampleSummary summarizeLoss(const LabelMap& labels, const Prediction& prediction,
                                          const LossConfig& config = {},
                                          VariantMask variants = kAllVariants,
                                          const Annotation& annotation = {},
                                          const LossBlockSink& sink = {});

// The variants' values and masks at the pixels of a grid of the sample, columns xs x rows ys
// (an entry of -1, off the image, is scored as ignore_index): the result is xs.size() wide
// and ys.size() high. What a window draws of a sample whose maps it does not keep; each value
// is the one computeLoss's map holds at that pixel, bit for bit (a pixel's loss does not
// depend on its neighbours or its block). `missing` is the whole sample's missing set M (its
// summary's): a grid's own labels cannot tell which classes the sample lacks. The summary is
// the grid's, not the sample's.
[[nodiscard]] LossResult computeLossAt(const LabelMap& labels, const Prediction& prediction,
                                       const LossConfig& config, VariantMask variants,
                                       std::span<const int> missing, std::span<const int> xs,
                                       std::span<const int> ys);

} // namespace losslens
