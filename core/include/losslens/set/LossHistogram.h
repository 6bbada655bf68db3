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
    float lo = 0.0f;
    float hi = 16.2f; // just above -log(1e-7) = 16.118, the largest clamped loss
    std::vector<std::int64_t> counts;

    void add(const LossMap& map, const LabelMap& labels, int ignoreIndex);
    // The same for a run of pixels (a block of a pass).
    void add(std::span<const float> values, std::span<const std::uint16_t> labels, int ignoreIndex);
    void merge(const LossHistogram& other);
    [[nodiscard]] float binCentre(std::size_t bin) const;
    [[nodiscard]] float binUpperEdge(std::size_t bin) const;
    [[nodiscard]] std::int64_t total() const;
    [[nodiscard]] static LossHistogram make(int bins, float lo = 0.0f, float hi = 16.2f);
};

} // namespace losslens
