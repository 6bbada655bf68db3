#pragma once

namespace losslens {

// A closed range of loss values [lo, hi] that a colour map spans: the heatmaps of an
// export, the window's heatmap and colour bar alike.
struct ValueRange {
    float lo = 0.0f;
    float hi = 1.0f;
};

} // namespace losslens
