#include "losslens/report/Exporter.h"

#include "losslens/io/FileBytes.h"
#include "losslens/io/NpyArray.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/report/StatsText.h"
#include "losslens/set/SamplePool.h"
#include "losslens/set/SetProcessor.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>

namespace losslens {

namespace fs = std::filesystem;

namespace {

std::vector<std::size_t> chosenVariants(const ExportOptions& options) {
    if (!options.variants.empty())
        return options.variants;
    std::vector<std::size_t> all(lossVariants().size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return all;
}

std::string conflictText(const std::vector<fs::path>& files) {
    std::string text = std::to_string(files.size()) + " file(s) of this export already exist: ";
    for (std::size_t i = 0; i < files.size() && i < 3; ++i)
        text += (i ? ", " : "") + files[i].string();
    if (files.size() > 3)
        text += ", ...";
    return text;
}

std::string mapNpy(const LossMap& map) {
    const std::int64_t shape[] = {map.height(), map.width()};
    return encodeNpyFloat32(map.values(), shape);
}

// Removes temporary files a killed export left behind (".<name>.tmp-XXXXXX").
void removeStaleTemporaries(const fs::path& folder) {
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 12 && name[0] == '.' && name.rfind(".tmp-") == name.size() - 11)
            fs::remove(it->path(), ec);
    }
}

} // namespace

ExportConflict::ExportConflict(std::vector<fs::path> files)
    : std::runtime_error(conflictText(files))
    , m_files(std::move(files)) {}

std::vector<fs::path> exportFileNames(const fs::path& outDir, const std::string& stem,
                                      const ExportOptions& options) {
    std::vector<fs::path> names;
    const auto variants = lossVariants();
    for (std::size_t v : chosenVariants(options)) {
        const std::string base = stem + "." + std::string(variants[v].name);
        if (options.npy)
            names.push_back(outDir / (base + ".npy"));
        if (options.png)
            names.push_back(outDir / (base + ".png"));
    }
    if (options.npy)
        names.push_back(outDir / (stem + ".bgweight.npy"));
    if (options.png)
        names.push_back(outDir / (stem + ".bgweight.png"));
    return names;
}

namespace {

// An image past 16 MiB of rows is encoded in bands on the export's threads: a set of one
// big sample would otherwise leave every core but one idle while its heatmaps are encoded.
int encodeThreads(const ExportOptions& options) {
    return options.process.jobs > 0 ? options.process.jobs : defaultJobs();
}

// One variant's files: its map as .npy and/or its heatmap PNG.
struct VariantFiles {
    std::string npy;
    std::string png;
};

VariantFiles encodeVariant(const LoadedSample& sample, const LossMap& map, int ignoreIndex,
                           ValueRange range, const ExportOptions& options) {
    VariantFiles files;
    if (options.npy)
        files.npy = mapNpy(map);
    if (options.png)
        files.png = encodeHeatmapPng(map, sample.labels, ignoreIndex, range, options.colormap,
                                     options.logScale, encodeThreads(options));
    return files;
}

std::size_t writeVariant(const std::string& stem, std::size_t variant, const VariantFiles& files,
                         const ExportOptions& options) {
    const std::string base = stem + "." + std::string(lossVariants()[variant].name);
    std::size_t written = 0;
    if (options.npy) {
        writeFileAtomically(options.outDir / (base + ".npy"), files.npy, options.overwrite);
        ++written;
    }
    if (options.png) {
        writeFileAtomically(options.outDir / (base + ".png"), files.png, options.overwrite);
        ++written;
    }
    return written;
}

bool sameMap(const LossMap& a, const LossMap& b) {
    return a.width() == b.width() && a.height() == b.height() &&
           std::memcmp(a.data(), b.data(), a.values().size() * sizeof(float)) == 0;
}

// The chosen variants' files from kept maps. Variants whose maps are equal bit for bit give
// the same files, so each distinct map is encoded once: on a sample with nothing missing
// most variants' maps are the standard's (on the 21-class set five of six heatmaps were
// often the same bytes, each encoded again).
std::size_t writeVariants(const std::string& stem, const LoadedSample& sample,
                          const LossResult& result, int ignoreIndex, ValueRange range,
                          const ExportOptions& options) {
    std::vector<std::pair<const LossMap*, VariantFiles>> encoded;
    std::size_t written = 0;
    for (const std::size_t v : chosenVariants(options)) {
        const LossMap& map = result.maps[v];
        const auto same = std::find_if(encoded.begin(), encoded.end(),
                                       [&](const auto& e) { return sameMap(*e.first, map); });
        if (same != encoded.end()) {
            written += writeVariant(stem, v, same->second, options);
            continue;
        }
        encoded.emplace_back(&map, encodeVariant(sample, map, ignoreIndex, range, options));
        written += writeVariant(stem, v, encoded.back().second, options);
    }
    return written;
}

std::size_t writeBackgroundWeight(const std::string& stem, const LossResult& result,
                                  const ExportOptions& options) {
    std::size_t written = 0;
    if (options.npy) {
        LossMap weight(result.width(), result.height());
        const auto w0 = result.bgWeight.values();
        auto out = weight.values();
        for (std::size_t i = 0; i < w0.size(); ++i)
            out[i] = static_cast<float>(w0[i]);
        writeFileAtomically(options.outDir / (stem + ".bgweight.npy"), mapNpy(weight),
                            options.overwrite);
        ++written;
    }
    if (options.png) {
        writeFileAtomically(options.outDir / (stem + ".bgweight.png"),
                            encodeBackgroundWeightPng(result.bgWeight, encodeThreads(options)),
                            options.overwrite);
        ++written;
    }
    return written;
}

} // namespace

