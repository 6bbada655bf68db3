#include "losslens/report/Legend.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace losslens {

const ColormapLut& scaleLut(const HeatmapScale& scale) {
    if (scale.colormap == "blue-white-red")
        return divergingLut();
    return colormapLut(colormapFromName(scale.colormap).value_or(Colormap::Viridis));
}

std::vector<double> legendTicks(const HeatmapScale& scale) {
    const auto lo = static_cast<double>(scale.range.lo);
    const auto hi = static_cast<double>(scale.range.hi);
    std::vector<double> ticks;
    if (!(hi > lo))
        return {lo};
    if (scale.log && lo > 0.0) {
        ticks.push_back(lo);
        for (int e = static_cast<int>(std::ceil(std::log10(lo)));
             e <= static_cast<int>(std::floor(std::log10(hi))); ++e) {
            const double v = std::pow(10.0, e);
            // Not so near an end that the labels overlap.
            if (std::log(v / lo) > 0.08 * std::log(hi / lo) &&
                std::log(hi / v) > 0.08 * std::log(hi / lo))
                ticks.push_back(v);
        }
        ticks.push_back(hi);
        return ticks;
    }
    for (int i = 0; i <= 4; ++i)
        ticks.push_back(lo + (hi - lo) * i / 4.0);
    return ticks;
}

namespace {

// Where a value lies along the bar, 0..1, on the scale's axis.
double position(double v, const HeatmapScale& scale) {
    const auto lo = static_cast<double>(scale.range.lo);
    const auto hi = static_cast<double>(scale.range.hi);
    if (!(hi > lo))
        return 0.0;
    if (scale.log && lo > 0.0 && v > 0.0)
        return std::log(v / lo) / std::log(hi / lo);
    return (v - lo) / (hi - lo);
}

std::string label(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", std::abs(v) < 1e-12 ? 0.0 : v);
    return text;
}

} // namespace

std::string encodeLegendPng(const HeatmapScale& scale, const std::string& title) {
    cv::Mat image(kLegendHeight, kLegendWidth, CV_8UC3, cv::Scalar(255, 255, 255));
    const ColormapLut& lut = scaleLut(scale);
    const float lo = scale.range.lo;
    const float hi = scale.range.hi;
    const auto dlo = static_cast<double>(lo);
    const auto dhi = static_cast<double>(hi);
    for (int x = 0; x < kLegendBarWidth; ++x) {
        // The value at the column's centre, on the scale's axis.
        const double t = (x + 0.5) / kLegendBarWidth;
        const double v =
            scale.log && lo > 0.0f ? dlo * std::pow(dhi / dlo, t) : dlo + (dhi - dlo) * t;
        const Rgb& c = lut[scaleIndex(static_cast<float>(v), scale.range, scale.log)];
        cv::rectangle(image, cv::Rect(kLegendBarLeft + x, kLegendBarTop, 1, kLegendBarHeight),
                      cv::Scalar(c[0], c[1], c[2]), cv::FILLED);
    }
    const cv::Scalar ink(20, 20, 20);
    cv::rectangle(
        image,
        cv::Rect(kLegendBarLeft - 1, kLegendBarTop - 1, kLegendBarWidth + 2, kLegendBarHeight + 2),
        ink, 1);
    const std::string heading =
        title + "   (" + scale.colormap + ", " + (scale.log ? "log" : "linear") + " scale)";
    cv::putText(image, heading, cv::Point(kLegendBarLeft, 20), cv::FONT_HERSHEY_SIMPLEX, 0.5, ink,
                1, cv::LINE_AA);
    const int tickTop = kLegendBarTop + kLegendBarHeight + 1;
    for (double v : legendTicks(scale)) {
        const int x = kLegendBarLeft +
                      static_cast<int>(std::lround(position(v, scale) * (kLegendBarWidth - 1)));
        cv::line(image, cv::Point(x, tickTop), cv::Point(x, tickTop + 5), ink, 1);
        const std::string text = label(v);
        int baseline = 0;
        const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, 0.42, 1, &baseline);
        const int left = std::clamp(x - size.width / 2, 2, kLegendWidth - size.width - 2);
        cv::putText(image, text, cv::Point(left, tickTop + 20), cv::FONT_HERSHEY_SIMPLEX, 0.42, ink,
                    1, cv::LINE_AA);
    }
    // The colour of ignore pixels, which no map uses.
    cv::rectangle(image, cv::Rect(kLegendBarLeft, kLegendHeight - 14, 12, 10),
                  cv::Scalar(kIgnoreColour[0], kIgnoreColour[1], kIgnoreColour[2]), cv::FILLED);
    cv::putText(image, "ignore", cv::Point(kLegendBarLeft + 16, kLegendHeight - 5),
                cv::FONT_HERSHEY_SIMPLEX, 0.38, ink, 1, cv::LINE_AA);
    ByteImage rgb(kLegendWidth, kLegendHeight, 3);
    for (int y = 0; y < kLegendHeight; ++y) {
        const auto* row = image.ptr<std::uint8_t>(y);
        std::copy(row, row + 3 * kLegendWidth, &rgb.at(0, y, 0));
    }
    return encodeRgbPng(rgb);
}

} // namespace losslens
