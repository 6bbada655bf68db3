#include "losslens/set/LossHistogram.h"

#include "set/CountBins.h"

#include <algorithm>
#include <cstdint>

namespace losslens {

LossHistogram LossHistogram::make(int bins, float lo, float hi) {
    LossHistogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(static_cast<std::size_t>(std::max(bins, 1)), 0);
    return h;
}

void LossHistogram::add(const LossMap& map, const LabelMap& labels, int ignoreIndex) {
    add(map.values(), labels.values(), ignoreIndex);
}

void LossHistogram::add(std::span<const float> values, std::span<const std::uint16_t> y,
                        int ignoreIndex) {
    (void)detail::countBins(values, y, ignoreIndex, binner(), counts.data());
}

LossHistogram::Binner LossHistogram::binner() const {
    const auto bins = static_cast<float>(counts.size());
    return {lo, hi > lo ? bins / (hi - lo) : 0.0f, static_cast<float>(counts.size() - 1)};
}

void LossHistogram::merge(const LossHistogram& other) {
    if (counts.size() != other.counts.size())
        return;
    for (std::size_t i = 0; i < counts.size(); ++i)
        counts[i] += other.counts[i];
}

float LossHistogram::binCentre(std::size_t bin) const {
    return lo + (hi - lo) * (static_cast<float>(bin) + 0.5f) / static_cast<float>(counts.size());
}

float LossHistogram::binUpperEdge(std::size_t bin) const {
    return lo + (hi - lo) * static_cast<float>(bin + 1) / static_cast<float>(counts.size());
}

std::int64_t LossHistogram::total() const {
    std::int64_t n = 0;
    for (std::int64_t c : counts)
        n += c;
    return n;
}

} // namespace losslens
