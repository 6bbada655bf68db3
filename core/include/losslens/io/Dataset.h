#pragma once

#include "losslens/io/ClassInfo.h"
#include "losslens/io/DataLimits.h"
#include "losslens/io/DatasetConfig.h"
#include "losslens/loss/Annotation.h"
#include "losslens/loss/CandidatePixels.h"
#include "losslens/loss/LossResult.h"
#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"
#include "losslens/set/SampleStatisticsBuilder.h"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace losslens {

// One stem found in the folder. A complete sample has a label and a prediction; a stem
// with only one of them is kept (with `problem` set) so it can be reported, not dropped.
struct SampleEntry {
    std::string stem;
    std::filesystem::path label;      // empty if missing
    std::filesystem::path prediction; // empty if missing
    std::filesystem::path image;      // empty if none (display only)
    std::string problem;              // why this stem is not a usable sample, if it is not
    // The dataset.json label_sets entry that declares this stem's annotated classes, resolved
    // once when the set is opened; none: the article's rule (spec section 4).
    std::optional<std::size_t> labelSet;
    // For a set labelled by an annotations file (spec section 8): the image it is (then
    // `label` is the annotations file).
    std::optional<std::size_t> cocoImage;
    [[nodiscard]] bool complete() const { return problem.empty(); }
    // The file a problem with this entry is best reported against.
    [[nodiscard]] std::filesystem::path reportFile() const {
        return prediction.empty() ? label : prediction;
    }
};

// A sample's pixel data, ready for computeLoss.
struct LoadedSample {
    LabelMap labels;
    Prediction prediction;
    ByteImage image;       // RGB; empty when there is none or it is unreadable
    Annotation annotation; // which classes it was annotated for (pass to computeLoss)
    // Resolved once when loaded, so a view of one sample needs nothing from the set: its C
    // classes' names and colours (dataset.json's, else defaults) and the ignore index.
    std::vector<ClassInfo> classes;
    int ignoreIndex = kDefaultIgnoreIndex;
    std::vector<std::string> warnings; // usable, but the user should know
    // Not part of the sample: what Dataset::load(index, sample) reuses from one sample to the
    // next (a C x H x W prediction is transposed through `transposed`; a label file's bytes).
    // The buffer of the precision a sample did not use waits for the next that does.
    struct Scratch {
        Raster<float>::Storage transposed;
        std::vector<std::byte> fileBytes;
        Raster<float>::Storage floats;
        Prediction::Halves::Storage halves;
        CandidatePixels candidatePixels; // marked by processSample when asked
        LossResult loss; // the maps processSample hands its visitor (ProcessOptions::maps)
        SampleStatisticsBuilder statistics; // processSample's, when asked for statistics
    } scratch;
};

class PredictionFile;
class CocoAnnotations;

// A data set folder (spec section 2). Opening only lists the folders (no pixel data), so a
// set of 100,000 samples opens at once; samples are loaded on demand, from any thread.
class Dataset {
public:
    // Throws DataError for set-level problems: no such folder, malformed dataset.json,
    // predictions/ mixing .npy files and run folders. `run` picks one of runNames(root)
    // (spec section 5); empty: the one prediction set (predictions/*.npy, or the only run
    // folder). A set of several runs opened without one, or an unknown run, is a DataError
    // naming predictions/ and listing the runs.
    [[nodiscard]] static Dataset open(const std::filesystem::path& root,
                                      const DataLimits& limits = {}, const std::string& run = {});

    [[nodiscard]] const std::filesystem::path& root() const noexcept { return m_root; }
    // The run these predictions are (empty for the one-run layout of spec section 2).
    [[nodiscard]] const std::string& run() const noexcept { return m_run; }
    [[nodiscard]] const DatasetConfig& config() const noexcept { return m_config; }
    [[nodiscard]] const DataLimits& limits() const noexcept { return m_limits; }
    // Every stem, sorted; complete samples and reported partial ones alike.
    [[nodiscard]] const std::vector<SampleEntry>& entries() const noexcept { return m_entries; }
    [[nodiscard]] std::size_t completeCount() const noexcept { return m_completeCount; }
    // The annotations file the set is labelled by (spec section 8), or null for labels/.
    [[nodiscard]] const CocoAnnotations* annotations() const noexcept { return m_coco.get(); }
    // Set-level warnings found when opening: label_sets entries that match no sample,
    // annotations of images the annotations file does not list.
    [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return m_warnings; }
    // Applies the article's rule to every sample, as if dataset.json had no label_sets: to
    // compare the two rules on the same data (losslens-cli --ignore-label-sets).
    void ignoreLabelSets();
    // The declaration of an entry's stem (spec section 4), with ids as dataset.json gives them.
    [[nodiscard]] Annotation annotationOf(const SampleEntry& entry) const;

