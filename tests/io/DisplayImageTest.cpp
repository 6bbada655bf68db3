// Display images (images/<stem>.*): decoded by core for the window and checked against
// OpenCV's decoder of the same file; a bad one is a warning of its sample, never an error.
#include "TestFiles.h"

#include "losslens/io/Dataset.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

using namespace losslens;
using losslens::testing::TempDir;
using losslens::testing::writeLabels;
using losslens::testing::writeNpy;
using losslens::testing::writeText;

namespace {

std::size_t stemIndex(const Dataset& set, const std::string& stem) {
    for (std::size_t i = 0; i < set.entries().size(); ++i)
        if (set.entries()[i].stem == stem)
            return i;
    ADD_FAILURE() << "no stem " << stem;
    return 0;
}

// "(h, w, 2)", appended: GCC 12's -Wrestrict misfires on "(" + std::to_string(h) + ... here.
std::string twoClassShape(int w, int h) {
    std::string shape("(");
    shape.append(std::to_string(h)).append(", ").append(std::to_string(w)).append(", 2)");
    return shape;
}

// A w x h sample (labels 0, two classes at 0.5) whose display image images/<name> holds
// `bytes`; its stem is the name's.
void writeSampleWithImage(const std::filesystem::path& root, const std::string& name,
                          const std::string& bytes, int w, int h) {
    const std::string stem = std::filesystem::path(name).stem().string();
    writeLabels(root / "labels" / (stem + ".png"), w, h,
                std::vector<int>(static_cast<std::size_t>(w * h), 0));
    writeNpy(root / "predictions" / (stem + ".npy"), twoClassShape(w, h),
             std::vector<float>(static_cast<std::size_t>(w * h * 2), 0.5f));
    writeText(root / "images" / name, bytes);
}

} // namespace

TEST(Dataset, JpegDisplayImagesWholeTruncatedAndMisSized) {
    TempDir dir;
    const int w = 128;
    const int h = 96;
    std::vector<int> labels(static_cast<std::size_t>(w * h), 0);
    cv::Mat bgr(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(x * 2),
                                                static_cast<std::uint8_t>((x * 37) ^ (y * 11)),
                                                static_cast<std::uint8_t>(y * 2));
    std::vector<std::uint8_t> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", bgr, jpeg));
    std::vector<float> p(static_cast<std::size_t>(w * h * 2), 0.5f);
    for (const std::string stem : {"whole", "cut", "small"}) {
        writeLabels(dir.path() / "labels" / (stem + ".png"), w, h, labels);
        writeNpy(dir.path() / "predictions" / (stem + ".npy"), twoClassShape(w, h), p);
    }
    const auto write = [&](const std::string& name, const std::vector<std::uint8_t>& bytes) {
        writeText(dir.path() / "images" / name, std::string(bytes.begin(), bytes.end()));
    };
    write("whole.jpg", jpeg);
    // Cut in the scan data (the headers are a few hundred bytes of a much longer file).
    ASSERT_GT(jpeg.size(), 4000u);
    write("cut.jpeg", std::vector<std::uint8_t>(jpeg.begin(), jpeg.end() - jpeg.size() / 4));
    std::vector<std::uint8_t> small;
    cv::Mat half;
    cv::resize(bgr, half, cv::Size(w / 2, h / 2));
    ASSERT_TRUE(cv::imencode(".jpg", half, small));
    write("small.jpg", small);

    const Dataset set = Dataset::open(dir.path());
    const cv::Mat reference = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    ::testing::internal::CaptureStderr();
    const LoadedSample whole = set.load(stemIndex(set, "whole"));
    const LoadedSample cut = set.load(stemIndex(set, "cut"));
    const LoadedSample smallSample = set.load(stemIndex(set, "small"));
    const std::string stderrText = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(stderrText, "");

    ASSERT_FALSE(whole.image.empty());
    EXPECT_TRUE(whole.warnings.empty());
    int maxDiff = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                maxDiff = std::max(maxDiff, std::abs(static_cast<int>(whole.image.at(x, y, c)) -
                                                     reference.at<cv::Vec3b>(y, x)[2 - c]));
    EXPECT_LE(maxDiff, 1); // libjpeg's IDCT, as OpenCV's build of it

    ASSERT_EQ(cut.warnings.size(), 1u);
    ASSERT_FALSE(cut.image.empty()) << cut.warnings[0];
    EXPECT_NE(cut.warnings[0].find("cut.jpeg: display image: Premature end of JPEG file"),
              std::string::npos)
        << cut.warnings[0];
    EXPECT_EQ(cut.image.at(0, 0, 0), whole.image.at(0, 0, 0)); // the top was decoded

    EXPECT_TRUE(smallSample.image.empty());
    ASSERT_EQ(smallSample.warnings.size(), 1u);
    EXPECT_NE(smallSample.warnings[0].find("display image is 64x48, the label 128x96"),
              std::string::npos);
}

