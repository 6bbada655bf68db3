#include "session/SampleData.h"

#include "losslens/candidates/CandidateFinder.h"

#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SampleStatisticsBuilder.h"
#include "losslens/set/SetProcessor.h"

#include <algorithm>

namespace losslens {

namespace {
template <typename T> std::size_t rasterBytes(const Raster<T>& r) {
    return r.values().size_bytes();
}
} // namespace

bool SampleData::keepsMaps() const {
    const std::size_t n = sample.labels.pixelCount();
    return !loss.maps.empty() && std::all_of(loss.maps.begin(), loss.maps.end(),
                                             [n](const LossMap& m) { return m.pixelCount() == n; });
}

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

SampleDataPtr loadSampleData(const Dataset& dataset, std::size_t entry, std::size_t keptMapBytes) {
    auto data = std::make_shared<SampleData>();
    data->entry = entry;
    data->stem = dataset.entries()[entry].stem;
    data->sample = dataset.load(entry);
    data->config = dataset.config().lossConfig();
    // One pass: the masks, the maps if they are small enough, and every variant's
    // statistics from its blocks.
    const std::size_t variants = lossVariants().size();
    const bool keep = data->sample.labels.pixelCount() * variants * sizeof(float) <= keptMapBytes;
    SampleStatisticsBuilder builder(variants, data->config.ignoreIndex);
    scoreSample(data->sample, data->config, data->loss,
                LossOutputs{keep ? kAllVariants : VariantMask{0}, builder.sink()});
    data->statistics = builder.take();
    data->candidates =
        candidatesOf(data->sample, data->loss.summary.missing, data->stem, dataset.run());
    data->base = baseLayer(*data);
    data->sample.image = ByteImage(); // base holds the same pixels; the cache counts bytes
    return data;
}

SampleLoad loadSample(const Dataset& dataset, std::size_t entry, std::size_t keptMapBytes) {
    SampleLoad load;
    load.outcome = guardedOutcome(dataset, entry, [&](SampleOutcome& outcome) {
        load.data = loadSampleData(dataset, entry, keptMapBytes);
        outcome.summary = load.data->loss.summary;
        outcome.statistics = load.data->statistics;
        outcome.warnings = load.data->sample.warnings;
    });
    return load;
}

std::vector<std::vector<float>> valuesAt(const SampleData& data, VariantMask variants,
                                         std::span<const int> xs, std::span<const int> ys) {
    const std::size_t count = lossVariants().size();
    std::vector<std::vector<float>> out(count);
    const LabelMap& labels = data.sample.labels;
    if (data.keepsMaps()) {
        for (std::size_t v = 0; v < count && v < data.loss.maps.size(); ++v) {
            if (!hasVariant(variants, v))
                continue;
            std::vector<float>& values = out[v];
            values.assign(xs.size() * ys.size(), 0.0f);
            const float* map = data.loss.maps[v].data();
            for (std::size_t gy = 0; gy < ys.size(); ++gy) {
                const int y = ys[gy];
                if (y < 0 || y >= labels.height())
                    continue;
                const float* row =
                    map + static_cast<std::size_t>(y) * static_cast<std::size_t>(labels.width());
                for (std::size_t gx = 0; gx < xs.size(); ++gx) {
                    const int x = xs[gx];
                    if (x >= 0 && x < labels.width())
                        values[gy * xs.size() + gx] = row[x];
                }
            }
        }
        return out;
    }
    const auto identity = [](std::span<const int> index, int size) {
        if (index.size() != static_cast<std::size_t>(size))
            return false;
        for (std::size_t i = 0; i < index.size(); ++i)
            if (index[i] != static_cast<int>(i))
                return false;
        return true;
    };
    // The whole image at 1:1 (an export of the view): scored in place, not copied to a grid.
    LossResult grid = identity(xs, labels.width()) && identity(ys, labels.height())
                          ? computeLoss(labels, data.sample.prediction, data.config, variants,
                                        data.sample.annotation)
                          : computeLossAt(labels, data.sample.prediction, data.config, variants,
                                          data.loss.summary.missing, xs, ys);
    for (std::size_t v = 0; v < count && v < grid.maps.size(); ++v)
        if (hasVariant(variants, v)) {
            const auto values = grid.maps[v].values();
            out[v].assign(values.begin(), values.end());
        }
    return out;
}

void forEachBlock(const SampleData& data, VariantMask variants, const LossBlockSink& sink) {
    if (data.keepsMaps())
        forEachBlock(data.loss, data.sample.labels, variants, sink);
    else
        (void)summarizeLoss(data.sample.labels, data.sample.prediction, data.config, variants,
                            data.sample.annotation, sink);
}

QImage baseLayer(const SampleData& data) {
    const int w = data.sample.labels.width();
    const int h = data.sample.labels.height();
    const ByteImage& rgb = data.sample.image;
    if (rgb.empty() || rgb.width() != w || rgb.height() != h || rgb.channels() != 3)
        return {};
    QImage image(w, h, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        const std::uint8_t* src = &rgb.at(0, y, 0);
        for (int x = 0; x < w; ++x)
            line[x] = qRgb(src[3 * x], src[3 * x + 1], src[3 * x + 2]);
    }
    return image;
}

} // namespace losslens
