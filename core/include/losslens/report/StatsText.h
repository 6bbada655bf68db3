#pragma once

// The spec's texts of a set's report (section 3): stats --json, the CSV and the terminal
// table, for one run or several.

#include "losslens/set/SetReport.h"

#include <cstddef>
#include <string>
#include <vector>

namespace losslens {

// The spec's stats --json object (section 3), with <variant>_mean for every variant.
[[nodiscard]] std::string statsJson(const SetReport& report);
// The missing classes of a summary for a terminal column of `width` characters: names when
// they fit, else ids, else a count with as many ids as fit ("14: 1,2,3,…"); "-" for none.
[[nodiscard]] std::string compactMissing(const std::vector<int>& missing,
                                         const std::vector<std::string>& names, std::size_t width);

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
