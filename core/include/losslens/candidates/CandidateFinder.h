#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace losslens {

// The candidates of one sample (spec section 6), ranked and numbered: one pass over the
// pixels that labels runs of candidate pixels and joins them with a union-find over runs, so
// memory follows the number of runs, never a second full-size label image. `missing` is the
// sample's missing set as a per-class mask (MissingClasses::mask); classes outside it are
// not missing. The stem and run are left for the caller to fill. `marked`, when the pass
// marked this sample's candidate pixels (complete for its size), spares the search a read of
// every pixel's probabilities: only the marked pixels' are read.
[[nodiscard]] std::vector<Candidate> findCandidates(const LabelMap& labels,
                                                    const Prediction& prediction, int ignoreIndex,
                                                    std::span<const std::uint8_t> missing,
                                                    const CandidateOptions& options = {},
                                                    const CandidatePixels* marked = nullptr);

// The candidates of a loaded sample whose missing set M is `missing` (a SampleSummary's
// class ids), with its stem and run filled: how the set scan, the CLI and the window's
// viewer all find them.
[[nodiscard]] std::vector<Candidate> candidatesOf(const LoadedSample& sample,
                                                  const std::vector<int>& missing,
                                                  const std::string& stem, const std::string& run,
                                                  const CandidateOptions& options = {},
                                                  const CandidatePixels* marked = nullptr);

} // namespace losslens
