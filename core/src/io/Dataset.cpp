#include "losslens/io/Dataset.h"

#include "Describe.h"
#include "DisplayImage.h"

#include "losslens/io/CocoAnnotations.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/PredictionFile.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_set>

namespace losslens {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string joinRuns(const std::vector<std::string>& runs) {
    std::string text;
    for (const std::string& run : runs)
        text += (text.empty() ? "" : ", ") + run;
    return text;
}

// Lists <folder>/<stem><ext> for the given extensions, hidden files skipped.
std::map<std::string, fs::path> listStems(const fs::path& folder,
                                          const std::vector<std::string>& extensions) {
    std::map<std::string, fs::path> stems;
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return stems;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        const std::string name = path.filename().string();
        if (name.empty() || name[0] == '.')
            continue;
        const std::string ext = lower(path.extension().string());
        if (std::find(extensions.begin(), extensions.end(), ext) == extensions.end())
            continue;
        stems.emplace(path.stem().string(), path);
    }
    return stems;
}

// A folder's prediction files by stem; a stem with two (x.npy and x.npz) is listed under
// each file so the entry can say so.
std::multimap<std::string, fs::path> listPredictions(const fs::path& folder) {
    std::multimap<std::string, fs::path> stems;
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return stems;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (isPredictionFileName(it->path()))
            stems.emplace(it->path().stem().string(), it->path());
    return stems;
}

// Why a stem has no one prediction, or nothing.
std::string predictionTwice(const std::multimap<std::string, fs::path>& predictions,
                            const std::string& stem) {
    const auto [first, last] = predictions.equal_range(stem);
    if (first == last || std::next(first) == last)
        return {};
    std::vector<std::string> names;
    for (auto it = first; it != last; ++it)
        names.push_back(it->second.filename().string());
    std::sort(names.begin(), names.end());
    std::string list;
    for (const std::string& name : names)
        list += (list.empty() ? "" : " and ") + name;
    return "two predictions: " + list + "; keep one";
}

} // namespace

std::string noSampleReason() {
    return "no sample at all (a sample is a stem with labels/<stem>.png and "
           "predictions/<stem>.npy)";
}

std::vector<std::string> runNames(const fs::path& root) {
    const fs::path folder = root / "predictions";
    std::vector<std::string> runs;
    bool files = false;
    std::string fileKind; // the extension of the first prediction file found
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return runs;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.')
            continue;
        std::error_code kind;
        if (it->is_directory(kind))
            runs.push_back(name);
        else if (isPredictionFileName(it->path()) && !files) {
            files = true;
            fileKind = lower(it->path().extension().string());
        }
    }
    if (ec)
        throw DataError(folder, "cannot be listed: " + ec.message());
    std::sort(runs.begin(), runs.end());
    if (files && !runs.empty())
        throw DataError(folder, "holds both " + fileKind + " files and run folders (" +
                                    joinRuns(runs) +
                                    "): put every prediction set in a run folder, or use one "
                                    "set of prediction files without folders");
    return runs;
}

Dataset Dataset::open(const fs::path& root, const DataLimits& limits, const std::string& run) {
    std::error_code ec;
    if (!fs::exists(root, ec))
        throw DataError(root, "no such folder");
    if (!fs::is_directory(root, ec))
        throw DataError(root, "is not a folder");
    Dataset set;
    set.m_root = root;
    set.m_limits = limits;
    set.m_config = DatasetConfig::load(root, limits.maxClasses);
    if (!set.m_config.annotations.empty())
        set.readCocoAnnotations();
    if (!set.m_coco && !fs::is_directory(root / "labels", ec) &&
        !fs::is_directory(root / "predictions", ec))
        throw DataError(root, "not a LossLens data set: it has neither labels/ nor predictions/");
    const auto [predictionFolder, predictionPrefix] = set.choosePredictions(run);
    if (set.m_coco)
        set.listAnnotatedImages(predictionFolder, predictionPrefix);
    else
        set.listFolders(predictionFolder, predictionPrefix);
    set.resolveLabelSets();
    if (!set.m_coco)
        set.warnAboutIgnoreIndex();
    return set;
}

