// The synthetic benchmark with known truth (issue 26): the demo generator removes
// annotations at random, so the dropped objects are known exactly; candidates must find them
// first. Realistic noise comes with the demo's model (smooth and fine noise on the scores,
// blurred borders) and, in label-sets mode, false-positive blobs of absent classes. The
// evaluation is spec section 6's: a candidate matches a dropped object of its class with
// IoU >= 0.5, each object at most once; average precision over the ranking.
#include "losslens/candidates/CandidateFinder.h"
#include "losslens/candidates/CandidateRanking.h"
#include "losslens/demo/DemoGenerator.h"
#include "losslens/loss/Annotation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace losslens {
namespace {

struct Truth {
    std::string stem;
    int cls = 0;
    std::vector<std::uint8_t> mask; // row-major, 1 inside
    bool matched = false;
};

double iou(const Candidate& c, const Truth& t, int width) {
    std::int64_t inter = 0, truthArea = 0;
    for (const std::uint8_t v : t.mask)
        truthArea += v;
    for (const PixelRun& r : c.runs)
        for (int x = r.x0; x < r.x1; ++x)
            inter += t.mask[static_cast<std::size_t>(r.y * width + x)];
    const std::int64_t uni = c.area + truthArea - inter;
    return uni > 0 ? static_cast<double>(inter) / static_cast<double>(uni) : 0.0;
}

struct Scores {
    double ap = 0;
    double recallAtK = 0;
    std::size_t truths = 0;
    std::size_t candidates = 0;
};

// A noisier model than the demo's: each pixel's probabilities mixed with a random point of
// the simplex (weight `noise`), which breaks borders into fragments and scatters small
// false positives over the background.
void addNoise(Prediction& p, double noise, std::mt19937& rng) {
    std::exponential_distribution<float> draw(1.0f);
    const int classes = p.classes();
    std::vector<float> u(static_cast<std::size_t>(classes));
    float* v = p.data();
    for (std::size_t i = 0; i < p.pixelCount(); ++i, v += classes) {
        float total = 0;
        for (auto& x : u)
            total += (x = draw(rng));
        for (int c = 0; c < classes; ++c)
            v[c] = static_cast<float>(
                (1.0 - noise) * static_cast<double>(v[c]) +
                noise * static_cast<double>(u[static_cast<std::size_t>(c)] / total));
    }
}

Scores evaluate(const DemoOptions& options, bool missingOnly, double noise) {
    std::vector<DemoSample> samples = generateDemo(options);
    std::mt19937 rng(99);
    if (noise > 0)
        for (DemoSample& s : samples)
            addNoise(s.prediction, noise, rng);
    const auto removals = demoRemovals(options);
    const auto sets = demoLabelSets(removals);
    CandidateRanking ranking;
    std::vector<Truth> truths;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const DemoSample& s = samples[i];
        for (const int c : s.removed) {
            Truth t{s.stem, c, std::vector<std::uint8_t>(s.labels.pixelCount(), 0), false};
            for (std::size_t p = 0; p < s.labels.pixelCount(); ++p)
                t.mask[p] = s.fullLabels.values()[p] == c && s.labels.values()[p] == 0;
            truths.push_back(std::move(t));
        }
        std::vector<std::int64_t> pixels(kDemoClasses, 0);
        for (const auto v : s.labels.values())
            ++pixels[v];
        Annotation annotation;
        if (options.labelSets) // the demo's declaration: every class but the removed ones
            for (const auto& [match, annotated] : sets)
                if (match == s.stem || match == "demo_*") {
                    annotation = Annotation::declared(annotated);
                    break;
                }
        const MissingClasses m = missingClasses(pixels, annotation);
        auto found = findCandidates(s.labels, s.prediction, 255, m.mask);
        for (Candidate& c : found)
            if (!missingOnly || c.missing) {
                c.stem = s.stem;
                ranking.add(std::move(c));
            }
    }
    const auto ranked = ranking.take();
    Scores out;
    out.truths = truths.size();
    out.candidates = ranked.size();
    std::size_t hits = 0;
    for (std::size_t k = 0; k < ranked.size(); ++k) {
        const Candidate& c = ranked[k];
        for (Truth& t : truths)
            if (!t.matched && t.stem == c.stem && t.cls == c.classId &&
                iou(c, t, options.size) >= 0.5) {
                t.matched = true;
                ++hits;
                out.ap += static_cast<double>(hits) / static_cast<double>(k + 1);
                break;
            }
        if (k + 1 == truths.size())
            out.recallAtK = static_cast<double>(hits) / static_cast<double>(truths.size());
    }
    if (ranked.size() < truths.size())
        out.recallAtK = static_cast<double>(hits) / static_cast<double>(truths.size());
    out.ap /= static_cast<double>(std::max<std::size_t>(1, truths.size()));
    return out;
}

TEST(CandidateBenchmark, DroppedDemoAnnotationsAreFoundFirst) {
    for (const bool labelSets : {false, true}) {
        DemoOptions options;
        options.count = 48;
        options.size = 96;
        options.missing = 40;
        options.seed = 17;
        options.labelSets = labelSets;
        for (const double noise : {0.0, 0.5})
            for (const bool missingOnly : {false, true}) {
                const Scores s = evaluate(options, missingOnly, noise);
                std::printf("demo %s, noise %.1f, %s: %zu dropped objects, %zu candidates, AP "
                            "%.3f, recall at k=%zu %.3f\n",
                            labelSets ? "with label sets (false-positive blobs)" : "plain", noise,
                            missingOnly ? "missing only" : "all candidates", s.truths, s.candidates,
                            s.ap, s.truths, s.recallAtK);
                EXPECT_EQ(s.truths, 40u);
                EXPECT_GE(s.ap, 0.95);
            }
    }
}

} // namespace
} // namespace losslens
