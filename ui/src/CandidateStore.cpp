#include "losslens/ui/CandidateStore.h"

#include <algorithm>

namespace losslens {

void CandidateStore::clear() {
    m_bySample.clear();
    m_counts.clear();
    m_ranked.clear();
}

void CandidateStore::set(std::size_t entry, std::vector<Candidate> candidates) {
    m_counts[entry] = static_cast<int>(candidates.size());
    m_bySample[entry] = std::move(candidates);
    rebuild();
}

int CandidateStore::countOf(std::size_t entry) const {
    const auto it = m_counts.find(entry);
    return it == m_counts.end() ? -1 : it->second;
}

// A whole re-rank per batch of samples: the scan drains batches every 100 ms, and a set's
// candidates are thousands, so a sort is well under a frame.
void CandidateStore::rebuild() {
    m_ranked.clear();
    for (const auto& [entry, list] : m_bySample)
        for (const Candidate& c : list)
            m_ranked.emplace_back(&c, entry);
    std::sort(m_ranked.begin(), m_ranked.end(),
              [](const auto& a, const auto& b) { return rankedBefore(*a.first, *b.first); });
}

} // namespace losslens
