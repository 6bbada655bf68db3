#pragma once

#include "losslens/SampleSummary.h"

#include <cstdint>
#include <vector>

namespace losslens {

// Pixel-weighted totals over a set of samples (a Keras batch mean): the set's mean is the
// sum over all valid pixels divided by their count, not the mean of sample means.
class SetSummary {
public:
    void add(const SampleSummary& sample);

    [[nodiscard]] int samples() const noexcept { return m_samples; }
    [[nodiscard]] std::int64_t validPixels() const noexcept { return m_validPixels; }
    [[nodiscard]] std::int64_t backgroundPixels() const noexcept { return m_backgroundPixels; }
    [[nodiscard]] std::int64_t removedPixels() const noexcept { return m_removedPixels; }
    [[nodiscard]] double mean(std::size_t variant) const;
    [[nodiscard]] const std::vector<double>& sums() const noexcept { return m_sums; }
    [[nodiscard]] const std::vector<std::vector<double>>& classSums() const noexcept {
        return m_classSums;
    }
    [[nodiscard]] const std::vector<std::int64_t>& classPixels() const noexcept {
        return m_classPixels;
    }

private:
    int m_samples = 0;
    std::int64_t m_validPixels = 0;
    std::int64_t m_backgroundPixels = 0;
    std::int64_t m_removedPixels = 0;
    std::vector<double> m_sums;
    std::vector<std::vector<double>> m_classSums;
    std::vector<std::int64_t> m_classPixels;
};

} // namespace losslens
