// The prediction's value check (spec section 2): a sum far from 1 is a warning, and the fast
// check agrees with the exact rule at the tolerance, wherever the pixel is.
#include "TestFiles.h"

#include "losslens/io/Dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace losslens;
using losslens::testing::TempDir;
using losslens::testing::writeLabels;
using losslens::testing::writeNpy;
using losslens::testing::writeNpyHalves;

namespace {

// Random values for one pixel's classes, scaled in double to sum to `target`.
void fillSummingTo(float* pixel, int classes, double target, std::mt19937& random) {
    double total = 0.0;
    for (int k = 0; k < classes; ++k) {
        pixel[k] = static_cast<float>(random() % 1000 + 1);
        total += static_cast<double>(pixel[k]);
    }
    for (int k = 0; k < classes; ++k)
        pixel[k] = static_cast<float>(static_cast<double>(pixel[k]) * (target / total));
}

} // namespace

TEST(Dataset, SumFarFromOneIsAWarningNotAnError) {
    TempDir dir;
    writeLabels(dir.path() / "labels" / "w.png", 2, 1, {0, 1});
    writeNpy(dir.path() / "predictions" / "w.npy", "(1, 2, 2)", {0.5f, 0.2f, 0.4f, 0.6f});
    const LoadedSample s = Dataset::open(dir.path()).load(0);
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].find("1 pixel(s) do not sum to 1 (first at (x=0, y=0))"),
              std::string::npos)
        << s.warnings[0];
}

// The values are checked in one fast pass that must agree with the spec's rule exactly:
// pixels whose probabilities sum to 1 +- 0.0094 .. 0.0106, around the 1e-2 tolerance, and
// some with C = 1,200 (float sums of many values), counted against a double reference loop.
TEST(Dataset, SumCheckAgreesWithTheExactRuleAtTheTolerance) {
    std::mt19937 random(11);
    // Only just off (a fast check that lets 1.0101 through would report nothing) and all
    // around the tolerance.
    const std::vector<std::vector<double>> offsetSets = {{0.0, 0.0094, -0.0094, 0.0101, -0.0101},
                                                         {0.0, 0.0094, -0.0094, 0.0099, -0.0099,
                                                          0.00999, -0.00999, 0.0101, -0.0101,
                                                          0.0106, -0.0106, 0.3}};
    for (const auto& offsets : offsetSets)
        for (const int classes : {2, 3, 4, 5, 21, 1200}) {
            const int width = classes >= 1000 ? 8 : 40;
            const int height = 6;
            const std::size_t n = static_cast<std::size_t>(width) * height;
            Raster<float>::Storage p(n * static_cast<std::size_t>(classes));
            std::size_t expectedOff = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double target = 1.0 + offsets[random() % offsets.size()];
                float* pixel = p.data() + i * static_cast<std::size_t>(classes);
                fillSummingTo(pixel, classes, target, random);
                double exact = 0.0; // what the stored floats sum to, as the spec's rule sums them
                for (int k = 0; k < classes; ++k)
                    exact += static_cast<double>(pixel[k]);
                expectedOff += std::abs(exact - 1.0) > 1e-2 ? 1 : 0;
            }
            std::vector<std::string> warnings;
            const std::vector<std::int64_t> shape = {height, width, classes};
            DatasetConfig config;
            DataLimits limits;
            limits.maxClasses = 2048;
            const Prediction prediction =
                predictionFromArray(shape, std::move(p), width, height, config, limits, warnings);
            EXPECT_EQ(prediction.classes(), classes);
            if (expectedOff == 0) {
                EXPECT_TRUE(warnings.empty()) << classes << ": " << warnings.front();
                continue;
            }
            ASSERT_EQ(warnings.size(), 1u) << classes << " classes, " << expectedOff << " off";
            EXPECT_EQ(warnings[0].rfind(
                          "probabilities of " + std::to_string(expectedOff) + " pixel(s)", 0),
                      0u)
                << warnings[0];
        }
}

// One pixel just off (1.0101) among pixels that sum to 1, at each place the fast check
// treats differently (eight pixels' classes transposed together, a partial group of
// classes, the pixels left after the last whole tile): it is found wherever it is.
TEST(Dataset, SumCheckFindsOnePixelOffAnywhere) {
    std::mt19937 random(12);
    for (const int classes : {5, 6, 9, 13, 21, 40}) {
        const int width = 23;
        const int height = 3;
        const std::size_t n = static_cast<std::size_t>(width) * height;
        for (const std::size_t off :
             {std::size_t{0}, std::size_t{5}, std::size_t{13}, std::size_t{40}, n - 9, n - 1}) {
            Raster<float>::Storage p(n * static_cast<std::size_t>(classes));
            for (std::size_t i = 0; i < n; ++i) {
                const double target = i == off ? 1.0101 : 1.0;
                float* pixel = p.data() + i * static_cast<std::size_t>(classes);
                fillSummingTo(pixel, classes, target, random);
            }
            std::vector<std::string> warnings;
            const std::vector<std::int64_t> shape = {height, width, classes};
            const Prediction prediction = predictionFromArray(
                shape, std::move(p), width, height, DatasetConfig{}, DataLimits{}, warnings);
            ASSERT_EQ(warnings.size(), 1u) << classes << " classes, pixel " << off;
            const std::string place =
                "(x=" + std::to_string(off % width) + ", y=" + std::to_string(off / width) + ")";
            EXPECT_NE(warnings[0].find("1 pixel(s)"), std::string::npos) << warnings[0];
            EXPECT_NE(warnings[0].find(place), std::string::npos) << warnings[0];
        }
    }
}

