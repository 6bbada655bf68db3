#pragma once

#include "losslens/set/SampleStatistics.h"
#include "losslens/set/SampleSummary.h"
#include "losslens/set/SetSummary.h"

#include <cstddef>
#include <string>
#include <vector>

namespace losslens {

// What happened to one stem of a data set: its summary, or the file and reason it failed.
struct SampleOutcome {
    std::size_t entry = 0; // index into Dataset::entries()
    std::string stem;
    bool ok = false;
    SampleSummary summary;
    SampleStatistics statistics; // empty unless ProcessOptions::statistics asked for them
    std::vector<std::string> warnings;
    std::string errorFile;
    std::string errorMessage;
    // The error was an existing output file not to be replaced (each front end words its
    // own way of asking to replace it).
    bool fileExists = false;
};

// A pass over a whole data set, in entry order: the stats --json object's content.
struct SetReport {
    std::vector<std::string> classNames;
    std::vector<SampleOutcome> samples;
    std::vector<std::string> warnings; // set-level (label_sets entries that match no sample)
    SetSummary total;                  // over the samples that succeeded
    bool cancelled = false;

    [[nodiscard]] std::size_t failedCount() const {
        std::size_t n = 0;
        for (const auto& s : samples)
            n += s.ok ? 0 : 1;
        return n;
    }
};

// The spec's stats --json object (section 3), with <variant>_mean for every variant.
[[nodiscard]] std::string statsJson(const SetReport& report);
// The missing classes of a summary for a terminal column of `width` characters: names when
// they fit, else ids, else a count with as many ids as fit ("14: 1,2,3,…"); "-" for none.
[[nodiscard]] std::string compactMissing(const std::vector<int>& missing,
                                         const std::vector<std::string>& names, std::size_t width);

// One run of a set of several (spec section 5) and its pass.
struct RunReport {
    std::string name;
    SetReport report;
};
// stats --json on a set of several runs: {"classes", "runs": {"<run>": {"samples", "errors",
// "warnings", "mean", "per_class"}}}, each run's members as statsJson gives them.
[[nodiscard]] std::string statsJsonRuns(const std::vector<RunReport>& runs);
// The table's last section on a set of several runs: each run's set mean per variant.
[[nodiscard]] std::string runsComparisonTable(const std::vector<RunReport>& runs);

// One row per stem: stem, status, missing classes, pixel counts, each variant's mean, error.
[[nodiscard]] std::string statsCsv(const SetReport& report);
// A readable fixed-width table for terminals; the per-class section (a row per class) is cut
// into blocks of variants no wider than `width` columns.
[[nodiscard]] std::string statsTable(const SetReport& report, int width = 100);

} // namespace losslens