// Labelled by a COCO/LVIS file: its categories are the classes (spec section 8).
void Dataset::readCocoAnnotations() {
    auto coco =
        std::make_shared<CocoAnnotations>(CocoAnnotations::read(m_root / m_config.annotations));
    const auto& names = coco->classNames();
    if (static_cast<std::int64_t>(names.size()) > m_limits.maxClasses)
        throw DataError(coco->file(), "has " + std::to_string(names.size() - 1) +
                                          " categories, more than the limit of " +
                                          std::to_string(m_limits.maxClasses - 1) +
                                          " (--max-classes sets it)");
    m_config = DatasetConfig::load(m_root, m_limits.maxClasses, &names);
    const auto top = static_cast<int>(names.size()) - 1;
    if (m_config.ignoreIndex <= top) {
        if (m_config.ignoreIndexGiven)
            throw DataError(m_root / "dataset.json",
                            "ignore_index " + std::to_string(m_config.ignoreIndex) +
                                " is a class id: " + coco->file().filename().string() + " has " +
                                std::to_string(top) + " categories (classes 1.." +
                                std::to_string(top) + "); set ignore_index above them, e.g. 65535");
        m_config.ignoreIndex = 65535; // 255 would be a class
    }
    m_coco = std::move(coco);
}

// Which prediction folder, and its path as messages name it: the one-run layout, the only
// run, or the run asked for (spec section 5; m_run is set).
std::pair<fs::path, std::string> Dataset::choosePredictions(const std::string& run) {
    const std::vector<std::string> runs = runNames(m_root);
    fs::path predictionFolder = m_root / "predictions";
    std::string predictionPrefix = "predictions/";
    if (!run.empty() || runs.size() == 1) {
        const std::string chosen = run.empty() ? runs.front() : run;
        if (std::find(runs.begin(), runs.end(), chosen) == runs.end())
            throw DataError(predictionFolder,
                            "has no run \"" + chosen + "\" (" +
                                (runs.empty() ? std::string("it holds one prediction set, no runs")
                                              : "its runs: " + joinRuns(runs)) +
                                ")");
        m_run = chosen;
        predictionFolder /= chosen;
        predictionPrefix += chosen + "/";
    } else if (runs.size() > 1) {
        throw DataError(predictionFolder, "holds " + std::to_string(runs.size()) + " runs (" +
                                              joinRuns(runs) + "): choose one");
    }
    return {predictionFolder, predictionPrefix};
}

