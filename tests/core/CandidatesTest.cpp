// Candidates (spec section 6): hand-worked samples, every field against a plain flood-fill
// reference written here, the set ranking against a full sort, and COCO's RLE against a
// dense column-major count and hand-encoded strings.
#include "RandomSample.h"

#include "losslens/candidates/CandidateFinder.h"
#include "losslens/candidates/CandidateRanking.h"
#include "losslens/candidates/ProposedLabels.h"
#include "losslens/io/CocoRle.h"
#include "losslens/loss/CandidatePixels.h"
#include "losslens/loss/LossComputer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

namespace losslens {
namespace {

constexpr int kIgnore = 255;

// A prediction with every pixel confidently background; blobs are painted on top.
Prediction background(int w, int h, int classes) {
    Prediction p(w, h, classes);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            p.at(x, y, 0) = 0.97f;
            for (int c = 1; c < classes; ++c)
                p.at(x, y, c) = 0.03f / static_cast<float>(classes - 1);
        }
    return p;
}

void paint(Prediction& p, int x, int y, int cls, float pk) {
    for (int c = 0; c < p.classes(); ++c)
        p.at(x, y, c) = (1.0f - pk) / static_cast<float>(p.classes() - 1);
    p.at(x, y, cls) = pk;
}

double pixelPenalty(float p0) {
    return -std::log(static_cast<double>(std::clamp(p0, 1e-7f, 1.0f - 1e-7f)));
}

TEST(FindCandidates, HandWorkedTouchingClassesDiagonalAndMinArea) {
    // 8 x 6, classes: 0 bg, 1, 2. Painted (x, y):
    //   class 1: (0,0) (1,0) (1,1) (2,2) : (2,2) touches (1,1) diagonally -> one of 4 px
    //   class 2: (2,1) (3,1)              : touches class 1 but is another component, 2 px
    //   class 1: (6,4) (7,5)              : diagonal pair, 2 px
    const int w = 8, h = 6;
    LabelMap labels(w, h, 1, 0);
    Prediction p = background(w, h, 3);
    for (auto [x, y] : {std::pair{0, 0}, {1, 0}, {1, 1}, {2, 2}})
        paint(p, x, y, 1, 0.8f);
    paint(p, 2, 1, 2, 0.6f);
    paint(p, 3, 1, 2, 0.6f);
    paint(p, 6, 4, 1, 0.9f);
    paint(p, 7, 5, 1, 0.9f);
    const std::vector<std::uint8_t> missing = {0, 1, 0}; // class 1 missing, class 2 not
    const auto found = findCandidates(labels, p, kIgnore, missing, {0.5f, 2});
    ASSERT_EQ(found.size(), 3u);
    // Penalties: 4 px at p0 = 0.1 -> 4 * 2.302585; 2 px at p0 = 0.2 -> 2 * 1.609438;
    // 2 px at p0 = 0.05 -> 2 * 2.995732. Highest first.
    EXPECT_EQ(found[0].classId, 1);
    EXPECT_EQ(found[0].area, 4);
    EXPECT_EQ(found[0].bbox, (PixelBox{0, 0, 3, 3}));
    EXPECT_NEAR(found[0].penalty, 4 * 2.302585, 1e-5);
    EXPECT_NEAR(found[0].confidence, 0.8, 1e-6);
    EXPECT_TRUE(found[0].missing);
    EXPECT_EQ(found[0].firstPixel, 0);
    EXPECT_EQ(found[0].id, 1);
    EXPECT_EQ(found[1].bbox, (PixelBox{6, 4, 2, 2}));
    EXPECT_NEAR(found[1].penalty, 2 * 2.995732, 1e-5);
    EXPECT_EQ(found[1].id, 2);
    EXPECT_EQ(found[2].classId, 2);
    EXPECT_EQ(found[2].bbox, (PixelBox{2, 1, 2, 1}));
    EXPECT_FALSE(found[2].missing);
    EXPECT_NEAR(found[2].penalty, 2 * 1.609438, 1e-5);
    EXPECT_EQ(found[2].runs, (std::vector<PixelRun>{{1, 2, 4}}));
    // min_area 3 keeps only the 4-pixel one; min_area 4 is its exact boundary.
    EXPECT_EQ(findCandidates(labels, p, kIgnore, missing, {0.5f, 4}).size(), 1u);
    EXPECT_EQ(findCandidates(labels, p, kIgnore, missing, {0.5f, 5}).size(), 0u);
}

TEST(FindCandidates, ThresholdIsInclusiveAndLabelledOrIgnoredPixelsAreNot) {
    const int w = 5, h = 3;
    LabelMap labels(w, h, 1, 0);
    Prediction p = background(w, h, 3); // at 2 classes p_1 = 0.5 would tie with p_0 (to 0)
    for (int x = 0; x < w; ++x) {
        paint(p, x, 0, 1, 0.5f);  // exactly at the threshold: in
        paint(p, x, 2, 1, 0.75f); // labelled or ignored below
    }
    labels.at(1, 2) = 1;
    labels.at(3, 2) = kIgnore;
    const std::vector<std::uint8_t> missing = {0, 0, 0};
    const auto found = findCandidates(labels, p, kIgnore, missing, {0.5f, 1});
    ASSERT_EQ(found.size(), 4u);
    // Row 0: one run of 5 at p0 = 0.25; row 2: three single pixels at p0 = 0.125 (not
    // touching row 0, and split by the labelled and the ignored pixel).
    EXPECT_EQ(found[0].area, 5);
    EXPECT_NEAR(found[0].penalty, 5 * std::log(4.0), 1e-5);
    EXPECT_NEAR(found[1].penalty, std::log(8.0), 1e-5);
    for (std::size_t i = 1; i < 4; ++i) {
        EXPECT_EQ(found[i].area, 1);
        EXPECT_EQ(found[i].bbox.y, 2);
    }
    // Equal scores within a sample: by first pixel.
    EXPECT_EQ(found[1].bbox.x, 0);
    EXPECT_EQ(found[2].bbox.x, 2);
    EXPECT_EQ(found[3].bbox.x, 4);
    EXPECT_EQ(findCandidates(labels, p, kIgnore, missing, {0.5001f, 1}).size(), 3u);
}

// The plain reference: flood fill per pixel over 8 neighbours, in raster order.
struct RefCandidate {
    int cls = 0;
    std::int64_t area = 0;
    PixelBox box;
    double confidence = 0;
    double penalty = 0;
    std::int64_t first = 0;
    std::vector<std::uint8_t> mask;
};

std::vector<RefCandidate> reference(const LabelMap& labels, const Prediction& p, float minConf,
                                    std::int64_t minArea) {
    const int w = labels.width(), h = labels.height(), C = p.classes();
    std::vector<int> k(static_cast<std::size_t>(w * h), 0);
    std::vector<std::uint8_t> cand(k.size(), 0), seen(k.size(), 0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int best = 0;
            for (int c = 1; c < C; ++c)
                if (p.at(x, y, c) > p.at(x, y, best))
                    best = c;
            k[static_cast<std::size_t>(y * w + x)] = best;
            cand[static_cast<std::size_t>(y * w + x)] =
                labels.at(x, y) == 0 && best != 0 && p.at(x, y, best) >= minConf;
        }
    std::vector<RefCandidate> out;
    for (int start = 0; start < w * h; ++start) {
        if (!cand[static_cast<std::size_t>(start)] || seen[static_cast<std::size_t>(start)])
            continue;
        RefCandidate r;
        r.cls = k[static_cast<std::size_t>(start)];
        r.first = start;
        r.mask.assign(k.size(), 0);
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        std::vector<int> stack{start};
        seen[static_cast<std::size_t>(start)] = 1;
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            const int x = i % w, y = i / w;
            r.mask[static_cast<std::size_t>(i)] = 1;
            ++r.area;
            r.confidence += static_cast<double>(p.at(x, y, r.cls));
            r.penalty += pixelPenalty(p.at(x, y, 0));
            x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int xx = x + dx, yy = y + dy;
                    if (xx < 0 || yy < 0 || xx >= w || yy >= h)
                        continue;
                    const auto j = static_cast<std::size_t>(yy * w + xx);
                    if (cand[j] && !seen[j] && k[j] == r.cls) {
                        seen[j] = 1;
                        stack.push_back(static_cast<int>(j));
                    }
                }
        }
        if (r.area < minArea)
            continue;
        r.confidence /= static_cast<double>(r.area);
        r.box = {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](const RefCandidate& a, const RefCandidate& b) {
        return a.penalty != b.penalty ? a.penalty > b.penalty : a.first < b.first;
    });
    return out;
}

