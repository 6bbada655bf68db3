// Every reader's worst case for a file of N bytes, as the README's table under "Data set
// layout" states it, checked in a forked child (ChildMemory.h): a corrupt file whose header
// claims a huge size is refused without allocating the claim, and a valid file costs no
// more than the stated multiple of its size.

#include "ChildMemory.h"
#include "PngBytes.h"
#include "TestFiles.h"
#include "ZipFiles.h"

#include "losslens/io/CocoAnnotations.h"
#include "losslens/io/DataError.h"
#include "losslens/io/Dataset.h"
#include "losslens/io/DatasetConfig.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/NpyArray.h"
#include "losslens/io/PredictionFile.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace losslens;
using losslens::testing::ChildMemory;
using losslens::testing::measureInChild;
using losslens::testing::pngChunk;
using losslens::testing::put32;
using losslens::testing::TempDir;
using losslens::testing::writeText;

namespace {

constexpr long kMiB = 1024; // in KiB
// Room for the allocator's and the libraries' own bookkeeping in the child.
constexpr long kSlackKb = 8 * kMiB;

// A PNG whose header claims width x height (grey or RGB) and whose image data is a few
// bytes of a deflate stream: the file is cut short where the rows would be.
std::string claimingPng(std::uint32_t width, std::uint32_t height, int bitDepth, int colourType) {
    std::string ihdr;
    put32(ihdr, width);
    put32(ihdr, height);
    ihdr += static_cast<char>(bitDepth);
    ihdr += static_cast<char>(colourType);
    ihdr += std::string(3, '\0');
    const std::string rows(64, '\0');
    uLongf size = compressBound(static_cast<uLong>(rows.size()));
    std::string packed(size, '\0');
    compress(reinterpret_cast<Bytef*>(packed.data()), &size,
             reinterpret_cast<const Bytef*>(rows.data()), static_cast<uLong>(rows.size()));
    packed.resize(size);
    return std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", packed) +
           pngChunk("IEND", "");
}

std::string npyBytes(const std::string& descr, bool fortran, const std::string& shape,
                     std::size_t dataBytes) {
    std::string header = "{'descr': '" + descr +
                         "', 'fortran_order': " + (fortran ? "True" : "False") +
                         ", 'shape': " + shape + ", }";
    header.append(63 - (10 + header.size()) % 64, ' ');
    header += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header + std::string(dataBytes, '\0');
}

void expectSmall(const ChildMemory& m, long budgetKb, const std::string& what) {
    ASSERT_TRUE(m.reported()) << what << ": the child did not report";
    EXPECT_LT(m.peakRssKb, budgetKb) << what << ": peak RSS " << m.peakRssKb << " KiB";
    EXPECT_LT(m.peakVirtualKb, budgetKb + 616 * kMiB)
        << what << ": address space grew by " << m.peakVirtualKb << " KiB";
}

constexpr const char* kSanitizedReason =
    "a sanitizer's allocator (quarantine, redzones) is what would be measured";

} // namespace

// .npy: the header is read alone (at most kMaxNpyHeaderLength), then checked against the
// file's real size before the array is sized; a claim the file cannot hold costs nothing.
TEST(ReaderMemory, NpyClaimingAHugeShapeInATinyFileIsRefusedCheaply) {
    TempDir dir;
    const auto file = dir.path() / "p.npy";
    writeText(file, npyBytes("<f4", false, "(16384, 16384, 64)", 64));
    const ChildMemory m = measureInChild([&] { (void)readNpy(file); });
    EXPECT_TRUE(m.threw);
    expectSmall(m, 16 * kMiB, "npy claiming 64 GiB");
}

// C order: the float32 array (2 N for float16, N for float32) plus a 1 MiB conversion buffer.
TEST(ReaderMemory, NpyFloat16CostsTwiceItsSize) {
    if (losslens::testing::kSanitizedAllocator)
        GTEST_SKIP() << kSanitizedReason;
    TempDir dir;
    const auto file = dir.path() / "p.npy";
    const std::size_t n = std::size_t{1024} * 1024 * 4; // 8 MiB of float16
    writeText(file, npyBytes("<f2", false, "(1024, 1024, 4)", 2 * n));
    const ChildMemory m = measureInChild([&] { (void)readNpy(file); });
    EXPECT_FALSE(m.threw);
    expectSmall(m, 16 * kMiB + 1 * kMiB + kSlackKb, "float16 C order, 8 MiB file");
    EXPECT_GT(m.peakRssKb, 16 * kMiB - kMiB) << "the array itself was not measured";
}

// Fortran order is reordered from the whole file in memory: N + the float32 array.
TEST(ReaderMemory, NpyFortranOrderCostsTheFileAndTheArray) {
    if (losslens::testing::kSanitizedAllocator)
        GTEST_SKIP() << kSanitizedReason;
    TempDir dir;
    const auto file = dir.path() / "p.npy";
    const std::size_t n = std::size_t{1024} * 1024 * 2;
    writeText(file, npyBytes("<f4", true, "(1024, 1024, 2)", 4 * n));
    const ChildMemory m = measureInChild([&] { (void)readNpy(file); });
    EXPECT_FALSE(m.threw);
    expectSmall(m, 16 * kMiB + kSlackKb, "float32 Fortran order, 8 MiB file");
}

