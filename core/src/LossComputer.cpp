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
                       const LossConfig& config, VariantMask mask) {
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

    if (!config.classWeights.empty() &&
        config.classWeights.size() != static_cast<std::size_t>(classes))
        throw LossError("class_weights has " + std::to_string(config.classWeights.size()) +
                        " entries but the prediction has " + std::to_string(classes) + " classes");

    const std::vector<std::uint8_t> present = presentClasses(labels, classes, config.ignoreIndex);

    const std::size_t n = labels.pixelCount();
    const auto c = static_cast<std::size_t>(classes);
    const auto variants = lossVariants();
    const std::size_t variantCount = variants.size();
    LossResult result;
    result.argmax = LabelMap(width, height);
    result.bgWeight = ByteImage(width, height);
    result.removed = ByteImage(width, height);
    result.maps.reserve(variantCount);
    std::vector<std::size_t> selected;
    for (std::size_t v = 0; v < variantCount; ++v) {
        const bool wanted = hasVariant(mask, v);
        result.maps.emplace_back(wanted ? width : 0, wanted ? height : 0);
        if (wanted)
            selected.push_back(v);
    }

    // One fused pass, a block of pixels at a time so everything a block produces is still
    // in cache when it is used: (1) one read of each pixel's C probabilities gives the
    // argmax (ties to the lowest index) and the labelled class's clamped probability;
    // (2) Eigen's vectorised log turns those into the standard loss; (3) every variant's
    // kernel writes its block of the map from that; (4) the block is added to the summary.
    const std::uint16_t* y = labels.data();
    const float* p = prediction.data();
    std::uint16_t* k = result.argmax.data();
    std::uint8_t* w0 = result.bgWeight.data();
    std::uint8_t* removed = result.removed.data();
    constexpr float kHigh = 1.0f - kEpsilon;
    constexpr std::size_t kBlock = 2048;
    // Eigen allocates this aligned, so its vectorised log takes the same path for every
    // block whatever the heap gives: results are bit-identical run to run and thread to
    // thread (an unaligned head would be done with the scalar log, rounded differently).
    Eigen::ArrayXf standardBlock(static_cast<Eigen::Index>(kBlock));
    Eigen::ArrayXf probabilityBlock(static_cast<Eigen::Index>(kBlock));
    const auto ignore = static_cast<std::uint32_t>(config.ignoreIndex);
    // Four interleaved accumulators per class break the add-latency chain that a run of
    // same-class pixels would otherwise form; doubles keep 2048^2 sums exact enough.
    std::vector<std::int64_t> counts(4 * c, 0);
    std::vector<double> lanes(variantCount * 4 * c, 0.0);
    std::vector<std::int64_t> reducedLanes(variantCount * 4 * c, 0);
    const std::size_t standardIndex = variantIndex("standard");
    std::int64_t removedCount = 0;

    LossContext context;
    context.width = width;
    context.height = height;
    context.classes = classes;
    context.ignoreIndex = config.ignoreIndex;
    context.config = &config;
    context.present = present;

    for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t end = std::min(n, start + kBlock);
        const std::size_t count = end - start;
        float* ls = standardBlock.data();
        float* qs = probabilityBlock.data();
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
            const std::uint32_t label = y[i];
            const bool ignored = label == ignore;
            // Ignore pixels take q = 1, so -log q = 0 without a branch in the log loop.
            const float q = ignored ? 1.0f : std::clamp(pixel[label], kEpsilon, kHigh);
            ls[i - start] = q;
            qs[i - start] = q;
            const auto isRemoved = static_cast<std::uint8_t>(label == 0 && !ignored && weight == 0);
            removed[i] = isRemoved;
            removedCount += isRemoved;
            if (!ignored)
                ++counts[(i & 3u) * c + label];
        }
        Eigen::Map<Eigen::ArrayXf> block(ls, static_cast<Eigen::Index>(count));
        block = -block.log();

        context.offset = start;
        context.labels = labels.values().subspan(start, count);
        context.probabilities = prediction.raster().values().subspan(start * c, count * c);
        context.standard = std::span<const float>(ls, count);
        context.trueProbability = std::span<const float>(qs, count);
        context.argmax = result.argmax.values().subspan(start, count);
        context.bgWeight = result.bgWeight.values().subspan(start, count);
        for (const std::size_t v : selected) {
            const std::span<float> out = result.maps[v].values().subspan(start, count);
            variants[v].kernel(context, out);
            double* acc = lanes.data() + v * 4 * c;
            if (v == standardIndex) {
                for (std::size_t i = start; i < end; ++i) {
                    const std::uint32_t label = y[i];
                    if (label != ignore)
                        acc[(i & 3u) * c + label] += static_cast<double>(out[i - start]);
                }
                continue;
            }
            std::int64_t* reduced = reducedLanes.data() + v * 4 * c;
            for (std::size_t i = start; i < end; ++i) {
                const std::uint32_t label = y[i];
                if (label != ignore) {
                    const float value = out[i - start];
                    acc[(i & 3u) * c + label] += static_cast<double>(value);
                    reduced[(i & 3u) * c + label] += value < ls[i - start];
                }
            }
        }
    }

    SampleSummary& summary = result.summary;
    summary.classes = classes;
    for (int cls = 1; cls < classes; ++cls)
        if (!present[static_cast<std::size_t>(cls)])
            summary.missing.push_back(cls);
    summary.removedPixels = removedCount;
    summary.classPixels.assign(c, 0);
    for (std::size_t cls = 0; cls < c; ++cls) {
        summary.classPixels[cls] =
            counts[cls] + counts[c + cls] + counts[2 * c + cls] + counts[3 * c + cls];
        summary.validPixels += summary.classPixels[cls];
    }
    summary.backgroundPixels = summary.classPixels.empty() ? 0 : summary.classPixels[0];
    summary.sums.assign(variantCount, 0.0);
    summary.weights.assign(variantCount, 0.0);
    summary.classSums.assign(variantCount, std::vector<double>(c, 0.0));
    summary.classReduced.assign(variantCount, std::vector<std::int64_t>(c, 0));
    for (const std::size_t v : selected) {
        const double* acc = lanes.data() + v * 4 * c;
        const std::int64_t* reduced = reducedLanes.data() + v * 4 * c;
        double total = 0.0;
        double weight = 0.0;
        for (std::size_t cls = 0; cls < c; ++cls) {
            const double sum = acc[cls] + acc[c + cls] + acc[2 * c + cls] + acc[3 * c + cls];
            summary.classSums[v][cls] = sum;
            summary.classReduced[v][cls] =
                reduced[cls] + reduced[c + cls] + reduced[2 * c + cls] + reduced[3 * c + cls];
            total += sum;
            const auto pixels = static_cast<double>(summary.classPixels[cls]);
            weight += variants[v].weight == nullptr
                          ? pixels
                          : pixels * variants[v].weight(config, present, static_cast<int>(cls));
        }
        summary.sums[v] = total;
        summary.weights[v] = weight;
    }
    return result;
}

} // namespace losslens