// Every field against the reference, searched over every pixel and over the pixels a loss
// pass marked (CandidatePixels, as a scan hands them); rounds 60 on are larger than the
// pass's blocks of 2,048 pixels.
TEST(FindCandidates, EveryFieldMatchesAFloodFillOnRandomSamples) {
    std::mt19937 rng(11);
    for (int round = 0; round < 70; ++round) {
        const int scale = round >= 60 ? 4 : 1;
        const int w = 1 + static_cast<int>(rng() % (40u * scale));
        const int h = 1 + static_cast<int>(rng() % (30u * scale));
        // From round 40 on, 8 to 30 classes (the vector search of the largest class) with
        // ties: every third pixel's largest probability copied to another class, so the
        // first of them must win.
        const bool many = round >= 40;
        const int classes =
            many ? 8 + static_cast<int>(rng() % 23) : 2 + static_cast<int>(rng() % 5);
        auto s = testdata::randomSample(rng, w, h, classes, false);
        if (many)
            for (int y = 0; y < h; ++y)
                for (int x = (y % 3); x < w; x += 3) {
                    int top = 0;
                    for (int c = 1; c < classes; ++c)
                        top = s.prediction.at(x, y, c) > s.prediction.at(x, y, top) ? c : top;
                    const int other = static_cast<int>(rng() % static_cast<unsigned>(classes));
                    s.prediction.at(x, y, other) = s.prediction.at(x, y, top);
                }
        const float minConf = round % 2 ? 0.3f : 0.5f;
        const std::int64_t minArea = 1 + round % 4;
        std::vector<std::uint8_t> missing(static_cast<std::size_t>(classes), 0);
        missing[1] = 1;
        const auto want = reference(s.labels, s.prediction, minConf, minArea);
        CandidatePixels marks;
        marks.start(s.labels.pixelCount());
        LossConfig config;
        config.ignoreIndex = kIgnore;
        (void)summarizeLoss(s.labels, s.prediction, config, kAllVariants, {},
                            [&marks](const LossBlock& block) { marks.add(block); });
        ASSERT_TRUE(marks.complete(s.labels.pixelCount()));
        const std::vector<const CandidatePixels*> searches{nullptr, &marks};
        for (const CandidatePixels* marked : searches) {
            const auto got = findCandidates(s.labels, s.prediction, kIgnore, missing,
                                            {minConf, minArea}, marked);
            ASSERT_EQ(got.size(), want.size()) << "round " << round;
            for (std::size_t i = 0; i < got.size(); ++i) {
                SCOPED_TRACE(testing::Message() << "round " << round << " candidate " << i
                                                << (marked != nullptr ? ", marked" : ""));
                EXPECT_EQ(got[i].classId, want[i].cls);
                EXPECT_EQ(got[i].area, want[i].area);
                EXPECT_EQ(got[i].bbox, want[i].box);
                EXPECT_EQ(got[i].firstPixel, want[i].first);
                EXPECT_EQ(got[i].id, static_cast<int>(i) + 1);
                EXPECT_EQ(got[i].missing, want[i].cls == 1);
                EXPECT_NEAR(got[i].confidence, want[i].confidence, 1e-6);
                EXPECT_NEAR(got[i].penalty, want[i].penalty, 1e-9 * std::max(1.0, want[i].penalty));
                std::vector<std::uint8_t> mask(want[i].mask.size(), 0);
                for (const PixelRun& r : got[i].runs)
                    for (int x = r.x0; x < r.x1; ++x)
                        mask[static_cast<std::size_t>(r.y * w + x)] = 1;
                EXPECT_EQ(mask, want[i].mask);
            }
        }
    }
}

