#include "losslens/report/HeatmapColours.h"

#include <algorithm>
#include <cstring>

namespace losslens {

namespace {
// An RGB colour as a little-endian word (R, G, B, 0).
std::uint32_t word(const Rgb& c) {
    const std::uint8_t bytes[4] = {c[0], c[1], c[2], 0};
    std::uint32_t w = 0;
    std::memcpy(&w, bytes, 4);
    return w;
}
} // namespace

HeatmapColours::HeatmapColours(const ColormapLut& lut, ValueRange range, bool log, int ignoreIndex)
    : m_lut(lut)
    , m_ignoreWord(word(kIgnoreColour))
    , m_range(range)
    , m_log(log)
    , m_ignoreIndex(ignoreIndex) {
    for (std::size_t i = 0; i < 256; ++i)
        m_words[i] = word(lut[i]);
}

void HeatmapColours::colourRow(const float* values, const std::uint16_t* labels, std::size_t n,
                               std::uint8_t* rgb) const {
    constexpr std::size_t kChunk = 256;
    std::uint8_t index[kChunk];
    for (std::size_t at = 0; at < n; at += kChunk) {
        const std::size_t m = std::min(kChunk, n - at);
        const float* v = values + at;
        if (m_log) {
            for (std::size_t i = 0; i < m; ++i)
                index[i] = scaleIndex(v[i], m_range, true);
        } else {
            // colormapIndex is inline: its range test leaves the loop, which vectorises.
            for (std::size_t i = 0; i < m; ++i)
                index[i] = colormapIndex(v[i], m_range);
        }
        const std::uint16_t* label = labels + at;
        std::uint8_t* out = rgb + 3 * at;
        // Four bytes a pixel (the next pixel overwrites the fourth); the row's last pixel three.
        const std::size_t whole = at + m < n ? m : m - 1;
        for (std::size_t i = 0; i < whole; ++i) {
            const std::uint32_t c = label[i] == m_ignoreIndex ? m_ignoreWord : m_words[index[i]];
            std::memcpy(out + 3 * i, &c, 4);
        }
        for (std::size_t i = whole; i < m; ++i) {
            const Rgb& c = label[i] == m_ignoreIndex ? kIgnoreColour : m_lut[index[i]];
            out[3 * i] = c[0];
            out[3 * i + 1] = c[1];
            out[3 * i + 2] = c[2];
        }
    }
}

} // namespace losslens
