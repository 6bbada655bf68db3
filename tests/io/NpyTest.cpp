#include "losslens/io/NpyArray.h"
#include "losslens/io/NpyFile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace losslens;

namespace {

// Builds a .npy by hand (independently of encodeNpyFloat32): magic, version, header
// length, the dict text, then raw data bytes.
std::string npy(const std::string& dict, const std::string& data, int major = 1) {
    std::string header = dict;
    header += '\n';
    std::string out("\x93NUMPY", 6);
    out += static_cast<char>(major);
    out += '\0';
    if (major == 1) {
        out += static_cast<char>(header.size() & 0xff);
        out += static_cast<char>(header.size() >> 8);
    } else {
        for (int i = 0; i < 4; ++i)
            out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    }
    return out + header + data;
}

template <typename T> std::string raw(std::initializer_list<T> values, bool bigEndian = false) {
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

NpyArray decode(const std::string& bytes) {
    return decodeNpy(std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
                     DataLimits{});
}

std::string errorOf(const std::string& bytes) {
    try {
        (void)decode(bytes);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(Npy, Float32LittleEndianCOrder) {
    const auto a = decode(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                              raw<float>({1, 2, 3, 4, 5, 6})));
    EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(a.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, Float64BigEndianVersion2) {
    const auto a = decode(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }",
                              raw<double>({0.25, -1.5, 8.0}, true), 2));
    EXPECT_EQ(a.data, (std::vector<float>{0.25f, -1.5f, 8.0f}));
}

TEST(Npy, Float16Version3) {
    // 1.0 = 0x3c00, 0.5 = 0x3800, -2.0 = 0xc000, smallest subnormal 2^-24 = 0x0001.
    const auto a = decode(npy("{\"descr\": \"<f2\", \"fortran_order\": False, \"shape\": (4,)}",
                              raw<std::uint16_t>({0x3c00, 0x3800, 0xc000, 0x0001}), 3));
    EXPECT_EQ(a.data[0], 1.0f);
    EXPECT_EQ(a.data[1], 0.5f);
    EXPECT_EQ(a.data[2], -2.0f);
    EXPECT_EQ(a.data[3], std::ldexp(1.0f, -24));
}

TEST(Npy, FortranOrderIsTransposedToC) {
    // A 2 x 3 array [[1,2,3],[4,5,6]] stored column-major: 1 4 2 5 3 6.
    const auto a = decode(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                              raw<float>({1, 4, 2, 5, 3, 6})));
    EXPECT_EQ(a.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
    // 3-D, shape (2, 2, 2): element (i, j, k) at Fortran offset i + 2j + 4k holds 100i+10j+k.
    std::vector<float> f(8);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 2; ++k)
                f[static_cast<std::size_t>(i + 2 * j + 4 * k)] =
                    static_cast<float>(100 * i + 10 * j + k);
    std::string data(reinterpret_cast<const char*>(f.data()), f.size() * 4);
    const auto b =
        decode(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2, 2), }", data));
    EXPECT_EQ(b.data, (std::vector<float>{0, 1, 10, 11, 100, 101, 110, 111}));
}

TEST(Npy, WriterRoundTripAndNumpyAlignment) {
    const std::vector<float> values{1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 9.0f};
    const std::int64_t shape[] = {2, 3};
    const std::string bytes = encodeNpyFloat32(values, shape);
    const std::size_t headerLength =
        static_cast<unsigned char>(bytes[8]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    EXPECT_EQ((10 + headerLength) % 64, 0u);
    EXPECT_EQ(bytes[10 + headerLength - 1], '\n');
    const auto a = decode(bytes);
    EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(a.data, values);
}

TEST(Npy, RejectsWhatIsNotFloatData) {
    EXPECT_NE(errorOf(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "xxxxxxxx"))
                  .find("object array"),
              std::string::npos);
    EXPECT_NE(errorOf(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", "abcd"))
                  .find("integer"),
              std::string::npos);
    EXPECT_NE(errorOf(npy("{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }",
                          std::string(16, 'a')))
                  .find("string dtype"),
              std::string::npos);
    EXPECT_NE(
        errorOf(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "abcd"))
            .find("structured"),
        std::string::npos);
    EXPECT_NE(errorOf("PK\x03\x04 this is a zip file").find("not a .npy"), std::string::npos);
    EXPECT_NE(errorOf("").find("not a .npy"), std::string::npos);
}

