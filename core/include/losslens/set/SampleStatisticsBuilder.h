#pragma once

#include "losslens/loss/LossBlock.h"
#include "losslens/set/SampleStatistics.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace losslens {

// Makes a sample's SampleStatistics a block at a time, from the blocks a loss pass hands its
// sink (computeLoss, summarizeLoss): so the window's scan and its viewer get every variant's
// maxima, histograms and quantiles of an 8192 x 8192 sample without six image-sized maps.
// sampleStatistics (from kept maps) is this over the maps, so both agree by construction.
class SampleStatisticsBuilder {
public:
    // `variants`: the length of a block's maps (lossVariants().size(), or a LossResult's
    // maps.size()); blocks leave a variant's entry null when it was not scored.
    SampleStatisticsBuilder(std::size_t variants, int ignoreIndex);

    void add(const LossBlock& block);
    // A sink that adds each block here; valid while this builder lives.
    [[nodiscard]] LossBlockSink sink() {
        return [this](const LossBlock& block) { add(block); };
    }
    [[nodiscard]] SampleStatistics take();

private:
    std::size_t m_variants;
    int m_ignoreIndex;
    SampleStatistics m_statistics;
    std::vector<float> m_valid;  // 1 where the block's pixel is not ignore_index, else 0
    std::vector<float> m_masked; // each variant's block times m_valid
};

} // namespace losslens
