#include "losslens/ui/HeatmapRange.h"

#include <algorithm>
#include <cmath>

namespace losslens {

bool usesLogScale(const ViewSettings& settings) {
    return settings.logScale && !settings.difference;
}

ValueRange heatmapRange(const ViewSettings& settings, const RangeSources& in) {
    const bool set = in.setScored && (settings.rangeMode == RangeMode::SetRobust ||
                                      settings.rangeMode == RangeMode::SetMax);
    if (settings.difference) {
        float m = std::max(std::abs(settings.rangeLo), std::abs(settings.rangeHi));
        if (settings.rangeMode != RangeMode::Fixed)
            m = set ? in.setMaxDifference : in.sampleMaxDifference;
        if (!(m > 0.0f))
            m = 1.0f;
        return {-m, m};
    }
    float lo = 0.0f;
    float hi = 0.0f;
    switch (settings.rangeMode) {
    case RangeMode::SetRobust:
    case RangeMode::SampleRobust:
        hi = set ? in.setRobust : in.sampleRobust;
        break;
    case RangeMode::SetMax:
    case RangeMode::SampleMax:
        hi = set ? in.setMax : in.sampleMax;
        break;
    case RangeMode::Fixed:
        lo = settings.rangeLo;
        hi = settings.rangeHi;
        if (!(hi > lo))
            hi = lo + 1.0f;
        break;
    }
    if (!(hi > lo))
        hi = lo + 1.0f;
    if (settings.logScale && !(lo > 0.0f && lo < hi))
        lo = hi / 1000.0f;
    return {lo, hi};
}

std::uint8_t heatIndex(float v, ValueRange range, bool log) {
    if (!log)
        return colormapIndex(v, range.lo, range.hi);
    if (!(v > range.lo))
        return 0;
    return colormapIndex(std::log(v), std::log(range.lo), std::log(range.hi));
}

RangeClipping rangeClipping(const SampleData& data, const ViewSettings& settings, int ignoreIndex,
                            ValueRange range) {
    RangeClipping clip;
    const std::size_t variants = data.loss.maps.size();
    if (variants == 0)
        return clip;
    const bool diff =
        settings.difference && settings.differenceA < variants && settings.differenceB < variants;
    const std::size_t a = diff ? settings.differenceA : std::min(settings.variant, variants - 1);
    const std::size_t b = diff ? settings.differenceB : a;
    // A log scale's lower end clips values at or below it (they take the bottom colour).
    const bool log = usesLogScale(settings);
    forEachBlock(data, (VariantMask{1} << a) | (VariantMask{1} << b), [&](const LossBlock& block) {
        const float* va = block.maps[a];
        const float* vb = block.maps[b];
        const std::uint16_t* y = block.labels.data();
        for (std::size_t i = 0; i < block.size(); ++i) {
            if (y[i] == ignoreIndex)
                continue;
            const float v = diff ? va[i] - vb[i] : va[i];
            ++clip.valid;
            clip.below += (log ? v <= range.lo : v < range.lo) ? 1 : 0;
            clip.above += v > range.hi ? 1 : 0;
        }
    });
    return clip;
}

} // namespace losslens