TEST(Npy, RejectsLyingAndMalformedHeaders) {
    // Claims 10^5 x 10^5 x 100 floats, holds 4 bytes: refused, nothing allocated.
    EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, "
                          "100), }",
                          "abcd"))
                  .find("truncated"),
              std::string::npos);
    EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                          raw<float>({1, 2, 3})))
                  .find("after the data"),
              std::string::npos);
    EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }", ""))
                  .find("negative"),
              std::string::npos);
    // Dimensions whose product overflows 64 bits.
    EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, "
                          "1099511627776, 1099511627776), }",
                          ""))
                  .find("overflow"),
              std::string::npos);
    EXPECT_NE(
        errorOf(
            npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", ""))
            .find("too large"),
        std::string::npos);
    EXPECT_NE(errorOf(npy("{'descr': '<f4', 'shape': (1,), }", "abcd")).find("lacks"),
              std::string::npos);
    EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,), }", "abcd"))
                  .find("True or False"),
              std::string::npos);
    EXPECT_NE(errorOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", "abcd"))
                  .find("after the header"),
              std::string::npos);
    std::string truncatedHeader =
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "");
    truncatedHeader.resize(30);
    EXPECT_NE(errorOf(truncatedHeader).find("truncated"), std::string::npos);
    std::string badVersion =
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "abcd");
    badVersion[6] = 9;
    EXPECT_NE(errorOf(badVersion).find("version"), std::string::npos);
}

TEST(Npy, OnlyTheVersionsNumpyWritesAreRead) {
    // numpy.lib.format accepts (1, 0), (2, 0) and (3, 0) and refuses any other minor version.
    const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
    const std::string data = raw<float>({0.5f});
    for (const int major : {1, 2, 3}) {
        const std::string good = npy(dict, data, major);
        const NpyArray array = decode(good);
        ASSERT_EQ(array.data.size(), 1u);
        EXPECT_EQ(array.data[0], 0.5f);
    }
    for (const auto& [major, minor] :
         {std::pair{1, 1}, std::pair{2, 2}, std::pair{3, 1}, std::pair{1, 255}}) {
        std::string bad = npy(dict, data, major);
        bad[7] = static_cast<char>(minor);
        const std::string error = errorOf(bad);
        EXPECT_NE(error.find("unsupported .npy version " + std::to_string(major) + "." +
                             std::to_string(minor)),
                  std::string::npos)
            << error;
    }
}

// readNpy on files of several megabytes in every C-order dtype: float32 read straight into
// the array, the others converted a megabyte at a time (the chunk edges fall mid-array).
TEST(NpyFileTest, EveryDtypeReadFromAFileInChunks) {
    const std::size_t n = 700001; // 2.7 MB as float32, 5.6 MB as float64, 1.4 MB as float16
    std::vector<float> expected(n);
    for (std::size_t i = 0; i < n; ++i)
        expected[i] = static_cast<float>(i % 1000) / 1000.0f; // exact in float16 only for some
    const auto path = std::filesystem::temp_directory_path() / "losslens_npy_chunks.npy";
    const std::string shape = "'shape': (" + std::to_string(n) + ",), }";
    for (const std::string descr : {"<f4", ">f4", "<f8", ">f8", "<f2"}) {
        SCOPED_TRACE(descr);
        std::string data;
        for (const float v : expected) {
            std::string bytes;
            if (descr[2] == '4')
                bytes = raw<float>({v}, descr[0] == '>');
            else if (descr[2] == '8')
                bytes = raw<double>({static_cast<double>(v)}, descr[0] == '>');
            else {
                // float16 by hand: round to the nearest of 10 mantissa bits (v in [0, 1)).
                std::uint16_t h = 0;
                if (v > 0.0f) {
                    int e = 0;
                    const float m = std::frexp(v, &e); // v = m * 2^e, m in [0.5, 1)
                    const auto mantissa =
                        static_cast<std::uint32_t>(std::lround((m * 2.0f - 1.0f) * 1024.0f));
                    h = static_cast<std::uint16_t>(((e - 1 + 15) << 10) + mantissa);
                }
                bytes = raw<std::uint16_t>({h});
            }
            data += bytes;
        }
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out << npy("{'descr': '" + descr + "', 'fortran_order': False, " + shape, data);
        }
        const NpyArray a = readNpy(path);
        ASSERT_EQ(a.data.size(), n);
        for (std::size_t i = 0; i < n; ++i)
            ASSERT_NEAR(a.data[i], expected[i], descr[2] == '2' ? 1e-3 : 0.0) << "element " << i;
    }
    std::filesystem::remove(path);
}

