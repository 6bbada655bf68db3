#include "losslens/ui/SampleData.h"

#include "losslens/set/SetProcessor.h"

#include "losslens/loss/LossComputer.h"
#include "losslens/ui/LayerImages.h"

namespace losslens {

namespace {
template <typename T> std::size_t rasterBytes(const Raster<T>& r) {
    return r.values().size_bytes();
}
} // namespace

std::size_t SampleData::bytes() const {
    std::size_t n = sizeof(SampleData) + rasterBytes(sample.labels) + rasterBytes(sample.image) +
                    sample.prediction.pixelCount() *
                        static_cast<std::size_t>(sample.prediction.classes()) * sizeof(float) +
                    rasterBytes(loss.bgWeight) + rasterBytes(loss.removed) +
                    rasterBytes(loss.argmax) + static_cast<std::size_t>(base.sizeInBytes()) +
                    statistics.maxDifferences.size() * sizeof(float);
    for (const LossMap& map : loss.maps)
        n += rasterBytes(map);
    return n;
}

SampleDataPtr loadSampleData(const Dataset& dataset, std::size_t entry) {
    auto data = std::make_shared<SampleData>();
    data->entry = entry;
    data->stem = dataset.entries()[entry].stem;
    data->sample = dataset.load(entry);
    data->loss = scoreSample(data->sample, dataset.config().lossConfig());
    data->statistics =
        sampleStatistics(data->loss, data->sample.labels, dataset.config().ignoreIndex);
    data->base = baseLayer(*data);
    data->sample.image = ByteImage(); // base holds the same pixels; the cache counts bytes
    return data;
}

} // namespace losslens
