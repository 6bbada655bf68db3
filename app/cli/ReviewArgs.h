#pragma once

// What candidates and review share: the options that define a candidate (a mark's STEM:ID
// means the candidate `candidates` lists with the same options) and where the set's review
// database is (spec section 7).
#include "ArgParser.h"

#include "losslens/candidates/Candidate.h"
#include "losslens/candidates/ReviewDecision.h"
#include "losslens/review/ReviewLocation.h"
#include "losslens/review/ReviewStore.h"
#include "losslens/review/ScoreIndex.h"

#include <memory>
#include <optional>
#include <string>

namespace losslens::cli {

// --min-confidence P and --min-area N.
[[nodiscard]] CandidateOptions candidateOptionsFrom(const ArgParser& parser);

// --review-db PATH, else the set's default place.
[[nodiscard]] ReviewLocation reviewLocationFrom(const std::string& dataset,
                                                const ArgParser& parser);

// The set's decisions to read: none when there is no database yet. A damaged database, one
// from a newer LossLens or another program's is named on stderr, left untouched, and the
// command goes on without review.
[[nodiscard]] DecisionsByStem readDecisions(const ReviewLocation& where);

// The set's score index for one scan (spec section 7), or null with --no-index. A database
// that cannot be used is named on stderr and every sample is scored.
[[nodiscard]] std::unique_ptr<ScoreIndex> openScoreIndex(const ReviewLocation& where,
                                                         const Dataset& dataset,
                                                         const ScoreIndex::Options& options,
                                                         const ArgParser& parser);
// Writes what the scan kept; says on stderr when keeping scores failed.
void closeScoreIndex(std::unique_ptr<ScoreIndex>& index);

// The help line that says where DATASET's review database is.
[[nodiscard]] std::string reviewDatabaseHelp(const std::string& dataset);

} // namespace losslens::cli
