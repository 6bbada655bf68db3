#include "losslens/set/LossQuantiles.h"

#include "set/CountBins.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace losslens {

namespace {
constexpr int kMantissaShift = 23 - 4; // 16 = 2^4 sub-bins per octave
static_assert((1 << (23 - kMantissaShift)) == LossQuantiles::kSubBins);
// The float bits of 2^kMinExponent, shifted: a positive float's bits grow with its value, so
// (bits >> shift) - base counts sub-bins from the grid's bottom.
constexpr std::int32_t kBase = (127 + LossQuantiles::kMinExponent) << (23 - kMantissaShift);
} // namespace

LossQuantiles::LossQuantiles()
    : m_counts(static_cast<std::size_t>(kBins), 0) {}

int LossQuantiles::binOf(float value) {
    if (!(value > 0.0f))
        return 0; // zero (and anything not positive) goes to the bottom bin
    const auto bits = std::bit_cast<std::int32_t>(value);
    const std::int32_t grid = (bits >> kMantissaShift) - kBase;
    if (grid < 0)
        return 0;
    return std::min<std::int32_t>(grid + 1, kBins - 1);
}

float LossQuantiles::upperEdge(int bin) {
    if (bin <= 0)
        return std::ldexp(1.0f, kMinExponent);
    if (bin >= kBins - 1)
        return std::numeric_limits<float>::max();
    // Grid bin g = bin - 1 holds [2^(e) * (1 + s/16), 2^e * (1 + (s+1)/16)).
    const int g = bin - 1;
    const int exponent = kMinExponent + g / kSubBins;
    const int sub = g % kSubBins;
    return std::ldexp(1.0f + static_cast<float>(sub + 1) / kSubBins, exponent);
}

void LossQuantiles::add(const LossMap& map, const LabelMap& labels, int ignoreIndex) {
    add(map.values(), labels.values(), ignoreIndex);
}

void LossQuantiles::add(std::span<const float> values, std::span<const std::uint16_t> y,
                        int ignoreIndex) {
    // binOf, branch-free.
    const auto bin = [](float v) {
        const std::int32_t grid = (std::bit_cast<std::int32_t>(v) >> kMantissaShift) - kBase;
        const std::int32_t b = grid < 0 ? 0 : std::min<std::int32_t>(grid + 1, kBins - 1);
        return v > 0.0f ? b : 0;
    };
    m_total += detail::countBins(values, y, ignoreIndex, bin, m_counts.data());
}

void LossQuantiles::merge(const LossQuantiles& other) {
    for (std::size_t i = 0; i < m_counts.size(); ++i)
        m_counts[i] += other.m_counts[i];
    m_total += other.m_total;
}

float LossQuantiles::quantile(double q) const {
    if (m_total == 0)
        return 0.0f;
    const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(m_total);
    std::int64_t seen = 0;
    for (int bin = 0; bin < kBins; ++bin) {
        seen += m_counts[static_cast<std::size_t>(bin)];
        if (seen > 0 && static_cast<double>(seen) >= target)
            return upperEdge(bin);
    }
    return upperEdge(kBins - 1);
}

} // namespace losslens
