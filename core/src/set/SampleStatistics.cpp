#include "losslens/set/SampleStatistics.h"

namespace losslens {

SampleStatistics sampleStatistics(const LossResult& loss, const LabelMap& labels, int ignoreIndex) {
    SampleStatistics statistics;
    statistics.maxLoss = maxLoss(loss, labels, ignoreIndex);
    statistics.maxDifferences = maxDifferences(loss, labels, ignoreIndex);
    statistics.histograms.reserve(loss.maps.size());
    for (const LossMap& map : loss.maps) {
        LossHistogram h = LossHistogram::make(kHistogramBins);
        h.add(map, labels, ignoreIndex);
        statistics.histograms.push_back(std::move(h));
        statistics.quantiles.add(map, labels, ignoreIndex);
    }
    return statistics;
}

} // namespace losslens