std::size_t exportSample(const std::string& stem, const LoadedSample& sample,
                         const LossResult& result, int ignoreIndex, ValueRange range,
                         const ExportOptions& options) {
    return writeVariants(stem, sample, result, ignoreIndex, range, options) +
           writeBackgroundWeight(stem, result, options);
}

namespace {
// The maps of one sample's chosen variants held at once when they take at most this much:
// one pass over the prediction makes them all (a 21-class 1024 x 768 sample's six maps are
// 19 MB; the pass per variant read its 66 MB prediction six times). Larger samples make one
// map at a time, so an 8192 x 8192 sample never holds six 256 MiB maps.
constexpr std::size_t kMapsAtOnceBytes = std::size_t{64} << 20;

// The bits of the largest value at pixels whose label is not ignoreIndex (0 for none): for
// values >= 0 the bits order as the values, and an integer maximum vectorises.
std::uint32_t largestValid(const float* values, const std::uint16_t* labels, std::size_t n,
                           int ignoreIndex) {
    std::uint32_t top = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t bits = std::bit_cast<std::uint32_t>(values[i]) & 0x7fffffffu;
        top = std::max(top, labels[i] != ignoreIndex ? bits : 0u);
    }
    return top;
}

VariantMask maskOf(std::span<const std::size_t> variants) {
    VariantMask mask = 0;
    for (const std::size_t v : variants)
        mask |= VariantMask{1} << v;
    return mask;
}
} // namespace

std::size_t exportSample(const std::string& stem, const LoadedSample& sample,
                         const LossConfig& config, ValueRange range, const ExportOptions& options) {
    // Reused by the thread's next sample: fresh maps cost their pages' zeroing each time.
    thread_local LossResult result;
    std::size_t written = 0;
    const auto variants = chosenVariants(options);
    const std::size_t mapBytes = static_cast<std::size_t>(sample.labels.width()) *
                                 static_cast<std::size_t>(sample.labels.height()) * sizeof(float);
    const bool big = mapBytes * variants.size() > kMapsAtOnceBytes;
    if (!variants.empty() && !big) {
        computeLoss(sample.labels, sample.prediction, config, maskOf(variants), result,
                    sample.annotation);
        written += writeVariants(stem, sample, result, config.ignoreIndex, range, options);
    } else {
        for (const std::size_t v : variants) {
            computeLoss(sample.labels, sample.prediction, config, VariantMask{1} << v, result,
                        sample.annotation);
            written += writeVariant(
                stem, v, encodeVariant(sample, result.maps[v], config.ignoreIndex, range, options),
                options);
        }
    }
    if (variants.empty())
        computeLoss(sample.labels, sample.prediction, config, VariantMask{0}, result,
                    sample.annotation);
    if (big)
        result.maps.clear(); // a big sample's last map is written: w0 alone is left to write
    written += writeBackgroundWeight(stem, result, options);
    if (big)
        result = LossResult(); // its masks go back to the system, not kept for the thread
    return written;
}

std::vector<fs::path> existingExportFiles(const Dataset& dataset, const ExportOptions& options) {
    std::vector<fs::path> existing;
    std::error_code ec;
    for (const auto& entry : dataset.entries())
        for (const auto& file : exportFileNames(options.outDir, entry.stem, options))
            if (fs::exists(file, ec))
                existing.push_back(file);
    for (const char* name : {"summary.json", "summary.csv", "legend.png"})
        if (fs::exists(options.outDir / name, ec))
            existing.push_back(options.outDir / name);
    return existing;
}

namespace {
// Heatmaps and maps never show the display image: it is not decoded; and the visitor
// makes each variant's map itself, one at a time.
ProcessOptions summaryForVisitor(ProcessOptions options) {
    options.images = Dataset::Image::Skip;
    options.maps = false;
    options.precision = Dataset::Precision::AsStored; // read by computeLoss alone
    return options;
}
} // namespace

