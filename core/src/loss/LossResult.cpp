#include "losslens/loss/LossResult.h"

#include "losslens/loss/LossVariant.h"

#include <algorithm>
#include <cmath>

namespace losslens {

const LossMap& LossResult::map(std::string_view variantName) const {
    return maps.at(variantIndex(variantName));
}

namespace {
float maxOf(const LossMap& map, const LabelMap& labels, int ignoreIndex, float start) {
    const auto values = map.values();
    const auto y = labels.values();
    float top = start;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (y[i] != ignoreIndex)
            top = std::max(top, values[i]);
    return top;
}
} // namespace

float maxLoss(const LossResult& result, const LabelMap& labels, int ignoreIndex,
              std::span<const std::size_t> variants) {
    float top = 0.0f;
    if (variants.empty()) {
        for (const LossMap& map : result.maps)
            top = maxOf(map, labels, ignoreIndex, top);
    } else {
        for (std::size_t v : variants)
            top = maxOf(result.maps.at(v), labels, ignoreIndex, top);
    }
    return top;
}

float maxDifference(const LossResult& result, const LabelMap& labels, int ignoreIndex,
                    std::size_t a, std::size_t b) {
    if (a >= result.maps.size() || b >= result.maps.size())
        return 0.0f;
    const auto va = result.maps[a].values();
    const auto vb = result.maps[b].values();
    const auto y = labels.values();
    float top = 0.0f;
    for (std::size_t i = 0; i < va.size(); ++i)
        if (y[i] != ignoreIndex)
            top = std::max(top, std::abs(va[i] - vb[i]));
    return top;
}

void forEachBlock(const LossResult& result, const LabelMap& labels, VariantMask variants,
                  const LossBlockSink& sink) {
    constexpr std::size_t kBlock = std::size_t{1} << 16;
    const std::size_t n = labels.pixelCount();
    std::vector<const float*> maps(result.maps.size(), nullptr);
    for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t size = std::min(kBlock, n - start);
        for (std::size_t v = 0; v < maps.size(); ++v)
            maps[v] = hasVariant(variants, v) && result.maps[v].pixelCount() == n
                          ? result.maps[v].data() + start
                          : nullptr;
        const auto argmax = result.argmax.pixelCount() == n
                                ? result.argmax.values().subspan(start, size)
                                : std::span<const std::uint16_t>();
        sink(LossBlock{start, labels.values().subspan(start, size), maps, argmax, {}, 0});
    }
}

float pairEntry(const std::vector<float>& matrix, std::size_t a, std::size_t b) {
    const std::size_t count = lossVariants().size();
    const std::size_t index = a * count + b;
    return a < count && b < count && index < matrix.size() ? matrix[index] : 0.0f;
}

} // namespace losslens
