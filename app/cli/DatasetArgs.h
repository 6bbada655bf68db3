#pragma once

// What every command that reads a data set shares: opening it, choosing its runs, the
// per-sample caps and reporting each sample's outcome.
#include "ArgParser.h"

#include "losslens/io/DataLimits.h"
#include "losslens/io/Dataset.h"
#include "losslens/report/StatsText.h"

#include <string>
#include <vector>

namespace losslens::cli {

// Opens a data set, or prints the set-level error; returns false for exit status 2.
bool openDataset(const std::string& path, Dataset& out, const DataLimits& limits,
                 bool ignoreLabelSets = false, const std::string& run = {});

// The runs a command works on (spec section 5): --run's, else every run of a set of several,
// else {""} (the one prediction set). An unknown --run is a usage error listing the runs; a
// predictions/ folder mixing files and run folders is a data-set-level error (false).
bool chooseRuns(const std::string& path, const ArgParser& parser, std::vector<std::string>& out);

// The one run a command that lists one run's results works on (candidates, review --mark):
// as chooseRuns, and several runs without --run are a usage error naming them.
bool chooseOneRun(const std::string& path, const ArgParser& parser, const std::string& command,
                  std::string& out);

// The per-sample caps (--max-pixels, --max-classes, --max-memory), checked before anything
// is allocated.
[[nodiscard]] DataLimits limitsFrom(const ArgParser& parser);

// Prints each sample's warnings and error; returns exit status 1 if some sample failed.
int reportOutcomes(const SetReport& report);

} // namespace losslens::cli
