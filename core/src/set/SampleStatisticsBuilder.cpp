#include "losslens/set/SampleStatisticsBuilder.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace losslens {

SampleStatisticsBuilder::SampleStatisticsBuilder(std::size_t variants, int ignoreIndex)
    : m_variants(variants)
    , m_ignoreIndex(ignoreIndex) {
    m_statistics.maxDifferences.assign(variants * variants, 0.0f);
    m_statistics.histograms.assign(variants, LossHistogram::make(kHistogramBins));
}

namespace {

// Lanes of the running maxima: independent accumulators the compiler turns into vector
// max instructions (a single running maximum is a serial chain it does not vectorise).
constexpr std::size_t kLanes = 16;

// The largest of v[i] (or |v[i] - w[i]|), at least `start`.
template <bool Difference>
float largest(const float* v, const float* w, std::size_t n, float start) {
    float lane[kLanes];
    std::fill(lane, lane + kLanes, start);
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j) {
            const float x = Difference ? std::abs(v[i + j] - w[i + j]) : v[i + j];
            lane[j] = lane[j] < x ? x : lane[j];
        }
    float top = *std::max_element(lane, lane + kLanes);
    for (; i < n; ++i)
        top = std::max(top, Difference ? std::abs(v[i] - w[i]) : v[i]);
    return top;
}

} // namespace

void SampleStatisticsBuilder::add(const LossBlock& block) {
    const std::size_t n = block.size();
    const std::uint16_t* y = block.labels.data();
    const std::size_t count = std::min(m_variants, block.maps.size());
    // Each map with its ignore_index pixels set to 0: losses are >= 0, so a 0 changes no
    // maximum, and the maxima below are plain loops over floats.
    m_masked.resize(count * n);
    const bool ignoreIsLabel = m_ignoreIndex >= 0 && m_ignoreIndex <= 0xffff;
    const auto ignore = static_cast<std::uint16_t>(ignoreIsLabel ? m_ignoreIndex : 0);
    m_valid.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        m_valid[i] = !ignoreIsLabel || y[i] != ignore ? 1.0f : 0.0f;
    for (std::size_t a = 0; a < count; ++a) {
        const float* va = block.maps[a];
        if (va == nullptr)
            continue;
        const std::span<const float> values(va, n);
        m_statistics.histograms[a].add(values, block.labels, m_ignoreIndex);
        m_statistics.quantiles.add(values, block.labels, m_ignoreIndex);
        float* masked = m_masked.data() + a * n;
        for (std::size_t i = 0; i < n; ++i)
            masked[i] = va[i] * m_valid[i];
        m_statistics.maxLoss = largest<false>(masked, nullptr, n, m_statistics.maxLoss);
    }
    for (std::size_t a = 0; a < count; ++a)
        for (std::size_t b = a + 1; b < count; ++b) {
            if (block.maps[a] == nullptr || block.maps[b] == nullptr)
                continue;
            float& ab = m_statistics.maxDifferences[a * m_variants + b];
            ab = largest<true>(m_masked.data() + a * n, m_masked.data() + b * n, n, ab);
            m_statistics.maxDifferences[b * m_variants + a] = ab;
        }
}

SampleStatistics SampleStatisticsBuilder::take() {
    return std::exchange(m_statistics, SampleStatistics());
}

} // namespace losslens
