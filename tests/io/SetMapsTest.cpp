// A scan hands its visitor the maps it was asked to keep (ProcessOptions::keptMaps) from the
// pass that makes the summary, reusing each worker's maps from sample to sample; a sample
// whose kept maps pass mapsAtMostBytes gets the summary alone. Checked against the plain
// reference loop of tests/core/ReferenceLoss.h.

#include "../core/ReferenceLoss.h"
#include "TestFiles.h"

#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/set/SetProcessor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

using namespace losslens;
using losslens::testing::TempDir;

namespace {

// The largest |map - reference| over the map's pixels, or +inf when the map is not the
// sample's size.
double largestError(const LossMap& map, const std::vector<double>& reference) {
    if (map.values().size() != reference.size())
        return std::numeric_limits<double>::infinity();
    double worst = 0.0;
    for (std::size_t i = 0; i < reference.size(); ++i)
        worst = std::max(worst, std::abs(static_cast<double>(map.data()[i]) - reference[i]));
    return worst;
}

} // namespace

TEST(SetMaps, KeptMapsComeFromTheScanAndMatchTheReference) {
    TempDir dir;
    DemoOptions demo;
    demo.count = 7;
    demo.size = 64;
    demo.missing = 4;
    writeDemoDataset(dir.path(), demo, false);
    const Dataset set = Dataset::open(dir.path());

    const std::size_t partial = variantIndex("partial");
    const std::size_t focal = variantIndex("focal");
    const std::size_t standard = variantIndex("standard");
    ProcessOptions options;
    options.jobs = 2; // each worker reuses its maps for several samples
    options.images = Dataset::Image::Skip;
    options.keptMaps = (VariantMask{1} << partial) | (VariantMask{1} << focal);
    std::mutex mutex;
    std::size_t visited = 0;
    const SetReport report =
        processSet(set, options, [&](std::size_t, const LoadedSample& sample, const LossResult& r) {
            const reference::Maps ref = reference::compute(sample.labels, sample.prediction, 255);
            std::lock_guard lock(mutex);
            ++visited;
            ASSERT_EQ(r.maps.size(), lossVariants().size());
            EXPECT_LT(largestError(r.maps[partial], ref.partial), 1e-5);
            EXPECT_LT(largestError(r.maps[focal], ref.focal), 1e-5);
            EXPECT_TRUE(r.maps[standard].empty()); // scored for the summary, not kept
            std::size_t w0Differ = 0;
            for (std::size_t i = 0; i < ref.w0.size(); ++i)
                w0Differ += r.bgWeight.data()[i] != ref.w0[i];
            EXPECT_EQ(w0Differ, 0u);
            // Every variant is in the summary, kept or not.
            EXPECT_NEAR(r.summary.mean(standard), ref.standardSum / static_cast<double>(ref.valid),
                        1e-5);
        });
    EXPECT_EQ(visited, 7u);
    EXPECT_EQ(report.failedCount(), 0u);
}

TEST(SetMaps, SamplesWhoseMapsPassTheLimitGetTheSummaryAlone) {
    TempDir dir;
    DemoOptions demo;
    demo.count = 3;
    demo.size = 64;
    writeDemoDataset(dir.path(), demo, false);
    const Dataset set = Dataset::open(dir.path());

    ProcessOptions options;
    options.jobs = 1;
    options.images = Dataset::Image::Skip;
    options.keptMaps = VariantMask{3}; // two maps: 2 x 64 x 64 x 4 bytes = 32 KiB
    for (const std::size_t limit : {std::size_t{32768}, std::size_t{32767}}) {
        options.mapsAtMostBytes = limit;
        std::size_t withMaps = 0;
        std::size_t visited = 0;
        (void)processSet(set, options,
                         [&](std::size_t, const LoadedSample& sample, const LossResult& r) {
                             ++visited;
                             withMaps += !r.maps.empty();
                             // The summary is whole either way.
                             const reference::Maps ref =
                                 reference::compute(sample.labels, sample.prediction, 255);
                             EXPECT_NEAR(r.summary.mean(variantIndex("partial")),
                                         ref.partialSum / static_cast<double>(ref.valid), 1e-5);
                         });
        EXPECT_EQ(visited, 3u);
        EXPECT_EQ(withMaps, limit == 32768 ? 3u : 0u) << "limit " << limit;
    }
}
