#include "losslens/loss/LossComputer.h"

#include "losslens/loss/LossVariant.h"

#include "ClassCounts.h"
#include "FusedPass.h"
#include "HalfFloat.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace losslens {

namespace {

std::string sizeText(int width, int height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

// Pass 1 over labels only: how many valid pixels each class has; a label that is neither a
// class nor ignore_index is an error that says where.
void countClasses(const LabelMap& labels, int classes, int ignoreIndex,
                  std::vector<std::int64_t>& classPixels) {
    classPixels.assign(static_cast<std::size_t>(classes), 0);
    if (detail::countClassPixels(labels.data(), labels.pixelCount(),
                                 static_cast<std::size_t>(classes),
                                 static_cast<std::uint32_t>(ignoreIndex), classPixels.data()))
        return;
    const std::uint16_t* y = labels.data();
    for (std::size_t i = 0; i < labels.pixelCount(); ++i) {
        const int label = y[i];
        if (label == ignoreIndex || label < classes)
            continue;
        const auto x = static_cast<int>(i % static_cast<std::size_t>(labels.width()));
        const auto row = static_cast<int>(i / static_cast<std::size_t>(labels.width()));
        throw LossError("label " + std::to_string(label) + " at (x=" + std::to_string(x) + ", y=" +
                        std::to_string(row) + ") is not a class (C = " + std::to_string(classes) +
                        ") and not ignore_index " + std::to_string(ignoreIndex));
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

namespace {

// The whole computation; with `result` null only the summary (the pass writes its maps and
// masks into per-block scratch: nothing sized by the image).
// The inputs agree: sizes, one channel, 1 to 65535 classes, class weights and the declaration
// within the classes. Throws LossError naming what does not.
void checkInputs(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                 const Annotation& annotation) {
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
    for (const int c : annotation.notExhaustive)
        if (c < 0 || c >= classes)
            throw LossError("class " + std::to_string(c) +
                            " is declared not exhaustive but the prediction has " +
                            std::to_string(classes) + " classes");
}

// `result`'s masks shaped to the sample and the maps kept of the chosen variants (the others
// emptied); the maps' pixels for the pass (null: not kept).
std::vector<float*> shapeOutputs(LossResult* result, int width, int height, VariantMask mask,
                                 VariantMask keptMaps, std::size_t variantCount) {
    std::vector<float*> maps(variantCount, nullptr);
    if (result != nullptr) {
        shape(result->argmax, width, height);
        shape(result->bgWeight, width, height);
        shape(result->removed, width, height);
        result->maps.resize(variantCount);
        for (std::size_t v = 0; v < variantCount; ++v) {
            if (hasVariant(mask, v) && hasVariant(keptMaps, v)) {
                shape(result->maps[v], width, height);
                maps[v] = result->maps[v].data();
            } else {
                result->maps[v] = LossMap();
            }
        }
    }
    return maps;
}

// The pass's per-lane sums folded into the summary: each variant's sum and weight, its
// per-class sums and the pixels it reduced.
void foldSums(SampleSummary& summary, const std::vector<double>& lanes,
              const std::vector<std::int64_t>& reducedLanes,
              const std::vector<std::size_t>& selected, const LossConfig& config,
              const std::vector<std::uint8_t>& missingMask) {
    const auto variants = lossVariants();
    const std::size_t variantCount = variants.size();
    const auto c = static_cast<std::size_t>(summary.classes);
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
                          : pixels * variants[v].weight(config, missingMask, static_cast<int>(cls));
        }
        summary.sums[v] = total;
        summary.weights[v] = weight;
    }
}

SampleSummary score(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                    VariantMask mask, const Annotation& annotation, LossResult* result,
                    VariantMask keptMaps, const LossBlockSink* sink) {
    const int width = labels.width();
    const int height = labels.height();
    const int classes = prediction.classes();
    checkInputs(labels, prediction, config, annotation);

    SampleSummary summary;
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
    std::vector<std::size_t> selected;
    for (std::size_t v = 0; v < variantCount; ++v)
        if (hasVariant(mask, v))
            selected.push_back(v);
    std::vector<float*> maps = shapeOutputs(result, width, height, mask, keptMaps, variantCount);

    // One fused pass (FusedPass.h), a block of pixels at a time so everything a block
    // produces is still in cache when it is used: the argmax and the labelled class's
    // clamped probability from one read of each pixel, the standard loss, every variant's
    // kernel, and the per-class sums, on the best SIMD target of the CPU.
    std::vector<double> lanes(variantCount * 4 * c, 0.0);
    std::vector<std::int64_t> reducedLanes(variantCount * 4 * c, 0);

    detail::PassArgs pass;
    pass.labels = labels.data();
    if (prediction.isFloat16())
        pass.halves = prediction.halves();
    else
        pass.probabilities = prediction.data();
    pass.pixels = n;
    pass.classes = c;
    pass.keep = keep.data();
    pass.ignore = static_cast<std::uint32_t>(config.ignoreIndex);
    if (result != nullptr) {
        pass.argmax = result->argmax.data();
        pass.bgWeight = result->bgWeight.data();
        pass.removed = result->removed.data();
    }
    pass.variants = variants;
    pass.selected = selected;
    pass.maps = maps;
    pass.standardIndex = variantIndex("standard");
    pass.lanes = lanes.data();
    pass.reducedLanes = reducedLanes.data();
    pass.sink = sink;
    LossContext& context = pass.context;
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
    const std::int64_t removedCount = detail::runFusedPass(pass);

    summary.classes = classes;
    summary.removedPixels = removedCount;
    for (std::size_t cls = 0; cls < c; ++cls)
        summary.validPixels += summary.classPixels[cls];
    summary.backgroundPixels = summary.classPixels.empty() ? 0 : summary.classPixels[0];
    foldSums(summary, lanes, reducedLanes, selected, config, missing.mask);
    return summary;
}

} // namespace

void computeLoss(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                 VariantMask mask, LossResult& result, const Annotation& annotation) {
    result.summary =
        score(labels, prediction, config, mask, annotation, &result, kAllVariants, nullptr);
}

void computeLoss(const LabelMap& labels, const Prediction& prediction, const LossConfig& config,
                 VariantMask variants, LossResult& result, const Annotation& annotation,
                 const LossOutputs& outputs) {
    result.summary = score(labels, prediction, config, variants, annotation, &result,
                           outputs.keptMaps, &outputs.sink);
}

SampleSummary summarizeLoss(const LabelMap& labels, const Prediction& prediction,
                            const LossConfig& config, VariantMask variants,
                            const Annotation& annotation, const LossBlockSink& sink) {
    return score(labels, prediction, config, variants, annotation, nullptr, kAllVariants, &sink);
}

LossResult computeLossAt(const LabelMap& labels, const Prediction& prediction,
                         const LossConfig& config, VariantMask variants,
                         std::span<const int> missing, std::span<const int> xs,
                         std::span<const int> ys) {
    if (prediction.width() != labels.width() || prediction.height() != labels.height())
        throw LossError("label map is " + sizeText(labels.width(), labels.height()) +
                        " but prediction is " + sizeText(prediction.width(), prediction.height()));
    const int classes = prediction.classes();
    const auto c = static_cast<std::size_t>(classes);
    const auto w = static_cast<int>(xs.size());
    const auto h = static_cast<int>(ys.size());
    LabelMap gridLabels(w, h);
    Prediction gridPrediction(w, h, classes);
    const auto inside = [](int at, int limit) { return at >= 0 && at < limit; };
    // Off the image: ignore_index where a label can hold it, else background with p = 1.
    const bool ignoreFits = config.ignoreIndex >= 0 && config.ignoreIndex <= 0xffff;
    const auto offImage = static_cast<std::uint16_t>(ignoreFits ? config.ignoreIndex : 0);
    for (int gy = 0; gy < h; ++gy) {
        const int sy = ys[static_cast<std::size_t>(gy)];
        for (int gx = 0; gx < w; ++gx) {
            const int sx = xs[static_cast<std::size_t>(gx)];
            float* p = &gridPrediction.at(gx, gy, 0);
            if (!inside(sx, labels.width()) || !inside(sy, labels.height())) {
                gridLabels.at(gx, gy) = offImage;
                p[0] = 1.0f;
                continue;
            }
            gridLabels.at(gx, gy) = labels.at(sx, sy);
            const std::size_t at =
                (static_cast<std::size_t>(sy) * static_cast<std::size_t>(labels.width()) +
                 static_cast<std::size_t>(sx)) *
                c;
            if (prediction.isFloat16())
                detail::halvesToFloats(prediction.halves() + at, p, c);
            else
                std::copy_n(prediction.data() + at, c, p);
        }
    }
    // The grid's M is what its labels lack minus what is declared annotated: declaring every
    // class outside the sample's M makes it exactly the sample's (a class in M is absent
    // from the whole sample, so from the grid too).
    std::vector<std::uint8_t> inM(c, 0);
    for (const int m : missing)
        if (m >= 0 && static_cast<std::size_t>(m) < c)
            inM[static_cast<std::size_t>(m)] = 1;
    std::vector<int> annotated;
    for (std::size_t cls = 0; cls < c; ++cls)
        if (inM[cls] == 0)
            annotated.push_back(static_cast<int>(cls));
    return computeLoss(gridLabels, gridPrediction, config, variants,
                       Annotation::declared(std::move(annotated)));
}

} // namespace losslens