// The reader checks the values 256 KiB at a time as it reads them (65,536 floats or 131,072
// halves a block): a bad value in the first pixel, in the last class of a pixel that
// straddles a block boundary (that class read in the next block), and in the last pixel is
// found and named, in float32 and float16 files, whether it is a NaN (an error) or a sum off 1
// (a warning). Values are sums of powers of two, exact in both precisions.
TEST(Dataset, ValuesCheckedWhileReadFindABadPixelAcrossReadBlocks) {
    struct Kind {
        const char* descr;
        std::size_t block; // values a read block holds
    };
    for (const Kind kind : {Kind{"<f4", 65536}, Kind{"<f2", 131072}})
        for (const int classes : {3, 5, 21}) {
            const int width = 300;
            const int height = 160;
            const auto n = static_cast<std::size_t>(width) * height;
            const auto cs = static_cast<std::size_t>(classes);
            // One pixel's values: 3 -> 1/2 1/4 1/4; 5 -> 1/4 x 3, 1/8 x 2; 21 -> 1/16 x 11,
            // 1/32 x 10.
            std::vector<float> pixel;
            if (classes == 3)
                pixel = {0.5f, 0.25f, 0.25f};
            else if (classes == 5)
                pixel = {0.25f, 0.25f, 0.25f, 0.125f, 0.125f};
            else
                for (int k = 0; k < 21; ++k)
                    pixel.push_back(k < 11 ? 0.0625f : 0.03125f);
            const std::size_t straddling = kind.block / cs; // holds value `block`
            ASSERT_NE(kind.block % cs, 0u);
            ASSERT_LT(straddling, n);
            for (const std::size_t bad : {std::size_t{0}, straddling, n - 1})
                for (const bool nan : {true, false}) {
                    std::vector<float> values(n * cs);
                    for (std::size_t i = 0; i < n; ++i)
                        std::copy(pixel.begin(), pixel.end(), values.begin() + i * cs);
                    const std::size_t at = bad * cs + cs - 1;
                    values[at] = nan ? std::nanf("") : values[at] + 0.5f;
                    TempDir dir;
                    writeLabels(dir.path() / "labels" / "s.png", width, height,
                                std::vector<int>(n, 0));
                    const std::string shape = "(" + std::to_string(height) + ", " +
                                              std::to_string(width) + ", " +
                                              std::to_string(classes) + ")";
                    const auto file = dir.path() / "predictions" / "s.npy";
                    if (std::string(kind.descr) == "<f4") {
                        writeNpy(file, shape, values);
                    } else {
                        // The halves of these values (positive, a few mantissa bits, exact):
                        // the exponent rebiased, the fraction's top bits; or NaN.
                        std::vector<std::uint16_t> halves(values.size());
                        for (std::size_t i = 0; i < values.size(); ++i) {
                            if (std::isnan(values[i])) {
                                halves[i] = 0x7e00;
                                continue;
                            }
                            int exponent = 0;
                            const float mantissa = std::frexp(values[i], &exponent); // [0.5, 1)
                            const auto fraction =
                                static_cast<std::uint16_t>((mantissa * 2.0f - 1.0f) * 1024.0f);
                            halves[i] =
                                static_cast<std::uint16_t>((exponent - 1 + 15) << 10) | fraction;
                        }
                        writeNpyHalves(file, shape, halves);
                    }
                    const std::string place = "(x=" + std::to_string(bad % width) +
                                              ", y=" + std::to_string(bad / width) + ")";
                    const Dataset set = Dataset::open(dir.path());
                    for (const auto precision :
                         {Dataset::Precision::Float32, Dataset::Precision::AsStored}) {
                        LoadedSample sample;
                        std::string error;
                        try {
                            set.load(0, sample, Dataset::Image::Skip, precision);
                        } catch (const std::exception& e) {
                            error = e.what();
                        }
                        const std::string what = std::string(kind.descr) +
                                                 ", C = " + std::to_string(classes) + ", pixel " +
                                                 std::to_string(bad);
                        if (nan) {
                            EXPECT_NE(error.find("NaN value in class " +
                                                 std::to_string(classes - 1) + " at " + place),
                                      std::string::npos)
                                << what << ": " << error;
                            continue;
                        }
                        EXPECT_TRUE(error.empty()) << what << ": " << error;
                        ASSERT_EQ(sample.warnings.size(), 1u) << what;
                        EXPECT_NE(sample.warnings[0].find("1 pixel(s) do not sum to 1 (first at " +
                                                          place + ")"),
                                  std::string::npos)
                            << what << ": " << sample.warnings[0];
                    }
                }
        }
}
