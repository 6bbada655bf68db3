#pragma once

#include "losslens/loss/Raster.h"

#include <cstdint>
#include <span>
#include <vector>

namespace losslens {

// Counts of loss values on a logarithmic grid fine enough for a colour scale's end: 16 bins
// per octave (each bin spans 4.4%) from 2^-20 (about 1e-6) to 2^5 = 32, plus one bin for
// everything below (zero included) and one above. A bin is read from a float's exponent and
// top mantissa bits, so adding a map is a few integer operations per pixel. The set's and a
// sample's robust colour range come from here: a linear histogram of the range a loss can
// take (0 to 16.1) cannot tell 0.01 from 0.2, where a trained model's losses live.
class LossQuantiles {
public:
    static constexpr int kSubBins = 16; // per octave
    static constexpr int kMinExponent = -20;
    static constexpr int kMaxExponent = 5;
    static constexpr int kBins = (kMaxExponent - kMinExponent) * kSubBins + 2;

    LossQuantiles();
    // Every valid pixel (label != ignoreIndex) of the map.
    void add(const LossMap& map, const LabelMap& labels, int ignoreIndex);
    // The same for a run of pixels (a block of a pass).
    void add(std::span<const float> values, std::span<const std::uint16_t> labels, int ignoreIndex);
    void merge(const LossQuantiles& other);
    [[nodiscard]] std::int64_t total() const noexcept { return m_total; }
    // The upper edge of the bin holding the q-quantile (0 < q <= 1): never below the true
    // quantile, at most 4.4% above it (or 2^-20 when it is smaller). 0 when nothing is counted.
    [[nodiscard]] float quantile(double q) const;
    [[nodiscard]] static int binOf(float value);
    [[nodiscard]] static float upperEdge(int bin);

private:
    std::vector<std::int64_t> m_counts;
    std::int64_t m_total = 0;
};

} // namespace losslens
