// SetAccumulator: the set's totals gathered sample by sample or in merged pieces equal plain
// loops over the samples' maps and summaries written here.

#include "losslens/set/SetAccumulator.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/LossQuantiles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace losslens;

namespace {

struct Scored {
    LabelMap labels;
    LossResult loss;
};

std::vector<Scored> randomSamples(int count, int classes, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> unit(0.01f, 1.0f);
    std::uniform_int_distribution<int> label(0, classes - 1);
    std::uniform_int_distribution<int> side(3, 20);
    std::vector<Scored> samples;
    for (int n = 0; n < count; ++n) {
        const int w = side(rng);
        const int h = side(rng);
        LabelMap labels(w, h);
        Prediction prediction(w, h, classes);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                labels.at(x, y) = static_cast<std::uint16_t>(x == 0 && y == 1 ? 255 : label(rng));
                float total = 0.0f;
                for (int c = 0; c < classes; ++c)
                    total += prediction.at(x, y, c) = unit(rng);
                for (int c = 0; c < classes; ++c)
                    prediction.at(x, y, c) /= total;
            }
        LossResult loss = computeLoss(labels, prediction);
        samples.push_back({std::move(labels), std::move(loss)});
    }
    return samples;
}

} // namespace

TEST(SetAccumulator, AddedOneByOneOrMergedInPiecesEqualsPlainLoops) {
    const auto samples = randomSamples(9, 5, 42);
    const std::size_t variants = lossVariants().size();

    // The independent totals: plain loops over the maps and summaries.
    double sums[64] = {};
    std::int64_t valid = 0;
    std::int64_t removed = 0;
    float largest = 0.0f;
    std::vector<std::int64_t> counts(variants * kHistogramBins, 0);
    float largestDifference01 = 0.0f;
    for (const Scored& s : samples) {
        valid += s.loss.summary.validPixels;
        removed += s.loss.summary.removedPixels;
        for (std::size_t v = 0; v < variants; ++v)
            sums[v] += s.loss.summary.sums[v];
        for (std::size_t i = 0; i < s.labels.pixelCount(); ++i) {
            if (s.labels.values()[i] == 255)
                continue;
            for (std::size_t v = 0; v < variants; ++v) {
                const float value = s.loss.maps[v].values()[i];
                largest = std::max(largest, value);
                const auto bin = std::clamp(static_cast<int>(value / 16.2f * kHistogramBins), 0,
                                            kHistogramBins - 1);
                ++counts[v * kHistogramBins + static_cast<std::size_t>(bin)];
            }
            largestDifference01 =
                std::max(largestDifference01,
                         std::abs(s.loss.maps[0].values()[i] - s.loss.maps[1].values()[i]));
        }
    }

    SetAccumulator all;
    SetAccumulator first;
    SetAccumulator second;
    for (std::size_t n = 0; n < samples.size(); ++n) {
        const SampleStatistics stats = sampleStatistics(samples[n].loss, samples[n].labels, 255);
        all.add(samples[n].loss.summary, &stats);
        (n % 3 == 0 ? first : second).add(samples[n].loss.summary, &stats);
    }
    SetAccumulator merged;
    merged.merge(first);
    merged.merge(second);

    for (const SetAccumulator* acc : {&all, &merged}) {
        EXPECT_EQ(acc->classCount(), 5);
        EXPECT_EQ(acc->summary().samples(), 9);
        EXPECT_EQ(acc->summary().validPixels(), valid);
        EXPECT_EQ(acc->summary().removedPixels(), removed);
        for (std::size_t v = 0; v < variants; ++v)
            EXPECT_NEAR(acc->summary().sums()[v], sums[v], 1e-9 * (1.0 + sums[v])) << v;
        EXPECT_NEAR(acc->summary().mean(0), sums[0] / static_cast<double>(valid), 1e-12);
        EXPECT_EQ(acc->maxLoss(), largest);
        EXPECT_EQ(acc->maxDifference(0, 1), largestDifference01);
        EXPECT_EQ(acc->maxDifference(1, 0), largestDifference01);
        ASSERT_EQ(acc->histograms().size(), variants);
        for (std::size_t v = 0; v < variants; ++v)
            for (int b = 0; b < kHistogramBins; ++b)
                ASSERT_EQ(acc->histograms()[v].counts[static_cast<std::size_t>(b)],
                          counts[v * kHistogramBins + static_cast<std::size_t>(b)])
                    << "variant " << v << " bin " << b;
    }
}

TEST(SetAccumulator, SummariesWithoutStatisticsLeaveTheMaximaAlone) {
    const auto samples = randomSamples(3, 3, 7);
    SetAccumulator acc;
    EXPECT_EQ(acc.classCount(), 0);
    for (const Scored& s : samples)
        acc.add(s.loss.summary);
    EXPECT_EQ(acc.summary().samples(), 3);
    EXPECT_EQ(acc.classCount(), 3);
    EXPECT_EQ(acc.maxLoss(), 0.0f);
    EXPECT_TRUE(acc.histograms().empty());
    SetAccumulator empty;
    acc.merge(empty);
    EXPECT_EQ(acc.summary().samples(), 3);
}

// The quantiles against a sort of the values themselves: the returned edge is never below
// the sorted value at rank ceil(q * n) and at most one bin (1/16 octave, 4.4%) above it;
// merging two halves gives the same answer as adding everything to one.
TEST(LossQuantilesTest, QuantileBoundsTheSortedValue) {
    std::mt19937 rng(5);
    std::lognormal_distribution<float> loss(-3.0f, 2.0f); // 1e-5 .. 10s, like real losses
    LossQuantiles first;
    LossQuantiles second;
    LossQuantiles all;
    std::vector<float> values;
    for (int h = 0; h < 4; ++h) {
        LabelMap labels(40, 30);
        LossMap map(40, 30);
        for (float& v : map.values())
            v = std::min(loss(rng), 16.1f);
        map.values()[5] = 0.0f; // exact zeros (partial's removed pixels) count too
        labels.at(0, 0) = 255;  // ignored: not counted
        (h < 2 ? first : second).add(map, labels, 255);
        all.add(map, labels, 255);
        for (std::size_t i = 1; i < map.values().size(); ++i)
            values.push_back(map.values()[i]);
    }
    first.merge(second);
    EXPECT_EQ(first.total(), static_cast<std::int64_t>(values.size()));
    std::sort(values.begin(), values.end());
    const float floor = std::ldexp(1.0f, LossQuantiles::kMinExponent);
    for (double q : {0.01, 0.5, 0.9, 0.99, 0.999, 1.0}) {
        const auto rank =
            static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
        const float value = values[rank - 1];
        const float edge = all.quantile(q);
        EXPECT_EQ(first.quantile(q), edge) << q;
        EXPECT_GE(edge, value) << q;
        EXPECT_LE(edge, std::max(value, floor) * (1.0f + 1.0f / 16.0f) * 1.0001f) << q;
    }
    EXPECT_EQ(LossQuantiles().quantile(0.99), 0.0f);
    // The grid by hand: 1.0 starts an octave, so its bin's upper edge is 1 + 1/16.
    EXPECT_FLOAT_EQ(LossQuantiles::upperEdge(LossQuantiles::binOf(1.0f)), 1.0625f);
    EXPECT_FLOAT_EQ(LossQuantiles::upperEdge(LossQuantiles::binOf(0.3f)), 0.3125f); // 2^-2*1.25
    EXPECT_EQ(LossQuantiles::binOf(0.0f), 0);
    EXPECT_EQ(LossQuantiles::binOf(1e30f), LossQuantiles::kBins - 1);
}
