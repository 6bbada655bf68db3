#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/candidates/ReviewDecision.h"

#include <cstdint>
#include <span>
#include <vector>

namespace losslens {

// A decision applies to a candidate when their IoU reaches this (spec section 7), as a
// candidate matches a known missing object in the evaluation (section 6).
inline constexpr double kDecisionMinIoU = 0.5;

// Pixels two masks share. Both are runs in raster order on the same image (runs of one mask
// never overlap, as the finder and the store make them).
[[nodiscard]] std::int64_t sharedPixels(std::span<const PixelRun> a, std::span<const PixelRun> b);

// Intersection over union of a decision's mask and a candidate's; 0 for different images
// (another size), classes or stems.
[[nodiscard]] double decisionOverlap(const ReviewDecision& decision, const Candidate& candidate);

// For each candidate (of one sample), the index in `decisions` of the decision that applies
// to it, or -1. Pairs of the same stem and class with IoU >= kDecisionMinIoU are taken best
// first (ties to the newer decision), each candidate and each decision at most once: after
// the predictions change, a decision follows the candidate its mask overlaps best.
[[nodiscard]] std::vector<int> matchDecisions(std::span<const Candidate> candidates,
                                              std::span<const ReviewDecision> decisions);

// Sets each candidate's status and note from its matched decision (Undecided otherwise).
void applyDecisions(std::span<Candidate> candidates, std::span<const ReviewDecision> decisions);

} // namespace losslens
