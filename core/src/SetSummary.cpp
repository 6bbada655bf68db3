#include "losslens/SetSummary.h"

namespace losslens {

void SetSummary::add(const SampleSummary& sample) {
    ++m_samples;
    m_validPixels += sample.validPixels;
    m_backgroundPixels += sample.backgroundPixels;
    m_removedPixels += sample.removedPixels;
    if (m_sums.size() < sample.sums.size())
        m_sums.resize(sample.sums.size(), 0.0);
    for (std::size_t v = 0; v < sample.sums.size(); ++v)
        m_sums[v] += sample.sums[v];
    if (m_classSums.size() < sample.classSums.size())
        m_classSums.resize(sample.classSums.size());
    for (std::size_t v = 0; v < sample.classSums.size(); ++v) {
        auto& target = m_classSums[v];
        if (target.size() < sample.classSums[v].size())
            target.resize(sample.classSums[v].size(), 0.0);
        for (std::size_t c = 0; c < sample.classSums[v].size(); ++c)
            target[c] += sample.classSums[v][c];
    }
    if (m_classPixels.size() < sample.classPixels.size())
        m_classPixels.resize(sample.classPixels.size(), 0);
    for (std::size_t c = 0; c < sample.classPixels.size(); ++c)
        m_classPixels[c] += sample.classPixels[c];
}

double SetSummary::mean(std::size_t variant) const {
    if (m_validPixels <= 0 || variant >= m_sums.size())
        return 0.0;
    return m_sums[variant] / static_cast<double>(m_validPixels);
}

} // namespace losslens
