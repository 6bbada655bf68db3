#include "RandomSample.h"
#include "ReferenceLoss.h"

#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>

using namespace losslens;
using losslens::testdata::RandomSample;
using losslens::testdata::randomSample;

namespace {

void expectMatchesReference(const RandomSample& s, int ignoreIndex, float gamma = 2.0f,
                            std::vector<float> weights = {},
                            std::optional<std::vector<int>> annotated = std::nullopt) {
    LossConfig config;
    config.ignoreIndex = ignoreIndex;
    config.focalGamma = gamma;
    config.classWeights = weights;
    const Annotation annotation = annotated ? Annotation::declared(*annotated) : Annotation{};
    const LossResult r = computeLoss(s.labels, s.prediction, config, kAllVariants, annotation);
    EXPECT_EQ(r.summary.missingSource, annotated ? MissingSource::Declared : MissingSource::Absent);
    reference::Settings settings;
    settings.ignoreIndex = ignoreIndex;
    settings.gamma = static_cast<double>(gamma);
    settings.weights.assign(weights.begin(), weights.end());
    settings.annotated = annotated;
    const reference::Maps ref = reference::compute(s.labels, s.prediction, settings);
    const auto& standard = r.map("standard");
    const auto& partial = r.map("partial");
    const auto& marginal = r.map("marginal");
    const auto& drop = r.map("drop");
    const auto& focal = r.map("focal");
    const auto& weighted = r.map("weighted");
    const int w = s.labels.width();
    for (int y = 0; y < s.labels.height(); ++y)
        for (int x = 0; x < w; ++x) {
            const auto i = static_cast<std::size_t>(y * w + x);
            const double tol = 1e-6 + 1e-5 * ref.standard[i];
            ASSERT_NEAR(standard.at(x, y), ref.standard[i], tol) << "x=" << x << " y=" << y;
            ASSERT_NEAR(partial.at(x, y), ref.partial[i], tol) << "x=" << x << " y=" << y;
            // The merged sum is rounded in float by core, in double by the reference.
            ASSERT_NEAR(marginal.at(x, y), ref.marginal[i], 1e-5 + 1e-5 * ref.marginal[i])
                << "x=" << x << " y=" << y;
            ASSERT_NEAR(drop.at(x, y), ref.drop[i], tol) << "x=" << x << " y=" << y;
            ASSERT_NEAR(focal.at(x, y), ref.focal[i], 1e-6 + 1e-4 * ref.standard[i])
                << "x=" << x << " y=" << y;
            ASSERT_NEAR(weighted.at(x, y), ref.weighted[i], 1e-6 + 1e-5 * ref.weighted[i])
                << "x=" << x << " y=" << y;
            ASSERT_EQ(r.bgWeight.at(x, y), ref.w0[i]) << "x=" << x << " y=" << y;
            ASSERT_EQ(r.removed.at(x, y), ref.removed[i]) << "x=" << x << " y=" << y;
        }
    EXPECT_EQ(r.summary.missing, ref.missing);
    EXPECT_EQ(r.summary.validPixels, ref.valid);
    EXPECT_EQ(r.summary.removedPixels, ref.removedCount);
    EXPECT_NEAR(r.summary.sums[0], ref.standardSum, 1e-4 + 1e-6 * ref.standardSum);
    EXPECT_NEAR(r.summary.sums[1], ref.partialSum, 1e-4 + 1e-6 * ref.partialSum);
    auto expectMean = [&](std::string_view name, double sum, double weight) {
        const double expected = weight > 0 ? sum / weight : 0.0;
        EXPECT_NEAR(r.summary.mean(variantIndex(name)), expected, 1e-5 + 1e-5 * expected) << name;
    };
    expectMean("standard", ref.standardSum, static_cast<double>(ref.valid));
    expectMean("partial", ref.partialSum, static_cast<double>(ref.valid));
    expectMean("marginal", ref.marginalSum, static_cast<double>(ref.valid));
    expectMean("drop", ref.dropSum, ref.dropWeight);
    expectMean("focal", ref.focalSum, static_cast<double>(ref.valid));
    expectMean("weighted", ref.weightedSum, ref.weightSum);
}

} // namespace

class LossProperty : public ::testing::TestWithParam<int> {};

TEST_P(LossProperty, MatchesScalarReference) {
    const int classes = GetParam();
    std::mt19937 rng(static_cast<unsigned>(1000 + classes));
    for (int round = 0; round < 6; ++round) {
        std::uniform_int_distribution<int> side(1, 40);
        const RandomSample s = randomSample(rng, side(rng), side(rng), classes, false);
        expectMatchesReference(s, 255);
    }
}

