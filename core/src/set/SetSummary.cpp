#include "losslens/set/SetSummary.h"

namespace losslens {

namespace {
template <typename T> void addInto(std::vector<T>& target, const std::vector<T>& values) {
    if (target.size() < values.size())
        target.resize(values.size(), T{});
    for (std::size_t i = 0; i < values.size(); ++i)
        target[i] += values[i];
}

template <typename T>
void addInto(std::vector<std::vector<T>>& target, const std::vector<std::vector<T>>& values) {
    if (target.size() < values.size())
        target.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        addInto(target[i], values[i]);
}
} // namespace

void SetSummary::add(const SampleSummary& sample) {
    ++m_samples;
    m_validPixels += sample.validPixels;
    m_backgroundPixels += sample.backgroundPixels;
    m_removedPixels += sample.removedPixels;
    addInto(m_sums, sample.sums);
    // A summary without weights is from before weighted variants: each valid pixel counts 1.
    if (sample.weights.size() == sample.sums.size())
        addInto(m_weights, sample.weights);
    else
        addInto(m_weights,
                std::vector<double>(sample.sums.size(), static_cast<double>(sample.validPixels)));
    addInto(m_classSums, sample.classSums);
    addInto(m_classReduced, sample.classReduced);
    addInto(m_classPixels, sample.classPixels);
}

void SetSummary::merge(const SetSummary& other) {
    m_samples += other.m_samples;
    m_validPixels += other.m_validPixels;
    m_backgroundPixels += other.m_backgroundPixels;
    m_removedPixels += other.m_removedPixels;
    addInto(m_sums, other.m_sums);
    addInto(m_weights, other.m_weights);
    addInto(m_classSums, other.m_classSums);
    addInto(m_classReduced, other.m_classReduced);
    addInto(m_classPixels, other.m_classPixels);
}

SetSummary SetSummary::fromTotals(const SampleSummary& totals, int samples) {
    SetSummary set;
    set.add(totals);
    set.m_samples = samples;
    return set;
}

double SetSummary::mean(std::size_t variant) const {
    if (variant >= m_sums.size() || variant >= m_weights.size() || m_weights[variant] <= 0.0)
        return 0.0;
    return m_sums[variant] / m_weights[variant];
}

double SetSummary::classMean(std::size_t variant, std::size_t labelClass) const {
    if (variant >= m_classSums.size() || labelClass >= m_classSums[variant].size() ||
        labelClass >= m_classPixels.size() || m_classPixels[labelClass] <= 0)
        return 0.0;
    return m_classSums[variant][labelClass] / static_cast<double>(m_classPixels[labelClass]);
}

double SetSummary::reducedShare(std::size_t variant, std::size_t labelClass) const {
    if (variant >= m_classReduced.size() || labelClass >= m_classReduced[variant].size() ||
        labelClass >= m_classPixels.size() || m_classPixels[labelClass] <= 0)
        return 0.0;
    return static_cast<double>(m_classReduced[variant][labelClass]) /
           static_cast<double>(m_classPixels[labelClass]);
}

} // namespace losslens
