// .npz predictions through the prediction-file layer: which member is the array, every dtype
// and order as .npy has them, stored and deflated members, the archive's CRC, the limits,
// and what a watcher is told about a half-written archive. Archives are written with
// libzip's writer (ZipFiles.h), arrays by hand.
#include "losslens/io/DataError.h"
#include "losslens/io/NpyFile.h"
#include "losslens/io/NpzFile.h"
#include "losslens/io/PredictionFile.h"

#include "TestFiles.h"
#include "ZipFiles.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

using namespace losslens;
using losslens::testing::TempDir;
using losslens::testing::zipArchive;
using losslens::testing::ZipMember;

namespace {

// A .npy by hand: magic, version 1.0, the dict padded to a multiple of 64, the data.
std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                bool fortran = false) {
    std::string dict = "{'descr': '" + descr +
                       "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
    while ((10 + dict.size() + 1) % 64 != 0)
        dict += ' ';
    dict += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(dict.size() & 0xff);
    out += static_cast<char>(dict.size() >> 8);
    return out + dict + data;
}

template <typename T> std::string raw(const std::vector<T>& values, bool bigEndian = false) {
    std::string out;
    for (T v : values) {
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        if (bigEndian)
            std::reverse(b, b + sizeof(T));
        out.append(b, sizeof(T));
    }
    return out;
}

void writeBytes(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
}

std::string errorOf(const std::filesystem::path& file, const DataLimits& limits = {}) {
    try {
        (void)readPrediction(file, limits);
    } catch (const DataError& e) {
        EXPECT_EQ(e.file(), file);
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not a DataError: " << e.what();
    }
    return {};
}

} // namespace

// Among several members the one named prediction is the array; alone, any name is.
TEST(NpzTest, ThePredictionMemberOrTheOnlyOne) {
    TempDir dir;
    const std::vector<float> values{0.25f, 0.75f, 0.5f, 0.5f, 1.0f, 0.0f};
    const std::string array = npy("<f4", "(1, 3, 2)", raw(values));
    const std::string other = npy("<f4", "(2,)", raw<float>({9.0f, 9.0f}));
    for (const bool deflate : {false, true}) {
        SCOPED_TRACE(deflate ? "deflated" : "stored");
        const auto file = dir.path() / "named.npz";
        writeBytes(file, zipArchive({{"a.npy", other, deflate},
                                     {"prediction.npy", array, deflate},
                                     {"z.npy", other, deflate}},
                                    dir.path() / "scratch.zip"));
        const NpyArray a = readPrediction(file);
        EXPECT_EQ(a.shape, (std::vector<std::int64_t>{1, 3, 2}));
        EXPECT_EQ(a.data, values);
        NpzFile npz(file, {});
        EXPECT_EQ(npz.memberName(), "prediction.npy");
        EXPECT_TRUE(npz.sizeMatches());
        EXPECT_EQ(npz.readingCost(), 0);

        writeBytes(file, zipArchive({{"arr_0.npy", array, deflate}}, dir.path() / "scratch.zip"));
        EXPECT_EQ(readPrediction(file).data, values);
        EXPECT_EQ(predictionFileState(file), FileState::Complete);
    }
}

