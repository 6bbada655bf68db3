#pragma once

#include "losslens/candidates/Candidate.h"
#include "losslens/set/SampleIndex.h"

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace losslens {

// A sample's candidates as a score index keeps them (found with the options the index was
// opened for, before any review decision or filter), with the label map's size the exports
// need.
struct KeptCandidates {
    std::vector<Candidate> found;
    int width = 0;
    int height = 0;
};

// A SampleIndex that also keeps each sample's candidates, so a candidates pass over an
// unchanged set loads nothing. Called from worker threads, like SampleIndex.
class CandidateIndex : public SampleIndex {
public:
    // true: `kept` is filled (stem and run set) and the sample's files are unchanged.
    [[nodiscard]] virtual bool recallCandidates(std::size_t entry, KeptCandidates& kept) = 0;
    virtual void keepCandidates(std::size_t entry, const KeptCandidates& kept) = 0;
};

// A scan's view of a CandidateIndex (ProcessOptions::index) for a pass that wants each
// sample's candidates too: a sample is recalled only when its summary and its candidates
// both are, and the candidates go to `take` (on the worker thread).
class CandidateScanIndex final : public SampleIndex {
public:
    using Take = std::function<void(std::size_t entry, KeptCandidates& kept)>;
    CandidateScanIndex(CandidateIndex& index, Take take)
        : m_index(index)
        , m_take(std::move(take)) {}
    [[nodiscard]] bool recall(std::size_t entry, SampleOutcome& outcome) override {
        KeptCandidates kept;
        if (!m_index.recallCandidates(entry, kept) || !m_index.recall(entry, outcome))
            return false;
        m_take(entry, kept);
        return true;
    }
    void keep(const SampleOutcome& outcome) override { m_index.keep(outcome); }

private:
    CandidateIndex& m_index;
    Take m_take;
};

} // namespace losslens
