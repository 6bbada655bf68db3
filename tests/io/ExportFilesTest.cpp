// Each exported file holds its own variant's map. Variants whose maps are equal bit for bit
// share one encoding (exportSample encodes each distinct map once); the files are checked
// here against each variant's own map: the .npy's floats read back, the PNG decoded by
// libpng and compared with the colour map's entry of each value.

#include "PngDecode.h"
#include "TestFiles.h"

#include "losslens/demo/DemoGenerator.h"
#include "losslens/io/Dataset.h"
#include "losslens/loss/LossComputer.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/report/Colormap.h"
#include "losslens/report/Exporter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

using namespace losslens;
using losslens::testing::decodeWithLibpng;
using losslens::testing::heatmapPixelsDiffering;
using losslens::testing::TempDir;

namespace {

std::string fileBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// How many pixels of the files of `variant` disagree with `map` (a missing or unreadable
// file counts every pixel).
std::size_t filesDisagree(const std::filesystem::path& dir, const std::string& stem,
                          std::size_t variant, const LossMap& map, const LabelMap& labels) {
    const std::string base = stem + "." + std::string(lossVariants()[variant].name);
    const std::size_t n = map.values().size();
    std::size_t differ = 0;
    // .npy: a float32 array; its data is the file's last 4 n bytes.
    const std::string npy = fileBytes(dir / (base + ".npy"));
    if (npy.size() < 4 * n)
        return 2 * n;
    for (std::size_t i = 0; i < n; ++i) {
        float v = 0.0f;
        std::memcpy(&v, npy.data() + npy.size() - 4 * n + 4 * i, 4);
        differ += v != map.data()[i];
    }
    const auto decoded = decodeWithLibpng(fileBytes(dir / (base + ".png")));
    if (!decoded.ok || decoded.rgb.size() != 3 * n)
        return differ + n;
    return differ + heatmapPixelsDiffering(decoded.rgb, map.data(), labels.data(), n,
                                           colormapLut(Colormap::Viridis), 8.0f); // range 0 .. 8
}

bool sameBits(const LossMap& a, const LossMap& b) {
    return a.values().size() == b.values().size() &&
           std::memcmp(a.data(), b.data(), a.values().size() * sizeof(float)) == 0;
}

} // namespace

TEST(ExportFiles, EachVariantsFilesHoldItsOwnMap) {
    TempDir dir;
    DemoOptions demo;
    demo.count = 8;
    demo.size = 64;
    demo.missing = 6;
    std::size_t withEqualMaps = 0;
    std::size_t withDifferentMaps = 0;
    for (int index = 0; index < demo.count; ++index) {
        const DemoSample generated = generateDemoSample(demo, index);
        LoadedSample sample;
        sample.labels = generated.labels;
        sample.prediction = generated.prediction;
        const LossResult result = computeLoss(sample.labels, sample.prediction);
        ExportOptions options;
        options.outDir = dir.path();
        options.colormap = Colormap::Viridis;
        options.process.jobs = 1;
        const std::size_t written =
            exportSample(generated.stem, sample, result, 255, {0.0f, 8.0f}, options);
        EXPECT_EQ(written, 2 * lossVariants().size() + 2);
        for (std::size_t v = 0; v < lossVariants().size(); ++v) {
            EXPECT_EQ(filesDisagree(dir.path(), generated.stem, v, result.maps[v], sample.labels),
                      0u)
                << generated.stem << " " << lossVariants()[v].name;
            for (std::size_t u = 0; u < v; ++u)
                (sameBits(result.maps[u], result.maps[v]) ? withEqualMaps : withDifferentMaps)++;
        }
    }
    // Both cases were met: maps shared by several variants, and maps of their own.
    EXPECT_GT(withEqualMaps, 0u);
    EXPECT_GT(withDifferentMaps, 0u);
}
