#include "losslens/io/Dataset.h"

#include "losslens/io/CocoAnnotations.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/PredictionFile.h"

#include <algorithm>
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

} // namespace losslens
