#include "losslens/io/Dataset.h"

#include "Describe.h"
#include "DisplayImage.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/NpyArray.h"

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

} // namespace

std::string noSampleReason() {
    return "no sample at all (a sample is a stem with labels/<stem>.png and "
           "predictions/<stem>.npy)";
}

std::vector<std::string> runNames(const fs::path& root) {
    const fs::path folder = root / "predictions";
    std::vector<std::string> runs;
    bool files = false;
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
        else if (lower(it->path().extension().string()) == ".npy")
            files = true;
    }
    if (ec)
        throw DataError(folder, "cannot be listed: " + ec.message());
    std::sort(runs.begin(), runs.end());
    if (files && !runs.empty())
        throw DataError(folder, "holds both .npy files and run folders (" + joinRuns(runs) +
                                    "): put every prediction set in a run folder, or use one "
                                    "set of .npy files without folders");
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
    if (!fs::is_directory(root / "labels", ec) && !fs::is_directory(root / "predictions", ec))
        throw DataError(root, "not a LossLens data set: it has neither labels/ nor predictions/");

    // Which prediction folder: the one-run layout, the only run, or the run asked for.
    const std::vector<std::string> runs = runNames(root);
    fs::path predictionFolder = root / "predictions";
    std::string predictionPrefix = "predictions/";
    if (!run.empty() || runs.size() == 1) {
        const std::string chosen = run.empty() ? runs.front() : run;
        if (std::find(runs.begin(), runs.end(), chosen) == runs.end())
            throw DataError(predictionFolder,
                            "has no run \"" + chosen + "\" (" +
                                (runs.empty() ? std::string("it holds one prediction set, no runs")
                                              : "its runs: " + joinRuns(runs)) +
                                ")");
        set.m_run = chosen;
        predictionFolder /= chosen;
        predictionPrefix += chosen + "/";
    } else if (runs.size() > 1) {
        throw DataError(predictionFolder, "holds " + std::to_string(runs.size()) + " runs (" +
                                              joinRuns(runs) + "): choose one");
    }
    const auto labels = listStems(root / "labels", {".png"});
    const auto predictions = listStems(predictionFolder, {".npy"});
    const auto images =
        listStems(root / "images", {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"});
    std::map<std::string, SampleEntry> entries;
    for (const auto& [stem, path] : labels)
        entries[stem].label = path;
    for (const auto& [stem, path] : predictions)
        entries[stem].prediction = path;
    for (auto& [stem, entry] : entries) {
        entry.stem = stem;
        if (const auto it = images.find(stem); it != images.end())
            entry.image = it->second;
        if (entry.prediction.empty())
            entry.problem = "no prediction: " + predictionPrefix + stem + ".npy is missing";
        else if (entry.label.empty())
            entry.problem = "no label: labels/" + stem + ".png is missing";
        else
            ++set.m_completeCount;
        set.m_entries.push_back(std::move(entry));
    }
    set.resolveLabelSets();
    return set;
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
    m_warnings.clear();
}

Annotation Dataset::annotationOf(const SampleEntry& entry) const {
    if (!entry.labelSet)
        return {};
    return Annotation::declared(m_config.labelSets[*entry.labelSet].annotated);
}

void Dataset::checkMemory(const SampleEntry& entry, const NpyFile& npy, std::size_t pixels) const {
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
    // C order is read into the array a megabyte at a time; Fortran order needs the file too.
    const bool direct = !npy.header().fortranOrder || npy.header().shape.size() < 2;
    const auto n = static_cast<std::int64_t>(pixels);
    const std::int64_t rest = (direct ? 0 : npy.fileSize()) + n * (2 + 4 + 4);
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

void Dataset::load(std::size_t index, LoadedSample& sample, Image image) const {
    const SampleEntry& entry = m_entries.at(index);
    if (!entry.complete())
        throw DataError(entry.reportFile(), entry.problem);
    sample.image = ByteImage();
    sample.warnings.clear();
    sample.annotation = Annotation();
    readLabelPng(entry.label, m_limits, sample.labels, &sample.scratch.fileBytes);
    NpyFile npy(entry.prediction, m_limits);
    checkMemory(entry, npy, sample.labels.pixelCount());
    // The last sample's buffers are refilled: no allocation, no zero fill in a scan's
    // steady state.
    Raster<float>::Storage data = sample.prediction.release();
    npy.readInto(data);
    try {
        sample.prediction = predictionFromArray(
            npy.header().shape, std::move(data), sample.labels.width(), sample.labels.height(),
            m_config, m_limits, sample.warnings, &sample.scratch.transposed);
    } catch (const std::exception& e) {
        throw DataError(entry.prediction, e.what());
    }
    for (std::string& warning : sample.warnings)
        warning = entry.prediction.string() + ": " + warning;

    const int classes = sample.prediction.classes();
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
    for (const int c : sample.annotation.annotated)
        if (c >= classes)
            throw DataError(m_root / "dataset.json",
                            "label_sets[" + std::to_string(*entry.labelSet) + "] (match \"" +
                                m_config.labelSets[*entry.labelSet].match + "\") declares class " +
                                std::to_string(c) + " annotated, but " +
                                entry.prediction.filename().string() + " has " +
                                std::to_string(classes) + " classes (0.." +
                                std::to_string(classes - 1) + ")");
    if (!entry.image.empty() && image == Image::Load)
        sample.image = detail::readDisplayImage(entry.image, sample.labels.width(),
                                                sample.labels.height(), sample.warnings);
    else if (!entry.image.empty() && image == Image::Check)
        detail::checkDisplayImage(entry.image, sample.labels.width(), sample.labels.height(),
                                  sample.warnings);
}

} // namespace losslens