// Every float16 bit pattern against its value computed by hand (sign, exponent, mantissa
// with ldexp): zeros, subnormals, normals, infinities and NaNs.
TEST(NpyTest, EveryFloat16Value) {
    std::string data;
    for (std::uint32_t h = 0; h < 65536; ++h)
        data += raw<std::uint16_t>({static_cast<std::uint16_t>(h)});
    const auto a =
        decode(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (65536,), }", data));
    ASSERT_EQ(a.data.size(), 65536u);
    for (std::uint32_t h = 0; h < 65536; ++h) {
        const int exponent = static_cast<int>((h >> 10) & 0x1f);
        const int mantissa = static_cast<int>(h & 0x3ff);
        const double sign = (h & 0x8000) != 0 ? -1.0 : 1.0;
        const float got = a.data[h];
        if (exponent == 31) {
            if (mantissa != 0)
                EXPECT_TRUE(std::isnan(got)) << h;
            else
                EXPECT_EQ(got, static_cast<float>(sign * HUGE_VAL)) << h;
            continue;
        }
        const double value =
            exponent == 0 ? std::ldexp(mantissa, -24) : std::ldexp(1024 + mantissa, exponent - 25);
        EXPECT_EQ(got, static_cast<float>(sign * value)) << h;
        EXPECT_EQ(std::signbit(got), (h & 0x8000) != 0) << h;
    }
}

// Whether a file is whole yet, from its header and size alone (the window's set watcher
// asks while a training job writes): every cut of a file is incomplete, the whole file
// complete, a header longer than the first read (1 KiB of padding) read to its end, and a
// file that is not .npy bad.
TEST(Npy, StateFollowsTheHeaderAndTheDataLength) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("losslens-npystate-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "one.npy";
    const auto put = [&](const std::string& bytes) {
        std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    };
    const std::vector<float> values(60, 0.25f);
    const std::vector<std::int64_t> shape{3, 5, 4};
    const std::string bytes = encodeNpyFloat32(values, shape);
    for (const std::size_t cut : {std::size_t{0}, std::size_t{3}, std::size_t{11}, std::size_t{40},
                                  bytes.size() - 1, bytes.size()}) {
        put(bytes.substr(0, cut));
        EXPECT_EQ(npyState(file), cut == bytes.size() ? FileState::Complete : FileState::Incomplete)
            << cut;
    }
    // Version 1.0 with a 1014-byte header (the data starts at 1024), written by hand.
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5, 4), }";
    dict.append(1014 - 1 - dict.size(), ' ').append("\n");
    std::string padded = std::string("\x93NUMPY\x01\x00", 8);
    padded += static_cast<char>(1014 & 0xff);
    padded += static_cast<char>(1014 >> 8);
    padded += dict;
    ASSERT_EQ(padded.size(), 1024u);
    padded.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    for (const std::size_t cut :
         {std::size_t{300}, std::size_t{1023}, std::size_t{1100}, padded.size()}) {
        put(padded.substr(0, cut));
        EXPECT_EQ(npyState(file),
                  cut == padded.size() ? FileState::Complete : FileState::Incomplete)
            << cut;
    }
    put("not numpy at all");
    EXPECT_EQ(npyState(file), FileState::Bad);
    EXPECT_EQ(npyState(dir / "absent.npy"), FileState::Bad);
    std::filesystem::remove_all(dir);
}
