#include "losslens/report/Colormap.h"

#include "losslens/report/HeatmapColours.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <stdexcept>
#include <string>

namespace losslens {

namespace {

constexpr std::array kMaps = {Colormap::Viridis, Colormap::Inferno, Colormap::Magma,
                              Colormap::Plasma,  Colormap::Turbo,   Colormap::Gray};

ColormapLut buildLut(Colormap map) {
    ColormapLut lut{};
    if (map == Colormap::Gray) {
        for (int i = 0; i < 256; ++i)
            lut[static_cast<std::size_t>(i)] = {static_cast<std::uint8_t>(i),
                                                static_cast<std::uint8_t>(i),
                                                static_cast<std::uint8_t>(i)};
        return lut;
    }
    int cvMap = cv::COLORMAP_VIRIDIS;
    switch (map) {
    case Colormap::Inferno:
        cvMap = cv::COLORMAP_INFERNO;
        break;
    case Colormap::Magma:
        cvMap = cv::COLORMAP_MAGMA;
        break;
    case Colormap::Plasma:
        cvMap = cv::COLORMAP_PLASMA;
        break;
    case Colormap::Turbo:
        cvMap = cv::COLORMAP_TURBO;
        break;
    default:
        break;
    }
    cv::Mat ramp(1, 256, CV_8U);
    for (int i = 0; i < 256; ++i)
        ramp.at<std::uint8_t>(0, i) = static_cast<std::uint8_t>(i);
    cv::Mat bgr;
    cv::applyColorMap(ramp, bgr, cvMap);
    for (int i = 0; i < 256; ++i) {
        const auto px = bgr.at<cv::Vec3b>(0, i);
        lut[static_cast<std::size_t>(i)] = {px[2], px[1], px[0]};
    }
    return lut;
}

} // namespace

std::span<const Colormap> allColormaps() {
    return kMaps;
}

std::string_view colormapName(Colormap map) {
    switch (map) {
    case Colormap::Viridis:
        return "viridis";
    case Colormap::Inferno:
        return "inferno";
    case Colormap::Magma:
        return "magma";
    case Colormap::Plasma:
        return "plasma";
    case Colormap::Turbo:
        return "turbo";
    case Colormap::Gray:
        return "gray";
    }
    return "viridis";
}

std::string colormapNames(std::string_view separator) {
    std::string text;
    for (const Colormap map : allColormaps()) {
        if (!text.empty())
            text += separator;
        text += colormapName(map);
    }
    return text;
}

std::optional<Colormap> colormapFromName(std::string_view name) {
    for (Colormap map : kMaps)
        if (colormapName(map) == name)
            return map;
    if (name == "grey")
        return Colormap::Gray;
    return std::nullopt;
}

const ColormapLut& colormapLut(Colormap map) {
    static const std::array<ColormapLut, kMaps.size()> luts = [] {
        std::array<ColormapLut, kMaps.size()> all{};
        for (std::size_t i = 0; i < kMaps.size(); ++i)
            all[i] = buildLut(kMaps[i]);
        return all;
    }();
    return luts[static_cast<std::size_t>(map)];
}

std::uint8_t scaleIndex(float v, ValueRange range, bool log) {
    if (!log)
        return colormapIndex(v, range);
    if (!(v > range.lo) || !(range.lo > 0.0f))
        return 0;
    return colormapIndex(std::log(v), {std::log(range.lo), std::log(range.hi)});
}

ByteImage renderHeatmap(const LossMap& map, const LabelMap& labels, int ignoreIndex,
                        ValueRange range, Colormap colormap, bool log) {
    ByteImage out(map.width(), map.height(), 3);
    HeatmapColours(colormapLut(colormap), range, log, ignoreIndex)
        .colourRow(map.data(), labels.data(), map.values().size(), out.data());
    return out;
}

ByteImage renderBackgroundWeight(const ByteImage& w0) {
    ByteImage out(w0.width(), w0.height(), 3);
    const auto values = w0.values();
    std::uint8_t* rgb = out.data();
    for (std::size_t i = 0; i < values.size(); ++i) {
        const Rgb& c = values[i] ? kWeightKeptColour : kWeightZeroColour;
        rgb[3 * i] = c[0];
        rgb[3 * i + 1] = c[1];
        rgb[3 * i + 2] = c[2];
    }
    return out;
}

const ColormapLut& divergingLut() {
    static const ColormapLut lut = [] {
        ColormapLut l{};
        // Blue (negative) through white (0) to red (positive), linear in RGB.
        const std::array<double, 3> blue{33, 102, 172}, white{247, 247, 247}, red{178, 24, 43};
        for (int i = 0; i < 256; ++i) {
            const double t = i / 255.0;
            const auto& from = t < 0.5 ? blue : white;
            const auto& to = t < 0.5 ? white : red;
            const double u = t < 0.5 ? t * 2.0 : (t - 0.5) * 2.0;
            for (std::size_t k = 0; k < 3; ++k)
                l[static_cast<std::size_t>(i)][k] =
                    static_cast<std::uint8_t>(std::lround(from[k] + (to[k] - from[k]) * u));
        }
        return l;
    }();
    return lut;
}

} // namespace losslens
