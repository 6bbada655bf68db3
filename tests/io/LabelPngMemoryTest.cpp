// Memory bounds of the label PNG reader on hostile files: a PNG of a few dozen bytes whose
// ancillary chunk claims a length near 2^31 must be refused without allocating the claim.
// Each case decodes in a forked child (ChildMemory.h) whose peak memory above its own
// baseline is measured, so one case's blow-up cannot hide another's.

#include "ChildMemory.h"
#include "PngBytes.h"

#include "losslens/io/DataError.h"
#include "losslens/io/LabelPng.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace losslens;
using losslens::testing::pngChunk;
using losslens::testing::put32;

namespace {

// A chunk header claiming `length` bytes, followed by only a few of them (the file ends).
std::string hugeChunk(const char type[5], std::uint32_t length) {
    std::string out;
    put32(out, length);
    out += std::string(type, 4);
    out += "keyword";
    return out;
}

std::string signatureAndHeader() {
    std::string out("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    put32(ihdr, 4);                                 // width
    put32(ihdr, 4);                                 // height
    ihdr += std::string("\x08\x00\x00\x00\x00", 5); // 8-bit grey, deflate, no filter, no interlace
    return out + pngChunk("IHDR", ihdr);
}

std::string imageData() {
    // Four rows of filter byte 0 and four zero pixels.
    const std::string rows(4 * 5, '\0');
    uLongf size = compressBound(static_cast<uLong>(rows.size()));
    std::string packed(size, '\0');
    compress(reinterpret_cast<Bytef*>(packed.data()), &size,
             reinterpret_cast<const Bytef*>(rows.data()), static_cast<uLong>(rows.size()));
    packed.resize(size);
    return pngChunk("IDAT", packed);
}

// Decodes `png` in a child process (ChildMemory.h).
losslens::testing::ChildMemory decodeInChild(const std::string& png) {
    return losslens::testing::measureInChild([&] {
        (void)decodeLabelPng(std::as_bytes(std::span(png.data(), png.size())), DataLimits{});
    });
}

constexpr long kBudgetKb = 64 * 1024; // 64 MiB above the child's baseline

} // namespace

class HugeChunk : public ::testing::TestWithParam<const char*> {};

TEST_P(HugeChunk, BeforeTheImageDataIsRefusedWithoutAllocatingTheClaim) {
    const std::string png = signatureAndHeader() + hugeChunk(GetParam(), 0x7fff0000u);
    ASSERT_LT(png.size(), 100u);
    const auto r = decodeInChild(png);
    ASSERT_TRUE(r.reported()) << "the child did not report";
    EXPECT_TRUE(r.threw);
    EXPECT_LT(r.peakRssKb, kBudgetKb)
        << GetParam() << ": peak " << r.peakRssKb << " KiB above baseline";
}

TEST_P(HugeChunk, AfterTheImageDataIsRefusedWithoutAllocatingTheClaim) {
    const std::string png = signatureAndHeader() + imageData() + hugeChunk(GetParam(), 0x7fff0000u);
    const auto r = decodeInChild(png);
    ASSERT_TRUE(r.reported()) << "the child did not report";
    EXPECT_TRUE(r.threw);
    EXPECT_LT(r.peakRssKb, kBudgetKb)
        << GetParam() << ": peak " << r.peakRssKb << " KiB above baseline";
}

// Every ancillary chunk type libpng knows that holds variable-length data, and a private
// (unknown) one.
INSTANTIATE_TEST_SUITE_P(AncillaryChunks, HugeChunk,
                         ::testing::Values("tEXt", "zTXt", "iTXt", "iCCP", "pCAL", "sCAL", "sPLT",
                                           "eXIf", "prVt"));

TEST(LabelPngChunks, ValidAncillaryAndPrivateChunksAreSkippedAndTheImageRead) {
    // Text, a colour profile name, a private chunk and a CRC-damaged text chunk around a
    // valid 4 x 4 image: the labels read as they are (all 0), whatever the chunks hold.
    std::string badCrc = pngChunk("tEXt", std::string("Comment\0hello", 13));
    badCrc[badCrc.size() - 1] ^= 0x5a;
    const std::string png =
        signatureAndHeader() + pngChunk("tEXt", std::string("Title\0labels", 12)) +
        pngChunk("prVt", "anything at all") + badCrc + imageData() +
        pngChunk("zTXt", std::string("Bad\0\0not deflate", 17)) + pngChunk("IEND", "");
    const LabelMap labels =
        decodeLabelPng(std::as_bytes(std::span(png.data(), png.size())), DataLimits{});
    ASSERT_EQ(labels.width(), 4);
    ASSERT_EQ(labels.height(), 4);
    for (const auto v : labels.values())
        EXPECT_EQ(v, 0);
}

TEST(LabelPngChunks, PaletteIndicesBeyondThePaletteAreClassIds) {
    // A palette PNG whose PLTE has 4 entries but whose pixels use indices up to 20: for a
    // label map the index is the class, so it reads as written (libpng would flag it).
    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    put32(ihdr, 5);
    put32(ihdr, 2);
    ihdr += std::string("\x08\x03\x00\x00\x00", 5); // 8-bit palette
    png += pngChunk("IHDR", ihdr);
    png += pngChunk("PLTE", std::string(4 * 3, '\x40'));
    const unsigned char pixels[2][5] = {{0, 3, 4, 20, 7}, {1, 2, 19, 0, 5}};
    std::string rows;
    for (const auto& row : pixels) {
        rows += '\0';
        rows.append(reinterpret_cast<const char*>(row), 5);
    }
    uLongf size = compressBound(static_cast<uLong>(rows.size()));
    std::string packed(size, '\0');
    compress(reinterpret_cast<Bytef*>(packed.data()), &size,
             reinterpret_cast<const Bytef*>(rows.data()), static_cast<uLong>(rows.size()));
    packed.resize(size);
    png += pngChunk("IDAT", packed) + pngChunk("IEND", "");
    const LabelMap labels =
        decodeLabelPng(std::as_bytes(std::span(png.data(), png.size())), DataLimits{});
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 5; ++x)
            EXPECT_EQ(labels.at(x, y), pixels[y][x]) << x << "," << y;
}
