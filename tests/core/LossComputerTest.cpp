#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <vector>

using namespace losslens;

namespace {

// A 1-row sample from per-pixel labels and probability lists.
struct Row {
    LabelMap labels;
    Prediction prediction;
};

Row makeRow(std::initializer_list<int> labels,
            std::initializer_list<std::initializer_list<float>> probabilities) {
    const int width = static_cast<int>(labels.size());
    const int classes = static_cast<int>(probabilities.begin()->size());
    Row row{LabelMap(width, 1), Prediction(width, 1, classes)};
    int x = 0;
    for (int label : labels)
        row.labels.at(x++, 0) = static_cast<std::uint16_t>(label);
    x = 0;
    for (const auto& pixel : probabilities) {
        int c = 0;
        for (float p : pixel)
            row.prediction.at(x, 0, c++) = p;
        ++x;
    }
    return row;
}

float standardAt(const LossResult& r, int x) {
    return r.map("standard").at(x, 0);
}
float partialAt(const LossResult& r, int x) {
    return r.map("partial").at(x, 0);
}

} // namespace

TEST(LossComputer, RegistryHasTheTwoReferenceVariantsFirst) {
    ASSERT_GE(lossVariants().size(), 2u);
    EXPECT_EQ(lossVariants()[0].name, "standard");
    EXPECT_EQ(lossVariants()[1].name, "partial");
    EXPECT_EQ(findVariant("partial"), std::optional<std::size_t>(1));
    EXPECT_FALSE(findVariant("no-such-variant").has_value());
    EXPECT_THROW((void)variantIndex("no-such-variant"), std::out_of_range);
}

