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
    SampleStatisticsBuilder() = default; // reset() before the first block
    // `variants`: the length of a block's maps (lossVariants().size(), or a LossResult's
    // maps.size(), at most 64); blocks leave a variant's entry null when it was not scored.
    SampleStatisticsBuilder(std::size_t variants, int ignoreIndex);

    // Starts another sample, keeping every buffer (a scan's worker makes one builder).
    void reset(std::size_t variants, int ignoreIndex);
    void add(const LossBlock& block);
    // A sink that adds each block here; valid while this builder lives.
    [[nodiscard]] LossBlockSink sink() {
        return [this](const LossBlock& block) { add(block); };
    }
    [[nodiscard]] SampleStatistics take();

private:
    // A value's histogram bin h and quantile bin q both grow with it, so h + q names the
    // pair (h, q) it falls in: one count per value gives both the histogram and the
    // quantiles (two counts per value, one per table, were most of the statistics' time).
    // Counts go to kWays tables taken in turn, folded by fold(): a loss map is smooth, so
    // neighbouring pixels fall in the same slot, and one table would make each increment
    // wait for the previous one's store.
    static constexpr std::size_t kWays = 4; // the counting loop is unrolled by 4
    // The tables of one set of variants whose blocks were equal (each value counted once
    // for all of them): `members` is a bit mask of variants.
    struct Tables {
        std::uint64_t members = 0;
        std::size_t unfolded = 0; // values counted since its last fold
    };
    [[nodiscard]] std::size_t tablesOf(std::uint64_t members);
    void fold(std::size_t tables);

    std::size_t m_variants = 0;
    int m_ignoreIndex = -1;
    SampleStatistics m_statistics;
    LossHistogram::Binner m_binner{};
    std::vector<Tables> m_tables;
    // Per Tables, kWays tables of 16-bit counts, one slot per h + q and the last for ignored
    // pixels (the counting loop has no branch), folded before any count could pass 65,535.
    std::vector<std::uint16_t> m_counts;
    std::vector<std::int32_t> m_slots; // a chunk's slots
    std::vector<float> m_valid;        // 1 where the block's pixel is not ignore_index, else 0
    // Per variant, the first variant whose block equals its own (itself when none does).
    std::vector<std::size_t> m_sameAs;
    std::vector<float> m_blockDifferences; // [a * count + b]: a block's largest |a - b|
};

} // namespace losslens
