#include "losslens/set/SampleStatistics.h"

#include "losslens/set/SampleStatisticsBuilder.h"

namespace losslens {

SampleStatistics sampleStatistics(const LossResult& loss, const LabelMap& labels, int ignoreIndex) {
    // The kept maps handed to the builder in blocks, as a pass would: one way to make them.
    SampleStatisticsBuilder builder(loss.maps.size(), ignoreIndex);
    forEachBlock(loss, labels, kAllVariants, builder.sink());
    return builder.take();
}

} // namespace losslens
