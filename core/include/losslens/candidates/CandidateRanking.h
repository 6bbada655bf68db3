#pragma once

#include "losslens/candidates/Candidate.h"

#include <cstddef>
#include <functional>
#include <vector>

namespace losslens {

// The set-wide ranking of candidates as samples finish, in any order, from any thread (the
// caller serialises): exact, and for --top N bounded to the N best seen so far (a heap whose
// top is the worst kept), so a set of 100,000 samples never holds all its candidates.
class CandidateRanking {
public:
    // top 0: keep every candidate.
    explicit CandidateRanking(std::size_t top = 0)
        : m_top(top) {}

    void add(Candidate candidate);
    void add(std::vector<Candidate> candidates);

    // How many were offered, kept or not.
    [[nodiscard]] std::size_t offered() const noexcept { return m_offered; }

    // The kept candidates, best first (rankedBefore); the ranking is empty afterwards.
    [[nodiscard]] std::vector<Candidate> take();

private:
    std::size_t m_top = 0;
    std::size_t m_offered = 0;
    std::vector<Candidate> m_kept; // a heap under rankedBefore when m_top > 0
};

} // namespace losslens
