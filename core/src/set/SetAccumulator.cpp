#include "losslens/set/SetAccumulator.h"

#include <algorithm>

namespace losslens {

void SetAccumulator::add(const SampleSummary& summary, const SampleStatistics* statistics) {
    m_summary.add(summary);
    if (m_classCount == 0)
        m_classCount = summary.classes;
    if (statistics != nullptr) {
        addStatistics(statistics->maxLoss, statistics->maxDifferences, statistics->histograms);
        m_quantiles.merge(statistics->quantiles);
    }
}

void SetAccumulator::merge(const SetAccumulator& other) {
    m_summary.merge(other.m_summary);
    if (m_classCount == 0)
        m_classCount = other.m_classCount;
    addStatistics(other.m_maxLoss, other.m_maxDifferences, other.m_histograms);
    m_quantiles.merge(other.m_quantiles);
}

void SetAccumulator::addStatistics(float maxLoss, const std::vector<float>& maxDifferences,
                                   const std::vector<LossHistogram>& histograms) {
    m_maxLoss = std::max(m_maxLoss, maxLoss);
    if (m_maxDifferences.size() < maxDifferences.size())
        m_maxDifferences.resize(maxDifferences.size(), 0.0f);
    for (std::size_t k = 0; k < maxDifferences.size(); ++k)
        m_maxDifferences[k] = std::max(m_maxDifferences[k], maxDifferences[k]);
    if (m_histograms.empty()) {
        m_histograms = histograms;
        return;
    }
    for (std::size_t v = 0; v < histograms.size() && v < m_histograms.size(); ++v)
        m_histograms[v].merge(histograms[v]);
}

float SetAccumulator::maxDifference(std::size_t a, std::size_t b) const {
    return pairEntry(m_maxDifferences, a, b);
}

} // namespace losslens
