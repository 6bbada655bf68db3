#pragma once

#include "losslens/io/Dataset.h"
#include "losslens/loss/LossConfig.h"
#include "losslens/loss/LossResult.h"
#include "losslens/report/Colormap.h"
#include "losslens/report/Legend.h"
#include "losslens/report/ValueRange.h"
#include "losslens/set/SetProcessor.h"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace losslens {

class SamplePool;

struct ExportOptions {
    std::filesystem::path outDir;
    std::vector<std::size_t> variants; // registry indices; empty means every variant
    bool png = true;
    bool npy = true;
    Colormap colormap = Colormap::Viridis;
    std::optional<ValueRange> range; // unset: auto, one range for the whole export
    bool logScale = false;           // heatmaps coloured by log(value) over the range
    bool overwrite = false;
    ProcessOptions process;
};

// Raised before anything is written when files of the export already exist and
// overwriting was not asked for.
class ExportConflict : public std::runtime_error {
public:
    explicit ExportConflict(std::vector<std::filesystem::path> files);
    [[nodiscard]] const std::vector<std::filesystem::path>& files() const noexcept {
        return m_files;
    }

private:
    std::vector<std::filesystem::path> m_files;
};

struct ExportResult {
    SetReport report;
    ValueRange range;
    std::size_t filesWritten = 0;
    // Why summary.json or summary.csv could not be written (the file and the reason), empty
    // when both were. The samples' own outcomes are in `report` either way.
    std::string summaryError;
};

// The file names one sample's export produces (spec section 3).
[[nodiscard]] std::vector<std::filesystem::path>
exportFileNames(const std::filesystem::path& outDir, const std::string& stem,
                const ExportOptions& options);

// The files of a whole-set export (every stem's and the two summaries) that exist already.
[[nodiscard]] std::vector<std::filesystem::path> existingExportFiles(const Dataset& dataset,
                                                                     const ExportOptions& options);

// Writes one sample's maps and heatmaps (atomically, honouring options.overwrite).
// Returns the number of files written. Used by exportSet and the window's
// "export current sample".
std::size_t exportSample(const std::string& stem, const LoadedSample& sample,
                         const LossResult& result, int ignoreIndex, ValueRange range,
                         const ExportOptions& options);
// The same from the sample alone: each chosen variant is scored, written and dropped before
// the next, so a big sample never holds more than one map (exportSet, and the window's
// export of a sample whose maps it does not keep).
std::size_t exportSample(const std::string& stem, const LoadedSample& sample,
                         const LossConfig& config, ValueRange range, const ExportOptions& options);

// How the heatmaps of an export with these options over `range` are coloured.
[[nodiscard]] HeatmapScale exportScale(const ExportOptions& options, ValueRange range);
// summary.json: the stats --json object with "heatmaps": {"range": [lo, hi], "colormap",
// "scale": "linear" | "log", "legend": "legend.png"} (null when no PNG was written).
[[nodiscard]] std::string summaryJson(const SetReport& report, const ExportOptions& options,
                                      ValueRange range);

// Exports a whole data set: per sample <stem>.<variant>.npy/.png and <stem>.bgweight.npy/.png,
// then legend.png (the heatmaps' colour scale), summary.json and summary.csv. With an auto range, a
// first pass finds the largest loss over every sample and chosen variant so all heatmaps share one
// scale. Throws ExportConflict (nothing written) or std::runtime_error for the output folder.
[[nodiscard]] ExportResult exportSet(const Dataset& dataset, const ExportOptions& options);

// The largest value of the chosen variants over valid pixels of every sample (lo = 0).
// `samples`: the workers' buffers, kept for the job's next scan (SamplePool).
[[nodiscard]] ValueRange autoRange(const Dataset& dataset, const ExportOptions& options,
                                   SamplePool* samples = nullptr);

} // namespace losslens