// .npz: a deflated member is a zip bomb's shape (64 MiB of zeros in about 64 KiB). A header
// claiming more than the member holds is refused before anything is sized by it.
TEST(ReaderMemory, NpzClaimingMoreThanItsMemberIsRefusedCheaply) {
    TempDir dir;
    const auto file = dir.path() / "p.npz";
    writeText(file,
              losslens::testing::zipArchive(
                  {{"arr_0.npy", npyBytes("<f4", false, "(16384, 16384, 64)", 64 << 20), true}},
                  dir.path() / "s.zip"));
    ASSERT_LT(std::filesystem::file_size(file), 1u << 20);
    const ChildMemory m = measureInChild([&] { (void)readPrediction(file); });
    EXPECT_TRUE(m.threw);
    expectSmall(m, 16 * kMiB, "npz member claiming 64 GiB");
}

// A deflated float16 member of N' bytes costs what a .npy of N' bytes does (2 N' for the
// array, a 256 KiB block) plus libzip's inflate state, never the inflated member itself.
TEST(ReaderMemory, NpzDeflatedFloat16CostsTwiceItsMember) {
    if (losslens::testing::kSanitizedAllocator)
        GTEST_SKIP() << kSanitizedReason;
    TempDir dir;
    const auto file = dir.path() / "p.npz";
    const std::size_t n = std::size_t{1024} * 1024 * 4; // 8 MiB of float16
    writeText(file,
              losslens::testing::zipArchive(
                  {{"prediction.npy", npyBytes("<f2", false, "(1024, 1024, 4)", 2 * n), true}},
                  dir.path() / "s.zip"));
    const ChildMemory m = measureInChild([&] { (void)readPrediction(file); });
    EXPECT_FALSE(m.threw);
    expectSmall(m, 16 * kMiB + 1 * kMiB + kSlackKb, "float16 C order, 8 MiB member");
    EXPECT_GT(m.peakRssKb, 16 * kMiB - kMiB) << "the array itself was not measured";
}

// A COCO annotations file is streamed into an index of about 100 bytes an annotation
// (README: 135 MB for LVIS's 1.3 million), never held whole: 40,000 annotations with 120-point
// polygons (a 40 MB file) cost a few MB, and a label map rasterised from it the map.
TEST(ReaderMemory, CocoAnnotationsCostTheirIndexNotTheirFile) {
    if (losslens::testing::kSanitizedAllocator)
        GTEST_SKIP() << kSanitizedReason;
    TempDir dir;
    const auto file = dir.path() / "annotations.json";
    {
        std::ofstream out(file);
        out << R"({"categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}], "images": [)";
        for (int i = 0; i < 400; ++i)
            out << (i ? ", " : "") << R"({"id": )" << i + 1 << R"(, "file_name": "img_)" << i
                << R"(.jpg", "width": 640, "height": 480})";
        out << R"(], "annotations": [)";
        std::string polygon = "[[";
        for (int k = 0; k < 120; ++k)
            polygon.append(k ? ", " : "").append("123.45, 234.56");
        polygon += "]]";
        for (int a = 0; a < 40000; ++a)
            out << (a ? ", " : "") << R"({"id": )" << a + 1 << R"(, "image_id": )" << a % 400 + 1
                << R"(, "category_id": )" << a % 2 + 1
                << R"(, "iscrowd": 0, "area": 50.0, "segmentation": )" << polygon << "}";
        out << "]}";
    }
    ASSERT_GT(std::filesystem::file_size(file), 35u << 20);
    const ChildMemory m = measureInChild([&] {
        const CocoAnnotations coco = CocoAnnotations::read(file);
        if (coco.annotationCount() != 40000)
            throw std::runtime_error("not every annotation was indexed");
        LabelMap labels;
        coco.rasterize(0, labels, 65535);
    });
    EXPECT_FALSE(m.threw);
    // 40,000 x ~100 bytes of index, a 1 MiB read chunk, a 640 x 480 label map (0.6 MB).
    expectSmall(m, 4 * kMiB + 1 * kMiB + kSlackKb, "a 40 MB COCO file");
}

// Label PNG: deflate expands at most 1032-fold, so a file of N bytes holds at most about
// 1032 N bytes of rows; a header claiming more is refused before any row buffer exists.
TEST(ReaderMemory, LabelPngClaimingMoreThanItCanHoldIsRefusedCheaply) {
    for (const int depth : {8, 16}) {
        const std::string png = claimingPng(16384, 16384, depth, 0);
        ASSERT_LT(png.size(), 120u);
        const ChildMemory m = measureInChild([&] {
            (void)decodeLabelPng(std::as_bytes(std::span(png.data(), png.size())), DataLimits{});
        });
        EXPECT_TRUE(m.threw);
        expectSmall(m, 16 * kMiB, std::to_string(depth) + "-bit label PNG claiming 16384x16384");
    }
}

