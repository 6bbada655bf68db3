#include "losslens/candidates/SetCandidates.h"

#include "losslens/candidates/CandidateFinder.h"
#include "losslens/candidates/CandidateRanking.h"
#include "losslens/candidates/DecisionMatch.h"

#include <algorithm>
#include <mutex>
#include <optional>

namespace losslens {

CandidateSetReport findSetCandidates(const Dataset& dataset, const CandidateOptions& options,
                                     const CandidateFilter& filter, const ProcessOptions& process,
                                     const DecisionsByStem* decisions, CandidateIndex* index) {
    CandidateSetReport out;
    out.options = options;
    out.filter = filter;
    out.run = dataset.run();
    out.stems = dataset.entries().size();
    out.shardIndex = process.shardIndex;
    out.shardCount = process.shardCount;
    CandidateRanking ranking(filter.top);
    std::mutex mutex;
    const auto& entries = dataset.entries();
    // One sample's candidates, found or recalled: decided, counted, filtered, ranked.
    const auto take = [&](std::size_t entry, KeptCandidates& kept) {
        std::vector<Candidate>& found = kept.found;
        if (decisions) {
            const auto it = decisions->find(entries[entry].stem);
            if (it != decisions->end())
                applyDecisions(found, it->second);
        }
        CandidateSample facts;
        facts.entry = entry;
        facts.stem = entries[entry].stem;
        facts.fileName = entries[entry].image.empty() ? facts.stem + ".png"
                                                      : entries[entry].image.filename().string();
        facts.width = kept.width;
        facts.height = kept.height;
        std::vector<Candidate> passed;
        for (Candidate& c : found)
            if (filter.accepts(c))
                passed.push_back(std::move(c));
        facts.candidates = passed.size();
        const std::lock_guard lock(mutex);
        out.matched += passed.size();
        ranking.add(std::move(passed));
        out.samples.push_back(std::move(facts));
    };
    ProcessOptions scan = process;
    scan.maps = false; // the summary gives M; the candidates read the prediction themselves
    scan.candidatePixels = true; // ... at the pixels the pass marked
    std::optional<CandidateScanIndex> recall;
    if (index) {
        recall.emplace(*index, take);
        scan.index = &*recall;
    }
    out.report =
        processSet(dataset, scan,
                   [&](std::size_t entry, const LoadedSample& sample, const LossResult& result) {
                       KeptCandidates kept;
                       kept.found =
                           candidatesOf(sample, result.summary.missing, entries[entry].stem,
                                        dataset.run(), options, result.candidatePixels);
                       kept.width = sample.labels.width();
                       kept.height = sample.labels.height();
                       if (index)
                           index->keepCandidates(entry, kept);
                       take(entry, kept);
                   });
    std::sort(out.samples.begin(), out.samples.end(),
              [](const CandidateSample& a, const CandidateSample& b) { return a.entry < b.entry; });
    out.candidates = ranking.take();
    return out;
}

} // namespace losslens
