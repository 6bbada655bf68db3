#pragma once

#include "losslens/report/Colormap.h"
#include "losslens/report/ValueRange.h"
#include "session/SampleData.h"
#include "state/ViewSettings.h"

#include <QString>

#include <cstdint>
#include <vector>

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
    float pairMaxDifference = -1.0f; // of a run difference's pair in view; < 0: not known yet
};

// Which rule of the range modes a source follows. A difference is scaled by the largest
// |A - B| (of the set or the sample): a percentile of losses means nothing for it; a run
// difference by the largest |difference| of the pair in view. Fixed stays fixed.
[[nodiscard]] RangeMode effectiveRangeMode(const HeatmapSource& source, RangeMode chosen);
// The range modes a user can choose for a source, in the order the range box lists them.
[[nodiscard]] std::vector<RangeMode> rangeModesFor(const HeatmapSource& source);
// The range box's item for a mode ("Set, 99th pct", "Set, max |A − B|").
[[nodiscard]] QString rangeModeLabel(const HeatmapSource& source, RangeMode mode);
// The colour bar's caption for where its range comes from; `setScored` says whether the
// set's figures exist yet (until then the sample's stand in, and the caption says so).
[[nodiscard]] QString rangeCaption(const HeatmapSource& source, RangeMode chosen, bool setScored);

// The value range a source is drawn over with these settings: [0, hi] from the chosen mode
// (or the user's fixed range); with a log scale the lower end is hi / 1000 (or the user's,
// when positive); for a difference symmetric around 0 from the largest |A - B|, for a run
// difference from the pair's largest |difference|.
[[nodiscard]] ValueRange heatmapRange(const HeatmapSource& source, const ViewSettings& settings,
                                      const RangeSources& sources);
// The settings' own source.
[[nodiscard]] ValueRange heatmapRange(const ViewSettings& settings, const RangeSources& sources);
// Whether a source is drawn on a log scale (never a difference).
[[nodiscard]] bool usesLogScale(const HeatmapSource& source, const ViewSettings& settings);
[[nodiscard]] bool usesLogScale(const ViewSettings& settings);
// The colour-map index of a value: linear over the range, or by log(v) (v <= lo: 0).
[[nodiscard]] std::uint8_t heatIndex(float v, ValueRange range, bool log);

// How many valid pixels of a source (a variant, or A - B; a run difference needs `other`)
// fall below and above the range: the colour bar marks an end that clips.
struct RangeClipping {
    std::int64_t below = 0;
    std::int64_t above = 0;
    std::int64_t valid = 0;
};
[[nodiscard]] RangeClipping rangeClipping(const SampleData& data, const HeatmapSource& source,
                                          bool log, int ignoreIndex, ValueRange range,
                                          const SampleData* other = nullptr);

} // namespace losslens
