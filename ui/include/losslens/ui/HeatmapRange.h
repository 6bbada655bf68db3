#pragma once

#include "losslens/report/Colormap.h"
#include "losslens/report/ValueRange.h"
#include "losslens/ui/SampleData.h"
#include "losslens/ui/ViewSettings.h"

#include <cstdint>

namespace losslens {

// The heatmap's value range and how a value maps into it: pure functions the view, the
// colour bar and the layers share, so the range has one home.

// What the range modes read: the set's figures, used once the scan has scored every sample
// (until then the sample's stand in, so the range does not creep up while the scan runs),
// and the viewed sample's. Robust figures are 99th percentiles over every variant.
inline constexpr double kRobustQuantile = 0.99;
struct RangeSources {
    bool setScored = false;
    float setMax = 0.0f;
    float setRobust = 0.0f;
    float setMaxDifference = 0.0f; // of the two variants a difference view compares
    float sampleMax = 0.0f;
    float sampleRobust = 0.0f;
    float sampleMaxDifference = 0.0f;
};

// The value range the heatmap uses for these settings: [0, hi] from the chosen mode (or the
// user's fixed range); with a log scale the lower end is hi / 1000 (or the user's, when
// positive); for the difference view symmetric around 0 from the largest |A - B|.
[[nodiscard]] ValueRange heatmapRange(const ViewSettings& settings, const RangeSources& sources);
// Whether the heatmap is drawn on a log scale (never for a difference).
[[nodiscard]] bool usesLogScale(const ViewSettings& settings);
// The colour-map index of a value: linear over the range, or by log(v) (v <= lo: 0).
[[nodiscard]] std::uint8_t heatIndex(float v, ValueRange range, bool log);

// How many valid pixels of the shown heatmap (the variant, or A - B) fall below and above
// the range: the colour bar marks an end that clips.
struct RangeClipping {
    std::int64_t below = 0;
    std::int64_t above = 0;
    std::int64_t valid = 0;
};
[[nodiscard]] RangeClipping rangeClipping(const SampleData& data, const ViewSettings& settings,
                                          int ignoreIndex, ValueRange range);

} // namespace losslens
