#pragma once

// Zip archives for the .npz tests, written with libzip's writer (the reader under test uses
// only its reading side): members stored or deflated, in the order given.

#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace losslens::testing {

struct ZipMember {
    std::string name;
    std::string bytes;
    bool deflate = false;
};

// The bytes of an archive holding `members`. `scratch` is a path the archive is built at
// (removed again).
inline std::string zipArchive(const std::vector<ZipMember>& members,
                              const std::filesystem::path& scratch) {
    int error = 0;
    zip_t* archive = zip_open(scratch.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (archive == nullptr)
        throw std::runtime_error("zip_open failed");
    for (const ZipMember& member : members) {
        zip_source_t* source =
            zip_source_buffer(archive, member.bytes.data(), member.bytes.size(), 0);
        const zip_int64_t index = zip_file_add(archive, member.name.c_str(), source, 0);
        if (index < 0)
            throw std::runtime_error("zip_file_add failed");
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                                 member.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    }
    if (zip_close(archive) != 0)
        throw std::runtime_error("zip_close failed");
    std::ifstream in(scratch, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    in.close();
    std::filesystem::remove(scratch);
    return bytes;
}

} // namespace losslens::testing
