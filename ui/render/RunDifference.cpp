#include "render/RunDifference.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace losslens {

bool comparable(const SampleData& data, const SampleData& other) {
    return data.loss.maps.size() == other.loss.maps.size() && !data.loss.maps.empty() &&
           data.sample.labels.width() == other.sample.labels.width() &&
           data.sample.labels.height() == other.sample.labels.height();
}

void forEachRunDifference(const SampleData& data, const SampleData& other, std::size_t variant,
                          int ignoreIndex,
                          const std::function<void(std::span<const float>)>& sink) {
    if (!comparable(data, other) || variant >= data.loss.maps.size())
        return;
    const LabelMap& labels = data.sample.labels;
    std::vector<int> xs(static_cast<std::size_t>(labels.width()));
    for (std::size_t x = 0; x < xs.size(); ++x)
        xs[x] = static_cast<int>(x);
    constexpr int kBand = 64;
    const VariantMask mask = VariantMask{1} << variant;
    std::vector<float> band;
    for (int top = 0; top < labels.height(); top += kBand) {
        std::vector<int> ys;
        for (int y = top; y < std::min(top + kBand, labels.height()); ++y)
            ys.push_back(y);
        const auto a = valuesAt(data, mask, xs, ys)[variant];
        const auto b = valuesAt(other, mask, xs, ys)[variant];
        const std::uint16_t* y = labels.data() + static_cast<std::size_t>(top) * xs.size();
        band.clear();
        for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
            if (y[i] != ignoreIndex)
                band.push_back(a[i] - b[i]);
        sink(band);
    }
}

float maxRunDifference(const SampleData& data, const SampleData& other, std::size_t variant,
                       int ignoreIndex) {
    float m = 0.0f;
    forEachRunDifference(data, other, variant, ignoreIndex, [&](std::span<const float> d) {
        for (float v : d)
            m = std::max(m, std::abs(v));
    });
    return m;
}

} // namespace losslens
