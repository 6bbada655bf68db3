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

void SampleStatisticsBuilder::add(const LossBlock& block) {
    const std::size_t n = block.size();
    const std::uint16_t* y = block.labels.data();
    const auto ignore = static_cast<std::uint16_t>(m_ignoreIndex);
    const bool ignoreIsLabel = m_ignoreIndex >= 0 && m_ignoreIndex <= 0xffff;
    const auto valid = [&](std::size_t i) { return !ignoreIsLabel || y[i] != ignore; };
    const std::size_t count = std::min(m_variants, block.maps.size());
    for (std::size_t a = 0; a < count; ++a) {
        const float* va = block.maps[a];
        if (va == nullptr)
            continue;
        const std::span<const float> values(va, n);
        m_statistics.histograms[a].add(values, block.labels, m_ignoreIndex);
        m_statistics.quantiles.add(values, block.labels, m_ignoreIndex);
        float top = m_statistics.maxLoss;
        for (std::size_t i = 0; i < n; ++i)
            if (valid(i))
                top = std::max(top, va[i]);
        m_statistics.maxLoss = top;
        for (std::size_t b = a + 1; b < count; ++b) {
            const float* vb = block.maps[b];
            if (vb == nullptr)
                continue;
            float diff = m_statistics.maxDifferences[a * m_variants + b];
            for (std::size_t i = 0; i < n; ++i)
                if (valid(i))
                    diff = std::max(diff, std::abs(va[i] - vb[i]));
            m_statistics.maxDifferences[a * m_variants + b] = diff;
            m_statistics.maxDifferences[b * m_variants + a] = diff;
        }
    }
}

SampleStatistics SampleStatisticsBuilder::take() {
    return std::exchange(m_statistics, SampleStatistics());
}

} // namespace losslens
