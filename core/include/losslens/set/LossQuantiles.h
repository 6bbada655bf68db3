#pragma once

#include "losslens/loss/Raster.h"

#include <bit>
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
    // Each bin's count (empty while nothing was counted): what a score index keeps.
    [[nodiscard]] const std::vector<std::int64_t>& counts() const noexcept { return m_counts; }
    // The upper edge of the bin holding the q-quantile (0 < q <= 1): never below the true
    // quantile, at most 4.4% above it (or 2^-20 when it is smaller). 0 when nothing is counted.
    [[nodiscard]] float quantile(double q) const;
    // Branch-free (a loop of it vectorises): zero, anything not positive and values below
    // the grid go to bin 0, values above it to the last.
    [[nodiscard]] static std::int32_t binOf(float value) {
        constexpr int kShift = 23 - 4; // 2^4 = kSubBins sub-bins per octave: top mantissa bits
        // The float bits of 2^kMinExponent, shifted: a positive float's bits grow with its
        // value, so (bits >> kShift) - kBase counts sub-bins from the grid's bottom.
        constexpr std::int32_t kBase = (127 + kMinExponent) << (23 - kShift);
        const std::int32_t grid = (std::bit_cast<std::int32_t>(value) >> kShift) - kBase;
        const std::int32_t bin = grid < 0 ? 0 : (grid + 1 < kBins - 1 ? grid + 1 : kBins - 1);
        return value > 0.0f ? bin : 0;
    }
    // Adds `count` values to `bin` (a bin of binOf): counts made elsewhere, in bulk.
    void addToBin(int bin, std::int64_t count) {
        allocate();
        m_counts[static_cast<std::size_t>(bin)] += count;
        m_total += count;
    }
    [[nodiscard]] static float upperEdge(int bin);

private:
    void allocate();

    std::vector<std::int64_t> m_counts; // kBins, or empty while nothing was counted
    std::int64_t m_total = 0;
};

} // namespace losslens
