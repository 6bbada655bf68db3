#include "session/CandidateStore.h"

#include "losslens/candidates/DecisionMatch.h"

#include <algorithm>
#include <iterator>
#include <set>

namespace losslens {

void CandidateStore::clear() {
    m_bySample.clear();
    m_counts.clear();
    m_ranked.clear();
    m_decisions.clear();
}

namespace {

void applyTo(std::vector<Candidate>& list, const DecisionsByStem& decisions) {
    if (list.empty())
        return;
    const auto it = decisions.find(list.front().stem);
    applyDecisions(list, it == decisions.end() ? std::span<const ReviewDecision>()
                                               : std::span<const ReviewDecision>(it->second));
}

} // namespace

void CandidateStore::setDecisions(DecisionsByStem decisions) {
    m_decisions = std::move(decisions);
    for (auto& [entry, list] : m_bySample)
        applyTo(list, m_decisions);
}

void CandidateStore::setDecisionsOf(const std::string& stem,
                                    std::vector<ReviewDecision> decisions) {
    if (decisions.empty())
        m_decisions.erase(stem);
    else
        m_decisions[stem] = std::move(decisions);
    for (auto& [entry, list] : m_bySample)
        if (!list.empty() && list.front().stem == stem)
            applyTo(list, m_decisions);
}

const Candidate* CandidateStore::find(std::size_t entry, int id) const {
    const auto it = m_bySample.find(entry);
    if (it == m_bySample.end())
        return nullptr;
    for (const Candidate& c : it->second)
        if (c.id == id)
            return &c;
    return nullptr;
}

std::size_t CandidateStore::confirmedOf(std::size_t entry) const {
    const auto it = m_bySample.find(entry);
    if (it == m_bySample.end())
        return 0;
    return static_cast<std::size_t>(
        std::count_if(it->second.begin(), it->second.end(),
                      [](const Candidate& c) { return c.status == ReviewStatus::Confirmed; }));
}

std::size_t CandidateStore::decidedCount() const {
    std::size_t n = 0;
    for (const auto& r : m_ranked)
        n += r.first->status != ReviewStatus::Undecided;
    return n;
}

void CandidateStore::set(std::size_t entry, std::vector<Candidate> candidates) {
    std::vector<std::pair<std::size_t, std::vector<Candidate>>> batch;
    batch.emplace_back(entry, std::move(candidates));
    setMany(batch);
}

int CandidateStore::countOf(std::size_t entry) const {
    const auto it = m_counts.find(entry);
    return it == m_counts.end() ? -1 : it->second;
}

// A batch (the scan drains one every 100 ms) is ranked on its own and merged into the set's
// ranking: linear in the set's candidates per batch. Re-sorting the whole set for every
// sample took a third of the window's time on a 10,000-sample scan.
void CandidateStore::setMany(std::vector<std::pair<std::size_t, std::vector<Candidate>>>& batch) {
    std::set<std::size_t> replaced;
    for (const auto& [entry, list] : batch)
        if (m_bySample.count(entry) > 0)
            replaced.insert(entry);
    if (!replaced.empty())
        std::erase_if(m_ranked, [&](const auto& r) { return replaced.count(r.second) > 0; });
    // A sample twice in one batch: its last list counts.
    std::map<std::size_t, std::vector<Candidate>*> lists;
    for (auto& [entry, list] : batch) {
        m_counts[entry] = static_cast<int>(list.size());
        applyTo(list, m_decisions);
        m_bySample[entry] = std::move(list);
        lists[entry] = &m_bySample[entry];
    }
    std::vector<std::pair<const Candidate*, std::size_t>> fresh;
    for (const auto& [entry, list] : lists)
        for (const Candidate& c : *list)
            fresh.emplace_back(&c, entry);
    const auto before = [](const auto& a, const auto& b) {
        return rankedBefore(*a.first, *b.first);
    };
    std::sort(fresh.begin(), fresh.end(), before);
    std::vector<std::pair<const Candidate*, std::size_t>> merged;
    merged.reserve(m_ranked.size() + fresh.size());
    std::merge(m_ranked.begin(), m_ranked.end(), fresh.begin(), fresh.end(),
               std::back_inserter(merged), before);
    m_ranked = std::move(merged);
}

} // namespace losslens
