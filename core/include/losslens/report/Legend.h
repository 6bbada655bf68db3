#pragma once

#include "losslens/report/Colormap.h"
#include "losslens/report/ValueRange.h"

#include <string>
#include <vector>

namespace losslens {

// How an export's heatmaps are coloured, so a file on disk can be read back: the value
// range, the colour map and the scale. Written into summary.json (and a sample export's own
// JSON) and drawn as a legend PNG beside the heatmaps.
struct HeatmapScale {
    ValueRange range;
    std::string colormap = "viridis"; // a colour map name, or "blue-white-red"
    bool log = false;
};

// The colour table a scale names (viridis ... gray, or blue-white-red).
[[nodiscard]] const ColormapLut& scaleLut(const HeatmapScale& scale);

// The values a legend marks: five evenly spaced over the range, or on a log scale the lower
// end, the powers of ten inside and the upper end.
[[nodiscard]] std::vector<double> legendTicks(const HeatmapScale& scale);

// A legend as PNG bytes: a title ("partial loss"), a horizontal bar of the colour map, each
// column coloured as a heatmap colours the value at its centre, and the tick values under
// it (and "ignore" in the ignore grey).
[[nodiscard]] std::string encodeLegendPng(const HeatmapScale& scale, const std::string& title);

// The legend's size and where its bar lies, for tests that read colours back.
inline constexpr int kLegendWidth = 560;
inline constexpr int kLegendHeight = 96;
inline constexpr int kLegendBarLeft = 20;
inline constexpr int kLegendBarWidth = 520;
inline constexpr int kLegendBarTop = 30;
inline constexpr int kLegendBarHeight = 26;

} // namespace losslens