TEST(LossComputer, SpecWorkedExampleMissingClass) {
    // p = (0.1, 0.2, 0.6, 0.1), y = 0, class 2 has no pixel: k = 2 is missing, w0 = 0.
    const Row row = makeRow({0}, {{0.1f, 0.2f, 0.6f, 0.1f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_NEAR(standardAt(r, 0), 2.302585, 1e-5);
    EXPECT_EQ(partialAt(r, 0), 0.0f);
    EXPECT_EQ(r.bgWeight.at(0, 0), 0);
    EXPECT_EQ(r.removed.at(0, 0), 1);
    EXPECT_EQ(r.argmax.at(0, 0), 2);
    EXPECT_EQ(r.summary.missing, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(r.summary.removedPixels, 1);
}

TEST(LossComputer, SpecWorkedExamplePresentClass) {
    // Same pixel, but a second pixel labels class 2: now k = 2 is present, w0 = 1.
    const Row row = makeRow({0, 2}, {{0.1f, 0.2f, 0.6f, 0.1f}, {0.1f, 0.2f, 0.6f, 0.1f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_NEAR(standardAt(r, 0), 2.302585, 1e-5);
    EXPECT_NEAR(partialAt(r, 0), 2.302585, 1e-5);
    EXPECT_EQ(r.bgWeight.at(0, 0), 1);
    EXPECT_EQ(r.removed.at(0, 0), 0);
    // Pixel 1: y = 2, -log 0.6.
    EXPECT_NEAR(standardAt(r, 1), 0.5108256, 1e-5);
    // Mean over the two valid pixels: (2.302585 + 0.510826) / 2.
    EXPECT_NEAR(r.summary.mean(0), 1.4067053, 1e-5);
    EXPECT_NEAR(r.summary.mean(1), 1.4067053, 1e-5);
}

TEST(LossComputer, ClampsAtZeroAndOne) {
    const Row row = makeRow({1, 0}, {{1.0f, 0.0f}, {1.0f, 0.0f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    // p_y = 0 -> -log(1e-7) = 16.118095...
    EXPECT_NEAR(standardAt(r, 0), 16.1180957, 1e-4);
    // p_y = 1 -> -log(1 - 1e-7): positive and tiny, never 0 or negative.
    EXPECT_GT(standardAt(r, 1), 0.0f);
    EXPECT_LT(standardAt(r, 1), 2e-7f);
    EXPECT_TRUE(std::isfinite(standardAt(r, 0)));
}

TEST(LossComputer, IgnorePixelsCountNowhere) {
    // Pixel 0 is ignored and predicts class 1 strongly; class 1 is labelled nowhere else.
    const Row row = makeRow({255, 0, 0}, {{0.1f, 0.9f}, {0.5f, 0.5f}, {0.8f, 0.2f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_EQ(standardAt(r, 0), 0.0f);
    EXPECT_EQ(partialAt(r, 0), 0.0f);
    EXPECT_EQ(r.removed.at(0, 0), 0);
    EXPECT_EQ(r.summary.validPixels, 2);
    EXPECT_EQ(r.summary.missing, std::vector<int>{1}); // ignore does not make class 1 present
    const double expected = (-std::log(0.5) + -std::log(0.8)) / 2.0;
    EXPECT_NEAR(r.summary.mean(0), expected, 1e-6);
}

TEST(LossComputer, CustomIgnoreIndex) {
    const Row row = makeRow({7, 1}, {{0.3f, 0.7f}, {0.3f, 0.7f}});
    LossConfig config;
    config.ignoreIndex = 7;
    const LossResult r = computeLoss(row.labels, row.prediction, config);
    EXPECT_EQ(r.summary.validPixels, 1);
    EXPECT_NEAR(r.summary.mean(0), -std::log(0.7), 1e-6);
}

TEST(LossComputer, ArgmaxTiesGoToLowestIndex) {
    // Pixel 0: tie between 0 and 1 -> k = 0 (present). Pixel 1: tie between 1 and 2 -> k = 1.
    const Row row = makeRow({0, 0}, {{0.4f, 0.4f, 0.2f}, {0.1f, 0.45f, 0.45f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_EQ(r.argmax.at(0, 0), 0);
    EXPECT_EQ(r.argmax.at(1, 0), 1);
    EXPECT_EQ(r.bgWeight.at(0, 0), 1);
    EXPECT_EQ(r.bgWeight.at(1, 0), 0);
    EXPECT_NEAR(partialAt(r, 0), -std::log(0.4), 1e-6);
    EXPECT_EQ(partialAt(r, 1), 0.0f);
}

TEST(LossComputer, MissingClassZeroesOnlyBackgroundPixelsPredictedAsIt) {
    // Classes: 0 bg, 1 present, 2 missing.
    const Row row =
        makeRow({0, 1, 0, 0}, {
                                  {0.2f, 0.1f, 0.7f}, // y=0, k=2 missing -> removed
                                  {0.1f, 0.2f, 0.7f}, // y=1, k=2 missing -> kept (not background)
                                  {0.3f, 0.6f, 0.1f}, // y=0, k=1 present -> kept
                                  {0.5f, 0.2f, 0.3f}, // y=0, k=0 present -> kept
                              });
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_EQ(partialAt(r, 0), 0.0f);
    EXPECT_NEAR(partialAt(r, 1), -std::log(0.2), 1e-6);
    EXPECT_NEAR(partialAt(r, 2), -std::log(0.3), 1e-6);
    EXPECT_NEAR(partialAt(r, 3), -std::log(0.5), 1e-6);
    EXPECT_EQ(r.bgWeight.at(1, 0), 0); // w0 follows k alone, whatever the label
    EXPECT_EQ(r.summary.removedPixels, 1);
    EXPECT_EQ(r.summary.missing, std::vector<int>{2});
    // Removed pixels stay in the denominator.
    const double expected = (-std::log(0.2) - std::log(0.3) - std::log(0.5)) / 4.0;
    EXPECT_NEAR(r.summary.mean(1), expected, 1e-6);
}

TEST(LossComputer, PerClassSumsSplitByLabel) {
    const Row row = makeRow({0, 1, 1}, {{0.5f, 0.5f}, {0.25f, 0.75f}, {0.5f, 0.5f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_NEAR(r.summary.classSums[0][0], -std::log(0.5), 1e-6);
    EXPECT_NEAR(r.summary.classSums[0][1], -std::log(0.75) - std::log(0.5), 1e-6);
    EXPECT_EQ(r.summary.classPixels, (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(r.summary.backgroundPixels, 1);
}

TEST(LossComputer, RejectsLabelOutOfRange) {
    const Row row = makeRow({0, 3}, {{0.5f, 0.3f, 0.2f}, {0.5f, 0.3f, 0.2f}});
    try {
        (void)computeLoss(row.labels, row.prediction);
        FAIL() << "expected LossError";
    } catch (const LossError& e) {
        EXPECT_NE(std::string(e.what()).find("label 3 at (x=1, y=0)"), std::string::npos)
            << e.what();
    }
}

TEST(LossComputer, RejectsSizeMismatch) {
    const LabelMap labels(4, 3);
    const Prediction prediction(3, 4, 2);
    EXPECT_THROW((void)computeLoss(labels, prediction), LossError);
}

TEST(Prediction, EigenMatrixViewsTheSameMemory) {
    Prediction p(3, 2, 4);
    p.at(2, 1, 3) = 0.75f;
    const auto m = p.matrix();
    EXPECT_EQ(m.rows(), 6);
    EXPECT_EQ(m.cols(), 4);
    EXPECT_EQ(m.data(), p.data()); // a view, not a copy
    EXPECT_EQ(m(1 * 3 + 2, 3), 0.75f);
    p.matrix()(0, 1) = 0.5f;
    EXPECT_EQ(p.at(0, 0, 1), 0.5f);
}

TEST(LossComputer, MaximaSkipIgnorePixels) {
    // Pixel 0 ignored (would be -log 0.01 = 4.6 if it counted); pixel 1: y = 0, k = 1
    // missing -> standard -log 0.3, partial 0; pixel 2: y = 0, k = 0 -> -log 0.6 both.
    const Row row = makeRow({255, 0, 0}, {{0.01f, 0.99f}, {0.3f, 0.7f}, {0.6f, 0.4f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_NEAR(maxLoss(r, row.labels, 255), -std::log(0.3), 1e-6);
    const std::size_t partialOnly[] = {1};
    EXPECT_NEAR(maxLoss(r, row.labels, 255, partialOnly), -std::log(0.6), 1e-6);
    EXPECT_NEAR(maxDifference(r, row.labels, 255, 0, 1), -std::log(0.3), 1e-6);
    EXPECT_EQ(maxDifference(r, row.labels, 255, 0, 9), 0.0f);
}

namespace {
float at(const LossResult& r, const char* variant, int x) {
    return r.map(variant).at(x, 0);
}
// Pixel 0: background, p = (0.1, 0.2, 0.6, 0.1); pixel 1: class 1, p_1 = 0.7. Classes 2 and
// 3 have no pixel, so their annotations are missing.
Row missingTwoAndThree() {
    return makeRow({0, 1}, {{0.1f, 0.2f, 0.6f, 0.1f}, {0.1f, 0.7f, 0.1f, 0.1f}});
}
} // namespace

TEST(FurtherVariants, MarginalMergesTheMissingClassesIntoBackground) {
    const Row row = missingTwoAndThree();
    const LossResult r = computeLoss(row.labels, row.prediction);
    // -log(p_0 + p_2 + p_3) = -log 0.8, the hand-computed pixel.
    EXPECT_NEAR(at(r, "marginal", 0), 0.223144, 1e-6);
    EXPECT_NEAR(at(r, "marginal", 1), -std::log(0.7), 1e-6); // not background: standard
    const std::size_t v = variantIndex("marginal");
    EXPECT_NEAR(r.summary.mean(v), (0.223144 - std::log(0.7)) / 2, 1e-6);
    // Its penalty is softened at the background pixel only.
    EXPECT_EQ(r.summary.classReduced[v][0], 1);
    EXPECT_EQ(r.summary.classReduced[v][1], 0);
}

TEST(FurtherVariants, MarginalClampsTheMergedProbability) {
    // Everything merged: p_0 + p_2 + p_3 = 1 is clamped to 1 - eps, so the loss is ~1e-7.
    const Row row = makeRow({0, 1}, {{0.5f, 0.0f, 0.25f, 0.25f}, {0.0f, 1.0f, 0.0f, 0.0f}});
    const LossResult r = computeLoss(row.labels, row.prediction);
    EXPECT_NEAR(at(r, "marginal", 0), -std::log(1.0 - 1e-7), 1e-7);
    EXPECT_GT(at(r, "marginal", 0), 0.0f);
}

TEST(FurtherVariants, DropZeroesAnIncompleteSampleAndKeepsAComplete) {
    const Row incomplete = missingTwoAndThree();
    const LossResult r = computeLoss(incomplete.labels, incomplete.prediction);
    const std::size_t v = variantIndex("drop");
    EXPECT_EQ(at(r, "drop", 0), 0.0f);
    EXPECT_EQ(at(r, "drop", 1), 0.0f);
    EXPECT_EQ(r.summary.weights[v], 0.0); // no weight in any mean
    EXPECT_EQ(r.summary.mean(v), 0.0);
    // Let off: pixel 0 (standard -log 0.1 > ln 2, dropped to 0); pixel 1's standard loss
    // -log 0.7 < ln 2 is no penalty to let off.
    EXPECT_EQ(r.summary.classReduced[v][0], 1);
    EXPECT_EQ(r.summary.classReduced[v][1], 0);

    const Row complete = makeRow({0, 1, 2, 3}, {{0.4f, 0.2f, 0.2f, 0.2f},
                                                {0.1f, 0.5f, 0.2f, 0.2f},
                                                {0.1f, 0.2f, 0.6f, 0.1f},
                                                {0.1f, 0.1f, 0.1f, 0.7f}});
    const LossResult k = computeLoss(complete.labels, complete.prediction);
    const double expected = (-std::log(0.4) - std::log(0.5) - std::log(0.6) - std::log(0.7)) / 4;
    EXPECT_NEAR(k.summary.mean(v), expected, 1e-6);
    EXPECT_EQ(k.summary.weights[v], 4.0);
}

TEST(FurtherVariants, FocalDampsConfidentPixels) {
    const Row row = makeRow({2, 255}, {{0.1f, 0.2f, 0.6f, 0.1f}, {0.1f, 0.2f, 0.6f, 0.1f}});
    const LossResult r = computeLoss(row.labels, row.prediction);     // gamma 2 by default
    EXPECT_NEAR(at(r, "focal", 0), 0.4 * 0.4 * -std::log(0.6), 1e-6); // 0.0817321
    EXPECT_EQ(at(r, "focal", 1), 0.0f);                               // ignore
    LossConfig config;
    config.focalGamma = 0.5f;
    const LossResult half = computeLoss(row.labels, row.prediction, config);
    EXPECT_NEAR(at(half, "focal", 0), std::sqrt(0.4) * -std::log(0.6), 1e-6); // 0.3230747
    config.focalGamma = 0.0f; // gamma 0 is plain cross-entropy
    const LossResult zero = computeLoss(row.labels, row.prediction, config);
    EXPECT_EQ(at(zero, "focal", 0), at(zero, "standard", 0));
}

TEST(FurtherVariants, WeightedMeanDividesByTheSumOfWeights) {
    const Row row =
        makeRow({0, 1, 255},
                {{0.1f, 0.2f, 0.6f, 0.1f}, {0.1f, 0.7f, 0.1f, 0.1f}, {0.1f, 0.7f, 0.1f, 0.1f}});
    LossConfig config;
    config.classWeights = {0.5f, 2.0f, 1.0f, 1.0f};
    const LossResult r = computeLoss(row.labels, row.prediction, config);
    EXPECT_NEAR(at(r, "weighted", 0), 0.5 * -std::log(0.1), 1e-6); // 1.1512925
    EXPECT_NEAR(at(r, "weighted", 1), 2.0 * -std::log(0.7), 1e-6); // 0.7133499
    EXPECT_EQ(at(r, "weighted", 2), 0.0f);
    const std::size_t v = variantIndex("weighted");
    EXPECT_NEAR(r.summary.weights[v], 2.5, 1e-12);
    // PyTorch: sum_i w[y_i] * l_i / sum_i w[y_i] over non-ignored pixels = 0.745857.
    EXPECT_NEAR(r.summary.mean(v), (0.5 * -std::log(0.1) + 2.0 * -std::log(0.7)) / 2.5, 1e-6);
    // Weight 0.5 halves class 0's penalty exactly: not more than halved, so not let off;
    // the weight above 1 does not lower class 1.
    EXPECT_EQ(r.summary.classReduced[v][0], 0);
    EXPECT_EQ(r.summary.classReduced[v][1], 0);
    config.classWeights = {0.25f, 2.0f, 1.0f, 1.0f}; // a quarter: let off
    const LossResult quarter = computeLoss(row.labels, row.prediction, config);
    EXPECT_EQ(quarter.summary.classReduced[v][0], 1);
}

TEST(FurtherVariants, WeightsMustMatchTheClassCount) {
    const Row row = missingTwoAndThree();
    LossConfig config;
    config.classWeights = {1.0f, 2.0f};
    EXPECT_THROW((void)computeLoss(row.labels, row.prediction, config), LossError);
}

TEST(FurtherVariants, AMaskComputesOnlyTheNamedVariants) {
    const Row row = missingTwoAndThree();
    const LossResult r = computeLoss(row.labels, row.prediction, {}, referenceVariants());
    EXPECT_EQ(r.map("standard").pixelCount(), 2u);
    EXPECT_EQ(r.map("partial").pixelCount(), 2u);
    EXPECT_EQ(r.map("marginal").pixelCount(), 0u);
    EXPECT_EQ(r.summary.sums[variantIndex("marginal")], 0.0);
    EXPECT_NEAR(r.summary.sums[0], -std::log(0.1) - std::log(0.7), 1e-6);
}

TEST(LossComputer, RolesAndTheOnePartnerRule) {
    const std::size_t standard = *findVariant("standard");
    const std::size_t partial = *findVariant("partial");
    EXPECT_EQ(variantFor(VariantRole::Baseline), standard);
    EXPECT_EQ(variantFor(VariantRole::MissingAware), partial);
    EXPECT_EQ(partnerVariant(standard), partial);
    EXPECT_EQ(partnerVariant(partial), standard);
    // Every further variant is compared with the baseline.
    const auto further = furtherVariants();
    EXPECT_EQ(further.size(), lossVariants().size() - 2);
    for (const std::size_t v : further) {
        EXPECT_NE(v, standard);
        EXPECT_NE(v, partial);
        EXPECT_EQ(partnerVariant(v), standard) << lossVariants()[v].name;
    }
    EXPECT_TRUE(std::is_sorted(further.begin(), further.end()));
    EXPECT_EQ(further.front(), *findVariant("marginal"));
}
