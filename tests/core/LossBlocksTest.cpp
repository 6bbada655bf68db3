// Scoring without keeping maps: statistics from a pass's blocks, results that keep only the
// masks, and the values at a grid of pixels (what the window draws of a big sample). Each is
// checked against plain loops over the maps a full computeLoss keeps, and the grid's values
// against the double-precision reference of spec section 1 too.
#include "RandomSample.h"
#include "ReferenceLoss.h"

#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SampleStatisticsBuilder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace losslens;
using losslens::testdata::RandomSample;
using losslens::testdata::randomSample;

namespace {

constexpr int kIgnore = 255;

LossConfig config() {
    LossConfig c;
    c.ignoreIndex = kIgnore;
    return c;
}

// Sizes that are not multiples of the pass's block, with every class count's code path.
struct Shape {
    int width;
    int height;
    int classes;
};
constexpr Shape kShapes[] = {{97, 61, 2}, {97, 61, 4}, {150, 100, 5}, {131, 70, 21}};

// The statistics `got` against plain loops over the maps of a full computeLoss.
void expectStatisticsOfMaps(const SampleStatistics& got, const LossResult& full,
                            const LabelMap& labels) {
    const std::size_t v = full.maps.size();
    const auto y = labels.values();
    float top = 0.0f;
    std::vector<float> pair(v * v, 0.0f);
    std::int64_t valid = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (y[i] == kIgnore)
            continue;
        ++valid;
        for (std::size_t a = 0; a < v; ++a) {
            top = std::max(top, full.maps[a].values()[i]);
            for (std::size_t b = 0; b < v; ++b)
                pair[a * v + b] = std::max(
                    pair[a * v + b], std::abs(full.maps[a].values()[i] - full.maps[b].values()[i]));
        }
    }
    EXPECT_GT(top, 0.0f);
    EXPECT_EQ(got.maxLoss, top);
    ASSERT_EQ(got.maxDifferences.size(), v * v);
    for (std::size_t k = 0; k < v * v; ++k)
        EXPECT_EQ(got.maxDifferences[k], pair[k]) << k;
    ASSERT_EQ(got.histograms.size(), v);
    LossQuantiles pooled;
    for (std::size_t a = 0; a < v; ++a) {
        LossHistogram whole = LossHistogram::make(kHistogramBins);
        whole.add(full.maps[a], labels, kIgnore);
        EXPECT_EQ(got.histograms[a].counts, whole.counts) << a;
        EXPECT_EQ(got.histograms[a].total(), valid);
        pooled.add(full.maps[a], labels, kIgnore);
    }
    EXPECT_EQ(got.quantiles.total(), valid * static_cast<std::int64_t>(v));
    for (int bin = 0; bin < LossQuantiles::kBins; ++bin)
        EXPECT_EQ(got.quantiles.counts().at(static_cast<std::size_t>(bin)),
                  pooled.counts().at(static_cast<std::size_t>(bin)))
            << bin;
}

} // namespace

TEST(LossBlocks, StatisticsFromBlocksEqualPlainLoopsOverTheMaps) {
    std::mt19937 rng(1801);
    for (const Shape& shape : kShapes) {
        const RandomSample s = randomSample(rng, shape.width, shape.height, shape.classes, false);
        const LossResult full = computeLoss(s.labels, s.prediction, config());
        SampleStatisticsBuilder builder(lossVariants().size(), kIgnore);
        const SampleSummary summary =
            summarizeLoss(s.labels, s.prediction, config(), kAllVariants, {}, builder.sink());
        EXPECT_EQ(summary.sums, full.summary.sums);
        SCOPED_TRACE(shape.classes);
        expectStatisticsOfMaps(builder.take(), full, s.labels);
    }
}