Candidate made(std::string stem, double penalty, std::int64_t first) {
    Candidate c;
    c.stem = std::move(stem);
    c.penalty = penalty;
    c.firstPixel = first;
    return c;
}

// Two painted bands cross background-labelled columns, columns labelled 1 and ignored
// columns: only the background-labelled stretches become candidates, at every class count
// (C = 2 to 4 compiled per count, more classes eight at a time where the CPU has AVX2, the
// painted class in a whole vector or in the tail). By hand: 37 x 11, columns 10-19 labelled
// 1, 20-24 ignored; rows 2-5 painted the last class, rows 7-9 class 1, columns 5-29; the
// candidates are columns 5-9 and 25-29 of each band.
TEST(FindCandidates, OnlyBackgroundLabelledPixelsAtEveryClassCount) {
    for (const int classes : {3, 4, 5, 8, 9, 17, 21, 40}) {
        const int w = 37;
        const int h = 11;
        LabelMap labels(w, h);
        Prediction p = background(w, h, classes);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                labels.at(x, y) = static_cast<std::uint16_t>(
                    x >= 10 && x < 20 ? 1 : (x >= 20 && x < 25 ? kIgnore : 0));
                if (x >= 5 && x < 30 && y >= 2 && y <= 5)
                    paint(p, x, y, classes - 1, 0.9f);
                if (x >= 5 && x < 30 && y >= 7 && y <= 9)
                    paint(p, x, y, 1, 0.9f);
            }
        std::vector<std::uint8_t> missing(static_cast<std::size_t>(classes), 0);
        const auto got = findCandidates(labels, p, kIgnore, missing, {0.5f, 1});
        SCOPED_TRACE(testing::Message() << classes << " classes");
        ASSERT_EQ(got.size(), 4u);
        std::vector<std::tuple<int, int, int, std::int64_t>> found; // x, y, class, area
        for (const Candidate& c : got) {
            found.emplace_back(c.bbox.x, c.bbox.y, c.classId, c.area);
            EXPECT_EQ(c.bbox.w, 5);
            EXPECT_EQ(c.bbox.h, c.bbox.y == 2 ? 4 : 3);
        }
        std::sort(found.begin(), found.end());
        const std::vector<std::tuple<int, int, int, std::int64_t>> want = {
            {5, 2, classes - 1, 20}, {5, 7, 1, 15}, {25, 2, classes - 1, 20}, {25, 7, 1, 15}};
        EXPECT_EQ(found, want);
        const auto ref = reference(labels, p, 0.5f, 1);
        ASSERT_EQ(ref.size(), got.size());
        for (std::size_t i = 0; i < got.size(); ++i)
            EXPECT_EQ(got[i].firstPixel, ref[i].first);
    }
}

