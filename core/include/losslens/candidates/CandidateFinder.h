#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/loss/Prediction.h"
#include "losslens/loss/Raster.h"

#include <cstdint>
#include <span>
#include <vector>

namespace losslens {

// The candidates of one sample (spec section 6), ranked and numbered: one pass over the
// pixels that labels runs of candidate pixels and joins them with a union-find over runs, so
// memory follows the number of runs, never a second full-size label image. `missing` is the
// sample's missing set as a per-class mask (MissingClasses::mask); classes outside it are
// not missing. The stem and run are left for the caller to fill.
[[nodiscard]] std::vector<Candidate> findCandidates(const LabelMap& labels,
                                                    const Prediction& prediction, int ignoreIndex,
                                                    std::span<const std::uint8_t> missing,
                                                    const CandidateOptions& options = {});

} // namespace losslens
