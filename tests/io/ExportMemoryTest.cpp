// The set export holds one variant's map at a time: exporting every variant of one large
// sample costs about what exporting one does, not five maps more. Measured in a forked
// child (ChildMemory.h) against the sample's own sizes.

#include "ChildMemory.h"
#include "TestFiles.h"

#include "losslens/demo/DemoDataset.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/report/Colormap.h"
#include "losslens/report/Exporter.h"

#include <gtest/gtest.h>

#include <string>

using namespace losslens;
using losslens::testing::ChildMemory;
using losslens::testing::measureInChild;
using losslens::testing::TempDir;

namespace {

ChildMemory exportInChild(const Dataset& dataset, const std::filesystem::path& out,
                          std::vector<std::size_t> variants) {
    return measureInChild([&] {
        ExportOptions options;
        options.outDir = out;
        options.variants = std::move(variants);
        options.range = ValueRange{0.0f, 4.0f}; // one pass: no auto range
        options.process.jobs = 1;
        const ExportResult result = exportSet(dataset, options);
        if (result.report.failedCount() != 0 || !result.summaryError.empty())
            throw std::runtime_error("export failed");
    });
}

} // namespace

TEST(ExportMemory, EveryVariantCostsAboutWhatOneDoes) {
    if (losslens::testing::kSanitizedAllocator)
        GTEST_SKIP() << "a sanitizer's allocator (quarantine, redzones) is what would be measured";
    TempDir dir;
    const int side = 2048; // 4 Mi pixels: a map is 16 MiB, the float32 prediction 64 MiB
    DemoOptions demo;
    demo.count = 1;
    demo.size = side;
    writeDemoDataset(dir.path() / "set", demo, false);
    const Dataset dataset = Dataset::open(dir.path() / "set");
    const long mapKb = static_cast<long>(side) * side * 4 / 1024;

    const ChildMemory one = exportInChild(dataset, dir.path() / "one", {variantIndex("standard")});
    const ChildMemory all = exportInChild(dataset, dir.path() / "all", {});
    ASSERT_TRUE(one.reported() && all.reported());
    ASSERT_FALSE(one.threw);
    ASSERT_FALSE(all.threw);
    // Beside the float32 prediction (4 maps' worth, as C = 4) and the labels, masks, one
    // map, its .npy bytes and its heatmap fit in 4 maps more; six maps held together
    // (the export before it went one variant at a time: 179 MiB) do not.
    const long predictionKb = 4 * mapKb;
    EXPECT_LT(all.peakRssKb, predictionKb + 4 * mapKb)
        << "every variant: " << all.peakRssKb << " KiB, one: " << one.peakRssKb << " KiB";
    // And every variant costs about what one does (at most one map more).
    EXPECT_LT(all.peakRssKb - one.peakRssKb, mapKb)
        << "every variant: " << all.peakRssKb << " KiB, one: " << one.peakRssKb << " KiB";
    ASSERT_EQ(lossVariants().size(), 6u);
}

// The rows coloured straight into the encoder give the very bytes of the whole image encoded
// (renderHeatmap and renderBackgroundWeight are what the window draws and the colour tests
// check), ignore pixels and the range's clamped ends included.
TEST(ExportMemory, StreamedPngsAreTheRenderedImagesBytes) {
    const int w = 37;
    const int h = 23;
    LossMap map(w, h);
    LabelMap labels(w, h);
    ByteImage w0(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            map.at(x, y) = static_cast<float>((x * 7 + y * 13) % 29) / 5.0f - 0.5f;
            labels.at(x, y) = static_cast<std::uint16_t>((x + y) % 11 == 0 ? 255 : (x % 3));
            w0.at(x, y) = static_cast<std::uint8_t>((x * y) % 4 != 0);
        }
    for (const Colormap c : allColormaps())
        EXPECT_EQ(encodeHeatmapPng(map, labels, 255, {0.0f, 4.0f}, c),
                  encodeRgbPng(renderHeatmap(map, labels, 255, {0.0f, 4.0f}, c)))
            << colormapName(c);
    EXPECT_EQ(encodeBackgroundWeightPng(w0), encodeRgbPng(renderBackgroundWeight(w0)));
}