// The entries of a folder-labelled set: labels/, the prediction folder and images/ by stem.
void Dataset::listFolders(const fs::path& predictionFolder, const std::string& predictionPrefix) {
    const auto labels = listStems(m_root / "labels", {".png"});
    const auto predictions = listPredictions(predictionFolder);
    const auto images =
        listStems(m_root / "images", {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"});
    std::map<std::string, SampleEntry> entries;
    for (const auto& [stem, path] : labels)
        entries[stem].label = path;
    for (const auto& [stem, path] : predictions)
        entries[stem].prediction = path;
    for (auto& [stem, entry] : entries) {
        entry.stem = stem;
        if (const std::string twice = predictionTwice(predictions, stem); !twice.empty()) {
            entry.problem = twice;
            m_entries.push_back(std::move(entry));
            continue;
        }
        if (const auto it = images.find(stem); it != images.end())
            entry.image = it->second;
        if (entry.prediction.empty())
            entry.problem = "no prediction: " + predictionPrefix + stem + ".npy is missing";
        else if (entry.label.empty())
            entry.problem = "no label: labels/" + stem + ".png is missing";
        else
            ++m_completeCount;
        m_entries.push_back(std::move(entry));
    }
}

// 255, the spec's default ignore index, is a class of a set of more classes (LVIS has 1,203):
// its pixels would silently be left out.
void Dataset::warnAboutIgnoreIndex() {
    if (!m_config.ignoreIndexGiven && m_config.ignoreIndex == kDefaultIgnoreIndex &&
        m_config.classes.size() > static_cast<std::size_t>(kDefaultIgnoreIndex))
        m_warnings.push_back(
            (m_root / "dataset.json").string() + ": lists " +
            std::to_string(m_config.classes.size()) + " classes but sets no ignore_index: " +
            "the default 255 is class \"" + m_config.classes[kDefaultIgnoreIndex].name +
            "\", whose pixels are then never scored; set \"ignore_index\" (e.g. 65535)");
}

void Dataset::listAnnotatedImages(const fs::path& predictionFolder,
                                  const std::string& predictionPrefix) {
    const auto predictions = listPredictions(predictionFolder);
    const auto& images = m_coco->images();
    const std::string file = m_coco->file().filename().string();
    std::map<std::string, SampleEntry> entries;
    std::map<std::string, std::size_t> firstOf; // stem -> first image with it
    for (std::size_t i = 0; i < images.size(); ++i) {
        const auto& image = images[i];
        std::string problem;
        const std::string stem = CocoAnnotations::stemOf(image.fileName, problem);
        const std::string name = "image " + std::to_string(image.id);
        if (stem.empty()) {
            // No stem to list it under: its own entry, named by its id.
            SampleEntry entry;
            entry.stem = name;
            entry.label = m_coco->file();
            entry.problem = file + ": " + name + " " + problem;
            entries.emplace(name, std::move(entry));
            continue;
        }
        if (const auto [it, added] = firstOf.emplace(stem, i); !added)
            throw DataError(m_coco->file(), "images " + std::to_string(images[it->second].id) +
                                                " (" + images[it->second].fileName + ") and " +
                                                std::to_string(image.id) + " (" + image.fileName +
                                                ") have the same stem \"" + stem + "\"");
        SampleEntry& entry = entries[stem];
        entry.stem = stem;
        entry.label = m_coco->file();
        entry.cocoImage = i;
        std::error_code ec;
        if (const fs::path display = m_root / "images" / image.fileName;
            fs::is_regular_file(display, ec))
            entry.image = display;
        if (!image.problem.empty())
            entry.problem = file + ": " + name + " " + image.problem;
    }
    for (const auto& [stem, path] : predictions) {
        SampleEntry& entry = entries[stem];
        entry.prediction = path;
        if (entry.stem.empty()) {
            entry.stem = stem;
            entry.problem = "no label: " + file + " lists no image with this stem";
        }
    }
    for (auto& [stem, entry] : entries) {
        if (const std::string twice = predictionTwice(predictions, stem); !twice.empty())
            entry.problem = twice;
        if (entry.problem.empty() && entry.prediction.empty())
            entry.problem = "no prediction: " + predictionPrefix + stem + ".npy is missing";
        if (entry.complete())
            ++m_completeCount;
        m_entries.push_back(std::move(entry));
    }
    m_warnings = m_coco->warnings();
}

void Dataset::resolveLabelSets() {
    const LabelSets& sets = m_config.labelSets;
    if (sets.empty())
        return;
    std::vector<std::size_t> uses(sets.size(), 0);
    for (SampleEntry& entry : m_entries) {
        entry.labelSet = sets.find(entry.stem);
        if (entry.labelSet)
            ++uses[*entry.labelSet];
    }
    const std::string file = (m_root / "dataset.json").string();
    std::unordered_set<std::string> stems;
    for (std::size_t i = 0; i < sets.size(); ++i) {
        if (uses[i] > 0)
            continue;
        const std::string& match = sets[i].match;
        // An exact stem is one hash lookup; only an unused glob walks the stems.
        if (stems.empty())
            for (const SampleEntry& e : m_entries)
                stems.insert(e.stem);
        const bool matchesSome =
            LabelSets::isGlob(match)
                ? std::any_of(m_entries.begin(), m_entries.end(),
                              [&](const auto& e) { return globMatch(match, e.stem); })
                : stems.count(match) > 0;
        m_warnings.push_back(file + ": label_sets[" + std::to_string(i) + "] (match \"" + match +
                             "\") " +
                             (matchesSome ? "is never used: every stem it matches is matched by an "
                                            "earlier entry first"
                                          : "matches no sample"));
    }
}

void Dataset::ignoreLabelSets() {
    m_config.labelSets = LabelSets();
    for (SampleEntry& entry : m_entries)
        entry.labelSet.reset();
    // Only the label_sets warnings go (the annotations file's and the others stay).
    m_warnings.erase(std::remove_if(m_warnings.begin(), m_warnings.end(),
                                    [](const std::string& w) {
                                        return w.find(": label_sets[") != std::string::npos;
                                    }),
                     m_warnings.end());
}

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

void Dataset::load(std::size_t index, LoadedSample& sample, Image image,
                   Precision precision) const {
    const SampleEntry& entry = m_entries.at(index);
    if (!entry.complete())
        throw DataError(entry.reportFile(), entry.problem);
    sample.image = ByteImage();
    sample.warnings.clear();
    sample.annotation = Annotation();
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
    const std::unique_ptr<PredictionFile> file = PredictionFile::open(entry.prediction, m_limits);
    checkMemory(entry, *file, sample.labels.pixelCount());
    // The last sample's buffers are refilled: no allocation, no zero fill in a scan's
    // steady state.
    LoadedSample::Scratch& scratch = sample.scratch;
    const bool wasHalf = sample.prediction.isFloat16();
    Prediction::Halves::Storage halves =
        wasHalf ? sample.prediction.releaseHalves() : std::move(scratch.halves);
    Raster<float>::Storage data = wasHalf ? std::move(scratch.floats) : sample.prediction.release();
    const bool asHalves = precision == Precision::AsStored && file->readHalvesInto(halves);
    if (!asHalves)
        file->readInto(data);
    try {
        const int width = sample.labels.width();
        const int height = sample.labels.height();
        if (asHalves) {
            scratch.floats = std::move(data);
            sample.prediction = predictionFromHalves(file->header().shape, std::move(halves), width,
                                                     height, m_config, m_limits, sample.warnings);
        } else {
            scratch.halves = std::move(halves);
            sample.prediction =
                predictionFromArray(file->header().shape, std::move(data), width, height, m_config,
                                    m_limits, sample.warnings, &scratch.transposed);
        }
    } catch (const std::exception& e) {
        throw DataError(entry.prediction, e.what());
    }
    for (std::string& warning : sample.warnings)
        warning = entry.prediction.string() + ": " + warning;

    const int classes = sample.prediction.classes();
    if (m_coco && classes != static_cast<int>(m_coco->classNames().size()))
        throw DataError(entry.prediction, "has " + std::to_string(classes) + " classes but " +
                                              m_coco->file().filename().string() + " has " +
                                              std::to_string(m_coco->classNames().size() - 1) +
                                              " categories (C must be that plus background: " +
                                              std::to_string(m_coco->classNames().size()) + ")");
    const auto labels = sample.labels.values();
    for (std::size_t i = 0; i < labels.size(); ++i) {
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
    if (!entry.image.empty() && image == Image::Load)
        sample.image = detail::readDisplayImage(entry.image, sample.labels.width(),
                                                sample.labels.height(), sample.warnings);
    else if (!entry.image.empty() && image == Image::Check)
        detail::checkDisplayImage(entry.image, sample.labels.width(), sample.labels.height(),
                                  sample.warnings);
}

} // namespace losslens
