#include "losslens/io/Dataset.h"

#include "losslens/io/CocoAnnotations.h"
#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/PredictionFile.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <string_view>
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

// A folder's entries, hidden ones (and . and ..) left out, by readdir: opening a set of
// 10,000 samples took 7x a directory_iterator's listing of its folders, in building,
// splitting and copying a path object per file. `types`: whether each is a folder (the
// entry's type, else stat's, following a link as directory_iterator does) is wanted. False
// when the folder cannot be listed (or is not one).
struct Listed {
    std::string name;
    bool folder = false;
};

bool listFolder(const fs::path& folder, bool types, std::vector<Listed>& listed,
                std::string& error) {
    DIR* dir = ::opendir(folder.c_str());
    if (dir == nullptr) {
        error = std::strerror(errno);
        return false;
    }
    errno = 0;
    while (const dirent* e = ::readdir(dir)) {
        if (e->d_name[0] != '.') {
            Listed item{e->d_name, e->d_type == DT_DIR};
            if (types && (e->d_type == DT_LNK || e->d_type == DT_UNKNOWN)) {
                struct stat st {};
                item.folder =
                    ::fstatat(::dirfd(dir), e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
            }
            listed.push_back(std::move(item));
        }
        errno = 0; // readdir's end leaves it; its failure sets it
    }
    const int failed = errno;
    ::closedir(dir);
    if (failed != 0)
        error = std::strerror(failed);
    return failed == 0;
}

// A file name's extension as fs::path::extension gives it: from the last dot, "" without.
std::string_view extensionOf(std::string_view name) {
    const std::size_t dot = name.rfind('.');
    return dot == std::string_view::npos || dot == 0 ? std::string_view() : name.substr(dot);
}

// <stem, file name> of a folder's files whose lower-case extension is one of `extensions`,
// by stem; the files of one stem in the order they were listed.
using StemFiles = std::vector<std::pair<std::string, std::string>>;

StemFiles stemFiles(const fs::path& folder, const std::vector<std::string>& extensions) {
    std::vector<Listed> listed;
    std::string error;
    (void)listFolder(folder, false, listed, error); // an unreadable folder lists nothing
    StemFiles files;
    for (Listed& item : listed) {
        const std::string_view ext = extensionOf(item.name);
        if (std::find(extensions.begin(), extensions.end(), lower(std::string(ext))) ==
            extensions.end())
            continue;
        std::string stem = item.name.substr(0, item.name.size() - ext.size());
        files.emplace_back(std::move(stem), std::move(item.name));
    }
    std::stable_sort(files.begin(), files.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    return files;
}

// stemFiles with the first file of each stem only (labels/x.png beside labels/x.PNG).
StemFiles firstOfEachStem(StemFiles files) {
    files.erase(std::unique(files.begin(), files.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                files.end());
    return files;
}

// Why a stem has no one prediction (`first`..`last`: its prediction files), or nothing.
std::string predictionTwice(StemFiles::const_iterator first, StemFiles::const_iterator last) {
    if (first == last || std::next(first) == last)
        return {};
    std::vector<std::string> names;
    for (auto it = first; it != last; ++it)
        names.push_back(it->second);
    std::sort(names.begin(), names.end());
    std::string list;
    for (const std::string& name : names)
        list += (list.empty() ? "" : " and ") + name;
    return "two predictions: " + list + "; keep one";
}

// The files of `stem` in `files`, none before `from`.
std::pair<StemFiles::const_iterator, StemFiles::const_iterator>
filesOf(const StemFiles& files, StemFiles::const_iterator from, const std::string& stem) {
    from = std::lower_bound(from, files.end(), stem,
                            [](const auto& file, const std::string& s) { return file.first < s; });
    auto to = from;
    while (to != files.end() && to->first == stem)
        ++to;
    return {from, to};
}

const std::vector<std::string> kLabelExtensions{".png"};
const std::vector<std::string> kImageExtensions{".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"};

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
    std::vector<Listed> listed;
    std::string error;
    if (!listFolder(folder, true, listed, error))
        throw DataError(folder, "cannot be listed: " + error);
    const std::vector<std::string>& kinds = predictionExtensions();
    for (const Listed& item : listed) {
        if (item.folder) {
            runs.push_back(item.name);
            continue;
        }
        const std::string ext = lower(std::string(extensionOf(item.name)));
        if (!files && std::find(kinds.begin(), kinds.end(), ext) != kinds.end()) {
            files = true;
            fileKind = ext;
        }
    }
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

// The entries of a folder-labelled set: labels/, the prediction folder and images/ by stem,
// in the order of their stems.
void Dataset::listFolders(const fs::path& predictionFolder, const std::string& predictionPrefix) {
    const fs::path labelFolder = m_root / "labels";
    const fs::path imageFolder = m_root / "images";
    const StemFiles labels = firstOfEachStem(stemFiles(labelFolder, kLabelExtensions));
    const StemFiles predictions = stemFiles(predictionFolder, predictionExtensions());
    const StemFiles images = firstOfEachStem(stemFiles(imageFolder, kImageExtensions));
    auto label = labels.cbegin();
    auto prediction = predictions.cbegin();
    auto image = images.cbegin();
    while (label != labels.end() || prediction != predictions.end()) {
        SampleEntry entry;
        entry.stem = prediction == predictions.end() ||
                             (label != labels.end() && label->first < prediction->first)
                         ? label->first
                         : prediction->first;
        if (label != labels.end() && label->first == entry.stem) {
            entry.label = labelFolder / label->second;
            ++label;
        }
        const auto [first, last] = filesOf(predictions, prediction, entry.stem);
        prediction = last;
        if (first != last)
            entry.prediction = predictionFolder / std::prev(last)->second;
        if (std::string twice = predictionTwice(first, last); !twice.empty()) {
            entry.problem = std::move(twice);
            m_entries.push_back(std::move(entry));
            continue;
        }
        const auto [shown, shownEnd] = filesOf(images, image, entry.stem);
        image = shownEnd;
        if (shown != shownEnd)
            entry.image = imageFolder / shown->second;
        if (entry.prediction.empty())
            entry.problem = "no prediction: " + predictionPrefix + entry.stem + ".npy is missing";
        else if (entry.label.empty())
            entry.problem = "no label: labels/" + entry.stem + ".png is missing";
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
    const StemFiles predictions = stemFiles(predictionFolder, predictionExtensions());
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
    for (const auto& [stem, name] : predictions) {
        SampleEntry& entry = entries[stem];
        entry.prediction = predictionFolder / name; // the last of a stem's files stays
        if (entry.stem.empty()) {
            entry.stem = stem;
            entry.problem = "no label: " + file + " lists no image with this stem";
        }
    }
    for (auto& [stem, entry] : entries) {
        const auto [first, last] = filesOf(predictions, predictions.begin(), stem);
        if (const std::string twice = predictionTwice(first, last); !twice.empty())
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