ValueRange autoRange(const Dataset& dataset, const ExportOptions& options, SamplePool* samples) {
    const auto variants = chosenVariants(options);
    const LossConfig config = dataset.config().lossConfig();
    std::mutex mutex;
    float hi = 0.0f;
    // The largest value of the chosen variants' maps over valid pixels, taken from one pass's
    // blocks: no map is kept, whatever the sample's size.
    ProcessOptions process = summaryForVisitor(options.process);
    process.samples = samples;
    (void)processSet(
        dataset, process, [&](std::size_t, const LoadedSample& sample, const LossResult&) {
            std::uint32_t local = 0; // the bits of the largest value: losses are >= 0
            const LossBlockSink sink = [&](const LossBlock& block) {
                for (const std::size_t v : variants)
                    local = std::max(local, largestValid(block.maps[v], block.labels.data(),
                                                         block.size(), config.ignoreIndex));
            };
            (void)summarizeLoss(sample.labels, sample.prediction, config, maskOf(variants),
                                sample.annotation, sink);
            std::lock_guard lock(mutex);
            hi = std::max(hi, std::bit_cast<float>(local));
        });
    return {0.0f, hi > 0.0f ? hi : 1.0f};
}

HeatmapScale exportScale(const ExportOptions& options, ValueRange range) {
    HeatmapScale scale;
    scale.range = range;
    scale.colormap = std::string(colormapName(options.colormap));
    scale.log = options.logScale;
    return scale;
}

std::string summaryJson(const SetReport& report, const ExportOptions& options, ValueRange range) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(statsJson(report));
    if (options.png) {
        const HeatmapScale scale = exportScale(options, range);
        doc["heatmaps"] = {{"range", {scale.range.lo, scale.range.hi}},
                           {"colormap", scale.colormap},
                           {"scale", scale.log ? "log" : "linear"},
                           {"legend", "legend.png"}};
    } else {
        doc["heatmaps"] = nullptr;
    }
    return doc.dump(2) + "\n";
}

ExportResult exportSet(const Dataset& dataset, const ExportOptions& options) {
    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    if (ec || !fs::is_directory(options.outDir))
        throw std::runtime_error(options.outDir.string() + ": cannot create the output folder" +
                                 (ec ? ": " + ec.message() : std::string()));
    if (!options.overwrite) {
        std::vector<fs::path> existing = existingExportFiles(dataset, options);
        if (!existing.empty())
            throw ExportConflict(std::move(existing));
    }
    removeStaleTemporaries(options.outDir);

    ExportResult result;
    // The range's scan and the files' scan share their workers' buffers.
    SamplePool samples;
    result.range = options.range
                       ? *options.range
                       : (options.png ? autoRange(dataset, options, &samples) : ValueRange{});
    // A log scale spans three decades below the top unless the range starts above 0 (the
    // window's rule).
    if (options.logScale && !(result.range.lo > 0.0f))
        result.range.lo = result.range.hi / 1000.0f;
    if (options.process.cancel && options.process.cancel->load()) {
        result.report.cancelled = true;
        return result;
    }
    std::atomic<std::size_t> written{0};
    const LossConfig config = dataset.config().lossConfig();
    // The chosen maps come from the pass that makes the summary (one read of the prediction,
    // not two) when they fit kMapsAtOnceBytes; a bigger sample's are made one at a time.
    ProcessOptions process = summaryForVisitor(options.process);
    process.maps = true;
    process.keptMaps = maskOf(chosenVariants(options));
    process.mapsAtMostBytes = kMapsAtOnceBytes;
    process.samples = &samples;
    result.report = processSet(
        dataset, process, [&](std::size_t i, const LoadedSample& sample, const LossResult& scored) {
            const std::string& stem = dataset.entries()[i].stem;
            written +=
                scored.maps.empty()
                    ? exportSample(stem, sample, config, result.range, options)
                    : exportSample(stem, sample, scored, config.ignoreIndex, result.range, options);
        });
    result.filesWritten = written.load();
    if (!result.report.cancelled) {
        // A failed summary (the disk filled up, the folder was removed) must not lose the
        // samples' outcomes: it is reported beside them. Each file is tried on its own, the
        // summaries first.
        const auto write = [&](const char* name, const std::string& bytes) {
            try {
                writeFileAtomically(options.outDir / name, bytes, options.overwrite);
                ++result.filesWritten;
            } catch (const WriteError& e) {
                if (!result.summaryError.empty())
                    result.summaryError += "; ";
                result.summaryError += e.what();
            }
        };
        write("summary.json", summaryJson(result.report, options, result.range));
        write("summary.csv", statsCsv(result.report));
        if (options.png)
            write("legend.png", encodeLegendPng(exportScale(options, result.range), "loss"));
    }
    return result;
}

} // namespace losslens
