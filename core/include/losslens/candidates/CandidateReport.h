#pragma once

#include "losslens/candidates/SetCandidates.h"

#include <string>

namespace losslens {

// The outputs of losslens-cli candidates (spec section 6), from one ranked report.

// {"options": {"min_confidence", "min_area"}, "run", "samples": [{"stem", "width", "height",
// "missing", "missing_source", "candidates"}], "errors", "warnings", "matched",
// "candidates": [{"rank", "stem", "run", "id", "class", "class_name", "area", "bbox",
// "confidence", "penalty", "missing", "score"}]}.
[[nodiscard]] std::string candidatesJson(const CandidateSetReport& report);

// One row per candidate, ranked, with a header line.
[[nodiscard]] std::string candidatesCsv(const CandidateSetReport& report);

// A COCO instances file: images (every scored sample), categories (every class but
// background), annotations (each candidate, its mask as compressed RLE, with its score).
[[nodiscard]] std::string candidatesCoco(const CandidateSetReport& report);

// A table for terminals: rank, stem, id, class, area, confidence, penalty, missing; cut to
// `width` columns by shortening the stem and class names.
[[nodiscard]] std::string candidatesTable(const CandidateSetReport& report, int width = 100);

} // namespace losslens
