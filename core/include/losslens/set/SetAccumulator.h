#pragma once

#include "losslens/loss/SampleSummary.h"
#include "losslens/set/SampleStatistics.h"
#include "losslens/set/SetSummary.h"

#include <cstddef>
#include <vector>

namespace losslens {

// The one place a set's numbers are gathered from its samples, in any order and in
// pieces: the pixel-weighted summary, the class count the set turned out to have, and,
// for samples scored with statistics, the largest loss, the largest difference of each
// pair of variants and the summed histograms. processSet, the window's background scan and
// anything that scores a set in shards add samples here and merge the pieces.
class SetAccumulator {
public:
    // `statistics` may be null (or empty) when the sample was scored without them.
    void add(const SampleSummary& summary, const SampleStatistics* statistics = nullptr);
    // Everything `other` gathered, as if its samples had been added here.
    void merge(const SetAccumulator& other);

    [[nodiscard]] const SetSummary& summary() const noexcept { return m_summary; }
    // C of the first sample added (every sample of a set has the same C); 0 before any.
    [[nodiscard]] int classCount() const noexcept { return m_classCount; }
    [[nodiscard]] float maxLoss() const noexcept { return m_maxLoss; }
    // The V x V matrix of largest |A - B| over the samples with statistics.
    [[nodiscard]] const std::vector<float>& maxDifferences() const noexcept {
        return m_maxDifferences;
    }
    [[nodiscard]] float maxDifference(std::size_t a, std::size_t b) const;
    [[nodiscard]] const std::vector<LossHistogram>& histograms() const noexcept {
        return m_histograms;
    }
    // Every variant's valid pixels of the samples added with statistics, pooled: the robust
    // colour range's source.
    [[nodiscard]] const LossQuantiles& quantiles() const noexcept { return m_quantiles; }

private:
    void addStatistics(float maxLoss, const std::vector<float>& maxDifferences,
                       const std::vector<LossHistogram>& histograms);

    SetSummary m_summary;
    int m_classCount = 0;
    float m_maxLoss = 0.0f;
    std::vector<float> m_maxDifferences;
    std::vector<LossHistogram> m_histograms;
    LossQuantiles m_quantiles;
};

} // namespace losslens
