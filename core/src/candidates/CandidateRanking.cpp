#include "losslens/candidates/CandidateRanking.h"

#include <algorithm>

namespace losslens {

void CandidateRanking::add(Candidate candidate) {
    ++m_offered;
    if (m_top == 0) {
        m_kept.push_back(std::move(candidate));
        return;
    }
    // With rankedBefore as "less", std's max-heap keeps the worst kept candidate on top.
    if (m_kept.size() < m_top) {
        m_kept.push_back(std::move(candidate));
        std::push_heap(m_kept.begin(), m_kept.end(), rankedBefore);
        return;
    }
    if (!rankedBefore(candidate, m_kept.front()))
        return;
    std::pop_heap(m_kept.begin(), m_kept.end(), rankedBefore);
    m_kept.back() = std::move(candidate);
    std::push_heap(m_kept.begin(), m_kept.end(), rankedBefore);
}

void CandidateRanking::add(std::vector<Candidate> candidates) {
    for (Candidate& c : candidates)
        add(std::move(c));
}

std::vector<Candidate> CandidateRanking::take() {
    std::vector<Candidate> kept = std::move(m_kept);
    m_kept.clear();
    std::sort(kept.begin(), kept.end(), rankedBefore);
    return kept;
}

} // namespace losslens
