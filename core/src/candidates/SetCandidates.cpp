#include "losslens/candidates/SetCandidates.h"

#include "losslens/candidates/CandidateFinder.h"
#include "losslens/candidates/CandidateRanking.h"
#include "losslens/candidates/DecisionMatch.h"

#include <algorithm>
#include <mutex>

namespace losslens {

CandidateSetReport findSetCandidates(const Dataset& dataset, const CandidateOptions& options,
                                     const CandidateFilter& filter, const ProcessOptions& process,
                                     const DecisionsByStem* decisions) {
    CandidateSetReport out;
    out.options = options;
    out.filter = filter;
    out.run = dataset.run();
    out.stems = dataset.entries().size();
    out.shardIndex = process.shardIndex;
    out.shardCount = process.shardCount;
    CandidateRanking ranking(filter.top);
    std::mutex mutex;
    ProcessOptions scan = process;
    scan.maps = false; // the summary gives M; the candidates read the prediction themselves
    const auto& entries = dataset.entries();
    out.report =
        processSet(dataset, scan,
                   [&](std::size_t entry, const LoadedSample& sample, const LossResult& result) {
                       std::vector<Candidate> found =
                           candidatesOf(sample, result.summary.missing, entries[entry].stem,
                                        dataset.run(), options);
                       if (decisions) {
                           const auto it = decisions->find(entries[entry].stem);
                           if (it != decisions->end())
                               applyDecisions(found, it->second);
                       }
                       CandidateSample facts;
                       facts.entry = entry;
                       facts.stem = entries[entry].stem;
                       facts.fileName = entries[entry].image.empty()
                                            ? facts.stem + ".png"
                                            : entries[entry].image.filename().string();
                       facts.width = sample.labels.width();
                       facts.height = sample.labels.height();
                       std::vector<Candidate> kept;
                       for (Candidate& c : found)
                           if (filter.accepts(c))
                               kept.push_back(std::move(c));
                       facts.candidates = kept.size();
                       const std::lock_guard lock(mutex);
                       out.matched += kept.size();
                       ranking.add(std::move(kept));
                       out.samples.push_back(std::move(facts));
                   });
    std::sort(out.samples.begin(), out.samples.end(),
              [](const CandidateSample& a, const CandidateSample& b) { return a.entry < b.entry; });
    out.candidates = ranking.take();
    return out;
}

} // namespace losslens