TEST(CandidateRanking, TopNIsTheFullSortsPrefixWithTies) {
    std::mt19937 rng(5);
    std::vector<Candidate> all;
    const std::vector<std::string> stems = {"a", "b", "c", "d", "e", "f", "g"};
    for (int i = 0; i < 300; ++i) // few distinct scores and stems: many ties
        all.push_back(made(stems[rng() % stems.size()], static_cast<double>(rng() % 5),
                           static_cast<std::int64_t>(rng() % 1000)));
    std::vector<Candidate> sorted = all;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Candidate& a, const Candidate& b) {
        if (a.penalty != b.penalty)
            return a.penalty > b.penalty;
        if (a.stem != b.stem)
            return a.stem < b.stem;
        return a.firstPixel < b.firstPixel;
    });
    for (const std::size_t top :
         {std::size_t{0}, std::size_t{1}, std::size_t{17}, std::size_t{300}, std::size_t{1000}}) {
        CandidateRanking ranking(top);
        for (const Candidate& c : all)
            ranking.add(c);
        const auto kept = ranking.take();
        EXPECT_EQ(ranking.offered(), all.size());
        ASSERT_EQ(kept.size(), top == 0 ? all.size() : std::min(top, all.size()));
        for (std::size_t i = 0; i < kept.size(); ++i) {
            EXPECT_EQ(kept[i].penalty, sorted[i].penalty) << i;
            EXPECT_EQ(kept[i].stem, sorted[i].stem) << i;
            EXPECT_EQ(kept[i].firstPixel, sorted[i].firstPixel) << i;
        }
    }
}

