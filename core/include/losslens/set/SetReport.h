#pragma once

#include "losslens/set/SampleOutcome.h"
#include "losslens/set/SetSummary.h"

#include <cstddef>
#include <string>
#include <vector>

namespace losslens {

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

// One run of a set of several (spec section 5) and its pass.
struct RunReport {
    std::string name;
    SetReport report;
};

} // namespace losslens
