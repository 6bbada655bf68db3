// The RGB PNGs exports write (heatmaps, background weights, legends), read back by libpng's
// own reader: every byte of every pixel as given, through every encoder (libdeflate or zlib
// whole for images whose filtered rows fit 16 MiB, bands deflated apart on one or more threads
// above).

#include "losslens/report/Colormap.h"
#include "losslens/report/HeatmapColours.h"

#include "PngDecode.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace losslens;
using losslens::testing::Decoded;
using losslens::testing::decodeWithLibpng;
using losslens::testing::heatmapPixelsDiffering;

namespace {

// Runs of equal colours (as heatmaps have) with some noise between them.
ByteImage testImage(int width, int height, unsigned seed) {
    ByteImage image(width, height, 3);
    std::mt19937 random(seed);
    std::uint8_t colour[3] = {10, 200, 30};
    for (std::size_t i = 0; i < static_cast<std::size_t>(width) * height; ++i) {
        if (random() % 17 == 0)
            for (auto& c : colour)
                c = static_cast<std::uint8_t>(random());
        for (int c = 0; c < 3; ++c)
            image.data()[3 * i + c] =
                random() % 5 == 0 ? static_cast<std::uint8_t>(random()) : colour[c];
    }
    return image;
}

void expectReadsBack(const ByteImage& image) {
    const Decoded decoded = decodeWithLibpng(encodeRgbPng(image));
    ASSERT_TRUE(decoded.ok) << image.width() << "x" << image.height() << ": " << decoded.message;
    ASSERT_EQ(decoded.width, image.width());
    ASSERT_EQ(decoded.height, image.height());
    const std::size_t n = static_cast<std::size_t>(image.width()) * image.height() * 3;
    ASSERT_EQ(decoded.rgb.size(), n);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < n; ++i)
        differ += decoded.rgb[i] != image.data()[i];
    EXPECT_EQ(differ, 0u) << image.width() << "x" << image.height();
}

} // namespace

TEST(RgbPng, SmallImagesReadBackExactly) {
    // One pixel (a row shorter than the Sub filter's reach), two, odd sizes, a tall column.
    const int sizes[][2] = {{1, 1}, {2, 1}, {1, 2}, {3, 3}, {7, 5}, {1, 300}, {300, 1}, {64, 48}};
    unsigned seed = 1;
    for (const auto& size : sizes)
        expectReadsBack(testImage(size[0], size[1], seed++));
}

TEST(RgbPng, ImagesAtTheSizesExportsWriteReadBackExactly) {
    expectReadsBack(testImage(1024, 768, 7));  // the 21-class set's samples: deflated whole
    expectReadsBack(testImage(2364, 2364, 8)); // 16.77 MB of filtered rows: the last whole size
}

TEST(RgbPng, ImagesPastTheWholeLimitReadBackThroughTheRowEncoder) {
    expectReadsBack(testImage(2365, 2365, 9)); // one row more than 16 MiB: libpng row by row
}

TEST(RgbPng, FlatAndNoisyImagesReadBackExactly) {
    ByteImage flat(513, 257, 3);
    std::fill(flat.data(), flat.data() + 513 * 257 * 3, std::uint8_t{77});
    expectReadsBack(flat);
    ByteImage noise(640, 480, 3);
    std::mt19937 random(3);
    for (std::size_t i = 0; i < 640u * 480u * 3u; ++i)
        noise.data()[i] = static_cast<std::uint8_t>(random());
    expectReadsBack(noise); // deflate cannot shrink it: the bound must hold
}

