#pragma once

#include "losslens/report/Colormap.h"

#include <cstddef>
#include <cstdint>

namespace losslens {

// Colours heatmap rows: each pixel's colour map entry over the range (linear, or log), or
// kIgnoreColour where its label is the ignore index. Made once per heatmap, row after row:
// renderHeatmap and the exports' PNGs colour with it, so they give the same bytes. The
// table is copied as four-byte words (a store a pixel) and the indices of a run of pixels
// are computed apart in a loop the compiler vectorises: a call per pixel took as long as
// deflating the row.
class HeatmapColours {
public:
    HeatmapColours(const ColormapLut& lut, ValueRange range, bool log, int ignoreIndex);

    // n pixels' RGB bytes into rgb (3 n bytes, nothing written past them).
    void colourRow(const float* values, const std::uint16_t* labels, std::size_t n,
                   std::uint8_t* rgb) const;

private:
    ColormapLut m_lut;
    std::uint32_t m_words[256];
    std::uint32_t m_ignoreWord;
    ValueRange m_range;
    bool m_log;
    int m_ignoreIndex;
};

} // namespace losslens
