// Every SIMD target this CPU runs gives the same results (spec section 1): argmax, w0, the
// removed mask and the class counts bit for bit, maps within 2 ulp, sums within 1e-6
// relative; and each target against the plain double reference.
#include "RandomSample.h"
#include "ReferenceLoss.h"

#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/loss/SimdTarget.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

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
