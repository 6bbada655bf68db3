#pragma once

#include "losslens/loss/Raster.h"
#include "losslens/report/ValueRange.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace losslens {

enum class Colormap { Viridis, Inferno, Magma, Plasma, Turbo, Gray };

using Rgb = std::array<std::uint8_t, 3>;
using ColormapLut = std::array<Rgb, 256>;

// Ignore pixels in heatmaps: a neutral grey that is not the end of any colour map.
inline constexpr Rgb kIgnoreColour{128, 128, 128};
// The background-weight map: w0 = 1 dark, w0 = 0 (penalty removable) bright magenta.
inline constexpr Rgb kWeightKeptColour{32, 32, 32};
inline constexpr Rgb kWeightZeroColour{255, 0, 200};

[[nodiscard]] std::span<const Colormap> allColormaps();
[[nodiscard]] std::string_view colormapName(Colormap map);
[[nodiscard]] std::optional<Colormap> colormapFromName(std::string_view name);
// Every map's name, joined by `separator` ("viridis, inferno, ..."), for help and errors.
[[nodiscard]] std::string colormapNames(std::string_view separator = ", ");

// The 256 RGB entries of a map (OpenCV's tables), for heatmaps, colour bars and overlays.
[[nodiscard]] const ColormapLut& colormapLut(Colormap map);

// The diverging blue-white-red map for differences (A - B), white at the middle entry.
[[nodiscard]] const ColormapLut& divergingLut();

// Index 0..255 of value v in the range (clamped); lo == hi maps everything to 0.
[[nodiscard]] inline std::uint8_t colormapIndex(float v, ValueRange range) {
    const float lo = range.lo;
    const float hi = range.hi;
    if (!(hi > lo))
        return 0;
    const float t = (v - lo) / (hi - lo) * 255.0f + 0.5f;
    return static_cast<std::uint8_t>(t > 0.0f ? (t < 255.0f ? t : 255.0f) : 0.0f); // NaN: 0
}

// Index 0..255 of v on a linear scale over the range, or with `log` by log(v) over
// [log lo, log hi] (lo > 0; v <= lo maps to 0): what heatmaps, the window and legends share.
[[nodiscard]] std::uint8_t scaleIndex(float v, ValueRange range, bool log);

// An RGB heatmap of a loss map over the range (linear, or log); pixels labelled ignoreIndex
// are neutral.
[[nodiscard]] ByteImage renderHeatmap(const LossMap& map, const LabelMap& labels, int ignoreIndex,
                                      ValueRange range, Colormap colormap, bool log = false);

// The two-colour background-weight image of w0 (kWeightKeptColour / kWeightZeroColour).
[[nodiscard]] ByteImage renderBackgroundWeight(const ByteImage& w0);

// PNG bytes of an RGB image (for writeFileAtomically).
[[nodiscard]] std::string encodeRgbPng(const ByteImage& rgb);

// The same bytes as encodeRgbPng(renderHeatmap(...)) and
// encodeRgbPng(renderBackgroundWeight(w0)), coloured a row at a time into the encoder
// without the RGB image: what exports write. An image past 16 MiB of rows is encoded in
// bands on up to `threads` threads (an export's big sample keeps its cores busy).
[[nodiscard]] std::string encodeHeatmapPng(const LossMap& map, const LabelMap& labels,
                                           int ignoreIndex, ValueRange range, Colormap colormap,
                                           bool log = false, int threads = 1);
[[nodiscard]] std::string encodeBackgroundWeightPng(const ByteImage& w0, int threads = 1);

} // namespace losslens