// Display images in every other format the set layout allows, decoded by core (libpng,
// libtiff, its own BMP reader) and compared with OpenCV's decoder of the same file: PNG in
// RGB, RGBA, grey, 16-bit and palette; BMP in 24 bits, 8 bits with a palette and top-down
// 32 bits; TIFF. A file cut short or of another kind is a warning, never a crash.
TEST(Dataset, DisplayImagesInEveryFormatMatchOpenCv) {
    TempDir dir;
    const int w = 37; // odd: BMP rows are padded to 4 bytes
    const int h = 23;
    cv::Mat bgr(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(x * 7),
                                                static_cast<std::uint8_t>((x * 37) ^ (y * 11)),
                                                static_cast<std::uint8_t>(y * 11));
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Mat bgra;
    cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
    cv::Mat wide;
    bgr.convertTo(wide, CV_16UC3, 257.0);
    const auto encoded = [](const char* ext, const cv::Mat& m) {
        std::vector<std::uint8_t> bytes;
        EXPECT_TRUE(cv::imencode(ext, m, bytes)) << ext;
        return std::string(bytes.begin(), bytes.end());
    };
    // A 32-bit top-down BMP and an 8-bit palette PNG written by hand (OpenCV writes neither).
    std::string bmp32(54, '\0');
    const auto put = [](std::string& s, std::size_t at, std::uint32_t v, int n) {
        for (int i = 0; i < n; ++i)
            s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    };
    bmp32[0] = 'B';
    bmp32[1] = 'M';
    put(bmp32, 2, static_cast<std::uint32_t>(54 + w * h * 4), 4);
    put(bmp32, 10, 54, 4);
    put(bmp32, 14, 40, 4);
    put(bmp32, 18, static_cast<std::uint32_t>(w), 4);
    put(bmp32, 22, static_cast<std::uint32_t>(-h), 4); // top-down
    put(bmp32, 26, 1, 2);
    put(bmp32, 28, 32, 2);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const cv::Vec3b c = bgr.at<cv::Vec3b>(y, x);
            bmp32 += std::string{static_cast<char>(c[0]), static_cast<char>(c[1]),
                                 static_cast<char>(c[2]), '\0'};
        }
    const std::vector<std::pair<std::string, std::string>> files = {
        {"rgb.png", encoded(".png", bgr)},
        {"rgba.png", encoded(".png", bgra)},
        {"grey.png", encoded(".png", grey)},
        {"wide.png", encoded(".png", wide)},
        {"rgb24.bmp", encoded(".bmp", bgr)},
        {"grey8.bmp", encoded(".bmp", grey)},
        {"top32.bmp", bmp32},
        {"rgb.tif", encoded(".tiff", bgr)},
        {"greyt.tiff", encoded(".tiff", grey)},
    };
    for (const auto& [name, bytes] : files)
        writeSampleWithImage(dir.path(), name, bytes, w, h);
    const Dataset set = Dataset::open(dir.path());
    for (const auto& [name, bytes] : files) {
        const std::string stem = std::filesystem::path(name).stem().string();
        const LoadedSample s = set.load(stemIndex(set, stem));
        EXPECT_TRUE(s.warnings.empty()) << name << ": " << s.warnings.front();
        ASSERT_EQ(s.image.width(), w) << name;
        ASSERT_EQ(s.image.channels(), 3) << name;
        const std::vector<std::uint8_t> raw(bytes.begin(), bytes.end());
        const cv::Mat reference = cv::imdecode(raw, cv::IMREAD_COLOR);
        ASSERT_FALSE(reference.empty()) << name;
        int worst = 0;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int c = 0; c < 3; ++c)
                    worst = std::max(worst, std::abs(int{s.image.at(x, y, c)} -
                                                     int{reference.at<cv::Vec3b>(y, x)[2 - c]}));
        // OpenCV turns grey into colour and 16 bits into 8 with rounding; libpng cuts.
        EXPECT_LE(worst, 1) << name;
    }
    // Cut short, or not an image: a warning naming the file, the sample still loads.
    for (const auto& [name, bytes] :
         {std::pair<std::string, std::string>{"cutb.bmp", bmp32.substr(0, 300)},
          {"cutp.png", files[0].second.substr(0, 200)},
          {"cutt.tif", files[7].second.substr(0, 100)}})
        writeSampleWithImage(dir.path(), name, bytes, w, h);
    const Dataset cut = Dataset::open(dir.path());
    ::testing::internal::CaptureStderr();
    for (const char* stem : {"cutb", "cutp", "cutt"}) {
        const LoadedSample s = cut.load(stemIndex(cut, stem));
        EXPECT_TRUE(s.image.empty()) << stem;
        ASSERT_EQ(s.warnings.size(), 1u) << stem;
        EXPECT_NE(s.warnings[0].find(stem), std::string::npos) << s.warnings[0];
    }
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// The window's scan checks a display image's header only (Dataset::Image::Check): the same
// warning as a full decode for every file whose header is bad or declares another size; none
// for a good file, one whose header runs past the first 4 KiB or 64 KiB (a JPEG with large
// EXIF-like segments, a TIFF with its directory after 120 KB of pixels) included; none either for
// damage past the header, which the viewer's decode reports.
TEST(Dataset, CheckingADisplayImageWarnsAsDecodingItsHeaderWould) {
    TempDir dir;
    const int w = 200;
    const int h = 200;
    cv::Mat noise(h, w, CV_8UC3);
    cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(256)); // TIFF's LZW cannot shrink it
    cv::Mat half;
    cv::resize(noise, half, cv::Size(w / 2, h / 2));
    const auto encoded = [](const char* ext, const cv::Mat& m) {
        std::vector<std::uint8_t> bytes;
        EXPECT_TRUE(cv::imencode(ext, m, bytes)) << ext;
        return std::string(bytes.begin(), bytes.end());
    };
    const std::string jpeg = encoded(".jpg", noise);
    const std::string png = encoded(".png", noise);
    const std::string tiff = encoded(".tiff", noise);
    ASSERT_GT(tiff.size(), 100000u);
    // Two 60,000-byte APP1 segments after the SOI marker: the frame header starts past 64 KiB.
    std::string tall = jpeg.substr(0, 2);
    for (int k = 0; k < 2; ++k) {
        const std::size_t length = 60000;
        tall += std::string{'\xff', '\xe1', static_cast<char>(length >> 8),
                            static_cast<char>(length & 0xff)};
        tall += std::string(length - 2, 'x');
    }
    tall += jpeg.substr(2);
    // One 10,000-byte APP1: the frame header starts between the first 4 KiB and 64 KiB.
    const std::string mid = jpeg.substr(0, 2) + std::string{'\xff', '\xe1', '\x27', '\x10'} +
                            std::string(10000 - 2, 'x') + jpeg.substr(2);
    const std::vector<std::pair<std::string, std::string>> files = {
        {"goodj.jpg", jpeg},
        {"goodp.png", png},
        {"goodb.bmp", encoded(".bmp", noise)},
        {"goodt.tif", tiff},
        {"tall.jpg", tall},
        {"mid.jpg", mid},
        {"smallj.jpg", encoded(".jpg", half)},
        {"smallp.png", encoded(".png", half)},
        {"text.png", "hello, not an image"},
        {"broken.jpg", "\xff\xd8\xff\xe0 broken jpeg"},
        {"headcutj.jpg", jpeg.substr(0, 100)},
        {"headcutp.png", png.substr(0, 20)},
        {"datacut.jpg", jpeg.substr(0, jpeg.size() / 2)},
    };
    for (const auto& [name, bytes] : files) {
        writeSampleWithImage(dir.path(), name, bytes, w, h);
    }
    const Dataset set = Dataset::open(dir.path());
    ::testing::internal::CaptureStderr();
    for (const auto& [name, bytes] : files) {
        const std::size_t i = stemIndex(set, std::filesystem::path(name).stem().string());
        const LoadedSample checked = set.load(i, Dataset::Image::Check);
        const LoadedSample loaded = set.load(i, Dataset::Image::Load);
        EXPECT_TRUE(checked.image.empty()) << name;
        const bool good = name.starts_with("good") || name == "tall.jpg" || name == "mid.jpg";
        if (good) {
            EXPECT_TRUE(checked.warnings.empty()) << name << ": " << checked.warnings.front();
            EXPECT_TRUE(loaded.warnings.empty()) << name << ": " << loaded.warnings.front();
            EXPECT_FALSE(loaded.image.empty()) << name;
        } else if (name == "datacut.jpg") {
            EXPECT_TRUE(checked.warnings.empty()) << checked.warnings.front();
            ASSERT_EQ(loaded.warnings.size(), 1u);
        } else {
            ASSERT_EQ(checked.warnings.size(), 1u) << name;
            EXPECT_EQ(checked.warnings, loaded.warnings) << name;
            EXPECT_NE(checked.warnings[0].find(name), std::string::npos) << checked.warnings[0];
        }
    }
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}
