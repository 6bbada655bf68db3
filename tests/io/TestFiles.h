#pragma once

// Helpers that write test data sets to a temporary folder, independently of the code
// under test (hand-built .npy bytes, OpenCV-encoded grey PNGs).

#include "NpyBytes.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace losslens::testing {

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        m_path = std::filesystem::temp_directory_path() /
                 ("losslens-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

// A float32 little-endian .npy of the given shape text, e.g. "(4, 3, 2)".
inline void writeNpy(const std::filesystem::path& file, const std::string& shape,
                     const std::vector<float>& values) {
    writeNpyBytes(file, "<f4", shape, values.data(), values.size() * 4);
}

// A float16 .npy of float16 bit patterns.
inline void writeNpyHalves(const std::filesystem::path& file, const std::string& shape,
                           const std::vector<std::uint16_t>& halves) {
    writeNpyBytes(file, "<f2", shape, halves.data(), halves.size() * 2);
}

// An 8-bit grey label PNG from row-major values.
inline void writeLabels(const std::filesystem::path& file, int width, int height,
                        const std::vector<int>& values) {
    cv::Mat m(height, width, CV_8U);
    for (int i = 0; i < width * height; ++i)
        m.at<unsigned char>(i / width, i % width) =
            static_cast<unsigned char>(values[static_cast<std::size_t>(i)]);
    std::filesystem::create_directories(file.parent_path());
    ASSERT_TRUE(cv::imwrite(file.string(), m));
}

} // namespace losslens::testing
