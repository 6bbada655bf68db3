#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/candidates/ReviewStatus.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace losslens {

// One decision as it is kept (spec section 7): it belongs to a stem, a class and the mask of
// the candidate it was made on, not to a run or a candidate's id, so it survives new
// predictions (matchDecisions finds its candidate again by overlap).
struct ReviewDecision {
    std::int64_t id = 0; // the store's row; 0 before it is stored
    std::string stem;
    int classId = 0;
    int imageWidth = 0;
    int imageHeight = 0;
    PixelBox bbox;
    std::int64_t area = 0;
    std::vector<PixelRun> runs; // the mask, in raster order
    ReviewStatus status = ReviewStatus::Undecided;
    std::string note;
    std::int64_t timeMs = 0; // when it was made, milliseconds since the Unix epoch (UTC)
};

// A set's decisions by stem: what a scan attaches to each sample's candidates.
using DecisionsByStem = std::unordered_map<std::string, std::vector<ReviewDecision>>;

// The decision a reviewer makes on `candidate`: its stem, class and mask, now.
[[nodiscard]] ReviewDecision decisionFor(const Candidate& candidate, ReviewStatus status,
                                         std::string note = {});

} // namespace losslens
