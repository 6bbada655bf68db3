#include "losslens/candidates/DecisionMatch.h"

#include <algorithm>
#include <chrono>

namespace losslens {

ReviewDecision decisionFor(const Candidate& candidate, ReviewStatus status, std::string note) {
    ReviewDecision d;
    d.stem = candidate.stem;
    d.classId = candidate.classId;
    d.imageWidth = candidate.imageWidth;
    d.imageHeight = candidate.imageHeight;
    d.bbox = candidate.bbox;
    d.area = candidate.area;
    d.runs = candidate.runs;
    d.status = status;
    d.note = std::move(note);
    d.timeMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    return d;
}

namespace {

bool before(const PixelRun& a, const PixelRun& b) {
    return a.y != b.y ? a.y < b.y : a.x0 < b.x0;
}

std::int64_t pixels(std::span<const PixelRun> runs) {
    std::int64_t n = 0;
    for (const PixelRun& r : runs)
        n += std::max(0, r.x1 - r.x0);
    return n;
}

} // namespace

std::int64_t sharedPixels(std::span<const PixelRun> a, std::span<const PixelRun> b) {
    std::int64_t shared = 0;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].y == b[j].y) {
            shared += std::max(0, std::min(a[i].x1, b[j].x1) - std::max(a[i].x0, b[j].x0));
            // The run that ends first cannot meet a later run of the other mask.
            if (a[i].x1 < b[j].x1)
                ++i;
            else
                ++j;
        } else if (before(a[i], b[j])) {
            ++i;
        } else {
            ++j;
        }
    }
    return shared;
}

double decisionOverlap(const ReviewDecision& decision, const Candidate& candidate) {
    if (decision.stem != candidate.stem || decision.classId != candidate.classId ||
        decision.imageWidth != candidate.imageWidth ||
        decision.imageHeight != candidate.imageHeight)
        return 0.0;
    const std::int64_t shared = sharedPixels(decision.runs, candidate.runs);
    const std::int64_t united = pixels(decision.runs) + pixels(candidate.runs) - shared;
    return united > 0 ? static_cast<double>(shared) / static_cast<double>(united) : 0.0;
}

std::vector<int> matchDecisions(std::span<const Candidate> candidates,
                                std::span<const ReviewDecision> decisions) {
    struct Pair {
        double iou;
        std::size_t candidate;
        std::size_t decision;
    };
    std::vector<Pair> pairs;
    for (std::size_t c = 0; c < candidates.size(); ++c)
        for (std::size_t d = 0; d < decisions.size(); ++d)
            if (decisions[d].classId == candidates[c].classId) {
                const double iou = decisionOverlap(decisions[d], candidates[c]);
                if (iou >= kDecisionMinIoU)
                    pairs.push_back({iou, c, d});
            }
    std::sort(pairs.begin(), pairs.end(), [&](const Pair& a, const Pair& b) {
        if (a.iou != b.iou)
            return a.iou > b.iou;
        const ReviewDecision& da = decisions[a.decision];
        const ReviewDecision& db = decisions[b.decision];
        if (da.timeMs != db.timeMs)
            return da.timeMs > db.timeMs;
        if (da.id != db.id)
            return da.id > db.id;
        return a.candidate < b.candidate;
    });
    std::vector<int> match(candidates.size(), -1);
    std::vector<bool> used(decisions.size(), false);
    for (const Pair& p : pairs)
        if (match[p.candidate] < 0 && !used[p.decision]) {
            match[p.candidate] = static_cast<int>(p.decision);
            used[p.decision] = true;
        }
    return match;
}

void applyDecisions(std::span<Candidate> candidates, std::span<const ReviewDecision> decisions) {
    const std::vector<int> match = matchDecisions(candidates, decisions);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
        if (match[c] < 0) {
            candidates[c].status = ReviewStatus::Undecided;
            candidates[c].note.clear();
        } else {
            const ReviewDecision& d = decisions[static_cast<std::size_t>(match[c])];
            candidates[c].status = d.status;
            candidates[c].note = d.note;
        }
    }
}

} // namespace losslens