// A valid label PNG: the file, the rows (1 or 2 bytes a pixel) and the 16-bit label map.
TEST(ReaderMemory, LabelPngCostsItsRowsAndTheLabelMap) {
    if (losslens::testing::kSanitizedAllocator)
        GTEST_SKIP() << kSanitizedReason;
    TempDir dir;
    const auto file = dir.path() / "l.png";
    const int side = 2048;
    losslens::testing::writeLabels(file, side, side,
                                   std::vector<int>(static_cast<std::size_t>(side) * side, 3));
    const long pixelsKb = static_cast<long>(side) * side / 1024;
    const ChildMemory m = measureInChild([&] {
        const LabelMap labels = readLabelPng(file);
        if (labels.at(side - 1, side - 1) != 3)
            throw std::runtime_error("wrong value");
    });
    EXPECT_FALSE(m.threw);
    expectSmall(m, 3 * pixelsKb + kSlackKb, "2048x2048 8-bit label PNG");
}

// dataset.json: at most 16 MiB is read; a larger file is refused from its size.
TEST(ReaderMemory, DatasetJsonOverItsCapIsRefusedFromItsSize) {
    TempDir dir;
    writeText(dir.path() / "dataset.json", "[" + std::string(std::size_t{17} << 20, ' ') + "]");
    const ChildMemory m = measureInChild([&] { (void)DatasetConfig::load(dir.path()); });
    EXPECT_TRUE(m.threw);
    expectSmall(m, 16 * kMiB, "17 MiB dataset.json");
}

// Within the cap the parsed document costs a bounded multiple of the file: the densest
// JSON (a flat array of one-digit numbers, 16 bytes of document per 2 bytes of file).
TEST(ReaderMemory, DatasetJsonAtItsCapCostsABoundedMultiple) {
    if (losslens::testing::kSanitizedAllocator)
        GTEST_SKIP() << kSanitizedReason;
    TempDir dir;
    std::string json = "[0";
    json.reserve(std::size_t{16} << 20);
    while (json.size() < (std::size_t{16} << 20) - 3)
        json += ",0";
    json += "]";
    writeText(dir.path() / "dataset.json", json);
    const ChildMemory m = measureInChild([&] { (void)DatasetConfig::load(dir.path()); });
    EXPECT_TRUE(m.threw); // not an object: refused after parsing
    expectSmall(m, 24 * 16 * kMiB, "16 MiB dataset.json of numbers");
}

// Display images: the size a PNG, BMP or TIFF header declares is checked against the
// label's before a decoder sizes a buffer by it (OpenCV would accept 2^30 pixels).
class DisplayImageClaim : public ::testing::TestWithParam<const char*> {};

TEST_P(DisplayImageClaim, OfAHugeSizeIsAWarningAndCostsNothing) {
    TempDir dir;
    losslens::testing::writeLabels(dir.path() / "labels" / "s.png", 2, 1, {0, 1});
    losslens::testing::writeNpy(dir.path() / "predictions" / "s.npy", "(1, 2, 2)",
                                {0.8f, 0.2f, 0.4f, 0.6f});
    const std::string format = GetParam();
    std::string bytes;
    const std::uint32_t side = 30000; // 900 M pixels, 2.5 GiB as RGB
    if (format == "png") {
        bytes = claimingPng(side, side, 8, 2);
    } else if (format == "bmp") {
        bytes = "BM";
        put32(bytes, 54 + 64, false);
        put32(bytes, 0, false);
        put32(bytes, 54, false);
        put32(bytes, 40, false); // BITMAPINFOHEADER
        put32(bytes, side, false);
        put32(bytes, side, false);
        bytes += std::string("\x01\x00\x18\x00", 4); // 1 plane, 24 bits
        bytes += std::string(24 + 64, '\0');
    } else { // tiff, little-endian, one IFD with width and length as LONG
        bytes = std::string("II*\0", 4);
        put32(bytes, 8, false);
        bytes += std::string("\x02\x00", 2);
        for (const std::uint32_t tag : {256u, 257u}) {
            bytes += static_cast<char>(tag & 0xff);
            bytes += static_cast<char>(tag >> 8);
            bytes += std::string("\x04\x00", 2);
            put32(bytes, 1, false);
            put32(bytes, side, false);
        }
        bytes += std::string(4 + 64, '\0');
    }
    writeText(dir.path() / "images" / ("s." + format), bytes);
    const Dataset set = Dataset::open(dir.path());
    const ChildMemory m = measureInChild([&] {
        const LoadedSample s = set.load(0);
        if (!s.image.empty() || s.warnings.size() != 1 ||
            s.warnings[0].find("display image is 30000x30000, the label 2x1") == std::string::npos)
            throw std::runtime_error("not refused with its size");
    });
    EXPECT_FALSE(m.threw) << format << ": not refused with its declared size";
    expectSmall(m, 16 * kMiB, format + " display image claiming 30000x30000");
}

INSTANTIATE_TEST_SUITE_P(Formats, DisplayImageClaim, ::testing::Values("png", "bmp", "tiff"));
