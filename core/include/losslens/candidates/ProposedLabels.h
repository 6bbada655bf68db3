#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/io/Dataset.h"

#include <filesystem>
#include <string>
#include <vector>

namespace losslens {

// A sample's label map with the candidates' pixels set to their class: what an annotator
// would draw if every candidate were confirmed. Candidates of other samples are skipped.
[[nodiscard]] LabelMap proposedLabels(const LabelMap& labels,
                                      const std::vector<const Candidate*>& candidates);

// A proposed label that could not be written, or whose sample could not be read again.
struct LabelWriteFailure {
    std::string stem;
    std::string file;
    std::string message;
    bool exists = false; // the target exists and overwrite was not asked
};

// losslens-cli candidates --write-labels DIR: for every sample with a candidate in
// `candidates`, DIR/<stem>.png holding proposedLabels in the format of the sample's own label
// PNG (a palette stays a palette with its colours). Written atomically; an existing file is
// replaced only with `overwrite`. One bad sample never stops the others. Returns the number
// of files written.
std::size_t writeProposedLabels(const Dataset& dataset, const std::vector<Candidate>& candidates,
                                const std::filesystem::path& dir, bool overwrite,
                                std::vector<LabelWriteFailure>& failures);

} // namespace losslens
