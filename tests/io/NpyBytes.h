#pragma once

// Files written byte by byte, independently of the code under test: a text and a hand-built
// .npy. No OpenCV or GoogleTest, so any test executable can use them.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>

namespace losslens::testing {

inline void writeText(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

// A little-endian .npy of `descr` ('<f4', '<f2') and the given shape text, e.g. "(4, 3, 2)",
// holding `bytes` bytes of data at `data` (this machine's order: the tests run on x86).
inline void writeNpyBytes(const std::filesystem::path& file, const std::string& descr,
                          const std::string& shape, const void* data, std::size_t bytes) {
    std::string header =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header.append(63 - (10 + header.size()) % 64, ' ');
    header += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    out += header;
    out.append(static_cast<const char*>(data), bytes);
    writeText(file, out);
}

} // namespace losslens::testing
