#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/candidates/CandidateIndex.h"
#include "losslens/candidates/ReviewDecision.h"
#include "losslens/io/Dataset.h"
#include "losslens/set/SetProcessor.h"
#include "losslens/set/SetReport.h"

#include <optional>
#include <string>
#include <vector>

namespace losslens {

// Which of the found candidates a user asked for (losslens-cli candidates --class,
// --missing-only, --status, --top).
struct CandidateFilter {
    std::optional<int> classId;
    bool missingOnly = false;
    std::optional<ReviewStatus> status; // the decision applied to it (Undecided: none)
    std::size_t top = 0;                // 0: all
    [[nodiscard]] bool accepts(const Candidate& c) const {
        return (!classId || c.classId == *classId) && (!missingOnly || c.missing) &&
               (!status || c.status == *status);
    }
};

// A scored sample as the candidate exports need it.
struct CandidateSample {
    std::size_t entry = 0;
    std::string stem;
    std::string fileName; // its display image's file name, else <stem>.png (COCO's file_name)
    int width = 0;
    int height = 0;
    std::size_t candidates = 0; // that pass the filter (before --top)
};

// Candidates over a whole set, ranked (spec section 6).
struct CandidateSetReport {
    CandidateOptions options;
    CandidateFilter filter;
    std::string run;
    std::size_t stems = 0;      // of the whole set
    std::size_t shardIndex = 0; // the part of the set scored (ProcessOptions' shard)
    std::size_t shardCount = 1;
    SetReport report;                     // the pass: samples' summaries and errors, as stats
    std::vector<CandidateSample> samples; // every scored sample, in stem order
    std::vector<Candidate> candidates;    // the selected ones, best first
    std::size_t matched = 0;              // candidates that passed the filter, before --top
};

// Scores every sample of the set (or of options' shard) on options.jobs threads, finds each
// one's candidates, applies the review decisions kept for its stem (`decisions`, may be
// null: all undecided) and ranks them over the set as they come, keeping only the filter's
// top N. The per-sample ids are given before the filter, so they match an unfiltered listing.
// With an `index` (opened for these options), a sample whose files are unchanged is taken
// from it, summary and candidates, without loading; the others are scored and kept in it.
[[nodiscard]] CandidateSetReport
findSetCandidates(const Dataset& dataset, const CandidateOptions& options,
                  const CandidateFilter& filter, const ProcessOptions& process,
                  const DecisionsByStem* decisions = nullptr, CandidateIndex* index = nullptr);

} // namespace losslens