// Column-major counts of a dense row-major mask, the plain way.
RleCounts denseCounts(const std::vector<std::uint8_t>& mask, int w, int h) {
    RleCounts counts;
    std::uint8_t value = 0;
    std::uint32_t n = 0;
    for (int x = 0; x < w; ++x)
        for (int y = 0; y < h; ++y) {
            const std::uint8_t v = mask[static_cast<std::size_t>(y * w + x)];
            if (v != value) {
                counts.push_back(n);
                n = 0;
                value = v;
            }
            ++n;
        }
    counts.push_back(n);
    return counts;
}

std::vector<PixelRun> rowRuns(const std::vector<std::uint8_t>& mask, int w, int h) {
    std::vector<PixelRun> runs;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w;) {
            if (!mask[static_cast<std::size_t>(y * w + x)]) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < w && mask[static_cast<std::size_t>(y * w + x)])
                ++x;
            runs.push_back({y, start, x});
        }
    return runs;
}

TEST(CocoRle, CountsMatchADenseColumnMajorCountOnRandomEmptyAndFullMasks) {
    std::mt19937 rng(3);
    for (int round = 0; round < 200; ++round) {
        const int w = 1 + static_cast<int>(rng() % 23), h = 1 + static_cast<int>(rng() % 17);
        std::vector<std::uint8_t> mask(static_cast<std::size_t>(w * h));
        const int kind = round % 5; // empty, full, sparse, dense, blocky
        for (std::size_t i = 0; i < mask.size(); ++i)
            mask[i] = kind == 0   ? 0
                      : kind == 1 ? 1
                      : kind == 2 ? (rng() % 10 == 0)
                      : kind == 3 ? (rng() % 10 != 0)
                                  : ((i / 5) % 3 == 0);
        const auto runs = rowRuns(mask, w, h);
        const RleCounts counts = rleFromRuns(runs, w, h);
        ASSERT_EQ(counts, denseCounts(mask, w, h)) << w << "x" << h << " kind " << kind;
        const std::string text = rleToString(counts);
        ASSERT_EQ(rleFromString(text), counts) << text;
        ASSERT_EQ(runsFromRle(counts, w, h), runs);
    }
}

TEST(CocoRle, HandEncodedStrings) {
    // Worked by hand from pycocotools' rleToString: 5-bit groups + 48, the fourth count on
    // as the difference to the count two before it (10 -> 2 is -8: 0b11000 with the sign).
    EXPECT_EQ(rleToString(RleCounts{0, 4}), "04");
    EXPECT_EQ(rleToString(RleCounts{3, 2, 4}), "324");
    EXPECT_EQ(rleToString(RleCounts{1, 2, 3, 5}), "1233");
    EXPECT_EQ(rleToString(RleCounts{5, 10, 1, 2}), "5:1H");
    // 100 = 0b11 00100: low group 4 with continuation (4 + 32 + 48 = 'T'), then 3 ('3').
    EXPECT_EQ(rleToString(RleCounts{100}), "T3");
    EXPECT_EQ(rleFromString("5:1H"), (RleCounts{5, 10, 1, 2}));
    EXPECT_THROW((void)rleFromString("T"), std::invalid_argument);   // ends inside a count
    EXPECT_THROW((void)rleFromString("0 4"), std::invalid_argument); // outside the alphabet
    EXPECT_THROW((void)runsFromRle(RleCounts{3, 2}, 2, 2), std::invalid_argument);
}

TEST(ProposedLabels, CandidatesPixelsTakeTheirClass) {
    LabelMap labels(4, 3, 1, 0);
    labels.at(0, 0) = 2;
    Candidate c;
    c.classId = 3;
    c.runs = {{1, 1, 3}, {2, 0, 1}};
    const LabelMap out = proposedLabels(labels, {&c});
    const std::vector<std::uint16_t> want = {2, 0, 0, 0, 0, 3, 3, 0, 3, 0, 0, 0};
    EXPECT_EQ(std::vector<std::uint16_t>(out.values().begin(), out.values().end()), want);
}

} // namespace
} // namespace losslens
