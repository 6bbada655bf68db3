#include "losslens/loss/LossComputer.h"

#include "losslens/loss/LossVariant.h"

#include "LossPass.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <string>

namespace losslens {

namespace {

std::string sizeText(int width, int height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

// Pass 1 over labels only: how many valid pixels each class has, and is every label usable? Small
// C: one vectorised counting pass per class (integer sums reorder freely). Large C: four
// interleaved count lanes keep same-class runs from serialising on one counter.
void countClasses(const LabelMap& labels, int classes, int ignoreIndex,
                  std::vector<std::int64_t>& classPixels) {
    const auto c = static_cast<std::size_t>(classes);
    const std::uint16_t* y = labels.data();
    const std::size_t n = labels.pixelCount();
    const auto ignore = static_cast<std::uint32_t>(ignoreIndex);
    classPixels.assign(c, 0);
    // Chunks of 4096 labels stay in L1 for the validity check and the C counting loops, and
    // 16-bit counters (no overflow below 65536) let each loop run 32 labels per vector.
    constexpr std::size_t kChunk = 4096;
    const bool ignoreIsLabel = ignore <= 0xffffu;
    const auto ignore16 = static_cast<std::uint16_t>(ignoreIsLabel ? ignore : 0u);
    const auto c16 = static_cast<std::uint16_t>(std::min<std::size_t>(c, 0xffffu));
    std::uint16_t bad = 0;
    for (std::size_t start = 0; start < n; start += kChunk) {
        const std::size_t len = std::min(kChunk, n - start);
        const std::uint16_t* yc = y + start;
        std::uint16_t chunkBad = 0;
        for (std::size_t i = 0; i < len; ++i)
            chunkBad |=
                static_cast<std::uint16_t>((yc[i] >= c16) & ((yc[i] != ignore16) | !ignoreIsLabel));
        bad |= chunkBad;
        if (c > 8)
            continue;
        for (std::size_t cls = 0; cls < c; ++cls) {
            const auto label = static_cast<std::uint16_t>(cls);
            std::uint16_t count = 0;
            for (std::size_t i = 0; i < len; ++i)
                count = static_cast<std::uint16_t>(count + (yc[i] == label));
            classPixels[cls] += count;
        }
    }
    if (bad != 0) {
        for (std::size_t i = 0; i < n; ++i) {
            const int label = y[i];
            if (label == ignoreIndex || label < classes)
                continue;
            const auto x = static_cast<int>(i % static_cast<std::size_t>(labels.width()));
            const auto row = static_cast<int>(i / static_cast<std::size_t>(labels.width()));
            throw LossError("label " + std::to_string(label) + " at (x=" + std::to_string(x) +
                            ", y=" + std::to_string(row) +
                            ") is not a class (C = " + std::to_string(classes) +
                            ") and not ignore_index " + std::to_string(ignoreIndex));
        }
    }
    if (c <= 8) {
        // ignore_index inside the class range: not a class of any pixel.
        if (ignore < c)
            classPixels[ignore] = 0;
    } else {
        std::vector<std::int64_t> lanes(4 * c, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t label = y[i];
            if (label != ignore)
                ++lanes[(i & 3u) * c + label];
        }
        for (std::size_t cls = 0; cls < c; ++cls)
            classPixels[cls] =
                lanes[cls] + lanes[c + cls] + lanes[2 * c + cls] + lanes[3 * c + cls];
    }
}

using ScanFn = std::int64_t (*)(const float*, const std::uint16_t*, std::size_t, std::size_t,
                                const std::uint8_t*, std::uint32_t, std::uint16_t*, std::uint8_t*,
                                std::uint8_t*, float*, std::int32_t*);

// The shared pass specialised for the class counts seen most (binary, the demo's 4, small
// organ sets, Pascal VOC's 21); anything else takes the runtime-C loop.
ScanFn scanFor(int classes) {
    switch (classes) {
    case 2:
        return &detail::scanBlock<2>;
    case 3:
        return &detail::scanBlock<3>;
    case 4:
        return &detail::scanBlock<4>;
    case 5:
        return &detail::scanBlock<5>;
    case 6:
        return &detail::scanBlock<6>;
    case 8:
        return &detail::scanBlock<8>;
    case 21:
        return &detail::scanBlock<21>;
    default:
        return &detail::scanBlock<0>;
    }
}

// Gives `raster` the shape width x height, keeping its buffer (without refilling it) when
// the size already matches: a caller scoring many samples reuses one result's memory.
template <typename T> void shape(Raster<T>& raster, int width, int height) {
    if (raster.width() != width || raster.height() != height || raster.channels() != 1)
        raster = Raster<T>(width, height);
}

} // namespace

LossResult computeLoss(const LabelMap& labels, const Prediction& prediction,
                       const LossConfig& config, VariantMask variants,
                       const Annotation& annotation) {
    LossResult result;
    computeLoss(labels, prediction, config, variants, result, annotation);
    return result;
}

void computeLoss(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                 VariantMask mask, LossResult& result, const Annotation& annotation) {
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
    for (const int c : annotation.annotated)
        if (c < 0 || c >= classes)
            throw LossError("class " + std::to_string(c) +
                            " is declared annotated but the prediction has " +
                            std::to_string(classes) + " classes");

    SampleSummary& summary = result.summary;
    summary = SampleSummary();
    countClasses(labels, classes, config.ignoreIndex, summary.classPixels);
    // The one place the missing set M is made (spec section 4). w0 of a predicted class k is
    // 1 unless k is in M: `keep` is what the shared pass looks up.
    MissingClasses missing = missingClasses(summary.classPixels, annotation);
    std::vector<std::uint8_t> keep(missing.mask.size());
    for (std::size_t cls = 0; cls < keep.size(); ++cls)
        keep[cls] = missing.mask[cls] != 0 ? 0 : 1;

    const std::size_t n = labels.pixelCount();
    const auto c = static_cast<std::size_t>(classes);
    const auto variants = lossVariants();
    const std::size_t variantCount = variants.size();
    shape(result.argmax, width, height);
    shape(result.bgWeight, width, height);
    shape(result.removed, width, height);
    result.maps.resize(variantCount);
    std::vector<std::size_t> selected;
    for (std::size_t v = 0; v < variantCount; ++v) {
        if (hasVariant(mask, v)) {
            shape(result.maps[v], width, height);
            selected.push_back(v);
        } else {
            result.maps[v] = LossMap();
        }
    }

    // One fused pass, a block of pixels at a time so everything a block produces is still
    // in cache when it is used: (1) one read of each pixel's C probabilities gives the
    // argmax and the labelled class's clamped probability; (2) Eigen's vectorised log turns
    // those into the standard loss; (3) every variant's kernel writes its block of the map
    // from that; (4) the block is added to the per-class sums.
    const std::uint16_t* y = labels.data();
    const float* p = prediction.data();
    constexpr std::size_t kBlock = detail::kMaxBlock;
    // Eigen allocates these aligned, so its vectorised log takes the same path for every
    // block whatever the heap gives: results are bit-identical run to run and thread to
    // thread (an unaligned head would be done with the scalar log, rounded differently).
    Eigen::ArrayXf standardBlock(static_cast<Eigen::Index>(kBlock));
    Eigen::ArrayXf probabilityBlock(static_cast<Eigen::Index>(kBlock));
    const auto ignore = static_cast<std::uint32_t>(config.ignoreIndex);
    std::vector<double> lanes(variantCount * 4 * c, 0.0);
    std::vector<std::int64_t> reducedLanes(variantCount * 4 * c, 0);
    const std::size_t standardIndex = variantIndex("standard");
    const ScanFn scan = scanFor(classes);
    std::vector<std::int32_t> blockLabels(kBlock);
    std::int64_t removedCount = 0;

    LossContext context;
    context.width = width;
    context.height = height;
    context.classes = classes;
    context.ignoreIndex = config.ignoreIndex;
    context.config = &config;
    summary.missing = std::move(missing.list);
    summary.missingSource = missing.source;
    // Once per sample, not per block: the kernels of marginal and drop read them.
    context.missingMask = missing.mask;
    context.missing = summary.missing;

    for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t count = std::min(kBlock, n - start);
        float* ls = standardBlock.data();
        float* qs = probabilityBlock.data();
        removedCount += scan(p + start * c, y + start, count, c, keep.data(), ignore,
                             result.argmax.data() + start, result.bgWeight.data() + start,
                             result.removed.data() + start, qs, blockLabels.data());
        const auto blockSize = static_cast<Eigen::Index>(count);
        standardBlock.head(blockSize) = -probabilityBlock.head(blockSize).log();

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
            detail::accumulateBlock(out.data(), ls, blockLabels.data(), count, c,
                                    lanes.data() + v * 4 * c,
                                    v == standardIndex ? nullptr : reducedLanes.data() + v * 4 * c);
        }
    }

    summary.classes = classes;
    summary.removedPixels = removedCount;
    for (std::size_t cls = 0; cls < c; ++cls)
        summary.validPixels += summary.classPixels[cls];
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
            weight +=
                variants[v].weight == nullptr
                    ? pixels
                    : pixels * variants[v].weight(config, missing.mask, static_cast<int>(cls));
        }
        summary.sums[v] = total;
        summary.weights[v] = weight;
    }
}

} // namespace losslens
