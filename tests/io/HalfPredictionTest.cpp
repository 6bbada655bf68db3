// float16 predictions kept as float16 (Dataset::Precision::AsStored): the loss pass widens a
// block at a time, so every result must equal the float32 twin's bit for bit, and the value
// check must reach the float32 check's verdicts. The twin is widened here by a plain
// reference (ldexp), not by core's conversion.

#include "losslens/io/Dataset.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SetProcessor.h"

#include "../core/RandomSample.h"
#include "TestFiles.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <random>

namespace losslens {
namespace {

using testing::TempDir;

// Reference: IEEE binary16 bits to float, by the definition.
float fromHalf(std::uint16_t h) {
    const int sign = (h & 0x8000) != 0 ? -1 : 1;
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    if (exponent == 31)
        return mantissa == 0 ? static_cast<float>(sign) * INFINITY : NAN;
    if (exponent == 0)
        return static_cast<float>(sign) * std::ldexp(static_cast<float>(mantissa), -24);
    return static_cast<float>(sign) *
           std::ldexp(static_cast<float>(1024 + mantissa), exponent - 25);
}

// A value in [0, 1] as the float16 below or at it (truncated).
std::uint16_t toHalf(float f) {
    if (f < std::ldexp(1.0f, -14))
        return static_cast<std::uint16_t>(f / std::ldexp(1.0f, -24));
    const auto bits = std::bit_cast<std::uint32_t>(f);
    const auto exponent = static_cast<std::uint32_t>((bits >> 23) & 0xff) - 127 + 15;
    return static_cast<std::uint16_t>((exponent << 10) | ((bits >> 13) & 0x3ff));
}

struct Twins {
    LabelMap labels;
    std::vector<std::uint16_t> halves;
    Prediction widened; // float32, by fromHalf
};

Twins twins(std::mt19937& rng, int width, int height, int classes) {
    testdata::RandomSample s = testdata::randomSample(rng, width, height, classes, false);
    Twins t{s.labels, {}, Prediction(width, height, classes)};
    const std::size_t n = s.prediction.pixelCount() * static_cast<std::size_t>(classes);
    t.halves.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        t.halves[i] = toHalf(s.prediction.data()[i]);
    // randomSample leaves a pixel of rounded-down zeros unnormalised: make it one-hot, so the
    // sample is a clean one (sums within 1e-2 of 1) that a test then spoils on purpose.
    const auto c = static_cast<std::size_t>(classes);
    for (std::size_t i = 0; i < n; i += c) {
        double total = 0.0;
        for (std::size_t k = 0; k < c; ++k)
            total += static_cast<double>(fromHalf(t.halves[i + k]));
        if (std::abs(total - 1.0) > 5e-3)
            for (std::size_t k = 0; k < c; ++k)
                t.halves[i + k] = k == 0 ? 0x3c00 : 0;
    }
    for (std::size_t i = 0; i < n; ++i)
        t.widened.data()[i] = fromHalf(t.halves[i]);
    return t;
}

Prediction halfPrediction(const Twins& t) {
    Prediction::Halves::Storage bits(t.halves.begin(), t.halves.end());
    return Prediction::fromHalves(Prediction::Halves(t.widened.width(), t.widened.height(),
                                                     t.widened.classes(), std::move(bits)));
}

bool sameBits(const float* a, const float* b, std::size_t n) {
    return std::memcmp(a, b, n * sizeof(float)) == 0;
}

TEST(HalfPrediction, ScoresBitForBitAsItsWidenedTwin) {
    std::mt19937 rng(27);
    // 67 x 45 = 3,015 pixels: one whole block of the pass, a partial one and a vector tail.
    for (const int classes : {2, 3, 4, 5, 8, 21, 40}) {
        const Twins t = twins(rng, 67, 45, classes);
        const Prediction half = halfPrediction(t);
        ASSERT_TRUE(half.isFloat16());
        EXPECT_EQ(half.classes(), classes);
        EXPECT_THROW((void)half.data(), std::logic_error);

        const LossResult expected = computeLoss(t.labels, t.widened);
        const LossResult got = computeLoss(t.labels, half);
        ASSERT_EQ(got.maps.size(), expected.maps.size());
        for (std::size_t v = 0; v < expected.maps.size(); ++v)
            EXPECT_TRUE(sameBits(got.maps[v].data(), expected.maps[v].data(),
                                 expected.maps[v].pixelCount()))
                << classes << " classes, variant " << lossVariants()[v].name;
        EXPECT_EQ(got.argmax.values().size(), expected.argmax.values().size());
        EXPECT_TRUE(std::equal(got.argmax.values().begin(), got.argmax.values().end(),
                               expected.argmax.values().begin()));
        EXPECT_TRUE(std::equal(got.bgWeight.values().begin(), got.bgWeight.values().end(),
                               expected.bgWeight.values().begin()));
        EXPECT_EQ(got.summary.sums, expected.summary.sums) << classes;
        EXPECT_EQ(got.summary.classSums, expected.summary.classSums) << classes;
        EXPECT_EQ(got.summary.removedPixels, expected.summary.removedPixels);

        const SampleSummary summary = summarizeLoss(t.labels, half);
        EXPECT_EQ(summary.sums, expected.summary.sums) << classes;
        EXPECT_EQ(summary.missing, expected.summary.missing);

        // A grid with a column and a row off the image, as the window asks for.
        const std::vector<int> xs{-1, 0, 5, 66, 67};
        const std::vector<int> ys{0, 44, -3, 20};
        const LossResult gridExpected =
            computeLossAt(t.labels, t.widened, {}, kAllVariants, expected.summary.missing, xs, ys);
        const LossResult grid =
            computeLossAt(t.labels, half, {}, kAllVariants, expected.summary.missing, xs, ys);
        for (std::size_t v = 0; v < expected.maps.size(); ++v)
            EXPECT_TRUE(sameBits(grid.maps[v].data(), gridExpected.maps[v].data(),
                                 gridExpected.maps[v].pixelCount()));
    }
}

// What predictionFromHalves says of `halves` (H x W x C) and what predictionFromArray says of
// their widened twin: the same exception text, or the same warnings.
struct Verdict {
    std::string error;
    std::vector<std::string> warnings;
    bool half = false;
};

Verdict verdictOf(const std::vector<std::uint16_t>& halves, int width, int height, int classes,
                  bool asHalves, const DatasetConfig& config = {}) {
    const std::vector<std::int64_t> shape{height, width, classes};
    Verdict v;
    try {
        if (asHalves) {
            const Prediction p = predictionFromHalves(
                shape, Prediction::Halves::Storage(halves.begin(), halves.end()), width, height,
                config, {}, v.warnings);
            v.half = p.isFloat16();
        } else {
            Raster<float>::Storage floats(halves.size());
            for (std::size_t i = 0; i < halves.size(); ++i)
                floats[i] = fromHalf(halves[i]);
            (void)predictionFromArray(shape, std::move(floats), width, height, config, {},
                                      v.warnings);
        }
    } catch (const std::exception& e) {
        v.error = e.what();
    }
    return v;
}

// Both checks read the values a chunk at a time (64 KiB of floats): a bad pixel in the first
// chunk, a middle one and the last pixel of the last.
TEST(HalfPrediction, ChecksValuesAsTheFloat32CheckDoes) {
    std::mt19937 rng(5);
    struct Place {
        int width;
        int height;
        std::size_t pixel;
    };
    for (const Place place : {Place{40, 30, 611}, Place{160, 120, 9000}, Place{160, 120, 19199}})
        for (const int classes : {2, 3, 4, 5, 21}) {
            const int width = place.width;
            const int height = place.height;
            const Twins t = twins(rng, width, height, classes);
            // The place's pixel, class 1.
            const std::size_t at = place.pixel * static_cast<std::size_t>(classes) + 1;
            struct Case {
                const char* what;
                std::uint16_t value;
                bool accepted;
                bool warns;
            };
            // 0x4000 = 2.0 in a pixel that summed to ~1: a sum over 2, a warning only.
            for (const Case c :
                 {Case{"clean", 0, true, false}, Case{"NaN", 0x7e00, false, false},
                  Case{"Inf", 0x7c00, false, false}, Case{"negative", 0xbc00, false, false},
                  Case{"-0.0", 0x8000, true, false}, Case{"sum 2", 0x4000, true, true}}) {
                std::vector<std::uint16_t> halves = t.halves;
                if (std::string(c.what) == "-0.0") {
                    halves[at] = 0x8000; // the pixel loses class 1's share: keep its sum near 1
                    halves[at - 1] = toHalf(fromHalf(halves[at - 1]) + fromHalf(t.halves[at]));
                } else if (std::string(c.what) != "clean") {
                    halves[at] = c.value;
                }
                const Verdict expected = verdictOf(halves, width, height, classes, false);
                const Verdict got = verdictOf(halves, width, height, classes, true);
                EXPECT_EQ(got.error, expected.error)
                    << c.what << ", " << classes << " classes, pixel " << place.pixel;
                EXPECT_EQ(got.warnings, expected.warnings) << c.what << ", " << classes;
                EXPECT_EQ(expected.error.empty(), c.accepted)
                    << c.what << ", pixel " << place.pixel << ": " << expected.error;
                EXPECT_EQ(!expected.warnings.empty(), c.warns)
                    << c.what << ", pixel " << place.pixel;
                if (c.accepted) {
                    EXPECT_TRUE(got.half) << c.what;
                }
            }
        }
}

TEST(HalfPrediction, LogitsAndChannelFirstArraysAreWidened) {
    std::mt19937 rng(9);
    const Twins t = twins(rng, 12, 7, 3);
    DatasetConfig logits;
    logits.kind = PredictionKind::Logits;
    std::vector<std::string> warnings;
    const std::vector<std::int64_t> hwc{7, 12, 3};
    const Prediction p =
        predictionFromHalves(hwc, Prediction::Halves::Storage(t.halves.begin(), t.halves.end()), 12,
                             7, logits, {}, warnings);
    ASSERT_FALSE(p.isFloat16());
    // Softmax of the widened values, by hand.
    for (std::size_t i = 0; i < 84; ++i) {
        double total = 0.0;
        for (std::size_t k = 0; k < 3; ++k)
            total += std::exp(static_cast<double>(t.widened.data()[i * 3 + k]));
        for (std::size_t k = 0; k < 3; ++k)
            EXPECT_NEAR(p.data()[i * 3 + k],
                        std::exp(static_cast<double>(t.widened.data()[i * 3 + k])) / total, 1e-6);
    }
    // C x H x W: the same probabilities transposed by hand into H x W x C.
    std::vector<std::uint16_t> chw(t.halves.size());
    for (std::size_t i = 0; i < 84; ++i)
        for (std::size_t k = 0; k < 3; ++k)
            chw[k * 84 + i] = t.halves[i * 3 + k];
    const std::vector<std::int64_t> chwShape{3, 7, 12};
    const Prediction q = predictionFromHalves(
        chwShape, Prediction::Halves::Storage(chw.begin(), chw.end()), 12, 7, {}, {}, warnings);
    ASSERT_FALSE(q.isFloat16());
    EXPECT_TRUE(sameBits(q.data(), t.widened.data(), t.halves.size()));
}

TEST(HalfPrediction, LoadedAsStoredAndScannedAsTheFloat32Twin) {
    TempDir dir;
    std::mt19937 rng(11);
    const int width = 50;
    const int height = 44;
    const int classes = 5;
    std::vector<Twins> samples;
    for (int s = 0; s < 3; ++s) {
        samples.push_back(twins(rng, width, height, classes));
        std::vector<int> labels;
        for (const std::uint16_t y : samples.back().labels.values())
            labels.push_back(y);
        const std::string stem = "s" + std::to_string(s);
        for (const char* set : {"half", "float"}) {
            testing::writeLabels(dir.path() / set / "labels" / (stem + ".png"), width, height,
                                 labels);
            const auto npy = dir.path() / set / "predictions" / (stem + ".npy");
            const std::string shape = "(44, 50, 5)";
            // The half set's middle sample is float32: one worker alternates precisions.
            if (std::string(set) == "float" || s == 1) {
                const Prediction& w = samples.back().widened;
                testing::writeNpy(npy, shape,
                                  std::vector<float>(w.data(), w.data() + w.pixelCount() * 5));
            } else {
                testing::writeNpyHalves(npy, shape, samples.back().halves);
            }
        }
    }
    const Dataset half = Dataset::open(dir.path() / "half");
    LoadedSample sample;
    for (const std::size_t i : {0, 1, 2, 0, 1}) {
        half.load(i, sample, Dataset::Image::Skip, Dataset::Precision::AsStored);
        ASSERT_EQ(sample.prediction.isFloat16(), i != 1) << i;
        if (i != 1) {
            EXPECT_TRUE(std::equal(samples[i].halves.begin(), samples[i].halves.end(),
                                   sample.prediction.halves()));
        } else {
            EXPECT_TRUE(sameBits(sample.prediction.data(), samples[1].widened.data(),
                                 samples[1].halves.size()));
        }
    }
    half.load(0, sample, Dataset::Image::Skip); // Float32: widened
    ASSERT_FALSE(sample.prediction.isFloat16());
    EXPECT_TRUE(
        sameBits(sample.prediction.data(), samples[0].widened.data(), samples[0].halves.size()));

    // The scan stats runs (no visitor: float16 kept) against the float32 twin set.
    const auto scan = [](const Dataset& set) {
        std::vector<SampleSummary> summaries(set.entries().size());
        ProcessOptions options;
        options.jobs = 1;
        options.images = Dataset::Image::Skip;
        (void)scanSet(set, options, [&](SampleOutcome& outcome) {
            EXPECT_TRUE(outcome.ok) << outcome.errorMessage;
            summaries[outcome.entry] = outcome.summary;
        });
        return summaries;
    };
    const auto got = scan(half);
    const auto expected = scan(Dataset::open(dir.path() / "float"));
    ASSERT_EQ(got.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(got[i].sums, expected[i].sums) << i;
        EXPECT_EQ(got[i].classSums, expected[i].classSums) << i;
        EXPECT_EQ(got[i].removedPixels, expected[i].removedPixels) << i;
    }
}

} // namespace
} // namespace losslens