// The pass tells the statistics which variants' blocks equal the standard's, so they are
// grouped without being compared again. A sample whose missing class is predicted only in
// its last rows has blocks where partial, marginal and drop equal the standard and blocks
// where they do not: every count must still be each map's own.
TEST(LossBlocks, BlocksTheStandardSharesOnlyInPartAreCountedAsTheirOwnMaps) {
    std::mt19937 rng(2207);
    for (const int classes : {4, 5, 21}) {
        constexpr int kWidth = 256;
        constexpr int kHeight = 64; // 8 blocks of the pass's 2,048 pixels
        RandomSample s = randomSample(rng, kWidth, kHeight, classes, true);
        const int missing = classes - 1; // never labelled: missing
        for (int y = 0; y < kHeight; ++y)
            for (int x = 0; x < kWidth; ++x) {
                std::uint16_t& label = s.labels.at(x, y);
                if (label == missing)
                    label = 0;
                // The missing class has no probability above row 48: there every variant
                // that only differs for it is the standard bit for bit.
                if (y < 48) {
                    s.prediction.at(x, y, 0) += s.prediction.at(x, y, missing);
                    s.prediction.at(x, y, missing) = 0.0f;
                } else if (x % 3 == 0) {
                    for (int c = 0; c < classes; ++c)
                        s.prediction.at(x, y, c) = c == missing ? 0.7f : 0.3f / (classes - 1);
                }
            }
        const LossResult full = computeLoss(s.labels, s.prediction, config());
        ASSERT_EQ(full.summary.missing, std::vector<int>{missing});
        // The premise: some blocks of partial equal the standard's and some do not.
        const auto standard = full.maps[variantIndex("standard")].values();
        const auto partial = full.maps[variantIndex("partial")].values();
        ASSERT_TRUE(std::equal(partial.begin(), partial.begin() + 48 * kWidth, standard.begin()));
        ASSERT_FALSE(std::equal(partial.begin(), partial.end(), standard.begin()));
        SampleStatisticsBuilder builder(lossVariants().size(), kIgnore);
        (void)summarizeLoss(s.labels, s.prediction, config(), kAllVariants, {}, builder.sink());
        SCOPED_TRACE(classes);
        expectStatisticsOfMaps(builder.take(), full, s.labels);
    }
}

// A loss map is smooth: long runs of pixels fall in one bin, which the builder counts in
// four tables taken in turn. Runs of one value per variant, cut into blocks of odd sizes,
// against bins found by hand at the bins' centres (no edge to round either way).
TEST(LossBlocks, LongRunsOfOneBinAreCountedExactly) {
    // 300,009 values, 270,000 of them in one bin: its 16-bit counts must be folded on the way.
    constexpr std::size_t kPixels = 100003;
    constexpr std::size_t kVariants = 3;
    const double width = 16.2 / kHistogramBins;
    std::vector<std::uint16_t> labels(kPixels);
    std::vector<std::vector<float>> maps(kVariants, std::vector<float>(kPixels));
    std::vector<std::vector<std::int64_t>> want(kVariants,
                                                std::vector<std::int64_t>(kHistogramBins, 0));
    float top = 0.0f;
    for (std::size_t i = 0; i < kPixels; ++i) {
        labels[i] = i % 97 == 5 ? kIgnore : static_cast<std::uint16_t>(i % 3);
        for (std::size_t v = 0; v < kVariants; ++v) {
            const int bin =
                i < 90000 ? 5 : static_cast<int>((i / (700 * (v + 1))) * 7 % kHistogramBins);
            maps[v][i] = static_cast<float>((bin + 0.5) * width);
            if (labels[i] != kIgnore) {
                ++want[v][static_cast<std::size_t>(bin)];
                top = std::max(top, maps[v][i]);
            }
        }
    }
    SampleStatisticsBuilder builder(kVariants, kIgnore);
    for (std::size_t start = 0, size = 1; start < kPixels; start += size, size = size * 3 + 1) {
        size = std::min(size, kPixels - start);
        const float* pointers[kVariants];
        for (std::size_t v = 0; v < kVariants; ++v)
            pointers[v] = maps[v].data() + start;
        builder.add(LossBlock{start, {labels.data() + start, size}, pointers, {}, {}, 0});
    }
    const SampleStatistics got = builder.take();
    EXPECT_EQ(got.maxLoss, top);
    LossQuantiles pooled;
    for (std::size_t v = 0; v < kVariants; ++v) {
        EXPECT_EQ(got.histograms[v].counts, want[v]) << v;
        pooled.add(maps[v], labels, kIgnore);
    }
    EXPECT_EQ(got.quantiles.total(), pooled.total());
    for (const double q : {0.05, 0.3, 0.5, 0.8, 1.0})
        EXPECT_EQ(got.quantiles.quantile(q), pooled.quantile(q)) << q;
}

