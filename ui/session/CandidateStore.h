#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/candidates/ReviewDecision.h"

#include <cstddef>
#include <map>
#include <utility>
#include <vector>

namespace losslens {

// The open set's candidates as the scan finds them, kept ranked over the set exactly as
// losslens-cli candidates ranks them (rankedBefore), with each sample's count for the
// sample table. Samples arrive in any order; a sample given again replaces its candidates.
class CandidateStore {
public:
    void clear();
    void set(std::size_t entry, std::vector<Candidate> candidates);
    // Several samples at once (their lists are moved from).
    void setMany(std::vector<std::pair<std::size_t, std::vector<Candidate>>>& batch);

    // Ranked over the set, best first: rank 0 .. size() - 1.
    [[nodiscard]] std::size_t size() const { return m_ranked.size(); }
    [[nodiscard]] const Candidate& at(std::size_t rank) const { return *m_ranked[rank].first; }
    // The entry a ranked candidate belongs to.
    [[nodiscard]] std::size_t entryOf(std::size_t rank) const { return m_ranked[rank].second; }
    // The review decisions of the set (spec section 7): applied to every candidate kept and to
    // those that arrive later. The ranking does not depend on them.
    void setDecisions(DecisionsByStem decisions);
    [[nodiscard]] const DecisionsByStem& decisions() const { return m_decisions; }
    // One stem's decisions changed (a mark in this window): only its candidates are redone.
    void setDecisionsOf(const std::string& stem, std::vector<ReviewDecision> decisions);
    // The candidate `id` of a scored entry, or null.
    [[nodiscard]] const Candidate* find(std::size_t entry, int id) const;
    // Candidates with a decision.
    [[nodiscard]] std::size_t decidedCount() const;
    // A scored entry's confirmed candidates (0 for an entry not scored).
    [[nodiscard]] std::size_t confirmedOf(std::size_t entry) const;
    // -1 while the sample has not been scored.
    [[nodiscard]] int countOf(std::size_t entry) const;
    [[nodiscard]] std::size_t samples() const { return m_counts.size(); }

private:
    std::map<std::size_t, std::vector<Candidate>> m_bySample;
    std::map<std::size_t, int> m_counts;
    DecisionsByStem m_decisions;
    // Into m_bySample's lists, which stay put until their sample is set again.
    std::vector<std::pair<const Candidate*, std::size_t>> m_ranked;
};

} // namespace losslens
