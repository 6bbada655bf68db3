#pragma once

#include "losslens/set/SampleOutcome.h"

#include <cstddef>

namespace losslens {

// Where a scan finds the outcome of a sample whose files have not changed since it was last
// scored, instead of loading and scoring it again (spec section 7: the score index). The
// scan asks before it loads an entry and hands back every outcome it had to compute. The
// one implementation is review/ScoreIndex (kept in the review database); the scan only
// needs this much, so the set pipeline stays below the database.
//
// Both are called from worker threads, at the same time for different entries.
class SampleIndex {
public:
    virtual ~SampleIndex() = default;
    // true: `outcome` is filled (entry, stem, summary, statistics when the scan asked for
    // them, warnings) and the entry is neither loaded nor scored.
    [[nodiscard]] virtual bool recall(std::size_t entry, SampleOutcome& outcome) = 0;
    // An outcome the scan computed (successful or not; the index keeps what it wants).
    virtual void keep(const SampleOutcome& outcome) = 0;
};

} // namespace losslens