// One count per value gives its histogram bin and its quantile bin (the builder counts the
// sum of the two): values at and beside every edge of either grid, where a wrong pairing
// would show, in three maps (two equal, so a group of two is counted once), each counted
// against LossHistogram::add and LossQuantiles::add of the same values, one at a time.
TEST(LossBlocks, ValuesAtEveryBinEdgeAreCountedInTheirOwnBins) {
    std::vector<float> values{0.0f, -1.0f, 1e-30f, 16.2f, 17.0f, 1e30f};
    const LossHistogram grid = LossHistogram::make(kHistogramBins);
    for (int k = 0; k <= kHistogramBins; ++k) {
        const float edge = static_cast<float>(k) * (grid.hi - grid.lo) / kHistogramBins;
        values.insert(values.end(),
                      {std::nextafter(edge, 0.0f), edge, std::nextafter(edge, 99.0f)});
    }
    for (int bin = 0; bin < LossQuantiles::kBins; ++bin) {
        const float edge = LossQuantiles::upperEdge(bin);
        values.insert(values.end(),
                      {std::nextafter(edge, 0.0f), edge, std::nextafter(edge, 99.0f)});
    }
    const std::size_t n = values.size();
    std::vector<std::uint16_t> labels(n, 0);
    for (std::size_t i = 0; i < n; i += 7)
        labels[i] = kIgnore;
    std::vector<float> reversed(values.rbegin(), values.rend());
    const std::vector<const float*> maps{values.data(), reversed.data(), values.data()};
    SampleStatisticsBuilder builder(maps.size(), kIgnore);
    builder.add(LossBlock{0, {labels.data(), n}, maps, {}, {}, 0});
    const SampleStatistics got = builder.take();
    LossQuantiles pooled;
    for (std::size_t v = 0; v < maps.size(); ++v) {
        LossHistogram want = LossHistogram::make(kHistogramBins);
        for (std::size_t i = 0; i < n; ++i) {
            want.add(std::span<const float>(maps[v] + i, 1),
                     std::span<const std::uint16_t>(labels.data() + i, 1), kIgnore);
            pooled.add(std::span<const float>(maps[v] + i, 1),
                       std::span<const std::uint16_t>(labels.data() + i, 1), kIgnore);
        }
        EXPECT_EQ(got.histograms[v].counts, want.counts) << v;
    }
    EXPECT_EQ(got.quantiles.counts(), pooled.counts());
}

