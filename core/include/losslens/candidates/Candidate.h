#pragma once

#include "losslens/candidates/ReviewStatus.h"
#include "losslens/loss/PixelRun.h"

#include <cstdint>
#include <string>
#include <vector>

namespace losslens {

// The box [x, y, w, h] a candidate covers, in pixels.
struct PixelBox {
    int x = 0;
    int y = 0;
    int w = 0;
    int h = 0;
    friend bool operator==(const PixelBox&, const PixelBox&) = default;
};

// What makes a pixel a candidate's and how small a candidate may be (spec section 6).
struct CandidateOptions {
    float minConfidence = 0.5f; // p_k at least this
    std::int64_t minArea = 16;  // pixels per component at least this
};

// Where an annotation is probably missing (spec section 6): an 8-connected component of
// background-labelled pixels that the model predicts, with p_k >= min_confidence, as one
// object class k. `penalty` is what standard cross-entropy charges the model for finding it.
struct Candidate {
    std::string stem;
    std::string run;
    int id = 0; // 1-based within its sample, in ranking order
    int classId = 0;
    std::int64_t area = 0;
    PixelBox bbox;
    double confidence = 0.0;     // mean p_k over its pixels
    double penalty = 0.0;        // sum of -log clamp(p_0, eps, 1 - eps) over its pixels
    bool missing = false;        // k is in the sample's missing set M: partial already lets it off
    std::int64_t firstPixel = 0; // y * width + x of its first pixel in raster order
    int imageWidth = 0;
    int imageHeight = 0;
    std::vector<PixelRun> runs; // its mask, in raster order
    // The review decision that applies to it (applyDecisions), if any, and its note.
    ReviewStatus status = ReviewStatus::Undecided;
    std::string note;

    [[nodiscard]] double score() const noexcept { return penalty; }
};

// The spec's ranking: score highest first, then stem, then the first pixel in raster order.
// A strict weak order; equal only for one candidate compared with itself.
[[nodiscard]] bool rankedBefore(const Candidate& a, const Candidate& b);

} // namespace losslens
