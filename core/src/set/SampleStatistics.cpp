#include "losslens/set/SampleStatistics.h"

#include "losslens/set/SampleStatisticsBuilder.h"

#include <algorithm>

namespace losslens {

SampleStatistics sampleStatistics(const LossResult& loss, const LabelMap& labels, int ignoreIndex) {
    // The kept maps handed to the builder in blocks, as a pass would: one way to make them.
    constexpr std::size_t kBlock = std::size_t{1} << 16;
    const std::size_t variants = loss.maps.size();
    SampleStatisticsBuilder builder(variants, ignoreIndex);
    std::vector<const float*> maps(variants, nullptr);
    const std::size_t n = labels.pixelCount();
    for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t count = std::min(kBlock, n - start);
        for (std::size_t v = 0; v < variants; ++v)
            maps[v] = loss.maps[v].pixelCount() == n ? loss.maps[v].data() + start : nullptr;
        builder.add(LossBlock{start, labels.values().subspan(start, count), maps});
    }
    return builder.take();
}

} // namespace losslens