TEST(RgbPng, HeatmapsReadBackAsTheirColours) {
    // A heatmap's PNG holds the colour map's entry of each value, grey where ignored.
    LossMap map(300, 200);
    LabelMap labels(300, 200);
    std::mt19937 random(5);
    for (std::size_t i = 0; i < 300u * 200u; ++i) {
        map.data()[i] = static_cast<float>(random() % 1000) / 250.0f; // 0 .. 4
        labels.data()[i] = random() % 9 == 0 ? 255 : 1;
    }
    const ColormapLut& lut = colormapLut(Colormap::Turbo);
    const Decoded decoded =
        decodeWithLibpng(encodeHeatmapPng(map, labels, 255, {0.0f, 4.0f}, Colormap::Turbo));
    ASSERT_TRUE(decoded.ok) << decoded.message;
    EXPECT_EQ(
        heatmapPixelsDiffering(decoded.rgb, map.data(), labels.data(), 300u * 200u, lut, 4.0f), 0u);
}

TEST(RgbPng, RowsAreColouredWithTheirOwnTable) {
    // A caller's own table; rows of 7 and 600 pixels (more than one run of indices). The
    // last pixel's three bytes must not spill past the row.
    ColormapLut lut{};
    for (std::size_t i = 0; i < 256; ++i)
        lut[i] = Rgb{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(255 - i),
                     static_cast<std::uint8_t>(i * 7)};
    const HeatmapColours colours(lut, {0.0f, 4.0f}, false, 255);
    for (const std::size_t n : {std::size_t{7}, std::size_t{600}}) {
        std::vector<float> values(n);
        std::vector<std::uint16_t> labels(n);
        for (std::size_t i = 0; i < n; ++i) {
            values[i] = static_cast<float>(i % 23) * 0.2f; // 0 .. 4.4: past the range too
            labels[i] = i % 5 == 2 ? 255 : 1;
        }
        std::vector<std::uint8_t> rgb(3 * n + 1, 0xab);
        colours.colourRow(values.data(), labels.data(), n, rgb.data());
        EXPECT_EQ(rgb[3 * n], 0xab) << n;
        for (std::size_t i = 0; i < n; ++i) {
            const float t = values[i] / 4.0f * 255.0f + 0.5f;
            const Rgb expected = labels[i] == 255
                                     ? Rgb{128, 128, 128}
                                     : lut[static_cast<std::size_t>(t >= 255.0f ? 255.0f : t)];
            for (int c = 0; c < 3; ++c)
                ASSERT_EQ(rgb[3 * i + c], expected[c]) << "n " << n << " pixel " << i;
        }
    }
}

TEST(RgbPng, LargeHeatmapsEncodedInBandsOnSeveralThreadsReadBackAsTheirColours) {
    // 2400 x 2400: 17 MB of filtered rows, past the whole-image limit: bands of 582 rows
    // (the last one shorter), deflated apart and joined into one zlib stream. Two threads
    // must give the same bytes as one.
    const int side = 2400;
    const std::size_t n = static_cast<std::size_t>(side) * side;
    LossMap map(side, side);
    LabelMap labels(side, side);
    std::mt19937 random(11);
    for (std::size_t i = 0; i < n; ++i) {
        // Runs of one value with noise between, as heatmaps have.
        map.data()[i] = i % 97 < 60 ? 1.0f : static_cast<float>(random() % 1000) / 250.0f;
        labels.data()[i] = random() % 13 == 0 ? 255 : 2;
    }
    const std::string one =
        encodeHeatmapPng(map, labels, 255, {0.0f, 4.0f}, Colormap::Viridis, false, 1);
    const std::string two =
        encodeHeatmapPng(map, labels, 255, {0.0f, 4.0f}, Colormap::Viridis, false, 2);
    EXPECT_EQ(one, two);
    const Decoded decoded = decodeWithLibpng(two);
    ASSERT_TRUE(decoded.ok) << decoded.message;
    ASSERT_EQ(decoded.width, side);
    ASSERT_EQ(decoded.height, side);
    const ColormapLut& lut = colormapLut(Colormap::Viridis);
    EXPECT_EQ(heatmapPixelsDiffering(decoded.rgb, map.data(), labels.data(), n, lut, 4.0f), 0u);
}