    // What to load besides the labels and the prediction: the display image is for the
    // window only (stats and export never read it). Check: only its header, for the warning
    // of a bad one (the window's scan; LoadedSample::image stays empty).
    enum class Image { Load, Check, Skip };
    // The prediction's values: Float32 always (what the window and every other reader of
    // them need), or AsStored: a float16 file's probabilities kept as float16, half the
    // memory and no widening pass (Prediction; the loss pass reads them). Only a caller that
    // hands the prediction to nothing but computeLoss/summarizeLoss asks for it.
    enum class Precision { Float32, AsStored };
    // Loads and validates one complete entry; throws DataError naming the bad file.
    [[nodiscard]] LoadedSample load(std::size_t index, Image image = Image::Load) const;
    // The same into `sample`, refilling its buffers (labels, prediction, scratch) when they
    // are large enough: a scan's worker loads sample after sample into one LoadedSample with
    // no allocation in proportion to the image and no zero fill. `sample` is unspecified
    // after a throw (load into it again).
    void load(std::size_t index, LoadedSample& sample, Image image = Image::Load,
              Precision precision = Precision::Float32) const;

private:
    // open()'s steps (Dataset.cpp).
    void readCocoAnnotations();
    [[nodiscard]] std::pair<std::filesystem::path, std::string>
    choosePredictions(const std::string& run);
    void listFolders(const std::filesystem::path& predictionFolder,
                     const std::string& predictionPrefix);
    void warnAboutIgnoreIndex();
    // load()'s steps (DatasetLoad.cpp).
    void loadLabels(const SampleEntry& entry, LoadedSample& sample) const;
    void loadPrediction(const SampleEntry& entry, LoadedSample& sample, Precision precision) const;
    void checkClasses(const SampleEntry& entry, LoadedSample& sample) const;
    void resolveLabelSets();
    void listAnnotatedImages(const std::filesystem::path& predictionFolder,
                             const std::string& predictionPrefix);

    std::filesystem::path m_root;
    std::string m_run;
    DatasetConfig m_config;
    DataLimits m_limits;
    // Throws DataError when the sample's estimated memory is over the budget (DataLimits).
    void checkMemory(const SampleEntry& entry, const PredictionFile& prediction,
                     std::size_t pixels) const;

    std::shared_ptr<const CocoAnnotations> m_coco;
    std::vector<SampleEntry> m_entries;
    std::size_t m_completeCount = 0;
    std::vector<std::string> m_warnings;
};

// The runs of a data set (spec section 5): the names of the folders in predictions/, sorted;
// empty for the one-run layout (.npy files directly in predictions/, or no predictions/).
// Throws DataError naming predictions/ when it holds both .npy files and run folders.
[[nodiscard]] std::vector<std::string> runNames(const std::filesystem::path& root);

// Why a folder with no complete sample cannot be scored: the same words in every front end.
[[nodiscard]] std::string noSampleReason();

// Converts a decoded .npy to an H x W x C prediction for a label map of width x height,
// following the layout and kind rules of spec section 2, and validates its values.
// Throws std::runtime_error with the reason; appends warnings. A C x H x W array is
// transposed into `transposed` (when given, its buffer reused), which then holds `data`'s
// buffer for the next call. `looksRight`: the quick check's verdict on an H x W x C array
// when the reader ran it block by block (detail::ValueCheck); without it the check runs here.
// Exposed for tests.
[[nodiscard]] Prediction predictionFromArray(std::span<const std::int64_t> shape,
                                             Raster<float>::Storage data, int width, int height,
                                             const DatasetConfig& config, const DataLimits& limits,
                                             std::vector<std::string>& warnings,
                                             Raster<float>::Storage* transposed = nullptr,
                                             std::optional<bool> looksRight = std::nullopt);
// The same for a float16 array's bits: H x W x C probabilities stay float16 (checked as
// predictionFromArray checks them, bit for bit the same verdicts); C x H x W or logits are
// widened to float32 and made by predictionFromArray. Exposed for tests.
[[nodiscard]] Prediction predictionFromHalves(std::span<const std::int64_t> shape,
                                              Prediction::Halves::Storage data, int width,
                                              int height, const DatasetConfig& config,
                                              const DataLimits& limits,
                                              std::vector<std::string>& warnings,
                                              std::optional<bool> looksRight = std::nullopt);

} // namespace losslens
