// Masks as runs, their storage and how a decision finds its candidate again (spec section 7),
// against plain bitmaps built here.
#include "losslens/candidates/DecisionMatch.h"
#include "losslens/review/MaskBlob.h"

#include <gtest/gtest.h>

#include <random>

namespace losslens {
namespace {

using Bitmap = std::vector<std::vector<bool>>;

std::vector<PixelRun> runsOf(const Bitmap& bits) {
    std::vector<PixelRun> runs;
    for (int y = 0; y < static_cast<int>(bits.size()); ++y)
        for (int x = 0; x < static_cast<int>(bits[0].size());) {
            if (!bits[y][x]) {
                ++x;
                continue;
            }
            int end = x;
            while (end < static_cast<int>(bits[0].size()) && bits[y][end])
                ++end;
            runs.push_back({y, x, end});
            x = end;
        }
    return runs;
}

Bitmap randomBitmap(std::mt19937& rng, int w, int h, double p) {
    std::bernoulli_distribution on(p);
    Bitmap bits(h, std::vector<bool>(w));
    for (auto& row : bits)
        for (std::size_t x = 0; x < row.size(); ++x)
            row[x] = on(rng);
    return bits;
}

Bitmap box(int w, int h, int x0, int y0, int bw, int bh) {
    Bitmap bits(h, std::vector<bool>(w));
    for (int y = y0; y < y0 + bh; ++y)
        for (int x = x0; x < x0 + bw; ++x)
            bits[y][x] = true;
    return bits;
}

Candidate candidate(const std::string& stem, int cls, const Bitmap& bits) {
    Candidate c;
    c.stem = stem;
    c.classId = cls;
    c.imageWidth = static_cast<int>(bits[0].size());
    c.imageHeight = static_cast<int>(bits.size());
    c.runs = runsOf(bits);
    for (const PixelRun& r : c.runs)
        c.area += r.x1 - r.x0;
    return c;
}

TEST(MaskBlob, RoundTripsRandomMasksAndStaysSmall) {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 50; ++trial) {
        const int w = 1 + static_cast<int>(rng() % 300);
        const int h = 1 + static_cast<int>(rng() % 50);
        const auto runs = runsOf(randomBitmap(rng, w, h, 0.3 + 0.01 * trial));
        const auto bytes = encodeMaskRuns(runs);
        const auto back = decodeMaskRuns(bytes, w, h);
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(*back, runs);
    }
    // A 100 x 100 square: one run a row, each three one-byte varints (row step, first
    // column, length: all under 128), so 300 bytes for 10,000 pixels.
    const auto square = runsOf(box(1000, 1000, 100, 100, 100, 100));
    EXPECT_EQ(encodeMaskRuns(square).size(), 300u);
}

TEST(MaskBlob, RefusesDamagedBytes) {
    const auto runs = runsOf(box(64, 64, 10, 10, 5, 5));
    auto bytes = encodeMaskRuns(runs);
    EXPECT_FALSE(decodeMaskRuns(std::span(bytes).first(bytes.size() - 1), 64, 64));
    EXPECT_FALSE(decodeMaskRuns(bytes, 14, 64)); // a run past the image's right edge
    EXPECT_FALSE(decodeMaskRuns(bytes, 64, 12)); // rows past its bottom
    EXPECT_FALSE(decodeMaskRuns(bytes, 0, 0));
    // Two touching runs on one row (a second run starting where the first ended).
    const std::vector<std::uint8_t> touching = {0, 2, 3, 0, 0, 3};
    EXPECT_FALSE(decodeMaskRuns(touching, 64, 64));
    // A varint that never ends.
    const std::vector<std::uint8_t> endless(20, 0xff);
    EXPECT_FALSE(decodeMaskRuns(endless, 64, 64));
    // A zero-length run.
    const std::vector<std::uint8_t> empty = {0, 2, 0};
    EXPECT_FALSE(decodeMaskRuns(empty, 64, 64));
}

TEST(DecisionMatch, SharedPixelsCountsWhatTwoBitmapsShare) {
    std::mt19937 rng(11);
    for (int trial = 0; trial < 100; ++trial) {
        const int w = 1 + static_cast<int>(rng() % 70);
        const int h = 1 + static_cast<int>(rng() % 20);
        const Bitmap a = randomBitmap(rng, w, h, 0.5);
        const Bitmap b = randomBitmap(rng, w, h, 0.4);
        std::int64_t both = 0;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                both += a[y][x] && b[y][x];
        EXPECT_EQ(sharedPixels(runsOf(a), runsOf(b)), both);
        EXPECT_EQ(sharedPixels(runsOf(b), runsOf(a)), both);
    }
}

TEST(DecisionMatch, FollowsTheCandidateItOverlapsBest) {
    // A 10 x 10 object, decided; new predictions move it by 2 pixels: IoU 80 / 120.
    const Candidate before = candidate("s", 2, box(64, 64, 10, 10, 10, 10));
    const ReviewDecision decided = decisionFor(before, ReviewStatus::Confirmed, "x");
    const Candidate moved = candidate("s", 2, box(64, 64, 12, 10, 10, 10));
    EXPECT_DOUBLE_EQ(decisionOverlap(decided, moved), 80.0 / 120.0);
    // Moved by 4: 60 / 140 < 0.5, no longer the same object.
    const Candidate far = candidate("s", 2, box(64, 64, 14, 10, 10, 10));
    EXPECT_LT(decisionOverlap(decided, far), kDecisionMinIoU);
    // Another class, stem or image size never matches.
    EXPECT_EQ(decisionOverlap(decided, candidate("s", 3, box(64, 64, 10, 10, 10, 10))), 0.0);
    EXPECT_EQ(decisionOverlap(decided, candidate("t", 2, box(64, 64, 10, 10, 10, 10))), 0.0);
    EXPECT_EQ(decisionOverlap(decided, candidate("s", 2, box(65, 64, 10, 10, 10, 10))), 0.0);

    std::vector<Candidate> now = {far, moved, candidate("s", 2, box(64, 64, 40, 40, 5, 5))};
    const std::vector<ReviewDecision> decisions = {decided};
    EXPECT_EQ(matchDecisions(now, decisions), (std::vector<int>{-1, 0, -1}));
    applyDecisions(now, decisions);
    EXPECT_EQ(now[0].status, ReviewStatus::Undecided);
    EXPECT_EQ(now[1].status, ReviewStatus::Confirmed);
    EXPECT_EQ(now[1].note, "x");
    EXPECT_EQ(now[2].status, ReviewStatus::Undecided);
}

TEST(DecisionMatch, OneDecisionPerCandidateBestFirst) {
    // Two decisions on overlapping masks of one candidate: the better overlap wins it; the
    // other has no candidate left (each is used at most once).
    const Candidate c = candidate("s", 1, box(32, 32, 0, 0, 10, 10));
    ReviewDecision exact = decisionFor(c, ReviewStatus::Rejected);
    exact.id = 1;
    ReviewDecision shifted =
        decisionFor(candidate("s", 1, box(32, 32, 1, 0, 10, 10)), ReviewStatus::Confirmed);
    shifted.id = 2;
    const std::vector<Candidate> one = {c};
    EXPECT_EQ(matchDecisions(one, std::vector<ReviewDecision>{shifted, exact}),
              (std::vector<int>{1}));
    // Equal overlaps: the newer decision.
    ReviewDecision older = exact;
    older.timeMs -= 1000;
    older.status = ReviewStatus::Unsure;
    EXPECT_EQ(matchDecisions(one, std::vector<ReviewDecision>{exact, older}),
              (std::vector<int>{0}));
}

TEST(ReviewStatus, NamesRoundTrip) {
    for (const auto s : {ReviewStatus::Undecided, ReviewStatus::Confirmed, ReviewStatus::Rejected,
                         ReviewStatus::Unsure})
        EXPECT_EQ(parseReviewStatus(reviewStatusName(s)), s);
    EXPECT_EQ(reviewStatusName(ReviewStatus::Confirmed), "confirmed");
    EXPECT_FALSE(parseReviewStatus("Confirmed"));
}

} // namespace
} // namespace losslens
