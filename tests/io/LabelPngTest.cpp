#include "losslens/io/LabelPng.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <png.h>

#include <string>
#include <vector>

using namespace losslens;

namespace {

std::span<const std::byte> asBytes(const std::vector<unsigned char>& v) {
    return {reinterpret_cast<const std::byte*>(v.data()), v.size()};
}

// A palette PNG written by libpng's simplified writer: `indices` are colour-map indices.
std::vector<unsigned char> palettePng(int width, int height,
                                      const std::vector<unsigned char>& indices, int entries) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(width);
    image.height = static_cast<png_uint_32>(height);
    image.format = PNG_FORMAT_RGB_COLORMAP;
    image.colormap_entries = static_cast<png_uint_32>(entries);
    std::vector<unsigned char> colormap(static_cast<std::size_t>(entries) * 3);
    for (int i = 0; i < entries; ++i) { // VOC-like: colours unrelated to the index values
        colormap[static_cast<std::size_t>(3 * i)] = static_cast<unsigned char>((i * 37) & 0xff);
        colormap[static_cast<std::size_t>(3 * i + 1)] = static_cast<unsigned char>((i * 91) & 0xff);
        colormap[static_cast<std::size_t>(3 * i + 2)] = static_cast<unsigned char>((i * 53) & 0xff);
    }
    png_alloc_size_t size = 0;
    EXPECT_TRUE(
        png_image_write_get_memory_size(image, size, 0, indices.data(), 0, colormap.data()));
    std::vector<unsigned char> out(size);
    EXPECT_TRUE(png_image_write_to_memory(&image, out.data(), &size, 0, indices.data(), 0,
                                          colormap.data()));
    out.resize(size);
    return out;
}

std::string errorOf(const std::vector<unsigned char>& bytes, DataLimits limits = {}) {
    try {
        (void)decodeLabelPng(asBytes(bytes), limits);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(LabelPng, Grey8Bit) {
    cv::Mat m(3, 4, CV_8U);
    for (int i = 0; i < 12; ++i)
        m.at<unsigned char>(i / 4, i % 4) = static_cast<unsigned char>(i == 5 ? 255 : i % 4);
    std::vector<unsigned char> bytes;
    ASSERT_TRUE(cv::imencode(".png", m, bytes));
    const LabelMap labels = decodeLabelPng(asBytes(bytes), {});
    ASSERT_EQ(labels.width(), 4);
    ASSERT_EQ(labels.height(), 3);
    for (int i = 0; i < 12; ++i)
        EXPECT_EQ(labels.at(i % 4, i / 4), i == 5 ? 255 : i % 4);
}

TEST(LabelPng, Grey16Bit) {
    cv::Mat m(2, 3, CV_16U);
    const std::uint16_t values[] = {0, 1, 300, 1000, 65535, 2};
    for (int i = 0; i < 6; ++i)
        m.at<std::uint16_t>(i / 3, i % 3) = values[i];
    std::vector<unsigned char> bytes;
    ASSERT_TRUE(cv::imencode(".png", m, bytes));
    const LabelMap labels = decodeLabelPng(asBytes(bytes), {});
    for (int i = 0; i < 6; ++i)
        EXPECT_EQ(labels.at(i % 3, i / 3), values[i]);
}

TEST(LabelPng, PaletteIndicesNotColoursVocStyle) {
    // 21 classes + 255 border, 256-entry palette like Pascal VOC.
    std::vector<unsigned char> indices(5 * 4);
    for (std::size_t i = 0; i < indices.size(); ++i)
        indices[i] = static_cast<unsigned char>(i % 21);
    indices[0] = 255;
    indices[19] = 255;
    const LabelMap labels = decodeLabelPng(asBytes(palettePng(5, 4, indices, 256)), {});
    for (std::size_t i = 0; i < indices.size(); ++i)
        EXPECT_EQ(labels.values()[i], indices[i]) << i;
}

TEST(LabelPng, SmallPaletteBitDepthsKeepIndices) {
    for (int entries : {2, 4, 16}) {
        std::vector<unsigned char> indices(7 * 3);
        for (std::size_t i = 0; i < indices.size(); ++i)
            indices[i] = static_cast<unsigned char>((i * 5) % static_cast<std::size_t>(entries));
        const LabelMap labels = decodeLabelPng(asBytes(palettePng(7, 3, indices, entries)), {});
        for (std::size_t i = 0; i < indices.size(); ++i)
            ASSERT_EQ(labels.values()[i], indices[i]) << "entries " << entries << " pixel " << i;
    }
}

TEST(LabelPng, RejectsColourAndBrokenFiles) {
    std::vector<unsigned char> rgb;
    ASSERT_TRUE(cv::imencode(".png", cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)), rgb));
    EXPECT_NE(errorOf(rgb).find("RGB colour label PNG"), std::string::npos) << errorOf(rgb);

    std::vector<unsigned char> grey;
    ASSERT_TRUE(cv::imencode(".png", cv::Mat(64, 64, CV_8U, cv::Scalar(1)), grey));
    std::vector<unsigned char> truncated(grey.begin(),
                                         grey.begin() + static_cast<long>(grey.size() / 2));
    EXPECT_NE(errorOf(truncated).find("PNG"), std::string::npos) << errorOf(truncated);

    const std::string text = "just some text, not an image at all";
    EXPECT_EQ(errorOf(std::vector<unsigned char>(text.begin(), text.end())), "not a PNG file");

    DataLimits tiny;
    tiny.maxPixels = 100;
    EXPECT_NE(errorOf(grey, tiny).find("exceeds the limit"), std::string::npos);
}

TEST(LabelPng, EncodeRoundTrip) {
    LabelMap labels(3, 2);
    labels.at(0, 0) = 2;
    labels.at(2, 1) = 255;
    auto bytes = encodeLabelPng(labels);
    const LabelMap back =
        decodeLabelPng({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()}, {});
    EXPECT_TRUE(std::ranges::equal(back.values(), labels.values()));
    labels.at(1, 1) = 700; // needs 16 bits
    bytes = encodeLabelPng(labels);
    const LabelMap wide =
        decodeLabelPng({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()}, {});
    EXPECT_EQ(wide.at(1, 1), 700);
}
