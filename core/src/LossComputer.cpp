#include "losslens/LossComputer.h"

#include "losslens/LossVariant.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <string>

namespace losslens {

namespace {

std::string sizeText(int width, int height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

// Pass 1 over labels only: which classes are present, and is every label usable?
std::vector<std::uint8_t> presentClasses(const LabelMap& labels, int classes, int ignoreIndex) {
    std::vector<std::uint8_t> present(static_cast<std::size_t>(classes), 0);
    const std::uint16_t* y = labels.data();
    const std::size_t n = labels.pixelCount();
    for (std::size_t i = 0; i < n; ++i) {
        const int label = y[i];
        if (label == ignoreIndex)
            continue;
        if (label >= classes) {
            const auto x = static_cast<int>(i % static_cast<std::size_t>(labels.width()));
            const auto row = static_cast<int>(i / static_cast<std::size_t>(labels.width()));
            throw LossError("label " + std::to_string(label) + " at (x=" + std::to_string(x) +
                            ", y=" + std::to_string(row) +
                            ") is not a class (C = " + std::to_string(classes) +
                            ") and not ignore_index " + std::to_string(ignoreIndex));
        }
        present[static_cast<std::size_t>(label)] = 1;
    }
    return present;
}

} // namespace

LossResult computeLoss(const LabelMap& labels, const Prediction& prediction,
                       const LossConfig& config) {
    const int width = labels.width();
    const int height = labels.height();
    const int classes = prediction.classes();
    if (prediction.width() != width || prediction.height() != height)
        throw LossError("label map is " + sizeText(width, height) + " but prediction is " +
                        sizeText(prediction.width(), prediction.height()));
    if (labels.channels() != 1)
        throw LossError("label map has " + std::to_string(labels.channels()) +
                        " channels, expected 1");
    if (classes < 1 || classes > 65535)
        throw LossError("prediction has " + std::to_string(classes) +
                        " classes, expected 1 to 65535");

    const std::vector<std::uint8_t> present = presentClasses(labels, classes, config.ignoreIndex);

    const std::size_t n = labels.pixelCount();
    const auto c = static_cast<std::size_t>(classes);
    LossResult result;
    result.argmax = LabelMap(width, height);
    result.bgWeight = ByteImage(width, height);
    result.removed = ByteImage(width, height);
    LossMap standard(width, height);

    // Pass 2, the shared one: one read of each pixel's C probabilities gives the argmax
    // (ties to the lowest index: strict >) and the labelled class's clamped probability;
    // the logs are then taken a block at a time with Eigen's vectorised log.
    const std::uint16_t* y = labels.data();
    const float* p = prediction.data();
    std::uint16_t* k = result.argmax.data();
    std::uint8_t* w0 = result.bgWeight.data();
    std::uint8_t* removed = result.removed.data();
    float* ls = standard.data();
    constexpr float kHigh = 1.0f - kEpsilon;
    constexpr std::size_t kBlock = 2048;
    for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t end = std::min(n, start + kBlock);
        for (std::size_t i = start; i < end; ++i) {
            const float* pixel = p + i * c;
            std::size_t best = 0;
            float bestValue = pixel[0];
            for (std::size_t j = 1; j < c; ++j) {
                // Branch-free (conditional moves): with noisy probabilities a branch here
                // mispredicts about half the time.
                const float v = pixel[j];
                const bool greater = v > bestValue;
                bestValue = greater ? v : bestValue;
                best = greater ? j : best;
            }
            k[i] = static_cast<std::uint16_t>(best);
            const std::uint8_t weight = present[best];
            w0[i] = weight;
            const int label = y[i];
            const bool ignored = label == config.ignoreIndex;
            // Ignore pixels take q = 1, so -log q = 0 without a branch in the log loop.
            ls[i] = ignored ? 1.0f : std::clamp(pixel[label], kEpsilon, kHigh);
            removed[i] = static_cast<std::uint8_t>(label == 0 && weight == 0);
        }
        Eigen::Map<Eigen::ArrayXf> block(ls + start, static_cast<Eigen::Index>(end - start));
        block = -block.log();
    }

    LossContext context;
    context.width = width;
    context.height = height;
    context.classes = classes;
    context.ignoreIndex = config.ignoreIndex;
    context.labels = labels.values();
    context.probabilities = prediction.raster().values();
    context.standard = standard.values();
    context.argmax = result.argmax.values();
    context.present = present;
    context.bgWeight = result.bgWeight.values();

    const auto variants = lossVariants();
    result.maps.reserve(variants.size());
    for (const LossVariant& variant : variants) {
        LossMap map(width, height);
        variant.kernel(context, map.values());
        result.maps.push_back(std::move(map));
    }

    // Pass 3: the summary, accumulated in double so 2048^2 sums stay exact enough.
    SampleSummary& summary = result.summary;
    summary.classes = classes;
    for (int cls = 1; cls < classes; ++cls)
        if (!present[static_cast<std::size_t>(cls)])
            summary.missing.push_back(cls);
    summary.sums.assign(variants.size(), 0.0);
    summary.classSums.assign(variants.size(), std::vector<double>(c, 0.0));
    summary.classPixels.assign(c, 0);
    {
        // Local counters: accumulating through the summary's members would chain every
        // iteration through memory.
        std::vector<std::int64_t> counts(4 * c, 0);
        std::int64_t removedCount = 0;
        const auto ignore = static_cast<std::uint32_t>(config.ignoreIndex);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t label = y[i];
            removedCount += removed[i];
            if (label != ignore)
                ++counts[(i & 3u) * c + label];
        }
        for (std::size_t cls = 0; cls < c; ++cls)
            summary.classPixels[cls] =
                counts[cls] + counts[c + cls] + counts[2 * c + cls] + counts[3 * c + cls];
        summary.removedPixels = removedCount;
    }
    summary.backgroundPixels = summary.classPixels.empty() ? 0 : summary.classPixels[0];
    for (std::size_t cls = 0; cls < c; ++cls)
        summary.validPixels += summary.classPixels[cls];
    // Four interleaved accumulators per class break the add-latency chain that a run of
    // same-class pixels would otherwise form.
    std::vector<double> lanes(4 * c);
    for (std::size_t v = 0; v < variants.size(); ++v) {
        const float* values = result.maps[v].data();
        std::fill(lanes.begin(), lanes.end(), 0.0);
        const auto ignore = static_cast<std::uint32_t>(config.ignoreIndex);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t label = y[i];
            if (label == ignore)
                continue;
            lanes[(i & 3u) * c + label] += static_cast<double>(values[i]);
        }
        std::vector<double>& perClass = summary.classSums[v];
        double total = 0.0;
        for (std::size_t cls = 0; cls < c; ++cls) {
            perClass[cls] = lanes[cls] + lanes[c + cls] + lanes[2 * c + cls] + lanes[3 * c + cls];
            total += perClass[cls];
        }
        summary.sums[v] = total;
    }
    return result;
}

} // namespace losslens
