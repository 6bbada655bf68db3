#pragma once

#include "losslens/loss/SampleSummary.h"

#include <cstdint>
#include <vector>

namespace losslens {

// Pixel-weighted totals over a set of samples (a Keras batch mean): the set's mean is the
// sum over all valid pixels divided by their count (by the sum of pixel weights for the
// weighted and drop variants), not the mean of sample means.
class SetSummary {
public:
    void add(const SampleSummary& sample);
    // Everything `other` summed, as if its samples had been added here.
    void merge(const SetSummary& other);
    // A summary from totals carried elsewhere (a shard's output): `totals` holds the sums and
    // counts of `samples` samples.
    [[nodiscard]] static SetSummary fromTotals(const SampleSummary& totals, int samples);

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
    [[nodiscard]] const std::vector<double>& weights() const noexcept { return m_weights; }
    [[nodiscard]] const std::vector<std::vector<std::int64_t>>& classReduced() const noexcept {
        return m_classReduced;
    }
    // Mean of the variant's map over the set's valid pixels labelled `labelClass` (0 when
    // there are none): what each class costs under each variant, comparable across them.
    [[nodiscard]] double classMean(std::size_t variant, std::size_t labelClass) const;
    // Share (0..1) of the set's valid pixels labelled `labelClass` whose penalty the
    // variant removes or softens (its loss below the standard loss).
    [[nodiscard]] double reducedShare(std::size_t variant, std::size_t labelClass) const;

private:
    int m_samples = 0;
    std::int64_t m_validPixels = 0;
    std::int64_t m_backgroundPixels = 0;
    std::int64_t m_removedPixels = 0;
    std::vector<double> m_sums;
    std::vector<double> m_weights;
    std::vector<std::vector<std::int64_t>> m_classReduced;
    std::vector<std::vector<double>> m_classSums;
    std::vector<std::int64_t> m_classPixels;
};

} // namespace losslens
