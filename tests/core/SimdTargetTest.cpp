// Every SIMD target this CPU runs gives the same results (spec section 1): argmax, w0, the
// removed mask and the class counts bit for bit, maps within 2 ulp, sums within 1e-6
// relative; and each target against the plain double reference.
#include "RandomSample.h"
#include "ReferenceLoss.h"

#include "losslens/loss/LetOff.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/loss/SimdTarget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace losslens;

namespace {

// Restores the best target after a test pins one.
struct PinnedTarget {
    explicit PinnedTarget(const std::string& name) { ok = useSimdTarget(name); }
    ~PinnedTarget() { (void)useSimdTarget("best"); }
    bool ok = false;
};

// Distance in units in the last place between two non-negative floats.
std::int64_t ulps(float a, float b) {
    std::int32_t ia = 0;
    std::int32_t ib = 0;
    std::memcpy(&ia, &a, sizeof a);
    std::memcpy(&ib, &b, sizeof b);
    return std::abs(static_cast<std::int64_t>(ia) - static_cast<std::int64_t>(ib));
}

} // namespace

TEST(SimdTargetTest, ListsTheBestFirstAndPinsEach) {
    const std::vector<std::string> targets = simdTargets();
    ASSERT_FALSE(targets.empty());
    EXPECT_EQ(simdTarget(), targets.front());
    for (const std::string& name : targets) {
        PinnedTarget pin(name);
        ASSERT_TRUE(pin.ok) << name;
        EXPECT_EQ(simdTarget(), name);
    }
    EXPECT_EQ(simdTarget(), targets.front());
    EXPECT_FALSE(useSimdTarget("no-such-target"));
    EXPECT_EQ(simdTarget(), targets.front());
}

TEST(SimdTargetTest, EveryTargetAgreesWithTheScalarOneAndTheReference) {
    const std::vector<std::string> targets = simdTargets();
    std::mt19937 rng(20261129);
    for (const int classes : {1, 2, 3, 4, 5, 8, 21, 33}) {
        // Odd sizes: whole vectors, a class-major remainder and a scalar tail in one block,
        // and more than one block.
        const testdata::RandomSample s = testdata::randomSample(rng, 67, 41, classes, false);
        reference::Settings settings;
        const reference::Maps expected = reference::compute(s.labels, s.prediction, settings);
        std::vector<LossResult> results;
        for (const std::string& name : targets) {
            PinnedTarget pin(name);
            ASSERT_TRUE(pin.ok);
            results.push_back(computeLoss(s.labels, s.prediction));
        }
        const LossResult& last = results.back(); // the most portable target
        const std::size_t standard = variantIndex("standard");
        const std::size_t partial = variantIndex("partial");
        for (std::size_t t = 0; t < results.size(); ++t) {
            const LossResult& r = results[t];
            SCOPED_TRACE(targets[t] + ", C = " + std::to_string(classes));
            EXPECT_EQ(r.summary.classPixels, last.summary.classPixels);
            EXPECT_EQ(r.summary.removedPixels, expected.removedCount);
            EXPECT_EQ(r.summary.missing, expected.missing);
            for (std::size_t i = 0; i < s.labels.pixelCount(); ++i) {
                ASSERT_EQ(r.argmax.values()[i], last.argmax.values()[i]) << "pixel " << i;
                ASSERT_EQ(r.bgWeight.values()[i], expected.w0[i]) << "pixel " << i;
                ASSERT_EQ(r.removed.values()[i], expected.removed[i]) << "pixel " << i;
            }
            for (std::size_t v = 0; v < lossVariants().size(); ++v) {
                const auto a = r.maps[v].values();
                const auto b = last.maps[v].values();
                for (std::size_t i = 0; i < a.size(); ++i)
                    ASSERT_LE(ulps(a[i], b[i]), 2) << lossVariants()[v].name << " pixel " << i
                                                   << ": " << a[i] << " vs " << b[i];
                EXPECT_NEAR(r.summary.sums[v], last.summary.sums[v],
                            1e-6 * std::abs(last.summary.sums[v]) + 1e-9)
                    << lossVariants()[v].name;
            }
            for (std::size_t i = 0; i < s.labels.pixelCount(); ++i) {
                ASSERT_NEAR(r.maps[standard].values()[i], expected.standard[i],
                            1e-5 * expected.standard[i] + 1e-6);
                ASSERT_NEAR(r.maps[partial].values()[i], expected.partial[i],
                            1e-5 * expected.partial[i] + 1e-6);
            }
            EXPECT_NEAR(r.summary.sums[standard], expected.standardSum,
                        1e-5 * expected.standardSum);
        }
    }
}

