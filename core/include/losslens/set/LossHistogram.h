#pragma once

#include "losslens/loss/Raster.h"

#include <cstdint>
#include <span>
#include <vector>

namespace losslens {

// Counts of per-pixel loss values over valid pixels in `bins` equal bins over [lo, hi];
// values outside go to the first or last bin. Fixed bins let a set's histogram be the sum
// of its samples' histograms.
struct LossHistogram {
    // A value's bin, branch-free (a loop of it vectorises): the one formula add() and
    // SampleStatisticsBuilder count with.
    struct Binner {
        float low;
        float scale; // bins / (hi - lo), 0 for an empty range
        float last;  // bins - 1
        [[nodiscard]] std::int32_t operator()(float v) const {
            float x = (v - low) * scale;
            x = x < 0.0f ? 0.0f : x;
            x = x > last ? last : x;
            return static_cast<std::int32_t>(x);
        }
    };

    float lo = 0.0f;
    float hi = 16.2f; // just above -log(1e-7) = 16.118, the largest clamped loss
    std::vector<std::int64_t> counts;

    void add(const LossMap& map, const LabelMap& labels, int ignoreIndex);
    // The same for a run of pixels (a block of a pass).
    void add(std::span<const float> values, std::span<const std::uint16_t> labels, int ignoreIndex);
    void merge(const LossHistogram& other);
    [[nodiscard]] Binner binner() const;
    [[nodiscard]] float binCentre(std::size_t bin) const;
    [[nodiscard]] float binUpperEdge(std::size_t bin) const;
    [[nodiscard]] std::int64_t total() const;
    [[nodiscard]] static LossHistogram make(int bins, float lo = 0.0f, float hi = 16.2f);
};

} // namespace losslens