// Fortran order, float64 big-endian, float16: converted as from a .npy (values by hand).
TEST(NpzTest, EveryDtypeAndOrder) {
    TempDir dir;
    const auto file = dir.path() / "x.npz";
    // A 2 x 3 array [[1, 2, 3], [4, 5, 6]] stored column by column.
    writeBytes(file, zipArchive({{"arr_0.npy",
                                  npy(">f8", "(2, 3)", raw<double>({1, 4, 2, 5, 3, 6}, true), true),
                                  true}},
                                dir.path() / "s.zip"));
    NpzFile fortran(file, {});
    EXPECT_GT(fortran.readingCost(), 6 * 8); // the raw member is held while reordering
    EXPECT_EQ(readPrediction(file).data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
    // float16 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800; enough to cross the 256 KiB blocks.
    const std::size_t n = 300001;
    std::vector<std::uint16_t> halves(n);
    for (std::size_t i = 0; i < n; ++i)
        halves[i] = i % 3 == 0 ? 0x3c00 : (i % 3 == 1 ? 0xc000 : 0x3800);
    std::string shape = "(";
    shape.append(std::to_string(n)).append(",)"); // not "(" + ...: GCC 12's -Wrestrict
    writeBytes(file, zipArchive({{"prediction.npy", npy("<f2", shape, raw(halves)), true}},
                                dir.path() / "s.zip"));
    const NpyArray a = readPrediction(file);
    ASSERT_EQ(a.data.size(), n);
    for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(a.data[i], i % 3 == 0 ? 1.0f : (i % 3 == 1 ? -2.0f : 0.5f)) << i;
}

TEST(NpzTest, BadArchivesSayWhy) {
    TempDir dir;
    const auto file = dir.path() / "bad.npz";
    const std::string array = npy("<f4", "(4,)", raw<float>({1, 2, 3, 4}));
    const auto scratch = dir.path() / "s.zip";

    writeBytes(file, zipArchive({{"a.npy", array}, {"b.npy", array}}, scratch));
    std::string e = errorOf(file);
    EXPECT_NE(e.find("holds 2 arrays (a.npy, b.npy) and none named \"prediction\""),
              std::string::npos)
        << e;
    EXPECT_EQ(predictionFileState(file), FileState::Bad);

    writeBytes(file, zipArchive({{"arr_0.npy", "not a numpy array at all"}}, scratch));
    e = errorOf(file);
    EXPECT_NE(e.find("member arr_0.npy: "), std::string::npos) << e;

    // The header claims 5 elements, the member holds 4.
    writeBytes(file,
               zipArchive({{"arr_0.npy", npy("<f4", "(5,)", raw<float>({1, 2, 3, 4}))}}, scratch));
    e = errorOf(file);
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;

    // One data byte of a stored member changed: the CRC finds it.
    std::string bytes = zipArchive({{"arr_0.npy", array}}, scratch);
    const std::size_t at = bytes.find(raw<float>({1, 2, 3, 4}));
    ASSERT_NE(at, std::string::npos);
    bytes[at + 5] = static_cast<char>(bytes[at + 5] ^ 0x40);
    writeBytes(file, bytes);
    e = errorOf(file);
    EXPECT_NE(e.find("damaged"), std::string::npos) << e;

    // A member larger uncompressed than the file limit is refused before it is read.
    const std::string big = npy("<f4", "(100000,)", std::string(400000, '\0'));
    writeBytes(file, zipArchive({{"arr_0.npy", big, true}}, scratch));
    DataLimits limits;
    limits.maxFileBytes = 100000; // the deflated archive is far smaller than that
    e = errorOf(file, limits);
    EXPECT_NE(e.find("bytes uncompressed, more than the limit of 100000"), std::string::npos) << e;

    writeBytes(file, "PK\x05\x06 but nothing else of a zip");
    e = errorOf(file);
    EXPECT_NE(e.find("is not a readable .npz (zip) archive"), std::string::npos) << e;
    EXPECT_EQ(predictionFileState(file), FileState::Bad);

    e = errorOf(dir.path() / "absent.npz");
    EXPECT_NE(e.find("cannot read"), std::string::npos) << e;
    EXPECT_EQ(predictionFileState(dir.path() / "absent.npz"), FileState::Bad);
}

// While a writer writes an archive its central directory comes last: every cut of a whole
// archive is Incomplete (not Bad), the whole one Complete, an empty file Incomplete.
TEST(NpzTest, AHalfWrittenArchiveIsIncomplete) {
    TempDir dir;
    const auto file = dir.path() / "growing.npz";
    const std::string bytes =
        zipArchive({{"prediction.npy", npy("<f4", "(64,)", std::string(256, '\x01')), true}},
                   dir.path() / "s.zip");
    writeBytes(file, "");
    EXPECT_EQ(predictionFileState(file), FileState::Incomplete);
    for (std::size_t cut = 1; cut < bytes.size(); cut += 7) {
        writeBytes(file, bytes.substr(0, cut));
        EXPECT_EQ(predictionFileState(file), FileState::Incomplete) << "cut at " << cut;
    }
    writeBytes(file, bytes);
    EXPECT_EQ(predictionFileState(file), FileState::Complete);
}

TEST(PredictionFileTest, KindsByExtension) {
    EXPECT_TRUE(isPredictionFileName("a/b.npy"));
    EXPECT_TRUE(isPredictionFileName("b.NPZ"));
    EXPECT_FALSE(isPredictionFileName(".b.npz")); // a writer's temporary file
    EXPECT_FALSE(isPredictionFileName("b.png"));
    EXPECT_FALSE(isPredictionFileName("npz"));
    EXPECT_EQ(predictionExtensions(), (std::vector<std::string>{".npy", ".npz"}));
    TempDir dir;
    const auto text = dir.path() / "b.txt";
    writeBytes(text, "x");
    EXPECT_EQ(predictionFileState(text), FileState::Bad);
    const std::string e = errorOf(text);
    EXPECT_NE(e.find("is not a prediction file (.npy or .npz)"), std::string::npos) << e;
    // A .npy goes to its own reader through the same door.
    const auto file = dir.path() / "b.npy";
    writeBytes(file, npy("<f4", "(2, 1)", raw<float>({0.5f, 2.0f})));
    const auto opened = PredictionFile::open(file, {});
    EXPECT_NE(dynamic_cast<NpyFile*>(opened.get()), nullptr);
    EXPECT_EQ(readPrediction(file).data, (std::vector<float>{0.5f, 2.0f}));
}
