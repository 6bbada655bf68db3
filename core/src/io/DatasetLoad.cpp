// Dataset's reading of one sample (load and its steps); Dataset.cpp lists the set.
#include "losslens/io/Dataset.h"

#include "Describe.h"
#include "DisplayImage.h"
#include "ValueCheck.h"

#include "losslens/io/CocoAnnotations.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/PredictionFile.h"

namespace losslens {

Annotation Dataset::annotationOf(const SampleEntry& entry) const {
    if (!entry.labelSet)
        return entry.cocoImage && m_coco ? m_coco->annotation(*entry.cocoImage) : Annotation{};
    const LabelSets::Entry& set = m_config.labelSets[*entry.labelSet];
    return Annotation::declared(set.annotated, set.notExhaustive);
}

void Dataset::checkMemory(const SampleEntry& entry, const PredictionFile& npy,
                          std::size_t pixels) const {
    // From the headers, before the prediction is read: what any reader holds at its peak.
    // The array as float32 (the raw file too while a Fortran-order array is reordered), and
    // per pixel the labels (2 bytes), the masks (argmax 2, w0 1, removed 1) and one image-
    // sized float or colour layer (4): the export's one map at a time, the window's display
    // layer (a big sample's maps are never all kept: SampleData), stats' nothing at all.
    // A header whose data is not all in the file is reported by the reader (truncated, or
    // trailing bytes), with that reason.
    if (!npy.sizeMatches())
        return;
    const std::int64_t elements = npy.header().elementCount();
    const std::int64_t prediction = elements * 4;
    // C order is read into the array a block at a time; Fortran order needs the raw array too.
    const auto n = static_cast<std::int64_t>(pixels);
    const std::int64_t rest = npy.readingCost() + n * (2 + 4 + 4);
    const std::int64_t budget = memoryBudget(m_limits);
    if (prediction + rest > budget)
        throw DataError(entry.prediction,
                        "needs about " + formatBytes(prediction + rest) +
                            " to load and score (the prediction " + formatBytes(prediction) +
                            " as float32; labels, masks and one loss map " + formatBytes(rest) +
                            "), more than the memory budget of " + formatBytes(budget) +
                            (m_limits.maxMemoryBytes > 0 ? std::string(" (--max-memory)")
                                                         : std::string(" (half of this machine's "
                                                                       "memory; --max-memory "
                                                                       "sets it)")));
}

LoadedSample Dataset::load(std::size_t index, Image image) const {
    LoadedSample sample;
    load(index, sample, image);
    // A sample kept on its own (the window's cache) holds no scratch: after a C x H x W
    // file, `transposed` holds a buffer the size of the prediction.
    sample.scratch = {};
    return sample;
}

// The label map: the COCO file's annotations painted, or the label PNG.
void Dataset::loadLabels(const SampleEntry& entry, LoadedSample& sample) const {
    if (entry.cocoImage && m_coco) {
        const auto& info = m_coco->images()[*entry.cocoImage];
        const std::int64_t pixels = std::int64_t{info.width} * info.height;
        if (pixels > m_limits.maxPixels)
            throw DataError(m_coco->file(),
                            "image " + std::to_string(info.id) + " is " +
                                std::to_string(info.width) + "x" + std::to_string(info.height) +
                                ", more than the limit of " + std::to_string(m_limits.maxPixels) +
                                " pixels (--max-pixels)");
        m_coco->rasterize(*entry.cocoImage, sample.labels, m_config.ignoreIndex);
    } else {
        readLabelPng(entry.label, m_limits, sample.labels, &sample.scratch.fileBytes);
    }
}

// The prediction into the sample's reused buffers: as stored (float16 kept) when asked and
// the file allows, else widened to float32; checked against the labels' size.
void Dataset::loadPrediction(const SampleEntry& entry, LoadedSample& sample,
                             Precision precision) const {
    const std::unique_ptr<PredictionFile> file = PredictionFile::open(entry.prediction, m_limits);
    checkMemory(entry, *file, sample.labels.pixelCount());
    // The last sample's buffers are refilled: no allocation, no zero fill in a scan's
    // steady state.
    LoadedSample::Scratch& scratch = sample.scratch;
    const bool wasHalf = sample.prediction.isFloat16();
    Prediction::Halves::Storage halves =
        wasHalf ? sample.prediction.releaseHalves() : std::move(scratch.halves);
    Raster<float>::Storage data = wasHalf ? std::move(scratch.floats) : sample.prediction.release();
    const int width = sample.labels.width();
    const int height = sample.labels.height();
    // An H x W x C array's values are checked a block at a time as they are read, in cache.
    const bool logits = m_config.kind == PredictionKind::Logits;
    std::optional<detail::ValueCheck> check;
    if (const auto classes =
            detail::pixelMajorClasses(file->header().shape, width, height, m_config, m_limits))
        check.emplace(*classes, logits);
    if (check && !logits)
        file->onBlockRead([&](std::size_t values) { check->placed(halves.data(), values); });
    const bool asHalves = precision == Precision::AsStored && file->readHalvesInto(halves);
    if (!asHalves) {
        if (check)
            file->onBlockRead([&](std::size_t values) { check->placed(data.data(), values); });
        file->readInto(data);
    }
    const std::size_t pixels = sample.labels.pixelCount();
    const std::optional<bool> looksRight = check ? check->verdict(pixels) : std::nullopt;
    try {
        if (asHalves) {
            scratch.floats = std::move(data);
            sample.prediction =
                predictionFromHalves(file->header().shape, std::move(halves), width, height,
                                     m_config, m_limits, sample.warnings, looksRight);
        } else {
            scratch.halves = std::move(halves);
            sample.prediction =
                predictionFromArray(file->header().shape, std::move(data), width, height, m_config,
                                    m_limits, sample.warnings, &scratch.transposed, looksRight);
        }
    } catch (const std::exception& e) {
        throw DataError(entry.prediction, e.what());
    }
    for (std::string& warning : sample.warnings)
        warning = entry.prediction.string() + ": " + warning;
}

// The prediction's classes against the COCO categories, every label and the sample's
// declaration; then the sample's class list, ignore index and annotation.
void Dataset::checkClasses(const SampleEntry& entry, LoadedSample& sample) const {
    const int classes = sample.prediction.classes();
    if (m_coco && classes != static_cast<int>(m_coco->classNames().size()))
        throw DataError(entry.prediction, "has " + std::to_string(classes) + " classes but " +
                                              m_coco->file().filename().string() + " has " +
                                              std::to_string(m_coco->classNames().size() - 1) +
                                              " categories (C must be that plus background: " +
                                              std::to_string(m_coco->classNames().size()) + ")");
    const auto labels = sample.labels.values();
    // A loop the compiler vectorises says whether any label is off; only then is the first
    // one found (the loop with its early exit ran a label at a time: 7% of `stats`).
    const auto classCount = static_cast<std::uint32_t>(classes);
    const std::uint32_t ignore = m_config.ignoreIndex >= 0 && m_config.ignoreIndex <= 0xffff
                                     ? static_cast<std::uint32_t>(m_config.ignoreIndex)
                                     : 0x10000u; // no label's value
    std::uint32_t off = 0;
    for (const std::uint16_t label : labels)
        off |= static_cast<std::uint32_t>(label >= classCount) &
               static_cast<std::uint32_t>(label != ignore);
    for (std::size_t i = 0; off != 0 && i < labels.size(); ++i) {
        const int label = labels[i];
        if (label >= classes && label != m_config.ignoreIndex)
            throw DataError(entry.label, "label " + std::to_string(label) + " at " +
                                             detail::pixelAt(i, sample.labels.width()) +
                                             " is not a class (C = " + std::to_string(classes) +
                                             ") and not ignore_index " +
                                             std::to_string(m_config.ignoreIndex));
    }
    sample.classes = m_config.classesFor(classes);
    sample.ignoreIndex = m_config.ignoreIndex;
    sample.annotation = annotationOf(entry);
    for (const auto* list : {&sample.annotation.annotated, &sample.annotation.notExhaustive})
        for (const int c : *list)
            if (c >= classes && entry.labelSet)
                throw DataError(
                    m_root / "dataset.json",
                    "label_sets[" + std::to_string(*entry.labelSet) + "] (match \"" +
                        m_config.labelSets[*entry.labelSet].match + "\") declares class " +
                        std::to_string(c) +
                        (list == &sample.annotation.annotated ? " annotated" : " not exhaustive") +
                        ", but " + entry.prediction.filename().string() + " has " +
                        std::to_string(classes) + " classes (0.." + std::to_string(classes - 1) +
                        ")");
}

void Dataset::load(std::size_t index, LoadedSample& sample, Image image,
                   Precision precision) const {
    const SampleEntry& entry = m_entries.at(index);
    if (!entry.complete())
        throw DataError(entry.reportFile(), entry.problem);
    sample.image = ByteImage();
    sample.warnings.clear();
    sample.annotation = Annotation();
    loadLabels(entry, sample);
    loadPrediction(entry, sample, precision);
    checkClasses(entry, sample);
    if (!entry.image.empty() && image == Image::Load)
        sample.image = detail::readDisplayImage(entry.image, sample.labels.width(),
                                                sample.labels.height(), sample.warnings);
    else if (!entry.image.empty() && image == Image::Check)
        detail::checkDisplayImage(entry.image, sample.labels.width(), sample.labels.height(),
                                  sample.warnings);
}

} // namespace losslens
