#pragma once

#include "losslens/loss/SampleSummary.h"
#include "losslens/set/SampleStatistics.h"

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

} // namespace losslens
