#include "render/HeatmapRange.h"
#include "render/RunDifference.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace losslens {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("HeatmapRange", text);
}
bool setMode(RangeMode mode) {
    return mode == RangeMode::SetRobust || mode == RangeMode::SetMax;
}
} // namespace

RangeMode effectiveRangeMode(const HeatmapSource& source, RangeMode chosen) {
    if (chosen == RangeMode::Fixed || source.isVariant())
        return chosen;
    if (source.isRunDifference())
        return RangeMode::SampleMax; // the pair in view is all there is of the other run
    return setMode(chosen) ? RangeMode::SetMax : RangeMode::SampleMax;
}

std::vector<RangeMode> rangeModesFor(const HeatmapSource& source) {
    switch (source.kind) {
    case HeatmapSource::Kind::Variant:
        return {RangeMode::SetRobust, RangeMode::SetMax, RangeMode::SampleRobust,
                RangeMode::SampleMax, RangeMode::Fixed};
    case HeatmapSource::Kind::Difference:
        return {RangeMode::SetMax, RangeMode::SampleMax, RangeMode::Fixed};
    case HeatmapSource::Kind::RunDifference:
        return {RangeMode::SampleMax, RangeMode::Fixed};
    }
    return {};
}

QString rangeModeLabel(const HeatmapSource& source, RangeMode mode) {
    const RangeMode m = effectiveRangeMode(source, mode);
    if (m == RangeMode::Fixed)
        return tr("Fixed");
    if (source.isRunDifference())
        return tr("Sample, max |this − vs|");
    if (source.isDifference())
        return m == RangeMode::SetMax ? tr("Set, max |A − B|") : tr("Sample, max |A − B|");
    switch (m) {
    case RangeMode::SetRobust:
        return tr("Set, 99th pct");
    case RangeMode::SetMax:
        return tr("Set, max");
    case RangeMode::SampleRobust:
        return tr("Sample, 99th pct");
    case RangeMode::SampleMax:
        return tr("Sample, max");
    case RangeMode::Fixed:
        break;
    }
    return tr("Fixed");
}

QString rangeCaption(const HeatmapSource& source, RangeMode chosen, bool setScored) {
    const RangeMode m = effectiveRangeMode(source, chosen);
    if (m == RangeMode::Fixed)
        return tr("fixed");
    if (source.isRunDifference())
        return tr("sample max\n|this − vs|");
    if (source.isDifference())
        return m == RangeMode::SetMax && setScored
                   ? tr("set max\n|A − B|")
                   : (m == RangeMode::SetMax ? tr("sample max\n|A − B|\n(set: scoring)")
                                             : tr("sample max\n|A − B|"));
    switch (m) {
    case RangeMode::SetRobust:
        return setScored ? tr("set p99") : tr("sample p99\n(set: scoring)");
    case RangeMode::SetMax:
        return setScored ? tr("set max") : tr("sample max\n(set: scoring)");
    case RangeMode::SampleRobust:
        return tr("sample p99");
    case RangeMode::SampleMax:
        return tr("sample max");
    case RangeMode::Fixed:
        break;
    }
    return tr("fixed");
}

bool usesLogScale(const HeatmapSource& source, const ViewSettings& settings) {
    return settings.logScale && !source.diverging();
}

bool usesLogScale(const ViewSettings& settings) {
    return usesLogScale(settings.heatmap, settings);
}

ValueRange heatmapRange(const ViewSettings& settings, const RangeSources& in) {
    return heatmapRange(settings.heatmap, settings, in);
}

ValueRange heatmapRange(const HeatmapSource& source, const ViewSettings& settings,
                        const RangeSources& in) {
    const RangeMode mode = effectiveRangeMode(source, settings.rangeMode);
    const bool set = in.setScored && setMode(mode);
    if (source.diverging()) {
        float m = std::max(std::abs(settings.fixedRange.lo), std::abs(settings.fixedRange.hi));
        if (mode != RangeMode::Fixed)
            m = source.isRunDifference() ? in.pairMaxDifference
                                         : (set ? in.setMaxDifference : in.sampleMaxDifference);
        if (!(m > 0.0f))
            m = 1.0f;
        return {-m, m};
    }
    float lo = 0.0f;
    float hi = 0.0f;
    switch (mode) {
    case RangeMode::SetRobust:
    case RangeMode::SampleRobust:
        hi = set ? in.setRobust : in.sampleRobust;
        break;
    case RangeMode::SetMax:
    case RangeMode::SampleMax:
        hi = set ? in.setMax : in.sampleMax;
        break;
    case RangeMode::Fixed:
        lo = settings.fixedRange.lo;
        hi = settings.fixedRange.hi;
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
    return scaleIndex(v, range, log);
}

RangeClipping rangeClipping(const SampleData& data, const HeatmapSource& source, bool log,
                            int ignoreIndex, ValueRange range, const SampleData* other) {
    RangeClipping clip;
    const std::size_t variants = data.loss.maps.size();
    if (variants == 0 || source.a >= variants || source.b >= variants)
        return clip;
    if (source.isRunDifference()) {
        if (other == nullptr || !comparable(data, *other))
            return clip;
        forEachRunDifference(data, *other, source.a, ignoreIndex, [&](std::span<const float> d) {
            for (float v : d) {
                clip.below += v < range.lo ? 1 : 0;
                clip.above += v > range.hi ? 1 : 0;
            }
            clip.valid += static_cast<std::int64_t>(d.size());
        });
        return clip;
    }
    const bool diff = source.isDifference();
    const std::size_t a = source.a;
    const std::size_t b = diff ? source.b : a;
    // A log scale's lower end clips values at or below it (they take the bottom colour).
    forEachBlock(data, source.variants(), [&](const LossBlock& block) {
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
