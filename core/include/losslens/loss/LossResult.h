#pragma once

#include "losslens/loss/CandidatePixels.h"
#include "losslens/loss/LossBlock.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/loss/Raster.h"
#include "losslens/loss/SampleSummary.h"

#include <span>
#include <string_view>
#include <vector>

namespace losslens {

// Every per-pixel map of one sample and its summary, as one call of computeLoss makes them.
struct LossResult {
    std::vector<LossMap> maps; // one per registered variant, indexed like lossVariants()
    ByteImage bgWeight;        // w0(x): 0 where the predicted class is in the missing set, else 1
    ByteImage removed;         // 1 where y == 0 and w0 == 0: the partial variant's removals
    LabelMap argmax;           // k(x)
    SampleSummary summary;
    // Where a scan marked the sample's candidate pixels during its pass (ProcessOptions::
    // candidatePixels): valid while the visitor runs; else null.
    const CandidatePixels* candidatePixels = nullptr;

    [[nodiscard]] int width() const noexcept { return bgWeight.width(); }
    [[nodiscard]] int height() const noexcept { return bgWeight.height(); }
    // The map of a registered variant by name; throws std::out_of_range otherwise.
    [[nodiscard]] const LossMap& map(std::string_view variantName) const;
};

// The largest value of the given variants' maps (every variant when `variants` is empty)
// over pixels not labelled ignoreIndex; 0 when there is none. Heatmap ranges start here.
[[nodiscard]] float maxLoss(const LossResult& result, const LabelMap& labels, int ignoreIndex,
                            std::span<const std::size_t> variants = {});

// The largest |A - B| between two variants' maps over pixels not labelled ignoreIndex.
[[nodiscard]] float maxDifference(const LossResult& result, const LabelMap& labels, int ignoreIndex,
                                  std::size_t a, std::size_t b);

// The kept maps of `variants` handed to `sink` a block of pixels at a time, as a pass hands
// its blocks (a variant whose map is not kept, or not asked for, is null): one way to run a
// block statistic over maps a result holds and over a pass that holds none.
void forEachBlock(const LossResult& result, const LabelMap& labels, VariantMask variants,
                  const LossBlockSink& sink);

// The entry for variants a and b of such a matrix (0 when it is empty or too small).
[[nodiscard]] float pairEntry(const std::vector<float>& matrix, std::size_t a, std::size_t b);

} // namespace losslens