// The summary-only pass (stats) gives the full pass's summary, over several blocks.
TEST_P(LossProperty, SummaryOnlyEqualsTheFullPass) {
    const int classes = GetParam();
    std::mt19937 rng(static_cast<unsigned>(5000 + classes));
    const RandomSample s = randomSample(rng, 61, 53, classes, false);
    LossConfig config;
    config.focalGamma = 1.5f;
    const LossResult full = computeLoss(s.labels, s.prediction, config);
    const SampleSummary only = summarizeLoss(s.labels, s.prediction, config);
    const reference::Maps ref = reference::compute(s.labels, s.prediction, {255, 1.5, {}, {}});
    EXPECT_EQ(only.validPixels, ref.valid);
    EXPECT_EQ(only.removedPixels, ref.removedCount);
    EXPECT_EQ(only.missing, ref.missing);
    EXPECT_NEAR(only.sums[variantIndex("standard")], ref.standardSum, 1e-5 * ref.standardSum);
    EXPECT_NEAR(only.sums[variantIndex("focal")], ref.focalSum, 1e-5 * ref.focalSum + 1e-6);
    EXPECT_EQ(only.classPixels, full.summary.classPixels);
    EXPECT_EQ(only.sums, full.summary.sums);
    EXPECT_EQ(only.weights, full.summary.weights);
    EXPECT_EQ(only.classSums, full.summary.classSums);
    EXPECT_EQ(only.classReduced, full.summary.classReduced);
}

TEST_P(LossProperty, FurtherVariantsWithSettingsMatchReference) {
    const int classes = GetParam();
    std::mt19937 rng(static_cast<unsigned>(3000 + classes));
    std::uniform_real_distribution<float> weight(0.0f, 4.0f);
    const float gammas[] = {0.0f, 0.5f, 1.0f, 2.0f, 3.7f};
    for (const float gamma : gammas) {
        std::uniform_int_distribution<int> side(1, 40);
        const RandomSample s = randomSample(rng, side(rng), side(rng), classes, false);
        std::vector<float> weights(static_cast<std::size_t>(classes));
        for (auto& w : weights)
            w = weight(rng);
        expectMatchesReference(s, 255, gamma, weights);
    }
}

TEST_P(LossProperty, NothingMissingMeansPartialEqualsStandardExactly) {
    const int classes = GetParam();
    std::mt19937 rng(static_cast<unsigned>(77 + classes));
    const RandomSample s = randomSample(rng, 16, 16, classes, true);
    const LossResult r = computeLoss(s.labels, s.prediction);
    ASSERT_TRUE(r.summary.missing.empty());
    const auto standard = r.map("standard").values();
    const auto partial = r.map("partial").values();
    ASSERT_EQ(standard.size(), partial.size());
    for (std::size_t i = 0; i < standard.size(); ++i)
        ASSERT_EQ(standard[i], partial[i]) << "pixel " << i;
    EXPECT_EQ(r.summary.removedPixels, 0);
    EXPECT_EQ(r.summary.sums[0], r.summary.sums[1]);
    // Marginal merges nothing and drop drops nothing: both are the standard map.
    for (const char* name : {"marginal", "drop", "weighted"}) {
        const auto other = r.map(name).values();
        for (std::size_t i = 0; i < standard.size(); ++i)
            ASSERT_EQ(standard[i], other[i]) << name << " pixel " << i;
    }
}

TEST_P(LossProperty, RandomDeclarationsMatchReference) {
    // Spec section 4: every variant with a random declared annotated set (empty, some
    // classes, all, with duplicates and background), against the reference loop.
    const int classes = GetParam();
    std::mt19937 rng(static_cast<unsigned>(5000 + classes));
    std::uniform_real_distribution<float> weight(0.0f, 4.0f);
    for (int round = 0; round < 8; ++round) {
        std::uniform_int_distribution<int> side(1, 40);
        const RandomSample s = randomSample(rng, side(rng), side(rng), classes, false);
        std::vector<int> annotated;
        const double share = round == 0 ? 0.0 : round == 1 ? 1.0 : 0.5;
        std::bernoulli_distribution listed(share);
        for (int c = 0; c < classes; ++c)
            if (listed(rng))
                annotated.push_back(c);
        if (!annotated.empty())
            annotated.push_back(annotated.front()); // a repeated id changes nothing
        std::shuffle(annotated.begin(), annotated.end(), rng);
        std::vector<float> weights(static_cast<std::size_t>(classes));
        for (auto& w : weights)
            w = weight(rng);
        expectMatchesReference(s, 255, 2.0f, weights, annotated);
    }
}

INSTANTIATE_TEST_SUITE_P(ClassCounts, LossProperty,
                         ::testing::Values(2, 3, 4, 5, 8, 16, 21, 32, 63, 64));

TEST(LossPropertyIgnore, IgnoreIndexInsideClassRange) {
    std::mt19937 rng(5);
    RandomSample s = randomSample(rng, 20, 20, 6, false);
    for (auto& label : s.labels.values())
        if (label == 255)
            label = 5; // class 5 becomes "not labelled"
    expectMatchesReference(s, 5);
}

TEST(LossPropertyIgnore, IgnoreIndexZeroIsNeverMergedAsBackground) {
    std::mt19937 rng(6);
    RandomSample s = randomSample(rng, 24, 17, 5, false);
    for (auto& label : s.labels.values())
        if (label == 255)
            label = 0; // background becomes "not labelled"
    expectMatchesReference(s, 0, 2.0f, {1.0f, 0.5f, 2.0f, 3.0f, 0.25f});
}