// The maxima leave ignored pixels out whatever their maps hold there, in a block with ignored
// pixels (masked) and in one without (read plainly): the largest valid value and one pair's
// largest difference lie in the block without, another pair's in the block with, and the
// ignored pixels hold values larger than all of them.
TEST(LossBlocks, IgnoredPixelsAreLeftOutOfTheMaxima) {
    constexpr std::size_t kBlock = 300;
    std::vector<std::uint16_t> labels(2 * kBlock, 1);
    for (std::size_t i = kBlock + 3; i < 2 * kBlock; i += 11)
        labels[i] = kIgnore;
    std::vector<std::vector<float>> maps(3, std::vector<float>(2 * kBlock));
    for (std::size_t i = 0; i < 2 * kBlock; ++i) {
        const bool ignored = labels[i] == kIgnore;
        maps[0][i] = ignored ? 90.0f : 0.01f * static_cast<float>(i % 37);
        maps[1][i] = ignored ? 0.5f : 0.02f * static_cast<float>(i % 29);
        maps[2][i] = ignored ? 70.0f : 0.015f * static_cast<float>((i * 7) % 41);
    }
    maps[0][17] = 3.25f;         // the largest valid value, in the first block
    maps[1][kBlock + 40] = 2.5f; // pair (0, 1)'s largest difference, in the second
    float top = 0.0f;
    std::vector<float> pair(9, 0.0f);
    for (std::size_t i = 0; i < 2 * kBlock; ++i) {
        if (labels[i] == kIgnore)
            continue;
        for (std::size_t a = 0; a < 3; ++a) {
            top = std::max(top, maps[a][i]);
            for (std::size_t b = 0; b < 3; ++b)
                pair[a * 3 + b] = std::max(pair[a * 3 + b], std::abs(maps[a][i] - maps[b][i]));
        }
    }
    ASSERT_EQ(top, 3.25f);
    SampleStatisticsBuilder builder(3, kIgnore);
    for (std::size_t start = 0; start < 2 * kBlock; start += kBlock) {
        const float* pointers[3] = {maps[0].data() + start, maps[1].data() + start,
                                    maps[2].data() + start};
        builder.add(LossBlock{start, {labels.data() + start, kBlock}, pointers, {}, {}, 0});
    }
    const SampleStatistics got = builder.take();
    EXPECT_EQ(got.maxLoss, top);
    ASSERT_EQ(got.maxDifferences.size(), 9u);
    for (std::size_t k = 0; k < 9; ++k)
        EXPECT_EQ(got.maxDifferences[k], pair[k]) << k;
}

// A scan's worker keeps one builder: a sample abandoned midway (its file turned out bad
// after some blocks) leaves nothing in the next sample's statistics, and samples taken one
// after another are each their own.
TEST(LossBlocks, AReusedBuilderCountsEachSampleAlone) {
    std::mt19937 rng(1804);
    SampleStatisticsBuilder builder;
    for (const Shape& shape : kShapes) {
        const RandomSample s = randomSample(rng, shape.width, shape.height, shape.classes, false);
        const LossResult full = computeLoss(s.labels, s.prediction, config());
        // Abandoned: half of its blocks, never taken.
        builder.reset(lossVariants().size(), kIgnore);
        std::size_t blocks = 0;
        (void)summarizeLoss(s.labels, s.prediction, config(), kAllVariants, {},
                            [&](const LossBlock& block) {
                                if (blocks++ % 2 == 0)
                                    builder.add(block);
                            });
        builder.reset(lossVariants().size(), kIgnore);
        (void)summarizeLoss(s.labels, s.prediction, config(), kAllVariants, {}, builder.sink());
        SCOPED_TRACE(shape.classes);
        expectStatisticsOfMaps(builder.take(), full, s.labels);
    }
}

TEST(LossBlocks, ResultWithoutMapsKeepsTheMasksAndTheSummary) {
    std::mt19937 rng(1802);
    for (const Shape& shape : kShapes) {
        const RandomSample s = randomSample(rng, shape.width, shape.height, shape.classes, false);
        SCOPED_TRACE(shape.classes);
        LossResult masks;
        SampleStatisticsBuilder builder(lossVariants().size(), kIgnore);
        computeLoss(s.labels, s.prediction, config(), kAllVariants, masks, {},
                    LossOutputs{variantMask({"partial"}), builder.sink()});
        for (std::size_t v = 0; v < masks.maps.size(); ++v)
            EXPECT_EQ(masks.maps[v].empty(), v != variantIndex("partial")) << v;
        const reference::Maps ref =
            reference::compute(s.labels, s.prediction, reference::Settings{});
        const auto partial = masks.map("partial").values();
        for (std::size_t i = 0; i < ref.w0.size(); ++i) {
            ASSERT_EQ(masks.bgWeight.values()[i], ref.w0[i]) << i;
            ASSERT_EQ(masks.removed.values()[i], ref.removed[i]) << i;
            ASSERT_NEAR(partial[i], ref.partial[i], 1e-5 * (1.0 + ref.partial[i])) << i;
        }
        EXPECT_NEAR(masks.summary.sums[variantIndex("standard")], ref.standardSum,
                    1e-6 * ref.standardSum);
        EXPECT_NEAR(masks.summary.sums[variantIndex("marginal")], ref.marginalSum,
                    1e-5 * ref.marginalSum);
        // The same pass as keeping every map: the same sums to the last bit.
        EXPECT_EQ(masks.summary.sums, computeLoss(s.labels, s.prediction, config()).summary.sums);
        EXPECT_EQ(masks.summary.removedPixels, ref.removedCount);
        // The blocks saw every variant, kept or not.
        const SampleStatistics got = builder.take();
        for (std::size_t v = 0; v < got.histograms.size(); ++v)
            EXPECT_EQ(got.histograms[v].total(), ref.valid) << v;
    }
}