// The class counts and the label check (one read of each label for C <= 8) against a plain
// count, on every target: ignore_index outside and inside the class range, two chunks of
// labels and a tail, and one bad label at a time in a vector, in the tail and in the second
// chunk, each refused with its place.
TEST(SimdTargetTest, CountsClassesAndRefusesBadLabelsOnEveryTarget) {
    std::mt19937 rng(20261207);
    const int width = 211;
    const int height = 191; // 40,301 labels: past one chunk of 32,768, an odd tail
    for (const std::string& name : simdTargets()) {
        PinnedTarget pin(name);
        ASSERT_TRUE(pin.ok);
        for (const int classes : {1, 2, 3, 4, 5, 7, 8, 21}) {
            for (const int ignore : {255, classes > 2 ? 2 : 255}) {
                SCOPED_TRACE(name + ", C = " + std::to_string(classes) +
                             ", ignore = " + std::to_string(ignore));
                LabelMap labels(width, height);
                std::uniform_int_distribution<int> anyClass(0, classes - 1);
                std::bernoulli_distribution ignored(0.1);
                std::vector<std::int64_t> expected(static_cast<std::size_t>(classes), 0);
                for (std::size_t i = 0; i < labels.pixelCount(); ++i) {
                    const int label = ignored(rng) ? ignore : anyClass(rng);
                    labels.values()[i] = static_cast<std::uint16_t>(label);
                    if (label != ignore)
                        ++expected[static_cast<std::size_t>(label)];
                }
                Prediction prediction(width, height, classes);
                std::fill_n(prediction.data(),
                            labels.pixelCount() * static_cast<std::size_t>(classes),
                            1.0f / static_cast<float>(classes));
                LossConfig config;
                config.ignoreIndex = ignore;
                EXPECT_EQ(computeLoss(labels, prediction, config).summary.classPixels, expected);
                const std::size_t last = labels.pixelCount() - 1;
                for (const std::size_t at : {std::size_t{37}, std::size_t{40000}, last}) {
                    LabelMap bad = labels;
                    bad.values()[at] = static_cast<std::uint16_t>(classes == 21 ? 22 : 9);
                    const std::string place = "at (x=" + std::to_string(at % width) +
                                              ", y=" + std::to_string(at / width) + ")";
                    try {
                        (void)computeLoss(bad, prediction, config);
                        ADD_FAILURE() << "no LossError for a bad label " << place;
                    } catch (const LossError& e) {
                        EXPECT_NE(std::string(e.what()).find(place), std::string::npos) << e.what();
                    }
                }
            }
        }
    }
}

// Per-class sums and let-off counts against a plain loop over the pass's own maps, on
// labels in runs (as segmentation maps are: most vectors of pixels share one label, which
// the pass adds up at once for C > 8) broken by ignore_index and single pixels.
TEST(SimdTargetTest, ClassSumsOfLabelRunsOnEveryTarget) {
    std::mt19937 rng(20261208);
    for (const std::string& name : simdTargets()) {
        PinnedTarget pin(name);
        ASSERT_TRUE(pin.ok);
        for (const int classes : {5, 21, 40}) {
            SCOPED_TRACE(name + ", C = " + std::to_string(classes));
            testdata::RandomSample s = testdata::randomSample(rng, 97, 61, classes, false);
            std::uniform_int_distribution<int> anyClass(0, classes - 1);
            std::uniform_int_distribution<int> runLength(1, 70);
            std::bernoulli_distribution ignoredRun(0.1);
            const std::size_t pixels = s.labels.pixelCount();
            for (std::size_t i = 0; i < pixels;) {
                const int label = ignoredRun(rng) ? 255 : anyClass(rng);
                const std::size_t end =
                    std::min(pixels, i + static_cast<std::size_t>(runLength(rng)));
                for (; i < end; ++i)
                    s.labels.values()[i] = static_cast<std::uint16_t>(label);
            }
            const LossResult r = computeLoss(s.labels, s.prediction);
            const std::size_t standard = variantIndex("standard");
            const auto c = static_cast<std::size_t>(classes);
            for (std::size_t v = 0; v < lossVariants().size(); ++v) {
                std::vector<double> sums(c, 0.0);
                std::vector<std::int64_t> reduced(c, 0);
                std::vector<std::int64_t> pixelsOf(c, 0);
                for (std::size_t i = 0; i < pixels; ++i) {
                    const int label = s.labels.values()[i];
                    if (label == 255)
                        continue;
                    const auto cls = static_cast<std::size_t>(label);
                    const float value = r.maps[v].values()[i];
                    sums[cls] += static_cast<double>(value);
                    reduced[cls] += letsOff(value, r.maps[standard].values()[i]) ? 1 : 0;
                    ++pixelsOf[cls];
                }
                EXPECT_EQ(r.summary.classPixels, pixelsOf);
                for (std::size_t cls = 0; cls < c; ++cls) {
                    EXPECT_NEAR(r.summary.classSums[v][cls], sums[cls], 1e-6 * sums[cls] + 1e-9)
                        << lossVariants()[v].name << " class " << cls;
                    if (v != standard) {
                        EXPECT_EQ(r.summary.classReduced[v][cls], reduced[cls])
                            << lossVariants()[v].name << " class " << cls;
                    }
                }
            }
        }
    }
}
