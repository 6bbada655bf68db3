#include "losslens/set/LossQuantiles.h"

#include "set/CountBins.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace losslens {

static_assert((1 << 4) == LossQuantiles::kSubBins);

// The bins are allocated by the first count: a sample that failed, or a set's outcome that
// was never scored, keeps none (3.2 KiB each: 100,000 unscored samples of a COCO file were
// 321 MB of zeros).
LossQuantiles::LossQuantiles() = default;

void LossQuantiles::allocate() {
    if (m_counts.empty())
        m_counts.assign(static_cast<std::size_t>(kBins), 0);
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
    allocate();
    const auto bin = [](float v) { return binOf(v); };
    m_total += detail::countBins(values, y, ignoreIndex, bin, m_counts.data());
}

void LossQuantiles::merge(const LossQuantiles& other) {
    if (other.m_counts.empty())
        return;
    allocate();
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
