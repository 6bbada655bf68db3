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
    // Counts go to kWays tables taken in turn, folded into the statistics by take(): a
    // loss map is smooth, so neighbouring pixels fall in the same bin, and one table would
    // make each increment wait for the previous one's store (about 5 cycles a pixel, twice
    // per variant: it was most of the window's scan of a set of small samples).
    static constexpr std::size_t kWays = 4; // the counting loop is unrolled by 4
    void fold();

    std::size_t m_variants;
    int m_ignoreIndex;
    SampleStatistics m_statistics;
    LossHistogram::Binner m_binner;
    // Per variant, kWays tables of kHistogramBins + 1 counts; the last one counts the
    // ignored pixels, so the counting loop has no branch. 16-bit counts, folded before any
    // could pass 65,535: half the cache, and each table under the 4 KiB a scan may allocate
    // per sample (core_scanalloc_tests).
    std::vector<std::uint16_t> m_histogramCounts;
    std::vector<std::uint16_t> m_quantileCounts; // kWays tables of LossQuantiles::kBins + 1
    std::vector<std::uint16_t> m_groupCounts;    // kWays tables: a block's group of equal maps
    std::size_t m_unfolded = 0;                  // values counted since the last fold
    std::vector<std::int32_t> m_bins;            // a chunk's histogram then quantile bins
    std::vector<float> m_valid; // 1 where the block's pixel is not ignore_index, else 0
    // Per variant, the first variant whose block equals its own (itself when none does).
    std::vector<std::size_t> m_sameAs;
    std::vector<float> m_blockDifferences; // [a * count + b]: a block's largest |a - b|
};

} // namespace losslens