TEST(LossBlocks, GridValuesAreTheMapsValuesAtThosePixels) {
    std::mt19937 rng(1803);
    for (const Shape& shape : kShapes) {
        for (const bool declared : {false, true}) {
            const RandomSample s =
                randomSample(rng, shape.width, shape.height, shape.classes, false);
            SCOPED_TRACE(std::to_string(shape.classes) + (declared ? " declared" : ""));
            // A declaration takes class 1 out of M when it has no pixel: the grid must not
            // bring it back (its own pixels lack far more classes than the sample).
            std::optional<std::vector<int>> annotated;
            if (declared)
                annotated = std::vector<int>{0, 1};
            const Annotation annotation =
                annotated ? Annotation::declared(*annotated) : Annotation{};
            const LossResult full =
                computeLoss(s.labels, s.prediction, config(), kAllVariants, annotation);
            reference::Settings settings;
            settings.annotated = annotated;
            const reference::Maps ref = reference::compute(s.labels, s.prediction, settings);
            EXPECT_EQ(full.summary.missing, ref.missing);

            // Every third column backwards, a repeated one and columns off both edges; rows
            // likewise: a zoomed-out, panned viewport.
            std::vector<int> xs{-1, -7, shape.width, shape.width + 3, 0, 0};
            for (int x = shape.width - 1; x >= 0; x -= 3)
                xs.push_back(x);
            std::vector<int> ys{-1, shape.height};
            for (int y = 1; y < shape.height; y += 4)
                ys.push_back(y);
            const LossResult grid = computeLossAt(s.labels, s.prediction, config(), kAllVariants,
                                                  full.summary.missing, xs, ys);
            ASSERT_EQ(grid.width(), static_cast<int>(xs.size()));
            ASSERT_EQ(grid.height(), static_cast<int>(ys.size()));
            const std::vector<double>* refMaps[] = {&ref.standard, &ref.partial, &ref.marginal,
                                                    &ref.drop,     &ref.focal,   &ref.weighted};
            const char* names[] = {"standard", "partial", "marginal", "drop", "focal", "weighted"};
            for (std::size_t gy = 0; gy < ys.size(); ++gy)
                for (std::size_t gx = 0; gx < xs.size(); ++gx) {
                    const int x = xs[gx];
                    const int y = ys[gy];
                    const auto gxi = static_cast<int>(gx);
                    const auto gyi = static_cast<int>(gy);
                    if (x < 0 || x >= shape.width || y < 0 || y >= shape.height) {
                        for (const char* name : names)
                            ASSERT_EQ(grid.map(name).at(gxi, gyi), 0.0f) << name;
                        continue;
                    }
                    const std::size_t i =
                        static_cast<std::size_t>(y) * static_cast<std::size_t>(shape.width) +
                        static_cast<std::size_t>(x);
                    ASSERT_EQ(grid.argmax.at(gxi, gyi), full.argmax.at(x, y));
                    ASSERT_EQ(grid.bgWeight.at(gxi, gyi), ref.w0[i]);
                    ASSERT_EQ(grid.removed.at(gxi, gyi), ref.removed[i]);
                    for (std::size_t n = 0; n < 6; ++n) {
                        const float value = grid.map(names[n]).at(gxi, gyi);
                        ASSERT_EQ(value, full.map(names[n]).at(x, y)) << names[n];
                        const double expected = (*refMaps[n])[i];
                        ASSERT_NEAR(value, expected, 1e-5 * (1.0 + expected)) << names[n];
                    }
                }
        }
    }
}
